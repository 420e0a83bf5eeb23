import { z } from 'zod'
import { CEPH_FLAGS, CephFlagSchema, CrushNodeSchema, HostNameSchema } from './validators'

/**
 * The Ceph panel's data, read with the configured client on one online host: health and its checks,
 * the OSD tree, monitors and quorum, pool usage, PG states and the OSD map's flags.
 */

export const HealthStatusSchema = z.enum(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR'])
export type HealthStatus = z.infer<typeof HealthStatusSchema>

export const HealthCheckSchema = z.object({
  /** Ceph's code, e.g. OSD_DOWN, OSDMAP_FLAGS, PG_DEGRADED. */
  code: z.string(),
  severity: HealthStatusSchema,
  /** Ceph's one-line summary, e.g. "1 osds down". */
  summary: z.string(),
  /** What it means and what to do, in plain words (English; the UI translates known codes). */
  explanation: z.string(),
  /** Ceph's detail lines, e.g. "osd.2 (root=sata,host=ceph-a-sata) is down". */
  detail: z.array(z.string()),
})
export type HealthCheck = z.infer<typeof HealthCheckSchema>

export const OsdSchema = z.object({
  id: z.number(),
  name: z.string(),
  /** CRUSH host bucket and root it sits under. */
  host: z.string().optional(),
  root: z.string().optional(),
  deviceClass: z.string().optional(),
  up: z.boolean(),
  /** In the data distribution (reweight > 0). */
  in: z.boolean(),
  crushWeight: z.number(),
  reweight: z.number(),
})
export type Osd = z.infer<typeof OsdSchema>

export const MonitorSchema = z.object({
  name: z.string(),
  rank: z.number(),
  /** IP:port of its v1/legacy address. */
  address: z.string(),
  inQuorum: z.boolean(),
  leader: z.boolean(),
})
export type Monitor = z.infer<typeof MonitorSchema>

export const PoolUsageSchema = z.object({
  name: z.string(),
  id: z.number(),
  storedBytes: z.number(),
  objects: z.number(),
  /** 0..1 of the pool's usable capacity. */
  percentUsed: z.number(),
  maxAvailBytes: z.number(),
})
export type PoolUsage = z.infer<typeof PoolUsageSchema>

/** How privileged commands (noout, ok-to-stop) run: a named client, sudo, or not configured. */
export const PrivilegeSchema = z.object({
  mode: z.enum(['client', 'sudo', 'none']),
  /** `client.<id>` for 'client'; the configured (unprivileged) client for 'none'. */
  client: z.string(),
})
export type Privilege = z.infer<typeof PrivilegeSchema>

export const CephStatusSchema = z.object({
  /** The host the commands ran on, and the (read-only) client they ran as. */
  host: z.string(),
  readAs: z.string(),
  fetchedAt: z.number(),
  fsid: z.string().optional(),
  health: HealthStatusSchema,
  checks: z.array(HealthCheckSchema),
  /** Cluster-wide OSD map flags users set (noout, norebalance…), internal ones left out. */
  flags: z.array(z.string()),
  /** Flags set on CRUSH nodes (`osd set-group noout <host>`), by node name. */
  groupFlags: z.array(z.object({ node: z.string(), flags: z.array(z.string()) })),
  osds: z.array(OsdSchema),
  monitors: z.array(MonitorSchema),
  pools: z.array(PoolUsageSchema),
  totalBytes: z.number(),
  usedBytes: z.number(),
  pgs: z.object({
    total: z.number(),
    byState: z.array(z.object({ state: z.string(), count: z.number() })),
  }),
  privilege: PrivilegeSchema,
})
export type CephStatus = z.infer<typeof CephStatusSchema>

/** Flags the panel lets the user set and unset. */
export { CEPH_FLAGS }
export const CephFlagParamsSchema = z
  .object({
    flag: CephFlagSchema,
    set: z.boolean(),
    /** A CRUSH node (host bucket) for `osd set-group`; the whole cluster when absent. */
    node: CrushNodeSchema.optional(),
    host: HostNameSchema.optional(),
  })
  .strict()
export type CephFlagParams = z.infer<typeof CephFlagParamsSchema>
