import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { notifyError } from '../../components/notify'
import { HostErrors } from './HostErrors'
import { sshSentence } from './ssh-sentence'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { HostOverview } from './HostOverview'
import { HostStatus } from './HostStatus'
import { DoctorReport } from './DoctorReport'
import { HostRetry } from './HostRetry'
import { hostHealth } from '../../../../shared/host-health'
import { MaintenanceButton } from '../maintenance/MaintenanceButton'
import { Data } from '../../components/Data'

/**
 * One hypervisor: its connection and why it is not online, its resources (live graphs), VMs, versions
 * and host key, the doctor's report with exact fixes, and the remote commands that failed lately.
 */
// uPlot comes with the graphs, loaded when a host's view first shows them (issue 23 item 5).
const HostGraphs = lazyPart(async () => (await import('./HostGraphs')).HostGraphs)

export function HostDetail({ host }: { host: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const state = useAppStore((store) => store.hostStates[host])
  const memoryTotalKiB = useAppStore((store) => store.inventories[host]?.facts.memoryTotalKiB)
  const [busy, setBusy] = useState(false)
  // When the user last clicked Connect: "trying…" shows until the host's state moves on from it.
  const [clickedAt, setClickedAt] = useState<number | null>(null)

  async function act(action: () => Promise<unknown>): Promise<void> {
    setBusy(true)
    try {
      await action()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  if (!state) return null
  const error = state.error ? sshSentence(t, state.error) : undefined
  return (
    <section className="panel" data-testid="host-detail">
      <div className="panel-title">
        <h1>
          <Data>{state.name}</Data>{' '}
          <span className="muted small" translate="no">
            {state.target}
          </span>
        </h1>
        <HostStatus {...hostHealth(state)} />
      </div>
      <HostRetry state={state} clickedAt={clickedAt} />
      {error && state.status !== 'online' && (
        <div className="host-error" role="status" data-testid="host-error">
          <div>{error.message}</div>
          {error.said && (
            <pre className="stderr" translate="no" lang="en">
              {error.said}
            </pre>
          )}
          {error.hint && <div className="muted small">{error.hint}</div>}
        </div>
      )}
      {state.knownHostsWarnings && (
        <div className="warning small" data-testid="known-hosts-warnings">
          <div>{t('hosts.knownHostsWarnings')}</div>
          <ul>
            {state.knownHostsWarnings.map((skip) => (
              <li key={`${skip.file}:${skip.line}`}>
                {t('sshTexts.knownHostsSkipped', {
                  file: skip.file,
                  line: skip.line,
                  reason: t(`knownHostsReasons.${skip.reasonText}`, {
                    ...skip.params,
                    defaultValue: skip.reason,
                  }),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="host-actions">
        {state.status === 'online' || state.status === 'connecting' ? (
          <button disabled={busy} onClick={() => void act(() => api.call('hosts.disconnect', { host }))}>
            {t('hosts.disconnect')}
          </button>
        ) : (
          <button
            disabled={busy}
            data-testid="host-connect"
            onClick={() => {
              setClickedAt(Date.now())
              void act(async () => {
                try {
                  await api.call('hosts.connect', { host })
                } catch (error) {
                  setClickedAt(null) // refused before any attempt: the error says why
                  throw error
                }
              })
            }}
          >
            {t('hosts.connect')}
          </button>
        )}
        <button
          disabled={busy || state.status !== 'online'}
          data-testid="run-doctor"
          onClick={() => void act(() => api.call('hosts.doctor', { host }))}
        >
          {t('hosts.runDoctor')}
        </button>
        <button
          disabled={state.status !== 'online'}
          data-testid="open-host-shell"
          onClick={() => useAppStore.getState().openConsole({ kind: 'shell', host })}
        >
          {t('console.openShell')}
        </button>
        <MaintenanceButton host={host} online={state.status === 'online'} />
        {state.connectMs !== undefined && state.status === 'online' && (
          <span className="muted small">{t('hosts.connectedIn', { ms: state.connectMs })}</span>
        )}
      </div>

      <HostOverview state={state} />
      {state.status === 'online' && (
        <LazyPart>
          <HostGraphs host={host} {...(memoryTotalKiB !== undefined ? { memoryTotalKiB } : {})} />
        </LazyPart>
      )}

      <h2>{t('hosts.doctor')}</h2>
      <DoctorReport report={state.doctor} />
      <HostErrors host={host} />
    </section>
  )
}
