import type { Service } from '../core'
import { Maintenance } from '../maintenance/maintenance'
import { MaintenanceStore } from '../maintenance/store'

/**
 * Host maintenance: the plan (pre-checks, capacity, nothing changed), then one resumable job.
 * The record lives beside the cluster file; `maintenance.changed` pushes every change of it.
 */
export const maintenanceService: Service<
  | 'maintenance.plan'
  | 'maintenance.start'
  | 'maintenance.current'
  | 'maintenance.resume'
  | 'maintenance.abort'
  | 'maintenance.confirmReboot'
> = (context) => {
  const maintenance = new Maintenance(
    { ...context, emit: (record) => context.events.emit('maintenance.changed', { record }) },
    MaintenanceStore.besideConfig(context.options.configPath),
    context.options.maintenance ?? {},
  )
  return {
    'maintenance.plan': async ({ host, destinations }) => maintenance.plan(host, destinations),
    'maintenance.start': async (params) => maintenance.start(params),
    'maintenance.current': async () => ({ record: maintenance.current() }),
    'maintenance.resume': async ({ id }) => maintenance.resume(id),
    'maintenance.abort': async ({ id, keepNoout }) => maintenance.abort(id, keepNoout),
    'maintenance.confirmReboot': async ({ id }) => maintenance.confirmReboot(id),
  }
}
