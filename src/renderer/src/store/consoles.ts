import type { Slice } from './types'

/**
 * The open consoles, as tabs of the console dock: several at once (each keeps its connection while
 * another tab is shown). A VM's VNC and serial consoles and a host's shell are one tab each.
 */
export type ConsoleTab =
  { kind: 'vnc'; uuid: string } | { kind: 'serial'; uuid: string } | { kind: 'shell'; host: string }

export function tabKey(tab: ConsoleTab): string {
  return tab.kind === 'shell' ? `shell:${tab.host}` : `${tab.kind}:${tab.uuid}`
}

export interface ConsolesSlice {
  consoleTabs: ConsoleTab[]
  /** The tab shown (null: the dock is folded). */
  activeConsole: string | null
  openConsole(tab: ConsoleTab): void
  closeConsole(key: string): void
  showConsole(key: string | null): void
}

export const createConsolesSlice: Slice<ConsolesSlice> = (set) => ({
  consoleTabs: [],
  activeConsole: null,
  openConsole: (tab) =>
    set((state) => {
      const key = tabKey(tab)
      const tabs = state.consoleTabs
      return {
        consoleTabs: tabs.some((existing) => tabKey(existing) === key) ? tabs : [...tabs, tab],
        activeConsole: key,
      }
    }),
  closeConsole: (key) =>
    set((state) => {
      const consoleTabs = state.consoleTabs.filter((tab) => tabKey(tab) !== key)
      const last = consoleTabs[consoleTabs.length - 1]
      const activeConsole = state.activeConsole === key ? (last ? tabKey(last) : null) : state.activeConsole
      return { consoleTabs, activeConsole }
    }),
  showConsole: (activeConsole) => set({ activeConsole }),
})
