import type { Service } from '../context'

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
> = ({ maintenance }) => ({
  'maintenance.plan': async ({ host, destinations }) => maintenance.plan(host, destinations),
  'maintenance.start': async (params) => maintenance.start(params),
  'maintenance.current': async () => ({ record: maintenance.current() }),
  'maintenance.resume': async ({ id, acceptWarnings }) => maintenance.resume(id, acceptWarnings ?? false),
  'maintenance.abort': async ({ id, keepNoout }) => maintenance.abort(id, keepNoout),
  'maintenance.confirmReboot': async ({ id }) => maintenance.confirmReboot(id),
})
