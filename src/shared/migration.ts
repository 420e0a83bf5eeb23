import { z } from 'zod'
import { HostNameSchema, OvhBlockSchema, UuidSchema } from './validators'
import { ApiErrorDataSchema } from './errors'
import { CheckSchema, type Check } from './messages/check'
import { MessageSchema, msg } from './messages/message'

/**
 * Live migration and definition sync, as the UI sees them: the pre-checks of a planned migration,
 * the follow-ups the runbook asks for afterwards (failover IP, guest gateway), the result of a
 * migration job, and each host's definition compared with a reference host's.
 */

const uuid = UuidSchema

/**
 * A pre-check, in the one check shape (shared/messages/check.ts): its id ('destination-online',
 * 'drift', 'memory'…), level, and a migrationChecks.* message with its values.
 */
export const MigrationCheckSchema = CheckSchema
export type MigrationCheck = Check

export const FollowUpsSchema = z.object({
  /** The VM's failover IP (Hyperdesk metadata `failoverIp`): move it in the OVH manager *before* migrating. */
  failoverIp: z.string().optional(),
  /** The guest's default gateway: the source host's (old) and the destination host's (new). */
  gateway: z.object({ old: z.string().optional(), new: z.string() }),
  /** The eth0 block of the guest's /etc/network/interfaces on the destination (runbook layout). */
  interfacesLines: z.array(z.string()),
  /** The safe sequence to type in the guest's console, in order. */
  commands: z.array(z.string()),
  /**
   * Anything the app could not work out (no gateway configured, no failover IP…), as messages; a
   * string (a maintenance record saved by an older version) is kept as its English.
   */
  notes: z.array(
    z.preprocess(
      (note) => (typeof note === 'string' ? msg('common.untranslated', { text: note }) : note),
      MessageSchema,
    ),
  ),
})
export type FollowUps = z.infer<typeof FollowUpsSchema>

export const MigrationPlanParamsSchema = z
  .object({ uuid, from: HostNameSchema.optional(), to: HostNameSchema })
  .strict()

export const MigrationPlanSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  from: z.string(),
  to: z.string(),
  checks: z.array(MigrationCheckSchema),
  /** No check failed (warnings need acceptWarnings on vm.migrate). */
  canStart: z.boolean(),
  /** The destination's definition equals the source's: the migration keeps it with --persistent. */
  persistent: z.boolean(),
  followUps: FollowUpsSchema,
})
export type MigrationPlan = z.infer<typeof MigrationPlanSchema>

export const MigrateParamsSchema = z
  .object({
    uuid,
    to: HostNameSchema,
    /** Caps the migration's bandwidth (virsh migrate --bandwidth, MiB/s). */
    bandwidthMiBps: z.number().int().min(1).max(100_000).optional(),
    /** Aborts (virsh domjobabort) a migration that has not finished after this long. Default 600. */
    timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
    /** Start even though some checks warned. */
    acceptWarnings: z.boolean().optional(),
    /**
     * The runbook's first step as a step of the job (issue 20): move the VM's failover block to the
     * destination's OVH server. `first`: the block moves and OVH's task is followed, then the
     * migration; `parallel`: both at once. `others`: the other VMs (UUIDs) whose addresses are in the
     * block, which the user confirmed move too — the job refuses when the block has one not listed.
     */
    blockMove: z
      .object({
        block: OvhBlockSchema,
        when: z.enum(['first', 'parallel']),
        others: z.array(uuid).max(256).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
export type MigrateParams = z.infer<typeof MigrateParamsSchema>

/** A migration job's result. */
export const MigrationResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  durationMs: z.number(),
  /** From `virsh domjobinfo --completed` on the source, when libvirt reports it. */
  downtimeMs: z.number().optional(),
  followUps: FollowUpsSchema,
  /** Set when the connection dropped during the migration and the outcome was read afterwards. */
  reconciled: z.boolean().optional(),
  /** The failover block's move (blockMove): what OVH did, or why it did not (a parallel move's failure). */
  blockMove: z
    .object({
      block: z.string(),
      serviceName: z.string().optional(),
      moved: z.boolean(),
      taskId: z.number().optional(),
      error: z.optional(ApiErrorDataSchema),
    })
    .optional(),
})
export type MigrationResult = z.infer<typeof MigrationResultSchema>

/** Live statistics of a migration, put in the job's `detail` at each sample. */
export interface MigrationProgressDetail {
  [key: string]: number | string
  dataProcessedBytes: number
  dataRemainingBytes: number
  dataTotalBytes: number
  /** Bytes per second (libvirt's memory bandwidth). */
  speedBytesPerSecond: number
  elapsedMs: number
}

export const DefinitionStatusSchema = z.enum(['reference', 'same', 'different', 'missing', 'unreachable'])
export const DefinitionDiffSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** The host every other definition is compared with (where the VM runs, else the first defining host). */
  reference: z.string(),
  hosts: z.array(
    z.object({
      host: z.string(),
      status: DefinitionStatusSchema,
      /** Unified diff reference → this host (canonical XML), for 'different' and 'missing'. */
      diff: z.string().optional(),
      /** Why the host's definition could not be read: English (logs), and `errorText` for the window. */
      error: z.string().optional(),
      errorText: z.optional(MessageSchema),
    }),
  ),
})
export type DefinitionDiff = z.infer<typeof DefinitionDiffSchema>

export const SyncResultSchema = z.object({
  from: z.string(),
  hosts: z.array(
    z.object({
      host: z.string(),
      outcome: z.enum(['source', 'unchanged', 'defined', 'failed']),
      error: z.string().optional(),
      errorText: z.optional(MessageSchema),
      /** The VM runs there: the new definition applies at its next power-off and start. */
      running: z.boolean().optional(),
    }),
  ),
})
export type SyncResult = z.infer<typeof SyncResultSchema>

/**
 * What a sync from `from` would do on each other host, before it is done: that host's current
 * definition (`dumpxml --inactive`) against the one it would get, and whether the VM runs there —
 * then the change only applies at its next power-off and start, and the user must name that host.
 */
export const SyncPlanSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  from: z.string(),
  hosts: z.array(
    z.object({
      host: z.string(),
      status: z.enum(['source', 'same', 'different', 'missing', 'unreachable']),
      running: z.boolean(),
      /** Unified diff: this host's definition now → after the sync ('different', 'missing'). */
      diff: z.string().optional(),
      error: z.string().optional(),
      errorText: z.optional(MessageSchema),
    }),
  ),
  /** Hosts where the VM runs and whose definition would change: each must be named to confirm. */
  confirmHosts: z.array(z.string()),
})
export type SyncPlan = z.infer<typeof SyncPlanSchema>

export const SyncParamsSchema = z
  .object({
    uuid: UuidSchema,
    from: HostNameSchema,
    /** The hosts the user named to accept redefining the VM where it runs (SyncPlan.confirmHosts). */
    confirmRunningHosts: z.array(HostNameSchema).max(64).optional(),
  })
  .strict()

/** The migration plan's check that asks to move the failover IP by hand; a block move by the app does it. */
export const FAILOVER_CHECK = 'failover-ip'
