import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { reachableCount } from '../../../shared/host-health'
import { useAppStore } from '../store'

/**
 * The header's host count: how many hypervisors answer over SSH (and how many of those have libvirt
 * or Ceph unusable), shown apart from the link to the core.
 */
export function HostCount() {
  const { t } = useTranslation()
  const states = useAppStore((store) => store.hostStates)
  const count = useMemo(() => reachableCount(Object.values(states)), [states])
  if (count.total === 0) return null
  const reachable = count.online + count.degraded
  const level = reachable === 0 ? 'none' : reachable < count.total || count.degraded > 0 ? 'some' : 'all'
  return (
    <span
      className={`host-count host-count-${level}`}
      data-testid="host-count"
      data-reachable={reachable}
      data-total={count.total}
      title={t('hostCount.title')}
      role="status"
    >
      {count.degraded > 0
        ? t('hostCount.withProblems', { reachable, total: count.total, degraded: count.degraded })
        : t('hostCount.label', { reachable, total: count.total })}
    </span>
  )
}
