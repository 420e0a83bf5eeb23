import { z } from 'zod'
import { nameIssue, type NameIssue } from './names'
import { CoreIdSchema, UuidSchema } from './validators'

/**
 * Install media (issue 19 item 1): an ISO uploaded from the workstation into the images pool of
 * every host through libvirt (`vol-create-as` + `vol-upload`: etalab cannot write
 * /var/lib/libvirt/images itself), checked by SHA-256 on each host; and ejecting a VM's CD-ROM after
 * its install (the migration pre-checks require the ISO on the destination).
 */

/** Bytes per `iso.uploadChunk` call: 1 MiB (1.4 MB as base64, well under the WebSocket's 4 MiB). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024
/** The largest ISO the app uploads (a DVD image is ~4.7 GB; 16 GiB leaves room). */
export const MAX_ISO_BYTES = 16 * 1024 * 1024 * 1024

/** Which rule an ISO name breaks: the app's name rule (names.ts), and the `.iso` suffix. */
export type IsoNameIssue = NameIssue | { rule: 'suffix' }
export function isoNameIssue(name: string): IsoNameIssue | null {
  const issue = nameIssue(name)
  if (issue) return issue
  if (!/\.iso$/i.test(name) || name.length <= 4) return { rule: 'suffix' }
  return null
}

const ISO_NAME_PROBLEMS = {
  empty: () => 'is empty',
  tooLong: (issue: IsoNameIssue) => `is longer than ${'max' in issue ? issue.max : 64} characters`,
  start: () => 'must start with a letter or a digit',
  character: (issue: IsoNameIssue) =>
    `contains ${JSON.stringify('character' in issue ? issue.character : '?')}: only ASCII letters, digits, '.', '_' and '-' are allowed`,
  suffix: () => 'must end with .iso',
} as const
export function isoNameProblem(name: string): string | null {
  const issue = isoNameIssue(name)
  return issue ? ISO_NAME_PROBLEMS[issue.rule](issue) : null
}

/**
 * A file name as the user's system gave it (spaces, accents, a path) → a name the rule accepts, to
 * prefill the field: the user still sees and may change it.
 */
export function suggestIsoName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? ''
  const ascii = base
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
  const withSuffix = /\.iso$/i.test(ascii) ? ascii : `${ascii.replace(/\.+$/, '')}.iso`
  return withSuffix.length > 64 ? `${withSuffix.slice(0, 60)}.iso` : withSuffix
}

/** A volume name in the images pool: one safe virsh argument ending in .iso. */
export const IsoNameSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = isoNameProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: `ISO name ${problem}` })
  })
  .meta({ validator: 'ISO name', example: 'debian-12.8.0-amd64-netinst.iso' })

export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hexadecimal digits (a SHA-256)')
  .meta({ validator: 'SHA-256', example: 'a'.repeat(64), localOnly: true })

export const IsoUploadParamsSchema = z
  .object({
    name: IsoNameSchema,
    sizeBytes: z.number().int().positive().max(MAX_ISO_BYTES),
    /** The distributor's SHA-256 (SHA256SUMS), when the user has it: compared with what was sent. */
    expectedSha256: Sha256Schema.optional(),
  })
  .strict()
export type IsoUploadParams = z.input<typeof IsoUploadParamsSchema>

/** One piece of the file, in order, as base64 (JSON carries it over both transports). */
export const IsoChunkParamsSchema = z
  .object({
    job: CoreIdSchema,
    offset: z.number().int().min(0).max(MAX_ISO_BYTES),
    data: z
      .string()
      .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
      .meta({ validator: 'base64 chunk', example: 'AAAA', localOnly: true }),
  })
  .strict()
export const IsoChunkResultSchema = z.object({
  /** Bytes the core has taken so far (the next offset). */
  received: z.number(),
  sizeBytes: z.number(),
})
export type IsoChunkResult = z.infer<typeof IsoChunkResultSchema>

export const IsoUploadResultSchema = z.object({
  name: z.string(),
  pool: z.string(),
  /** Where every host has it (the wizard's ISO choice). */
  path: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  hosts: z.array(z.string()),
  /** Hosts that already had it with the same SHA-256: nothing was sent there. */
  skipped: z.array(z.string()).optional(),
})
export type IsoUploadResult = z.infer<typeof IsoUploadResultSchema>

/** A volume the undo of a failed upload could not delete. */
export const IsoRemainSchema = z.object({ host: z.string(), pool: z.string(), name: z.string() })
export type IsoRemain = z.infer<typeof IsoRemainSchema>

/** Live figures of an upload job (job.detail): total, received, and `host:<name>` per host. */
export function uploadDetail(
  sizeBytes: number,
  received: number,
  perHost: Record<string, number>,
  phase: 'prepare' | 'send' | 'verify',
): Record<string, number | string> {
  const detail: Record<string, number | string> = { phase, sizeBytes, received }
  for (const [host, bytes] of Object.entries(perHost)) detail[`host:${host}`] = bytes
  return detail
}

export const EjectMediaParamsSchema = z.object({ uuid: UuidSchema }).strict()
export const EjectMediaResultSchema = z.object({
  name: z.string(),
  /** The CD-ROM targets emptied (e.g. hdc). */
  targets: z.array(z.string()),
  /** Hosts whose persistent definition was changed. */
  persistentOn: z.array(z.string()),
  /** The host where it ran and was ejected live, if it ran. */
  liveOn: z.string().optional(),
  /** libvirt refused the running VM (a locked tray): the drive empties at its next start. */
  liveError: z.string().optional(),
})
export type EjectMediaResult = z.infer<typeof EjectMediaResultSchema>
