import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../shared/errors'
import { useApi } from './api/context'
import { Header } from './components/Header'
import { Sidebar } from './features/cluster/Sidebar'
import { ConfigPanel } from './features/config/ConfigPanel'
import { HostDetail } from './features/hosts/HostDetail'
import { HostPrompts } from './features/hosts/HostPrompts'
import { JobsPanel } from './features/jobs/JobsPanel'
import { useAppStore } from './store'
import { useHostsStore } from './store/hosts'
import { useInventoryStore } from './store/inventory'
import { useJobsStore } from './store/jobs'
import { useSelectionStore } from './store/selection'
import { VmView } from './features/vm/VmView'
import { MigrationSheet } from './features/migration/MigrationSheet'
import { StorageView } from './features/storage/StorageView'
import { CephView } from './features/ceph/CephView'
import { ConsoleDock } from './features/console/ConsoleDock'
import { UpdateNotice } from './features/updates/UpdateNotice'

export function App() {
  const api = useApi()
  const { t } = useTranslation()
  const connection = useAppStore((state) => state.connection)
  const selectedHost = useHostsStore((state) => state.selected)
  const selectedVm = useSelectionStore((state) => state.vm)
  const panel = useSelectionStore((state) => state.panel)

  useEffect(() => {
    const store = useAppStore.getState()
    const stopStatus = api.onStatus((status) => {
      store.setConnection(status)
      if (status !== 'connected') return
      // (Re)load what the core knows each time the connection comes (back).
      Promise.all([
        api.call('app.info', {}),
        api.call('config.get', {}),
        api.call('hosts.list', {}),
        api.call('inventory.get', {}),
        api.call('jobs.list', {}),
      ]).then(
        ([info, config, hosts, inventory, jobs]) => {
          store.setAppInfo(info)
          store.setConfig(config)
          useHostsStore.getState().replace(hosts)
          useInventoryStore.getState().replace(inventory)
          useJobsStore.getState().replace(jobs)
        },
        (error: unknown) => {
          const data = ApiError.from(error).toData()
          store.notify({ kind: 'error', text: data.message, error: data })
        },
      )
    })
    const stopConfig = api.on('config.changed', (state) => store.setConfig(state))
    const stopHosts = api.on('hosts.state', (state) => useHostsStore.getState().update(state))
    const stopInventory = api.on('inventory.changed', (update) => useInventoryStore.getState().apply(update))
    const stopJobs = api.on('jobs.update', (job) => useJobsStore.getState().update(job))
    return () => {
      stopStatus()
      stopConfig()
      stopHosts()
      stopInventory()
      stopJobs()
    }
  }, [api])

  return (
    <div className="app">
      <Header />
      <UpdateNotice />
      {connection === 'disconnected' && api.transport === 'websocket' && (
        <div className="banner" role="alert">
          {t('browser.disconnected')}
        </div>
      )}
      <div className="body">
        <Sidebar />
        <main className="main">
          {panel === 'storage' ? (
            <StorageView />
          ) : panel === 'ceph' ? (
            <CephView />
          ) : selectedVm ? (
            <VmView uuid={selectedVm} />
          ) : selectedHost ? (
            <HostDetail host={selectedHost} />
          ) : (
            <ConfigPanel />
          )}
        </main>
      </div>
      <ConsoleDock />
      <JobsPanel />
      <HostPrompts />
      <MigrationSheet />
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
