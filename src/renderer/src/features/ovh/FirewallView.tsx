import { useCallback, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import {
  FIREWALL_HELPER,
  FirewallChangeResultSchema,
  type FirewallChangeResult,
  type FirewallState,
} from '../../../../shared/firewall'
import type { Job } from '../../../../shared/jobs'
import { IPV4_PATTERN } from '../../../../shared/validators'
import { useApi } from '../../api/context'
import { ErrorBox } from '../../components/ErrorBox'
import { SaidBlocks } from '../../components/MessageText'
import { MessageText } from '../../components/MessageText'
import { useTrackedJob } from '../storage/storage-jobs'
import { useRead } from './use-read'
import './ovh.css'

/**
 * The hosts' firewall as one cluster setting (issue 20): IPS_FAILOVER on every host side by side,
 * the drift highlighted, and one job that adds or removes an address on every host (the core's
 * `firewall.change`: one host after the other, each confirmed over a new SSH connection or put back
 * by its dead-man restore). The job's step while it runs, then each host's outcome, the host where
 * it failed named.
 */
export function FirewallView() {
  const { t } = useTranslation()
  const api = useApi()
  const [ip, setIp] = useState('')
  const reader = useCallback(() => api.call('firewall.state', {}), [api])
  const { value: state, error, loading, read } = useRead(reader)
  const [job, track] = useTrackedJob(() => void read())

  return (
    <section className="panel ovh" data-testid="firewall-view">
      <div className="panel-title">
        <h1>{t('hostFirewall.title')}</h1>
        <button onClick={() => void read()} disabled={loading} data-testid="firewall-refresh">
          {t('hostFirewall.refresh')}
        </button>
      </div>
      <p className="muted">{t('hostFirewall.intro')}</p>
      {error && <ErrorBox error={error} testId="firewall-error" />}
      {!state && !error && <p className="muted">{t('hostFirewall.loading')}</p>}
      {state && <FirewallTable state={state} onPick={setIp} />}
      <ChangeForm ip={ip} setIp={setIp} busy={job?.state === 'running'} onStarted={track} />
      {job && <ChangeOutcome job={job} />}
    </section>
  )
}

function FirewallTable({ state, onPick }: { state: FirewallState; onPick(ip: string): void }) {
  const { t } = useTranslation()
  const drifting = new Map(state.drift.map((entry) => [entry.ip, entry]))
  return (
    <>
      <p
        className={state.drift.length > 0 ? 'ovh-warn' : 'ovh-good'}
        data-testid="firewall-drift-summary"
        data-drift={state.drift.length}
      >
        {state.ips.length === 0
          ? t('hostFirewall.empty')
          : state.drift.length > 0
            ? t('hostFirewall.drift', { count: state.drift.length })
            : t('hostFirewall.noDrift', { count: state.ips.length })}
      </p>
      <table className="ovh-table firewall-table" data-testid="firewall-table">
        <thead>
          <tr>
            <th>{t('hostFirewall.address')}</th>
            {state.hosts.map((host) => (
              <th key={host.host} data-host={host.host}>
                <span translate="no">{host.host}</span>
                {host.armed && (
                  <div className="ovh-warn small" data-testid="firewall-armed">
                    {t('hostFirewall.armed')}
                  </div>
                )}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {state.hosts.some((host) => host.error) && (
            <tr className="ovh-row-fail">
              <td>{t('hostFirewall.unreadable')}</td>
              {state.hosts.map((host) => (
                <td
                  key={host.host}
                  data-testid={host.error ? 'firewall-host-error' : undefined}
                  data-code={host.error?.code}
                >
                  {host.error && <HostReadError host={host.host} error={host.error} />}
                </td>
              ))}
              <td />
            </tr>
          )}
          {state.ips.map((ip) => {
            const drift = drifting.get(ip)
            return (
              <tr
                key={ip}
                className={drift ? 'ovh-row-warn' : undefined}
                data-testid="firewall-ip"
                data-ip={ip}
                data-drift={drift ? 'yes' : 'no'}
              >
                <td translate="no">{ip}</td>
                {state.hosts.map((host) =>
                  !host.ips ? (
                    <td key={host.host} className="muted">
                      {t('hostFirewall.unreadable')}
                    </td>
                  ) : host.ips.includes(ip) ? (
                    <td key={host.host} className="ovh-listed" data-host={host.host} data-listed="yes">
                      ✓ {t('hostFirewall.listed')}
                    </td>
                  ) : (
                    <td key={host.host} className="ovh-missing" data-host={host.host} data-listed="no">
                      ✗ {t('hostFirewall.missing')}
                    </td>
                  ),
                )}
                <td>
                  {drift && (
                    <button className="link small" onClick={() => onPick(ip)} data-testid="firewall-pick">
                      {t('hostFirewall.addEverywhere')}
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}

/**
 * Why a host's IPS_FAILOVER could not be read, in the window's language: the helper missing or sudo
 * refusing it (with the exact fix), the helper's own refusal (what it printed, verbatim), or the host
 * not answering over SSH (its state is in the cluster tree; Hyperdesk retries by itself).
 */
function HostReadError({ host, error }: { host: string; error: ApiErrorData }) {
  const { t } = useTranslation()
  if (error.code === 'firewall.helper-missing')
    return (
      <p className="ovh-fail small">{t('hostFirewall.helperMissing', { host, helper: FIREWALL_HELPER })}</p>
    )
  if (error.code === 'firewall.sudo-refused')
    return (
      <p className="ovh-fail small">{t('hostFirewall.sudoRefused', { host, helper: FIREWALL_HELPER })}</p>
    )
  if (error.code === 'firewall.helper-failed')
    return (
      <>
        <p className="ovh-fail small">{t('hostFirewall.helperFailed', { host })}</p>
        <SaidBlocks message={error.text} />
      </>
    )
  return <p className="ovh-fail small">{t('hostFirewall.notReachable', { host })}</p>
}

function ChangeForm({
  ip,
  setIp,
  busy,
  onStarted,
}: {
  ip: string
  setIp(ip: string): void
  busy: boolean
  onStarted(job: Job): void
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [delay, setDelay] = useState('45')
  const [problem, setProblem] = useState<string | null>(null)
  const [refusal, setRefusal] = useState<ApiErrorData | null>(null)
  const [action, setAction] = useState<'add' | 'remove'>('add')

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setRefusal(null)
    const address = ip.trim()
    const seconds = Number(delay)
    if (!IPV4_PATTERN.test(address)) return setProblem(t('hostFirewall.badIp'))
    if (!Number.isInteger(seconds) || seconds < 10 || seconds > 600)
      return setProblem(t('hostFirewall.badDelay'))
    setProblem(null)
    try {
      onStarted(await api.call('firewall.change', { action, ip: address, confirmWithinSeconds: seconds }))
    } catch (failure) {
      setRefusal(ApiError.from(failure).toData())
    }
  }

  return (
    <form className="ovh-form" onSubmit={(event) => void submit(event)} data-testid="firewall-form">
      <h2>{t('hostFirewall.change')}</h2>
      <p className="muted small">{t('hostFirewall.changeHelp')}</p>
      <label>
        {t('hostFirewall.ip')}{' '}
        <input
          value={ip}
          onChange={(event) => setIp(event.target.value)}
          translate="no"
          spellCheck={false}
          placeholder="203.0.113.10"
          data-testid="firewall-ip-input"
        />
      </label>{' '}
      <label>
        {t('hostFirewall.delay')}{' '}
        <input
          type="number"
          min={10}
          max={600}
          value={delay}
          onChange={(event) => setDelay(event.target.value)}
          className="ovh-seconds"
          data-testid="firewall-delay"
        />
      </label>{' '}
      <button type="submit" disabled={busy} onClick={() => setAction('add')} data-testid="firewall-add">
        {t('hostFirewall.add')}
      </button>{' '}
      <button type="submit" disabled={busy} onClick={() => setAction('remove')} data-testid="firewall-remove">
        {t('hostFirewall.remove')}
      </button>
      {problem && (
        <p className="ovh-fail" role="alert" data-testid="firewall-form-problem">
          {problem}
        </p>
      )}
      {refusal && <ErrorBox error={refusal} testId="firewall-refused" />}
    </form>
  )
}

/** The result of the change: from a finished job, or from a failed one's error details. */
function resultOf(job: Job): FirewallChangeResult | undefined {
  const parsed = FirewallChangeResultSchema.safeParse(
    job.state === 'succeeded' ? job.result : (job.error?.details as { result?: unknown } | undefined)?.result,
  )
  return parsed.success ? parsed.data : undefined
}

function ChangeOutcome({ job }: { job: Job }) {
  const { t } = useTranslation()
  const result = resultOf(job)
  return (
    <div className={`job-status job-${job.state}`} data-testid="firewall-job" data-state={job.state}>
      <strong>{t('hostFirewall.job')}</strong> — {t(`jobState.${job.state}`)}
      {job.state === 'running' && (
        <>
          {job.step && (
            <div className="muted" data-testid="firewall-job-step">
              {t('hostFirewall.running', { step: job.step })}
            </div>
          )}
          <progress max={1} value={job.progress ?? 0} />
        </>
      )}
      {job.state === 'failed' && job.error?.host && (
        <p className="ovh-fail" data-testid="firewall-failed-host">
          {t('hostFirewall.failedOn', { host: job.error.host })}
        </p>
      )}
      {result ? (
        <ul className="ovh-outcomes" data-testid="firewall-outcomes">
          {result.hosts.map((host) => (
            <li key={host.host} data-host={host.host} data-outcome={host.outcome}>
              <span className={`ovh-level ovh-outcome-${host.outcome}`}>
                {t(`hostFirewall.outcomes.${host.outcome}`)}
              </span>{' '}
              <MessageText message={host.message} />
            </li>
          ))}
        </ul>
      ) : (
        job.state === 'failed' && job.error && <ErrorBox error={job.error} testId="firewall-job-error" />
      )}
      {job.log.length > 0 && (
        <details>
          <summary className="small">{t('hostFirewall.log')}</summary>
          <pre className="ovh-log" lang="en" translate="no" data-testid="firewall-job-log">
            {job.log.map((line) => line.text).join('\n')}
          </pre>
        </details>
      )}
    </div>
  )
}
