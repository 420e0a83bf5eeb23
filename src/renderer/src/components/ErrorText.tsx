import type { ApiErrorData } from '../../../shared/errors'

/** An API error as the user reads it: what failed, where (host, step), and what to do. */
export function ErrorText({ error }: { error: ApiErrorData }) {
  return (
    <div className="error" role="alert">
      <div>{error.message}</div>
      {(error.host || error.step) && (
        <div className="muted small">{[error.host, error.step].filter(Boolean).join(' · ')}</div>
      )}
      {error.hint && <div className="small">{error.hint}</div>}
    </div>
  )
}
