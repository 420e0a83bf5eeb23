import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import type { DefinitionDiff } from '../../../../shared/migration'
import type { Vm } from '../../../../shared/inventory'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'

/**
 * The VM's definition on each host compared with a reference host's (a diff for each that differs),
 * and "sync": define the chosen host's definition everywhere else, as a job reporting each host.
 */
export function DefinitionsPanel({ vm }: { vm: Vm }) {
  const { t } = useTranslation()
  const api = useApi()
  const [diff, setDiff] = useState<DefinitionDiff | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [from, setFrom] = useState('')
  const source = from || diff?.reference || vm.runningOn[0] || vm.definedOn[0] || ''

  async function compare(): Promise<void> {
    setError(null)
    try {
      setDiff(await api.call('vm.definitionDiff', { uuid: vm.uuid }))
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  async function sync(): Promise<void> {
    try {
      const job = (await api.call('vm.syncDefinition', { uuid: vm.uuid, from: source })) as Job
      useAppStore.getState().updateJob(job)
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

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
          {error.message} {error.hint && <span className="muted">{error.hint}</span>}
        </p>
      )}
      {diff && (
        <ul className="definition-hosts">
          {diff.hosts.map((host) => (
            <li key={host.host} data-host-definition={host.host} data-status={host.status}>
              <strong>{host.host}</strong> —{' '}
              {t(`definitions.status.${host.status}`, { reference: diff.reference })}
              {host.error && <span className="error"> {host.error}</span>}
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
            onChange={(event) => setFrom(event.target.value)}
            data-testid="definitions-source"
          >
            {vm.definedOn.map((host) => (
              <option key={host} value={host}>
                {host}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={() => void sync()} disabled={!source} data-testid="definitions-sync">
          {t('definitions.sync')}
        </button>
      </p>
    </section>
  )
}
