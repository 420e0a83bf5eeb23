import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../shared/errors'
import { useApi } from './api/context'
import { Header } from './components/Header'
import { Sidebar } from './features/cluster/Sidebar'
import { ConfigPanel } from './features/config/ConfigPanel'
import { JobsPanel } from './features/jobs/JobsPanel'
import { useAppStore } from './store'

export function App() {
  const api = useApi()
  const { t } = useTranslation()
  const connection = useAppStore((state) => state.connection)

  useEffect(() => {
    const store = useAppStore.getState()
    const stopStatus = api.onStatus((status) => {
      store.setConnection(status)
      if (status !== 'connected') return
      // (Re)load what the core knows each time the connection comes (back).
      Promise.all([api.call('app.info', {}), api.call('config.get', {})]).then(
        ([info, config]) => {
          store.setAppInfo(info)
          store.setConfig(config)
        },
        (error: unknown) => {
          const data = ApiError.from(error).toData()
          store.notify({ kind: 'error', text: data.message, error: data })
        },
      )
    })
    const stopConfig = api.on('config.changed', (state) => store.setConfig(state))
    return () => {
      stopStatus()
      stopConfig()
    }
  }, [api])

  return (
    <div className="app">
      <Header />
      {connection === 'disconnected' && api.transport === 'websocket' && (
        <div className="banner" role="alert">
          {t('browser.disconnected')}
        </div>
      )}
      <div className="body">
        <Sidebar />
        <main className="main">
          <ConfigPanel />
        </main>
      </div>
      <JobsPanel />
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
