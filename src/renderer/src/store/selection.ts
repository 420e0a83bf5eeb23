import { create } from 'zustand'
import { useHostsStore } from './hosts'

/** Which VM the main pane shows (by UUID). Selecting a VM clears the host selection and back. */
interface SelectionState {
  vm: string | null
  selectVm(uuid: string | null): void
}

export const useSelectionStore = create<SelectionState>()((set) => ({
  vm: null,
  selectVm: (vm) => {
    if (vm !== null) useHostsStore.getState().select(null)
    set({ vm })
  },
}))

/** Selecting a host (or the cluster file, with null) shows it and forgets the selected VM. */
export function selectHost(host: string | null): void {
  useSelectionStore.setState({ vm: null })
  useHostsStore.getState().select(host)
}

// A host selected from anywhere (a prompt, a link) takes the main pane from the VM.
useHostsStore.subscribe((state, previous) => {
  if (state.selected !== null && state.selected !== previous.selected)
    useSelectionStore.setState({ vm: null })
})
