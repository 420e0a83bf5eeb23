import { useTranslation } from 'react-i18next'
import type { HostStatus as Status } from '../../../../shared/hosts'
import './hosts.css'

/** A coloured dot and the status in words (colour is never the only signal). */
export function HostStatus({ status }: { status: Status | undefined }) {
  const { t } = useTranslation()
  const value = status ?? 'idle'
  return (
    <span className={`host-status host-status-${value}`} data-testid="host-status" data-status={value}>
      {t(`hosts.status.${value}`)}
    </span>
  )
}
