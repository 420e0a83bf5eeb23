import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import type { DefinitionDiff, SyncPlan } from '../../../../shared/migration'
import type { Vm } from '../../../../shared/inventory'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { useErrorMessage } from '../../components/GuardMessage'
import { MessageText } from '../../components/MessageText'
import type { Message } from '../../../../shared/messages'

/**
 * The VM's definition on each host compared with a reference host's (a diff for each that differs),
 * and "sync": define the chosen host's definition everywhere else, as a job reporting each host.
 * Sync first shows what it would change on each host; where the VM runs, the change only applies at
 * its next power-off and start, and the user confirms by typing that host's name.
 */
export function DefinitionsPanel({ vm }: { vm: Vm }) {
  const { t } = useTranslation()
  const api = useApi()
  const [diff, setDiff] = useState<DefinitionDiff | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [from, setFrom] = useState('')
  const [plan, setPlan] = useState<SyncPlan | null>(null)
  const [typed, setTyped] = useState<Record<string, string>>({})
  const message = useErrorMessage()
  const source = from || diff?.reference || vm.runningOn[0] || vm.definedOn[0] || ''

  async function compare(): Promise<void> {
    setError(null)
    try {
      setDiff(await api.call('vm.definitionDiff', { uuid: vm.uuid }))
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  async function preview(): Promise<void> {
    setError(null)
    try {
      setPlan(await api.call('vm.syncPlan', { uuid: vm.uuid, from: source }))
      setTyped({})
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  async function sync(confirmed: SyncPlan): Promise<void> {
    try {
      const job = (await api.call('vm.syncDefinition', {
        uuid: vm.uuid,
        from: confirmed.from,
        confirmRunningHosts: confirmed.confirmHosts.filter((host) => typed[host] === host),
      })) as Job
      useAppStore.getState().updateJob(job)
      setPlan(null)
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }
  const allNamed = plan ? plan.confirmHosts.every((host) => typed[host] === host) : false

  return (
    <section data-testid="vm-definitions">
      <h2>
        {t('definitions.title')}{' '}
        <button
          type="button"
          className="link small"
          onClick={() => void compare()}
          data-testid="definitions-compare"
        >
          {t('definitions.compare')}
        </button>
      </h2>
      {error && (
        <p className="error" role="alert">
          {message(error)} {error.hint && <span className="muted">{error.hint}</span>}
        </p>
      )}
      {diff && (
        <ul className="definition-hosts">
          {diff.hosts.map((host) => (
            <li key={host.host} data-host-definition={host.host} data-status={host.status}>
              <strong>{host.host}</strong> —{' '}
              {t(`definitions.status.${host.status}`, { reference: diff.reference })}
              <HostError host={host} />
              {host.diff && <pre className="lines diff">{host.diff}</pre>}
            </li>
          ))}
        </ul>
      )}
      <p>
        <label>
          {t('definitions.syncFrom')}{' '}
          <select
            value={source}
            onChange={(event) => {
              setFrom(event.target.value)
              setPlan(null)
            }}
            data-testid="definitions-source"
          >
            {vm.definedOn.map((host) => (
              <option key={host} value={host} translate="no">
                {host}
              </option>
            ))}
          </select>
        </label>{' '}
        <button
          type="button"
          className="risky"
          onClick={() => void preview()}
          disabled={!source}
          data-testid="definitions-sync"
        >
          {t('definitions.sync')}
        </button>
      </p>
      {plan && (
        <div className="confirm" role="alertdialog" data-testid="definitions-sync-plan">
          <p>
            <strong>{t('definitions.planTitle', { name: plan.name, from: plan.from })}</strong>
          </p>
          <ul className="definition-hosts">
            {plan.hosts
              .filter((host) => host.status !== 'source')
              .map((host) => (
                <li key={host.host} data-sync-host={host.host} data-status={host.status}>
                  <strong>{host.host}</strong> —{' '}
                  {t(`definitions.plan.${host.status as Exclude<typeof host.status, 'source'>}`)}
                  {host.running && ' '}
                  {host.running && <span className="badge badge-missing">{t('definitions.runsHere')}</span>}
                  <HostError host={host} />
                  {plan.confirmHosts.includes(host.host) && (
                    <p className="warning" data-testid="definitions-running-warning">
                      {t('guards.syncRunningHost', { name: plan.name, host: host.host })}
                    </p>
                  )}
                  {host.diff && <pre className="lines diff">{host.diff}</pre>}
                  {plan.confirmHosts.includes(host.host) && (
                    <label className="block">
                      {t('definitions.typeHost', { host: host.host })}{' '}
                      <input
                        type="text"
                        value={typed[host.host] ?? ''}
                        onChange={(event) => setTyped({ ...typed, [host.host]: event.target.value })}
                        data-testid={`definitions-confirm-${host.host}`}
                      />
                    </label>
                  )}
                </li>
              ))}
          </ul>
          <p>
            <button
              type="button"
              className={plan.confirmHosts.length > 0 ? 'danger' : undefined}
              disabled={!allNamed}
              onClick={() => void sync(plan)}
              data-testid="definitions-sync-confirm"
            >
              {t('definitions.syncConfirm')}
            </button>{' '}
            <button type="button" onClick={() => setPlan(null)}>
              {t('definitions.cancel')}
            </button>
          </p>
        </div>
      )}
    </section>
  )
}

/**
 * Why a host's definition could not be read or written, in the window's language with what the host
 * said; the core's English only when it sent no message. The drift and the sync plan show it alike.
 */
function HostError({ host }: { host: { error?: string | undefined; errorText?: Message | undefined } }) {
  if (host.errorText)
    return (
      <span className="error">
        {' '}
        <MessageText message={host.errorText} />
      </span>
    )
  return host.error ? <span className="error"> {host.error}</span> : null
}
