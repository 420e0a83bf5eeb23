import { useTranslation } from 'react-i18next'
import { useAppStore } from '../../store'

/** Long operations and notifications. Jobs arrive with the core's job service. */
export function JobsPanel() {
  const { t } = useTranslation()
  const notifications = useAppStore((state) => state.notifications)
  const dismiss = useAppStore((state) => state.dismiss)

  return (
    <section className="jobs" aria-label={t('jobs.title')} data-testid="jobs-panel">
      <h2>{t('jobs.title')}</h2>
      {notifications.length === 0 ? (
        <p className="muted">{t('jobs.empty')}</p>
      ) : (
        <ul className="notifications">
          {notifications.map((item) => (
            <li
              key={item.id}
              className={`notification notification-${item.kind}`}
              role={item.kind === 'error' ? 'alert' : 'status'}
            >
              <span>
                {item.error?.host && <strong>{item.error.host}: </strong>}
                {item.text}
                {item.error?.hint && <span className="muted"> — {item.error.hint}</span>}
              </span>
              <button type="button" className="link" onClick={() => dismiss(item.id)}>
                {t('jobs.dismiss')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
