import { z } from 'zod'
import { freeText, LeaseCookieSchema, LeaseNameSchema } from './validators'

/**
 * The cluster lease: what changes a VM or a disk (start, force off, shrink, rollback, delete, grow,
 * snapshot delete, migration, definition sync, maintenance) first takes a lease in Ceph, so two app
 * instances — one admin's two windows, or two admins' workstations — never change the same object at
 * once. One RADOS object holds the whole cluster's leases; each object changed has its own lease name
 * under it (`vm:<uuid>`, `image:<pool>/<image>`, `host:<name>`, `cluster:firewall`), so operations
 * on different VMs do not wait for each other, while an operation touching a VM and its disks takes
 * all their names.
 */

/** The lease names: one per object an operation changes. */
export function vmLeaseName(uuid: string): string {
  return `vm:${uuid.toLowerCase()}`
}
export function imageLeaseName(pool: string, image: string): string {
  return `image:${pool}/${image}`
}
export function hostLeaseName(host: string): string {
  return `host:${host}`
}
/**
 * The hosts' firewall (IPS_FAILOVER on every host) is one cluster setting: a change takes this one
 * name, so two instances never rewrite it at once, while a maintenance's `host:` lease does not stop it.
 */
export const FIREWALL_LEASE_NAME = 'cluster:firewall'

export { LEASE_NAME_PATTERN } from './validators'

export const LeaseHolderSchema = z.object({
  /** The lease name (vm:…, image:…, host:…). */
  name: z.string(),
  /** user@machine of the app instance that holds it. */
  holder: z.string(),
  /** What it is doing, e.g. "start labvm1 on hv2". */
  operation: z.string(),
  /** When it was taken (ms since the epoch, the holder's clock). */
  since: z.number().optional(),
  /** When Ceph lets it go by itself (ms since the epoch). */
  expiresAt: z.number().optional(),
  /** Past its expiry: Ceph gives it to the next taker; nothing holds it. */
  expired: z.boolean(),
  /** Ceph's locker (client.N) and cookie: what a take-over breaks. */
  locker: z.string(),
  cookie: z.string(),
  /** The client's address (IP:port/nonce). */
  address: z.string().optional(),
})
export type LeaseHolder = z.infer<typeof LeaseHolderSchema>

export const LeaseTakeOverParamsSchema = z
  .object({
    name: LeaseNameSchema,
    /** The cookie the user saw: a take-over never breaks a lease other than the one shown. */
    cookie: LeaseCookieSchema,
    /** The holder the user saw and confirmed (user@machine), compared with the one Ceph reports now. */
    confirmHolder: freeText('confirmation (the lease holder)', 'alice@desk-a'),
  })
  .strict()
