import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { tabKey, useAppStore, type ConsoleTab } from '../../store'
import './console.css'

// noVNC and xterm are loaded when the first console of their kind opens (issue 23 item 5).
const VncConsole = lazyPart(async () => (await import('./VncConsole')).VncConsole)
const TerminalView = lazyPart(async () => (await import('./TerminalView')).TerminalView)

/** The consoles' dock: one tab per open console; hidden tabs stay connected. */
export function ConsoleDock() {
  const { t } = useTranslation()
  const tabs = useAppStore((state) => state.consoleTabs)
  const active = useAppStore((state) => state.activeConsole)
  // The names of the open consoles' VMs only: an inventory update (every VM as new objects) that
  // renames none of them does not render the dock again.
  const names = useAppStore(
    useShallow((state) =>
      state.consoleTabs.map((tab) =>
        tab.kind === 'shell' ? '' : (state.vms.find((vm) => vm.uuid === tab.uuid)?.name ?? tab.uuid),
      ),
    ),
  )
  if (tabs.length === 0) return null

  const title = (tab: ConsoleTab): string => {
    if (tab.kind === 'shell') return t('console.shellTab', { host: tab.host })
    const name = names[tabs.indexOf(tab)] ?? tab.uuid
    return tab.kind === 'vnc' ? t('console.vncTab', { name }) : t('console.serialTab', { name })
  }

  return (
    <section
      className={active ? 'console-dock shown' : 'console-dock'}
      aria-label={t('console.dock')}
      data-testid="console-dock"
    >
      <div className="console-tabs" role="tablist">
        {tabs.map((tab) => {
          const key = tabKey(tab)
          return (
            <span key={key} className={`console-tab${key === active ? ' current' : ''}`}>
              <button
                role="tab"
                aria-selected={key === active}
                onClick={() => useAppStore.getState().showConsole(key)}
                data-testid={`console-tab-${key}`}
              >
                {title(tab)}
              </button>
              <button
                className="link small"
                aria-label={t('console.closeTab', { title: title(tab) })}
                onClick={() => useAppStore.getState().closeConsole(key)}
              >
                ×
              </button>
            </span>
          )
        })}
        <button
          className="link small console-hide"
          onClick={() => useAppStore.getState().showConsole(active ? null : tabKey(tabs[tabs.length - 1]!))}
        >
          {active ? t('console.hide') : t('console.show')}
        </button>
      </div>
      <LazyPart>
        {tabs.map((tab) => {
          const key = tabKey(tab)
          const visible = key === active
          if (tab.kind === 'vnc') return <VncConsole key={key} uuid={tab.uuid} visible={visible} />
          return <TerminalView key={key} target={tab} visible={visible} />
        })}
      </LazyPart>
    </section>
  )
}
