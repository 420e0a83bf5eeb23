import { create } from 'zustand'
import { useHostsStore } from './hosts'

/** Cluster-wide views of the main pane, next to the host and VM views. */
export type PanelName = 'storage' | 'ceph'

/**
 * What the main pane shows: a cluster-wide panel, else a VM (by UUID), else the selected host, else
 * the cluster file. Selecting one thing forgets the others.
 */
interface SelectionState {
  vm: string | null
  panel: PanelName | null
  selectVm(uuid: string | null): void
  showPanel(panel: PanelName | null): void
}

export const useSelectionStore = create<SelectionState>()((set) => ({
  vm: null,
  panel: null,
  selectVm: (vm) => {
    if (vm !== null) useHostsStore.getState().select(null)
    set({ vm, panel: null })
  },
  showPanel: (panel) => {
    if (panel !== null) useHostsStore.getState().select(null)
    set({ panel, vm: null })
  },
}))

/** Selecting a host (or the cluster file, with null) shows it and forgets the selected VM. */
export function selectHost(host: string | null): void {
  useSelectionStore.setState({ vm: null, panel: null })
  useHostsStore.getState().select(host)
}

// A host selected from anywhere (a prompt, a link) takes the main pane from the VM.
useHostsStore.subscribe((state, previous) => {
  if (state.selected !== null && state.selected !== previous.selected)
    useSelectionStore.setState({ vm: null, panel: null })
})
