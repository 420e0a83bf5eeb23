import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostState } from '../../../../shared/hosts'
import { formatClock } from '../../format'

/** Re-renders every second while `active` (a countdown). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [active])
  return now
}

/**
 * An offline host's next automatic attempt ("at 12:41:07, in 14 s"), and, after a Connect click, that
 * the app is trying until the host's state has moved on from the click: a refused port fails within
 * milliseconds, so the status alone would not show that anything happened.
 */
export function HostRetry({ state, clickedAt }: { state: HostState; clickedAt: number | null }) {
  const { t } = useTranslation()
  const retryAt = state.status === 'offline' && state.retryAt ? Date.parse(state.retryAt) : undefined
  const trying = state.status === 'connecting' || (clickedAt !== null && Date.parse(state.since) < clickedAt)
  const now = useNow(retryAt !== undefined)
  if (trying)
    return (
      <div className="muted small" role="status" data-testid="host-trying">
        {t('retry.trying')}
      </div>
    )
  if (retryAt === undefined) return null
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000))
  const time = formatClock(retryAt)
  return (
    <div className="muted small" data-testid="host-retry" data-retry-at={state.retryAt}>
      {seconds > 0 ? t('retry.next', { time, seconds }) : t('retry.nextSoon')}
    </div>
  )
}
