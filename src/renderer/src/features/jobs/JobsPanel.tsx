import { useTranslation } from 'react-i18next'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { errorSentences } from '../../components/error-sentence'
import { notifyError } from '../../components/notify'
import { useJobText, useJobTitle } from './job-title'
import { useErrorMessage } from '../../components/GuardMessage'
import { refusalsOf, useRefusalText } from './refusals'
import { SaidBlocks } from '../../components/MessageText'
import { formatClock } from '../../format'

const SHOWN_JOBS = 8

/** Running and recent operations with their progress, errors and logs, then notifications. */
export function JobsPanel() {
  const { t } = useTranslation()
  const api = useApi()
  const notifications = useAppStore((state) => state.notifications)
  const dismiss = useAppStore((state) => state.dismiss)
  const jobs = useAppStore((state) => state.jobs)
  const shown = jobs.slice(0, SHOWN_JOBS)
  const jobTitle = useJobTitle()
  const jobText = useJobText()
  const refusalText = useRefusalText()
  const errorMessage = useErrorMessage()

  async function cancel(id: string): Promise<void> {
    try {
      useAppStore.getState().updateJob(await api.call('jobs.cancel', { id }))
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section className="jobs" aria-label={t('jobs.title')} data-testid="jobs-panel">
      <h2>{t('jobs.title')}</h2>
      {shown.length === 0 && notifications.length === 0 && <p className="muted">{t('jobs.empty')}</p>}
      {shown.length > 0 && (
        <ul className="job-list" data-testid="job-list">
          {shown.map((job) => (
            <li key={job.id} className={`job-row job-${job.state}`} data-state={job.state}>
              <details>
                <summary>
                  <span className="job-title">{jobTitle(job)}</span>
                  <span className="muted small"> · {t(`jobState.${job.state}`)}</span>
                  {job.state === 'running' && job.step && (
                    <span className="muted small"> · {jobText.step(job)}</span>
                  )}
                  {job.state === 'failed' && job.error && (
                    <span className="job-error small">
                      {' '}
                      ·{' '}
                      {refusalsOf(job.error).length > 0
                        ? `${t('jobs.refused')} ${refusalsOf(job.error)
                            .map((refusal) => refusalText(job, refusal))
                            .join(' ')}`
                        : errorMessage(job.error)}
                    </span>
                  )}
                  {job.state === 'running' && (
                    <progress max={1} value={job.progress ?? undefined} aria-label={jobTitle(job)} />
                  )}
                  {job.state === 'running' && job.cancellable && (
                    <button type="button" className="link small" onClick={() => void cancel(job.id)}>
                      {t('vm.cancel')}
                    </button>
                  )}
                </summary>
                <ol className="job-log small">
                  {job.log.map((line, index) => (
                    <li key={index}>
                      <span className="muted" translate="no">
                        {formatClock(line.at)}
                      </span>{' '}
                      {jobText.line(line)}
                      <SaidBlocks message={line.message} />
                    </li>
                  ))}
                </ol>
              </details>
            </li>
          ))}
        </ul>
      )}
      {notifications.length > 0 && (
        <ul className="notifications">
          {notifications.map((item) => {
            // An error's words are rendered now, in the window's current language, not when it came.
            const sentences = item.error ? errorSentences(t, item.error) : undefined
            return (
              <li
                key={item.id}
                className={`notification notification-${item.kind}`}
                role={item.kind === 'error' ? 'alert' : 'status'}
              >
                <span>
                  {item.error?.host && <strong>{item.error.host}: </strong>}
                  {sentences?.message ?? item.text}
                  {sentences?.hint && <span className="muted"> — {sentences.hint}</span>}
                </span>
                <button type="button" className="link" onClick={() => dismiss(item.id)}>
                  {t('jobs.dismiss')}
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
