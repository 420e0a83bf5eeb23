import type { Slice } from './types'

export interface ImageFocus {
  pool: string
  image: string
}

/**
 * What the main pane shows, as one value: the cluster file, a host, a VM (by UUID), or a
 * cluster-wide panel (storage with the image whose panel is open, Ceph, OVH's failover IPs, the
 * hosts' firewall). Selecting one thing
 * replaces the rest, so two selections can never disagree.
 */
export type View =
  | { kind: 'config' }
  | { kind: 'host'; host: string }
  | { kind: 'vm'; uuid: string }
  | { kind: 'storage'; image?: ImageFocus }
  | { kind: 'ceph' }
  | { kind: 'failoverIps' }
  | { kind: 'hostFirewall' }

/** Cluster-wide views of the main pane, next to the host and VM views. */
export type PanelName = 'storage' | 'ceph' | 'failoverIps' | 'hostFirewall'

/** A window-wide overlay: the help sheet (shortcuts and About) or the jump box (Ctrl/Cmd+K). */
export type Overlay = 'help' | 'jump'

export interface ViewSlice {
  view: View
  overlay: Overlay | null
  openOverlay(overlay: Overlay | null): void
  /** The migration sheet: which VM to which host, opened by drag and drop, the VM menu or the keyboard. */
  migration: { uuid: string; to: string } | null
  select(view: View): void
  openMigration(uuid: string, to: string): void
  closeMigration(): void
}

export const createViewSlice: Slice<ViewSlice> = (set) => ({
  view: { kind: 'config' },
  overlay: null,
  openOverlay: (overlay) => set({ overlay }),
  migration: null,
  select: (view) => set({ view }),
  openMigration: (uuid, to) => set({ migration: { uuid, to } }),
  closeMigration: () => set({ migration: null }),
})

/** The drag payload type: only VM rows set it, so hosts accept nothing else. */
export const VM_DRAG_TYPE = 'application/x-hyperdesk-vm'
