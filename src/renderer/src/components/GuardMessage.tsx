import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../shared/errors'
import type { LeaseHolder } from '../../../shared/lease'
import { useApi } from '../api/context'
import { formatDateTime } from '../format'
import { errorSentences } from './error-sentence'
import { Consent } from './Consent'

/**
 * An error's sentence in the user's language when the core sent its key (details.text, see
 * shared/guard-texts.ts), else the core's English message.
 */
export function useErrorMessage(): (error: ApiErrorData | undefined) => string {
  const { t } = useTranslation()
  return (error) => (error ? errorSentences(t, error).message : '')
}

function leaseOf(error: ApiErrorData | undefined): LeaseHolder | undefined {
  const lease = error?.details?.lease as Partial<LeaseHolder> | undefined
  return lease && typeof lease.cookie === 'string' && typeof lease.holder === 'string'
    ? (lease as LeaseHolder)
    : undefined
}

/**
 * An error as the user reads it, in their language; for a lease held by another app instance: who,
 * since and until when, and a take-over after an explicit confirmation (for a crashed or closed app).
 */
export function GuardError({ error, testid }: { error: ApiErrorData | undefined; testid?: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const message = useErrorMessage()
  const lease = error?.code === 'lease.held' || error?.code === 'lease.lost' ? leaseOf(error) : undefined
  const [asking, setAsking] = useState(false)
  const [sure, setSure] = useState(false)
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null)
  if (!error) return null
  async function takeOver(holder: LeaseHolder): Promise<void> {
    try {
      await api.call('lease.takeOver', {
        name: holder.name,
        cookie: holder.cookie,
        confirmHolder: holder.holder,
      })
      setOutcome({ ok: true, text: t('lease.takenOver', { holder: holder.holder }) })
      setAsking(false)
    } catch (failure) {
      setOutcome({ ok: false, text: message(failure as ApiErrorData) })
    }
  }
  return (
    <div data-testid={testid} data-code={error.code}>
      <p>{message(error)}</p>
      {error.hint && !error.details?.text && <p className="muted">{error.hint}</p>}
      {lease && error.code === 'lease.held' && (
        <div className="lease-held" data-testid="lease-held">
          <p className="muted small">
            {t('lease.details', {
              holder: lease.holder,
              since: lease.since !== undefined ? formatDateTime(lease.since) : '?',
              until: lease.expiresAt !== undefined ? formatDateTime(lease.expiresAt) : '?',
              address: lease.address ?? '?',
            })}
          </p>
          {!asking && !outcome?.ok && (
            <button type="button" onClick={() => setAsking(true)} data-testid="lease-takeover">
              {t('lease.takeOver')}
            </button>
          )}
          {asking && (
            <div className="confirm" role="alertdialog" data-testid="lease-takeover-dialog">
              <p className="warning">
                {t('lease.takeOverExplain', { holder: lease.holder, operation: lease.operation })}
              </p>
              <Consent checked={sure} onChange={setSure} testId="lease-takeover-sure">
                {t('lease.takeOverSure', { holder: lease.holder })}
              </Consent>
              <p>
                <button
                  type="button"
                  className="danger"
                  disabled={!sure}
                  onClick={() => void takeOver(lease)}
                  data-testid="lease-takeover-confirm"
                >
                  {t('lease.takeOverConfirm')}
                </button>{' '}
                <button type="button" onClick={() => setAsking(false)}>
                  {t('lease.cancel')}
                </button>
              </p>
            </div>
          )}
          {outcome && <p className={outcome.ok ? 'small' : 'warning small'}>{outcome.text}</p>}
        </div>
      )}
    </div>
  )
}
