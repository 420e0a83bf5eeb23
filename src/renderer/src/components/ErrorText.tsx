import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../shared/errors'
import { errorSentences } from './error-sentence'

/** An API error as the user reads it: what failed, where (host, step), and what to do. */
export function ErrorText({ error }: { error: ApiErrorData }) {
  const { t } = useTranslation()
  const { message, hint } = errorSentences(t, error)
  return (
    <div className="error" role="alert">
      <div>{message}</div>
      {(error.host || error.step) && (
        <div className="muted small">{[error.host, error.step].filter(Boolean).join(' · ')}</div>
      )}
      {hint && <div className="small">{hint}</div>}
    </div>
  )
}
