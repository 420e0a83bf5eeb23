import type { MaintenanceRecord } from '../../../../shared/maintenance'
import { useAppStore } from '../../store'

const FINAL: ReadonlySet<MaintenanceRecord['status']> = new Set(['done', 'cancelled'])

export function isActive(record: MaintenanceRecord | null | undefined): record is MaintenanceRecord {
  return !!record && !FINAL.has(record.status)
}

/** The saved maintenance record, kept current by `maintenance.changed` (undefined until read). */
export function useMaintenanceRecord(): MaintenanceRecord | null | undefined {
  return useAppStore((state) => state.maintenance)
}
