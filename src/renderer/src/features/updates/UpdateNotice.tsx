import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { UpdateText } from '../../../../shared/updates'
import { useAppStore } from '../../store'
import './updates.css'

/**
 * Says when a newer release exists: asked once when the page first reaches the core, and again from
 * the Help menu (whose answer arrives as app.updateStatus with manual set, so "up to date" and
 * failures show too; both reach the store through store/core-events.ts). It only links to the
 * release page; nothing is downloaded or installed.
 */
export function UpdateNotice() {
  const { t } = useTranslation()
  const status = useAppStore((state) => state.update)

  if (!status) return null
  const level = status.state === 'failed' ? 'warn' : status.state === 'newer' ? 'new' : 'info'
  return (
    <div className={`update-notice update-${level}`} role="status" data-testid="update-notice">
      <span>{renderUpdate(t, status.text, status.params)}</span>
      {status.url && (
        <a href={status.url} target="_blank" rel="noreferrer noopener">
          {t('updates.open')}
        </a>
      )}
      <button type="button" onClick={() => useAppStore.getState().showUpdate(null)}>
        {t('updates.dismiss')}
      </button>
    </div>
  )
}

/** The status sentence: its parameters are whatever the core's table asks for (shared/updates.ts). */
function renderUpdate(t: TFunction, text: UpdateText, params: Record<string, string>): string {
  return String(t(`updates.texts.${text}`, params as never))
}
