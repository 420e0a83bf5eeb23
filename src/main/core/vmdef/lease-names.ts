import type { JobContext } from '../jobs/job-manager'

/**
 * The cluster lease as VM definitions use it (issue 15's lease/cluster-lease.ts, on its way to main):
 * the same shapes, so the wiring switches to ClusterLease without touching the jobs.
 */
export interface LeaseCheck {
  check(step: string, needSeconds?: number): Promise<void>
}
export interface Leases {
  run<T>(
    names: readonly string[],
    operation: string,
    durationSeconds: number,
    task: (lease: LeaseCheck) => Promise<T>,
    context?: Pick<JobContext, 'log' | 'step'>,
  ): Promise<T>
}
export function vmLeaseName(uuid: string): string {
  return `vm:${uuid.toLowerCase()}`
}
export function imageLeaseName(pool: string, image: string): string {
  return `image:${pool}/${image}`
}
