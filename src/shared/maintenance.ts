import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { FollowUpsSchema } from './migration'
import { CheckSchema, type Check } from './messages/check'
import { englishText, msg, MessageSchema, type Message } from './messages/message'
import { CoreIdSchema, HostNameSchema, OvhBlockSchema, UuidSchema } from './validators'

/**
 * Host maintenance as one guided job: pre-checks, a capacity plan, migrations one by one, noout,
 * the reboot (a configured command or the user), waiting for the host and for every PG
 * active+clean, then noout unset. The record is saved on disk after every step, so after an app
 * restart the maintenance can be resumed or aborted.
 */

/**
 * A pre-check in the one check shape (shared/messages/check.ts). Ids: host-online, ceph-health, osds,
 * monitors, autostart, libvirt-guests, privilege, capacity:<host>, migration:<vm>:<check>.
 */
export const MaintenanceCheckSchema = CheckSchema
export type MaintenanceCheck = Check

/**
 * The VM's failover block as OVH routes it (issue 20): the plan offers to move it to the
 * destination's server through OVH before the VM migrates. OVH moves whole blocks: every address
 * goes, with every VM that claims one (`others`, which the user confirms).
 */
export const MaintenanceBlockSchema = z.object({
  block: z.string(),
  /** The OVH server it routes to now, and the cluster host that is that server. */
  routedTo: z.string().nullable(),
  routedHost: z.string().optional(),
  /** The destination host's OVH server. */
  toServer: z.string().optional(),
  /** False when the block already routes to the destination's server. */
  needed: z.boolean(),
  addresses: z.array(z.object({ ip: z.string(), vms: z.array(z.string()) })),
  /** Other VMs whose address moves too; `to` is where this maintenance sends them, if it does. */
  others: z.array(
    z.object({
      uuid: z.string(),
      name: z.string(),
      ip: z.string(),
      runningOn: z.array(z.string()),
      to: z.string().optional(),
    }),
  ),
  /** OVH's pre-check (ipCanBeMovedTo) said yes. */
  canMove: z.boolean(),
  /** What stops the move before asking OVH. */
  blockedBy: z.enum(['unmappedHost', 'duplicateMac']).optional(),
  /** OVH's refusal of the pre-check. */
  refusal: z.optional(ApiErrorDataSchema),
})
export type MaintenanceBlock = z.infer<typeof MaintenanceBlockSchema>

export const MaintenanceMoveSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  memoryKiB: z.number(),
  to: z.string(),
  /** The VM's failover IP: its block moves (by the app or in the OVH manager) before it migrates. */
  failoverIp: z.string().optional(),
  /** Its block as OVH routes it, when OVH is configured. */
  block: MaintenanceBlockSchema.optional(),
})
export type MaintenanceMove = z.infer<typeof MaintenanceMoveSchema>

export const NooutPlanSchema = z.object({
  /** CRUSH host bucket for `osd set-group noout <node>`; cluster-wide `osd set noout` when absent. */
  node: z.string().optional(),
  /** Why this scope, in English (logs). */
  reason: z.string(),
  /** The same as a message, for the window. */
  reasonText: z.optional(MessageSchema),
})
export type NooutPlan = z.infer<typeof NooutPlanSchema>

export const MaintenancePlanSchema = z.object({
  host: z.string(),
  checks: z.array(MaintenanceCheckSchema),
  moves: z.array(MaintenanceMoveSchema),
  /** Each possible destination's free memory and what the plan puts there. */
  destinations: z.array(
    z.object({
      host: z.string(),
      online: z.boolean(),
      freeKiB: z.number().optional(),
      plannedKiB: z.number(),
    }),
  ),
  noout: NooutPlanSchema,
  /** The configured reboot command (argv joined), or absent: the user reboots the host. */
  rebootCommand: z.string().optional(),
  /** No check failed. */
  canStart: z.boolean(),
  /** With failover IPs among the moves: whether OVH is configured, or why it could not be read. */
  ovh: z.object({ configured: z.boolean(), error: z.optional(ApiErrorDataSchema) }).optional(),
})
export type MaintenancePlan = z.infer<typeof MaintenancePlanSchema>

