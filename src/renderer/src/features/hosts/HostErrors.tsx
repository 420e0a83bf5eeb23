import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostErrorEntry } from '../../../../shared/host-activity'
import { ApiError } from '../../../../shared/errors'
import { useApi } from '../../api/context'

/** The last remote commands that failed on this host: when, which step, the command, what it said. */
export function HostErrors({ host }: { host: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const [entries, setEntries] = useState<HostErrorEntry[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let stopped = false
    setEntries([]) // another host: none of the previous one's
    // Subscribe first, so an error raised while the list is loading is not lost. A repeat (same
    // command, code and output) replaces the entry it counts.
    const unsubscribe = api.on('hosts.error', (entry) => {
      if (entry.host === host) setEntries((previous) => merge([entry], previous))
    })
    api.call('hosts.errors', { host }).then(
      (list) => !stopped && setEntries((pushed) => merge(pushed, list)),
      (caught: unknown) => !stopped && setError(ApiError.from(caught).message),
    )
    return () => {
      stopped = true
      unsubscribe()
    }
  }, [api, host])

  return (
    <section data-testid="host-errors">
      <h2>{t('hostView.errors.title')}</h2>
      {error && <p className="error">{error}</p>}
      {entries.length === 0 ? (
        <p className="muted">{t('hostView.errors.none')}</p>
      ) : (
        <table className="table host-errors">
          <thead>
            <tr>
              <th>{t('hostView.errors.time')}</th>
              <th>{t('hostView.errors.step')}</th>
              <th>{t('hostView.errors.command')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={`${entry.at} ${entry.command}`} data-testid="host-error-entry" data-code={entry.code}>
                <td className="nowrap">{new Date(entry.at).toLocaleTimeString()}</td>
                <td>
                  {entry.step ?? '—'}
                  <div className="muted small">
                    {t(`hostView.errors.codes.${entry.code}`, { defaultValue: entry.code })}
                    {entry.exitCode !== null && <> · {t('hostView.errors.exit', { code: entry.exitCode })}</>}
                    {entry.repeats && <> · {t('hostView.errors.repeats', { count: entry.repeats })}</>}
                  </div>
                </td>
                <td>
                  <code className="command">{entry.command}</code>
                  {entry.stderr && <pre className="stderr">{entry.stderr}</pre>}
                  {entry.hint && <div className="muted small">{entry.hint}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

const sameFailure = (a: HostErrorEntry, b: HostErrorEntry) =>
  a.command === b.command && a.code === b.code && a.stderr === b.stderr

/** Newer entries first; an older one the newer ones repeat is dropped. */
function merge(newer: HostErrorEntry[], older: HostErrorEntry[]): HostErrorEntry[] {
  const repeated = (entry: HostErrorEntry) =>
    newer.some((other) => other.repeats !== undefined && sameFailure(other, entry) && other.at >= entry.at)
  const seen = (entry: HostErrorEntry) =>
    newer.some((other) => other.at === entry.at && sameFailure(other, entry))
  return [...newer, ...older.filter((entry) => !repeated(entry) && !seen(entry))].slice(0, 20)
}
