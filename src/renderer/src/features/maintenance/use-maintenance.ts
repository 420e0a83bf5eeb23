import { useEffect, useState } from 'react'
import type { MaintenanceRecord } from '../../../../shared/maintenance'
import { useApi } from '../../api/context'

const FINAL: ReadonlySet<MaintenanceRecord['status']> = new Set(['done', 'cancelled'])

export function isActive(record: MaintenanceRecord | null | undefined): record is MaintenanceRecord {
  return !!record && !FINAL.has(record.status)
}

/** The saved maintenance record, kept current by `maintenance.changed` (undefined until read). */
export function useMaintenanceRecord(): MaintenanceRecord | null | undefined {
  const api = useApi()
  const [record, setRecord] = useState<MaintenanceRecord | null | undefined>(undefined)
  useEffect(() => {
    let live = true
    const stop = api.on('maintenance.changed', (change) => setRecord(change.record))
    api
      .call('maintenance.current', {})
      .then((current) => {
        // An event that arrived meanwhile is newer than this answer.
        if (live) setRecord((previous) => (previous === undefined ? current.record : previous))
      })
      .catch(() => undefined)
    return () => {
      live = false
      stop()
    }
  }, [api])
  return record
}
