import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { isActive, useMaintenanceRecord } from './use-maintenance'

// The sheet comes the first time it is opened (issue 23 item 5).
const MaintenanceSheet = lazyPart(async () => (await import('./MaintenanceSheet')).MaintenanceSheet)

/**
 * The host view's entry to maintenance: opens the sheet; says when a maintenance of this host is
 * unfinished (after an app restart it shows as interrupted, to resume or abort).
 */
export function MaintenanceButton({ host, online }: { host: string; online: boolean }) {
  const { t } = useTranslation()
  const record = useMaintenanceRecord()
  const [open, setOpen] = useState(false)
  const mine = isActive(record) && record.host === host
  const elsewhere = isActive(record) && record.host !== host
  return (
    <>
      <button
        data-testid="open-maintenance"
        disabled={elsewhere || (!online && !mine)}
        title={elsewhere ? t('maintenance.title', { host: record.host }) : undefined}
        className={mine ? 'maintenance-active' : undefined}
        onClick={() => setOpen(true)}
      >
        {mine
          ? t('maintenance.inProgress', { status: t(`maintenance.status.${record.status}`) })
          : t('maintenance.open')}
      </button>
      {open && (
        <LazyPart>
          <MaintenanceSheet host={host} record={record ?? null} onClose={() => setOpen(false)} />
        </LazyPart>
      )}
    </>
  )
}
