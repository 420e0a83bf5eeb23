import { create } from 'zustand'
import type { HostInventory, Vm } from '../../../shared/inventory'

/** The cluster's live inventory, as pushed by the core's `inventory.changed` events. */
interface InventoryState {
  hosts: Record<string, HostInventory>
  vms: Vm[]
  /** When the last update arrived (performance.now()), for the UI's freshness and for tests. */
  receivedAt: number
  apply(update: { host: HostInventory; vms: Vm[] }): void
  replace(snapshot: { hosts: HostInventory[]; vms: Vm[] }): void
}

export const useInventoryStore = create<InventoryState>()((set) => ({
  hosts: {},
  vms: [],
  receivedAt: 0,
  apply: ({ host, vms }) =>
    set((state) => ({ hosts: { ...state.hosts, [host.host]: host }, vms, receivedAt: performance.now() })),
  replace: ({ hosts, vms }) =>
    set({
      hosts: Object.fromEntries(hosts.map((host) => [host.host, host])),
      vms,
      receivedAt: performance.now(),
    }),
}))
