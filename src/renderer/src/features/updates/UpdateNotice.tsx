import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useApi } from '../../api/context'
import type { TFunction } from 'i18next'
import type { UpdateStatus, UpdateText } from '../../../../shared/updates'
import './updates.css'

/**
 * Says when a newer release exists: asked once when the page first reaches the core, and again from
 * the Help menu (whose answer arrives as app.updateStatus with manual set, so "up to date" and
 * failures show too). It only links to the release page; nothing is downloaded or installed.
 */
export function UpdateNotice() {
  const api = useApi()
  const { t } = useTranslation()
  const [status, setStatus] = useState<UpdateStatus | null>(null)
  const asked = useRef(false)

  useEffect(() => {
    const show = (next: UpdateStatus) => {
      if (next.manual || next.state === 'newer') setStatus(next)
    }
    const stopEvents = api.on('app.updateStatus', show)
    const stopStatus = api.onStatus((connection) => {
      if (connection !== 'connected' || asked.current) return
      asked.current = true
      // A failed automatic check stays quiet: the Help menu's check shows why.
      api.call('app.checkForUpdates', {}).then(show, () => undefined)
    })
    return () => {
      stopEvents()
      stopStatus()
    }
  }, [api])

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
      <button type="button" onClick={() => setStatus(null)}>
        {t('updates.dismiss')}
      </button>
    </div>
  )
}

/** The status sentence: its parameters are whatever the core's table asks for (shared/updates.ts). */
function renderUpdate(t: TFunction, text: UpdateText, params: Record<string, string>): string {
  return String(t(`updates.texts.${text}`, params as never))
}
