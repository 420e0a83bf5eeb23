import { create } from 'zustand'

/**
 * The open consoles, as tabs of the console dock: several at once (each keeps its connection while
 * another tab is shown). A VM's VNC and serial consoles and a host's shell are one tab each.
 */
export type ConsoleTab =
  { kind: 'vnc'; uuid: string } | { kind: 'serial'; uuid: string } | { kind: 'shell'; host: string }

export function tabKey(tab: ConsoleTab): string {
  return tab.kind === 'shell' ? `shell:${tab.host}` : `${tab.kind}:${tab.uuid}`
}

interface ConsolesState {
  tabs: ConsoleTab[]
  active: string | null
  open(tab: ConsoleTab): void
  close(key: string): void
  show(key: string | null): void
}

export const useConsolesStore = create<ConsolesState>()((set) => ({
  tabs: [],
  active: null,
  open: (tab) =>
    set((state) => {
      const key = tabKey(tab)
      const tabs = state.tabs.some((existing) => tabKey(existing) === key) ? state.tabs : [...state.tabs, tab]
      return { tabs, active: key }
    }),
  close: (key) =>
    set((state) => {
      const tabs = state.tabs.filter((tab) => tabKey(tab) !== key)
      const active =
        state.active === key ? (tabs.length ? tabKey(tabs[tabs.length - 1]!) : null) : state.active
      return { tabs, active }
    }),
  show: (active) => set({ active }),
}))
