import { useTranslation } from 'react-i18next'
import { useApi } from './api/context'
import { Header } from './components/Header'
import { Sidebar } from './features/cluster/Sidebar'
import { ConfigPanel } from './features/config/ConfigPanel'
import { HostPrompts } from './features/hosts/HostPrompts'
import { JobsPanel } from './features/jobs/JobsPanel'
import { useAppStore } from './store'
import { ConsoleDock } from './features/console/ConsoleDock'
import { UpdateNotice } from './features/updates/UpdateNotice'
import { SidebarResizer } from './features/cluster/SidebarResizer'
import { JumpDialog } from './features/help/JumpDialog'
import { useShortcuts } from './features/help/use-shortcuts'
import { useJobNotices } from './features/help/use-job-notices'
import { useEffect } from 'react'
import { LazyPart, lazyPart } from './components/LazyPart'

// Views a session may never open: loaded the first time they are (issue 23 item 5).
const StorageView = lazyPart(async () => (await import('./features/storage/StorageView')).StorageView)
const CephView = lazyPart(async () => (await import('./features/ceph/CephView')).CephView)
const FailoverIpView = lazyPart(async () => (await import('./features/ovh/FailoverIpView')).FailoverIpView)
const FirewallView = lazyPart(async () => (await import('./features/ovh/FirewallView')).FirewallView)
const VmView = lazyPart(async () => (await import('./features/vm/VmView')).VmView)
const HostDetail = lazyPart(async () => (await import('./features/hosts/HostDetail')).HostDetail)
const HelpSheet = lazyPart(async () => (await import('./features/help/HelpSheet')).HelpSheet)
const MigrationSheet = lazyPart(
  async () => (await import('./features/migration/MigrationSheet')).MigrationSheet,
)

/** Fetches the chunks of the views a click opens once the tree is painted, so a click never waits. */
function prefetchViews(): void {
  void import('./features/vm/VmView')
  void import('./features/hosts/HostDetail')
}

export function App() {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const connection = useAppStore((state) => state.connection)
  const view = useAppStore((state) => state.view)
  const migrating = useAppStore((state) => state.migration !== null)
  const helpOpen = useAppStore((state) => state.overlay === 'help')
  useShortcuts(api)
  useJobNotices(api)
  // Electron: the menu follows the window's language, and its Help items open the help sheet.
  useEffect(() => api.setLanguage(i18n.language), [api, i18n.language])
  useEffect(() => api.onMenuCommand(() => useAppStore.getState().openOverlay('help')), [api])
  useEffect(() => {
    const idle = requestIdleCallback(prefetchViews, { timeout: 5000 })
    return () => cancelIdleCallback(idle)
  }, [])

  return (
    <div className="app">
      <Header />
      <UpdateNotice />
      {connection === 'disconnected' && api.transport === 'websocket' && (
        <div className="banner" role="alert">
          {t('browser.disconnected')}
        </div>
      )}
      {connection === 'stale' && (
        <div className="banner" role="alert" data-testid="stale-link">
          {t('link.stale')}
        </div>
      )}
      <div className="body">
        <Sidebar />
        <SidebarResizer />
        {/* The consoles dock under the main pane, beside the tree: the tree keeps its height and width. */}
        <div className="workspace">
          <main className="main">
            {view.kind === 'storage' ? (
              <LazyPart>
                <StorageView />
              </LazyPart>
            ) : view.kind === 'ceph' ? (
              <LazyPart>
                <CephView />
              </LazyPart>
            ) : view.kind === 'failoverIps' ? (
              <LazyPart>
                <FailoverIpView />
              </LazyPart>
            ) : view.kind === 'hostFirewall' ? (
              <LazyPart>
                <FirewallView />
              </LazyPart>
            ) : view.kind === 'vm' ? (
              <LazyPart>
                <VmView uuid={view.uuid} />
              </LazyPart>
            ) : view.kind === 'host' ? (
              <LazyPart>
                <HostDetail host={view.host} />
              </LazyPart>
            ) : (
              <ConfigPanel />
            )}
          </main>
          <ConsoleDock />
        </div>
      </div>
      <JobsPanel />
      <HostPrompts />
      {migrating && (
        <LazyPart>
          <MigrationSheet />
        </LazyPart>
      )}
      {helpOpen && (
        <LazyPart>
          <HelpSheet />
        </LazyPart>
      )}
      <JumpDialog />
    </div>
  )
}

/** Browser mode opened without its secret link. */
export function NoTokenPage() {
  const { t } = useTranslation()
  return (
    <div className="app">
      <main className="main centered">
        <section className="panel" data-testid="no-token">
          <h1>{t('browser.noTokenTitle')}</h1>
          <p>{t('browser.noToken')}</p>
        </section>
      </main>
    </div>
  )
}
