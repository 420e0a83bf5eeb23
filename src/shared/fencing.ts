import { z } from 'zod'
import { freeText, HostNameSchema, UuidSchema } from './validators'
import { fillPlaceholders } from './placeholders'
import { FENCE_TEXTS, type FenceText } from './fencing-texts'

/**
 * Fencing a lost host before starting its VM elsewhere (issue 15). Starting a VM whose last host
 * cannot be asked is only allowed once Ceph refuses that host's clients of the VM's disks: the app
 * blocklists their exact addresses (`IP:0/nonce`), reads the blocklist back, and only then starts.
 * When the host comes back, its fenced copy is isolated (link down, paused), shown as "fenced, must
 * be destroyed", destroyed after a confirmation, and the blocklist entries the app added are removed.
 *
 * Sentences travel as a text key and parameters: the core writes the English from FENCE_TEXTS
 * (fencing-texts.ts), the UI renders the same key in the user's language (i18n/fencing.fr.ts).
 */

export { FENCE_TEXTS, type FenceText } from './fencing-texts'

export const FenceMessageSchema = z.object({
  text: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The English sentence (logs, audit, the UI's fallback). */
  message: z.string(),
})
export type FenceMessage = z.infer<typeof FenceMessageSchema>

/** One client of Ceph to blocklist, and why the app knows it. */
export const FenceTargetSchema = z.object({
  /** The client's exact address, `IP:0/nonce`. */
  address: z.string(),
  /** pool/image it has (or had) open. */
  image: z.string(),
  source: z.enum(['lock-owner', 'recorded-watcher', 'live-watcher']),
  /** When the app recorded it (recorded watchers). */
  seenAt: z.number().optional(),
})
export type FenceTarget = z.infer<typeof FenceTargetSchema>

export const FencePlanSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  lostHost: z.string(),
  /** When the app found the host unreachable (ms since epoch). */
  unreachableSince: z.number().optional(),
  /** Exact addresses to blocklist (deduplicated). */
  targets: z.array(FenceTargetSchema),
  /** Watchers alive now: fencing them cuts a running QEMU's disk (asked separately). */
  liveWatchers: z.array(FenceTargetSchema),
  /** The lost host's Ceph IPs, for the separate whole-IP step. */
  hostIps: z.array(z.string()),
  /** Exact fencing is impossible: only the whole-IP step can fence. */
  needsWholeIp: z.boolean(),
  expirySeconds: z.number(),
  watchTimeoutSeconds: z.number().optional(),
  /** Why fencing is not possible now (e.g. the host answers). */
  blocks: z.array(FenceMessageSchema),
  /** What the user must know before confirming. */
  warnings: z.array(FenceMessageSchema),
  /** Facts (expiry, watch timeout, who fences). */
  notes: z.array(FenceMessageSchema),
})
export type FencePlan = z.infer<typeof FencePlanSchema>

export const FencePlanParamsSchema = z.object({ uuid: UuidSchema, lostHost: HostNameSchema }).strict()

export const FenceStartParamsSchema = z
  .object({
    uuid: UuidSchema,
    lostHost: HostNameSchema,
    /** Where to start the VM once the lost host is fenced. */
    host: HostNameSchema,
    /** The user confirms the lost host is powered off or isolated. */
    confirmHostOff: z.literal(true),
    /** The VM's exact name, typed. */
    confirmName: freeText("confirmation (the VM's name as the hosts report it)"),
    /** A separate consent: a watcher is alive, fencing cuts a running VM's disk. */
    acceptLiveWatchers: z.boolean().optional(),
    /** The separate, named whole-IP step. */
    wholeIp: z.boolean().optional(),
  })
  .strict()
export type FenceStartParams = z.infer<typeof FenceStartParamsSchema>

/** A blocklist entry the app added, with its expiry as Ceph reported it. */
export const FenceEntrySchema = z.object({ address: z.string(), until: z.string().optional() })

/** A fence the app made: active until the fenced copy is destroyed and its entries removed. */
export const FenceRecordSchema = z.object({
  id: z.string(),
  uuid: z.string(),
  name: z.string(),
  lostHost: z.string(),
  entries: z.array(FenceEntrySchema),
  fencedAt: z.number(),
  admin: z.string(),
  /** Where the VM was started after the fence. */
  startedOn: z.string().optional(),
  /** The host came back and the app cut the copy's link and paused it. */
  isolatedAt: z.number().optional(),
})
export type FenceRecord = z.infer<typeof FenceRecordSchema>

export const DestroyFencedParamsSchema = z
  .object({
    uuid: UuidSchema,
    host: HostNameSchema,
    confirmName: freeText("confirmation (the VM's name as the hosts report it)"),
  })
  .strict()

/** Fills a text's {{placeholders}} (the core's English rendering). */
export function fenceMessage(text: FenceText, params: Record<string, string | number>): FenceMessage {
  const message = fillPlaceholders(FENCE_TEXTS[text], params, (key) => `{{${key}}}`)
  return { text, params, message }
}
