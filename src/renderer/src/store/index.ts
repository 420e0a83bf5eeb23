import { useMemo } from 'react'
import { create } from 'zustand'
import { createClusterSlice } from './cluster'
import { createConsolesSlice } from './consoles'
import { createNotificationsSlice } from './notifications'
import { createSessionSlice } from './session'
import type { AppState } from './types'
import { createViewSlice } from './view'

export type { AppState } from './types'
export type { Theme } from './session'
export type { Notification } from './notifications'
export { tabKey, type ConsoleTab } from './consoles'
export { VM_DRAG_TYPE, type ImageFocus, type Overlay, type PanelName, type View } from './view'

/**
 * The renderer's state, one store built from slices: the session (link, cluster file, language,
 * theme), notifications, the cluster as the core pushes it (hosts, inventory, jobs, maintenance),
 * the view (what the main pane shows, the migration sheet) and the console tabs. Core events reach
 * it through one module, ./core-events.ts.
 */
export const useAppStore = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createNotificationsSlice(...a),
  ...createClusterSlice(...a),
  ...createViewSlice(...a),
  ...createConsolesSlice(...a),
}))

/**
 * The names of the cluster's VMs, or null until the core's inventory has come (inventoryKnown): a
 * new VM's name is checked against them, and "none read yet" must not pass for "no VM has it".
 */
export function useKnownVmNames(): readonly string[] | null {
  const vms = useAppStore((state) => state.vms)
  const known = useAppStore((state) => state.inventoryKnown)
  return useMemo(() => (known ? vms.map((vm) => vm.name) : null), [known, vms])
}
