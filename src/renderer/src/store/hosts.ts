import { create } from 'zustand'
import type { HostState } from '../../../shared/hosts'

/** Each hypervisor's SSH state and doctor report, as pushed by the core's `hosts.state` events. */
interface HostsState {
  states: Record<string, HostState>
  /** The host shown in the main pane (null: the cluster file). */
  selected: string | null
  /** Prompts the user closed without answering (host key fingerprints, key paths): not asked again. */
  dismissed: ReadonlySet<string>
  replace(list: readonly HostState[]): void
  update(state: HostState): void
  select(host: string | null): void
  dismiss(key: string): void
}

export const useHostsStore = create<HostsState>()((set) => ({
  states: {},
  selected: null,
  dismissed: new Set(),
  replace: (list) => set({ states: Object.fromEntries(list.map((state) => [state.name, state])) }),
  update: (state) => set((previous) => ({ states: { ...previous.states, [state.name]: state } })),
  select: (selected) => set({ selected }),
  dismiss: (key) => set((previous) => ({ dismissed: new Set([...previous.dismissed, key]) })),
}))
