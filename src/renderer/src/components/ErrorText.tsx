import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../shared/errors'
import { errorSentences } from './error-sentence'
import { SaidBlocks } from './MessageText'

/**
 * An API error as the user reads it: what failed, where (host, step), what to do, and what the host
 * printed (verbatim). Errors made of messages (`text`, `hintText`) are rendered in the window's
 * language; older errors fall back to their keyed details or the core's English.
 */
export function ErrorText({ error }: { error: ApiErrorData }) {
  const { t } = useTranslation()
  const { message, hint, step } = errorSentences(t, error)
  return (
    <div className="error" role="alert">
      <div>{message}</div>
      {(error.host || step) && (
        <div className="muted small">{[error.host, step].filter(Boolean).join(' · ')}</div>
      )}
      {hint && <div className="small">{hint}</div>}
      <SaidBlocks message={error.text} />
    </div>
  )
}
