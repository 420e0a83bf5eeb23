import { LEASE_OBJECT } from '../../../src/main/core/lease/cluster-lease'
import { asRootOn, LAB_POOLS } from './lab'

/**
 * The lease object as Ceph itself shows it, for the lease's lab files (core-lease, core-lease-names):
 * read as client.admin on hv3, never through the app.
 */

/** One locker of a lease name, as `rados lock info --format json` prints it. */
export interface CephLocker {
  name: string
  cookie: string
  expiration: string
}

/** The lockers of `name` in the lease object now. */
export async function cephLockers(name: string): Promise<CephLocker[]> {
  const info = await asRootOn(
    'hv3',
    ...['rados', '--id', 'admin', '-p', LAB_POOLS[0], 'lock', 'info', LEASE_OBJECT, name, '--format', 'json'],
  )
  return (JSON.parse(info) as { lockers: CephLocker[] }).lockers
}

/**
 * Returns once `name`'s lock is past the expiry Ceph recorded for it (`rados lock info`; the OSD runs on
 * this machine's clock), with 300 ms to spare: a lease's expiry waited out from Ceph's own figure, not
 * a pause sized for a slow take.
 */
export async function pastExpiry(name: string): Promise<void> {
  const [locker] = await cephLockers(name)
  const expiry = Date.parse(locker?.expiration ?? '')
  if (!Number.isFinite(expiry)) throw new Error(`no expiry for ${name}: ${JSON.stringify(locker)}`)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now()) + 300))
}
