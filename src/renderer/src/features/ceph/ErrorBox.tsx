import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../../shared/errors'
import { errorSentences } from '../../components/error-sentence'
import './ceph.css'

/**
 * An error as the core reported it: the message (which names the host and the command), the step,
 * and the hint kept verbatim in a <pre> — for a refused Ceph command it holds the exact caps and
 * sudoers rule to copy.
 */
export function ErrorBox({ title, error, testId }: { title: string; error: ApiErrorData; testId: string }) {
  const { t } = useTranslation()
  const { message, hint } = errorSentences(t, error)
  return (
    <div className="ceph-error" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{title}</strong>
      {error.host && <span className="muted small"> · {error.host}</span>}
      {error.step && <span className="muted small"> · {error.step}</span>}
      <div className="ceph-error-message">{message}</div>
      {hint && <pre className="ceph-fix">{hint}</pre>}
    </div>
  )
}
