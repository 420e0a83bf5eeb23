import { useTranslation } from 'react-i18next'
import type { HostProblem, ShownHostStatus } from '../../../../shared/host-health'
import './hosts.css'

interface HostStatusProps {
  status: ShownHostStatus | undefined
  problems?: readonly HostProblem[]
}

/**
 * A coloured dot and the status in words (colour is never the only signal). `degraded`: reachable
 * over SSH, but the doctor found libvirt or Ceph unusable (shared/host-health.ts).
 */
export function HostStatus(props: HostStatusProps) {
  const { t } = useTranslation()
  return <HostStatusText {...props} t={t as (key: string, params?: Record<string, unknown>) => string} />
}

/**
 * The same, in words the caller already has: the tree's host rows share the window's (a
 * useTranslation per row costs a subscription at each mount).
 */
export function HostStatusText({
  status,
  problems = [],
  t,
}: HostStatusProps & { t: (key: string, params?: Record<string, unknown>) => string }) {
  const { value, text } = hostStatusWords(status, problems, t)
  return (
    <span
      className={`host-status host-status-${value}`}
      data-testid="host-status"
      data-status={value}
      title={text}
    >
      {text}
    </span>
  )
}

/** The status shown and its words: HostStatusText's, and the tree's host rows' (written without React). */
export function hostStatusWords(
  status: ShownHostStatus | undefined,
  problems: readonly HostProblem[],
  t: (key: string, params?: Record<string, unknown>) => string,
): { value: ShownHostStatus | 'idle'; text: string } {
  const value = status ?? 'idle'
  const text =
    value === 'degraded'
      ? t('hostHealth.degraded', {
          what: problems.map((problem) => t(`hostHealth.problem.${problem}`)).join(t('hostHealth.and')),
          count: problems.length,
        })
      : t(`hosts.status.${value}`)
  return { value, text }
}
