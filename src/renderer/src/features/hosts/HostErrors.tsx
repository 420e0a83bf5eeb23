import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostErrorEntry } from '../../../../shared/host-activity'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { useApi } from '../../api/context'
import { useErrorMessage } from '../../components/GuardMessage'
import { formatClock } from '../../format'
import { renderMessage } from '../../i18n/messages'
import { useAppStore } from '../../store'

// A constant fallback: a new [] on every call would make zustand re-render forever.
const NO_ENTRIES: HostErrorEntry[] = []

/** The last remote commands that failed on this host: when, which step, the command, what it said. */
export function HostErrors({ host }: { host: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const entries = useAppStore((state) => state.hostErrors[host] ?? NO_ENTRIES)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const errorMessage = useErrorMessage()

  useEffect(() => {
    let stopped = false
    const store = useAppStore.getState()
    // From this host's list only; what the core pushes meanwhile (core-events.ts) stays on top. A
    // repeat (same command, code and output) replaces the entry it counts.
    store.resetHostErrors(host)
    api.call('hosts.errors', { host }).then(
      (list) => !stopped && store.loadHostErrors(host, list),
      (caught: unknown) => !stopped && setError(ApiError.from(caught).toData()),
    )
    return () => {
      stopped = true
    }
  }, [api, host])

  return (
    <section data-testid="host-errors">
      <h2>{t('hostView.errors.title')}</h2>
      {error && <p className="error">{errorMessage(error)}</p>}
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
                <td className="nowrap" translate="no">
                  {formatClock(entry.at)}
                </td>
                <td>
                  {entry.stepText ? renderMessage(t, entry.stepText) : (entry.step ?? '—')}
                  <div className="muted small">
                    {t(`hostView.errors.codes.${entry.code}`, { defaultValue: entry.code })}
                    {entry.exitCode !== null && <> · {t('hostView.errors.exit', { code: entry.exitCode })}</>}
                    {entry.repeats && <> · {t('hostView.errors.repeats', { count: entry.repeats })}</>}
                  </div>
                </td>
                <td>
                  <code translate="no" className="command">
                    {entry.command}
                  </code>
                  {entry.stderr && (
                    <pre className="stderr" translate="no" lang="en">
                      {entry.stderr}
                    </pre>
                  )}
                  {(entry.hintText || entry.hint) && (
                    <div className="muted small">
                      {entry.hintText ? renderMessage(t, entry.hintText) : entry.hint}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