export const MAINTENANCE_STEP_KINDS = [
  'block-move',
  'migrate',
  'noout-set',
  'reboot',
  'wait-clean',
  'noout-unset',
] as const
export const MaintenanceStepSchema = z.object({
  id: z.string(),
  kind: z.enum(MAINTENANCE_STEP_KINDS),
  state: z.enum(['pending', 'running', 'waiting', 'done', 'skipped', 'failed']),
  /** For migrate and block-move: the VM and its destination. */
  uuid: z.string().optional(),
  vm: z.string().optional(),
  to: z.string().optional(),
  /** For block-move: the VM's failover block and the other VMs the user confirmed it moves. */
  block: z.string().optional(),
  others: z.array(z.string()).optional(),
  /** What happened or what the step waits for, in English (logs; a record saved before `text`). */
  message: z.string().optional(),
  /** The same as a message, for the window. */
  text: z.optional(MessageSchema),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** A migration's follow-ups (the guest gateway checklist). */
  followUps: FollowUpsSchema.optional(),
})
export type MaintenanceStep = z.infer<typeof MaintenanceStepSchema>

export const MAINTENANCE_STATUSES = ['running', 'interrupted', 'failed', 'cancelled', 'done'] as const
export const MaintenanceRecordSchema = z.object({
  id: z.string(),
  host: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** running: a job drives it; interrupted: no job (app restarted, job cancelled): resume or abort. */
  status: z.enum(MAINTENANCE_STATUSES),
  /** The job driving it while running. */
  jobId: z.string().optional(),
  plan: MaintenancePlanSchema,
  steps: z.array(MaintenanceStepSchema),
  /** noout as this maintenance set it (so abort and resume know what to unset). */
  nooutSet: z.object({ node: z.string().optional() }).optional(),
  /** The host's boot id when the reboot step began (a changed id proves the reboot). */
  bootId: z.string().optional(),
  /** The host was seen offline since the reboot step began. */
  sawOffline: z.boolean().optional(),
  /** The user said the host was rebooted. */
  rebootConfirmed: z.boolean().optional(),
  /** The host dropped its connection and came back with the same boot id (not a reboot). */
  droppedWithoutReboot: z.boolean().optional(),
  /**
   * Warning check ids the user accepted (migration:<vm>:<check>): with the plan, or later. A warning
   * not among them that appears during the maintenance stops it for a new confirmation.
   */
  acceptedWarnings: z.array(z.string()).optional(),
  error: z.optional(ApiErrorDataSchema),
  /** Caps each migration's bandwidth (virsh migrate --bandwidth, MiB/s). */
  bandwidthMiBps: z.number().int().min(1).max(100_000).optional(),
  /** What abort did (noout unset or kept), in English (logs; a record saved before `outcomeText`). */
  outcome: z.string().optional(),
  /** The same as a message, for the window. */
  outcomeText: z.optional(MessageSchema),
})
export type MaintenanceRecord = z.infer<typeof MaintenanceRecordSchema>

const destinations = z
  .record(UuidSchema, HostNameSchema)
  .optional()
  .describe('VM UUID → destination host, overriding the plan')

export const MaintenancePlanParamsSchema = z.object({ host: HostNameSchema, destinations }).strict()
export const MaintenanceStartParamsSchema = z
  .object({
    host: HostNameSchema,
    destinations,
    acceptWarnings: z.boolean().optional(),
    /** Caps each migration's bandwidth (MiB/s), e.g. to spare the production network. */
    bandwidthMiBps: z.number().int().min(1).max(100_000).optional(),
    /**
     * VM UUID → its failover block, moved through OVH before that VM migrates; `others`: the UUIDs
     * of the other VMs whose addresses move with it, as the user confirmed.
     */
    blockMoves: z
      .record(
        UuidSchema,
        z.object({ block: OvhBlockSchema, others: z.array(UuidSchema).max(256).optional() }),
      )
      .optional(),
  })
  .strict()
export const MaintenanceIdParamsSchema = z.object({ id: CoreIdSchema }).strict()
export const MaintenanceResumeParamsSchema = z
  .object({
    id: CoreIdSchema,
    /** Accept the warnings that stopped it (error.details.warnings) and go on. */
    acceptWarnings: z.boolean().optional(),
  })
  .strict()
export const MaintenanceAbortParamsSchema = z
  .object({ id: CoreIdSchema, keepNoout: z.boolean().optional() })
  .strict()
export const MaintenanceCurrentSchema = z.object({ record: MaintenanceRecordSchema.nullable() })

/** A step's message for the record: the message for the window and its English. */
export function stepSaid(text: Message): { message: string; text: Message } {
  return { message: englishText(text), text }
}

/** What a step says, as a message (a record saved before messages: its English, kept as is). */
export function stepText(step: Pick<MaintenanceStep, 'message' | 'text'>): Message | undefined {
  if (step.text) return step.text
  return step.message ? msg('common.untranslated', { text: step.message }) : undefined
}

/** A noout plan with its reason as a message (and its English). */
export function nooutPlan(reason: Message, node?: string): NooutPlan {
  return { ...(node !== undefined ? { node } : {}), reason: englishText(reason), reasonText: reason }
}
