import { useTranslation } from 'react-i18next'
import { useApi } from './api/context'
import { Header } from './components/Header'
import { Sidebar } from './features/cluster/Sidebar'
import { ConfigPanel } from './features/config/ConfigPanel'
import { HostDetail } from './features/hosts/HostDetail'
import { HostPrompts } from './features/hosts/HostPrompts'
import { JobsPanel } from './features/jobs/JobsPanel'
import { useAppStore } from './store'
import { VmView } from './features/vm/VmView'
import { MigrationSheet } from './features/migration/MigrationSheet'
import { FailoverIpView } from './features/ovh/FailoverIpView'
import { FirewallView } from './features/ovh/FirewallView'
import { ConsoleDock } from './features/console/ConsoleDock'
import { UpdateNotice } from './features/updates/UpdateNotice'
import { SidebarResizer } from './features/cluster/SidebarResizer'
import { HelpSheet } from './features/help/HelpSheet'
import { JumpDialog } from './features/help/JumpDialog'
import { useShortcuts } from './features/help/use-shortcuts'
import { useJobNotices } from './features/help/use-job-notices'
import { useEffect } from 'react'
import { LazyPart, lazyPart } from './components/LazyPart'

// Views a session may never open: loaded the first time they are (issue 23 item 5).
const StorageView = lazyPart(async () => (await import('./features/storage/StorageView')).StorageView)
const CephView = lazyPart(async () => (await import('./features/ceph/CephView')).CephView)

export function App() {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const connection = useAppStore((state) => state.connection)
  const view = useAppStore((state) => state.view)
  useShortcuts(api)
  useJobNotices(api)
  // Electron: the menu follows the window's language, and its Help items open the help sheet.
  useEffect(() => api.setLanguage(i18n.language), [api, i18n.language])
  useEffect(() => api.onMenuCommand(() => useAppStore.getState().openOverlay('help')), [api])

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
              <FailoverIpView />
            ) : view.kind === 'hostFirewall' ? (
              <FirewallView />
            ) : view.kind === 'vm' ? (
              <VmView uuid={view.uuid} />
            ) : view.kind === 'host' ? (
              <HostDetail host={view.host} />
            ) : (
              <ConfigPanel />
            )}
          </main>
          <ConsoleDock />
        </div>
      </div>
      <JobsPanel />
      <HostPrompts />
      <MigrationSheet />
      <HelpSheet />
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
