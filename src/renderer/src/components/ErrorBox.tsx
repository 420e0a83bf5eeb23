import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../shared/errors'
import { errorSentences } from './error-sentence'
import { SaidBlocks } from './MessageText'
import './error-box.css'

/**
 * An error as the core reported it, boxed: what was being done (`title`), the host and step, the
 * message in the user's language (it names the host and the command), and the hint kept verbatim
 * in a <pre> — for a refused Ceph command it holds the exact caps and sudoers rule to copy.
 */
export function ErrorBox({ title, error, testId }: { title?: string; error: ApiErrorData; testId?: string }) {
  const { t } = useTranslation()
  const { message, hint, step } = errorSentences(t, error)
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      {title && <strong>{title}</strong>}
      {error.host && <span className="muted small"> · {error.host}</span>}
      {step && <span className="muted small"> · {step}</span>}
      <div className="error-box-message">{message}</div>
      {hint && <pre className="error-box-fix">{hint}</pre>}
      <SaidBlocks message={error.text} />
    </div>
  )
}
