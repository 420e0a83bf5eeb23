import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import {
  freeText,
  ImageNameSchema,
  MAX_IMAGE_BYTES,
  PoolNameSchema,
  SIZE_STEP_BYTES,
  SizeBytesSchema,
  SnapshotNameSchema,
  UuidSchema,
} from './validators'

/**
 * The storage view and the image/snapshot operations: RBD images per configured pool, who uses
 * them, who has them open, their snapshots. Sizes cross the API in bytes; the UI accepts and shows
 * them with binary units (GiB/MiB), like rbd and libvirt count them.
 */

export { MAX_IMAGE_BYTES, SIZE_STEP_BYTES, UuidSchema }

export const ImageRefSchema = z.object({ pool: PoolNameSchema, image: ImageNameSchema }).strict()
export type ImageRef = z.infer<typeof ImageRefSchema>

export const WatcherSchema = z.object({ address: z.string(), client: z.number().optional() })

export const SnapshotSchema = z.object({
  name: z.string(),
  sizeBytes: z.number(),
  protected: z.boolean(),
  /** As rbd prints it (the host's local time), e.g. "Wed Nov 25 09:04:21 2026". */
  createdAt: z.string().optional(),
})
export type Snapshot = z.infer<typeof SnapshotSchema>

/** A VM whose definition (on some host) uses the image as a disk. */
export const ImageUserSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** The disk's target in the guest (vda…), from the definition. */
  target: z.string(),
  runningOn: z.array(z.string()),
  /** Unreachable hosts where it was running when last asked. */
  lastKnownRunningOn: z.array(z.string()),
})
export type ImageUser = z.infer<typeof ImageUserSchema>

export const ImageSchema = z.object({
  pool: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  /** Known without reading the data only with fast-diff; otherwise only after storage.du. */
  usedBytes: z.number().optional(),
  fastDiff: z.boolean(),
  features: z.array(z.string()),
  createdAt: z.string().optional(),
  watchers: z.array(WatcherSchema),
  snapshots: z.array(SnapshotSchema),
  usedBy: z.array(ImageUserSchema),
  /** No known definition uses it. Only certain when every host could be asked (listing.unknownHosts). */
  orphan: z.boolean(),
  /** Why some details are missing (a failed rbd info/status for this image). */
  error: z.optional(ApiErrorDataSchema),
})
export type Image = z.infer<typeof ImageSchema>

export const PoolListingSchema = z.object({
  pool: z.string(),
  images: z.array(ImageSchema),
  error: z.optional(ApiErrorDataSchema),
})
export type PoolListing = z.infer<typeof PoolListingSchema>

export const StorageListingSchema = z.object({
  /** The host whose rbd answered. */
  host: z.string(),
  pools: z.array(PoolListingSchema),
  /** Hosts whose definitions are unknown: an "orphan" may be used there. */
  unknownHosts: z.array(z.string()),
  at: z.number(),
})
export type StorageListing = z.infer<typeof StorageListingSchema>

/** One reason an operation is refused; several are reported together. */
export const RefusalSchema = z.object({
  code: z.string(),
  message: z.string(),
  host: z.string().optional(),
})
export type Refusal = z.infer<typeof RefusalSchema>

export const CreateImageParamsSchema = ImageRefSchema.extend({ sizeBytes: SizeBytesSchema }).strict()
export const GrowImageParamsSchema = ImageRefSchema.extend({ sizeBytes: SizeBytesSchema }).strict()
export const ShrinkImageParamsSchema = z
  .object({
    pool: PoolNameSchema,
    image: ImageNameSchema,
    sizeBytes: SizeBytesSchema,
    /** The image's exact name, typed by the user. */
    confirmName: freeText("confirmation (the image's name)"),
    /** Must be true: shrinking cuts off whatever the guest stored beyond the new size. */
    allowShrink: z.literal(true, { error: 'must be true: shrinking destroys data beyond the new size' }),
  })
  .strict()
export const DeleteImageParamsSchema = z
  .object({
    pool: PoolNameSchema,
    image: ImageNameSchema,
    confirmName: freeText("confirmation (the image's name)"),
    /** Also delete its snapshots (rbd snap purge); without it, an image with snapshots is refused. */
    purgeSnapshots: z.boolean().optional(),
  })
  .strict()
export const SnapshotParamsSchema = ImageRefSchema.extend({ snapshot: SnapshotNameSchema }).strict()
export const SnapshotDeleteParamsSchema = SnapshotParamsSchema.extend({
  /** The snapshot's exact name, typed by the user. */
  confirmName: freeText('confirmation (the snapshot name)'),
  /**
   * A second, explicit consent, needed only for a safety snapshot the app took before a shrink or a
   * rollback (hyperdesk-before-…): it holds the disk as it was before that change.
   */
  confirmSafetySnapshot: z.boolean().optional(),
}).strict()
export const RollbackParamsSchema = SnapshotParamsSchema.extend({
  /** Default true: a snapshot of the current state first, so the rollback itself can be undone. */
  safetySnapshot: z.boolean().optional(),
  /** The image's exact name, typed by the user: its current content is replaced by the snapshot's. */
  confirmName: freeText("confirmation (the image's name)"),
}).strict()

const SAFETY_SNAPSHOT = /^hyperdesk-before-([a-z]+)-(\d{8})-(\d{6})$/

/**
 * A safety snapshot's reason and time, from its name (hyperdesk-before-shrink-20261125-091500, see
 * storage/operations.ts safetySnapshotName); undefined for any other snapshot.
 */
export function safetySnapshotInfo(name: string): { reason: string; takenAt: number } | undefined {
  const match = SAFETY_SNAPSHOT.exec(name)
  if (!match) return undefined
  const [, reason = '', day = '', time = ''] = match
  const takenAt = Date.UTC(
    Number(day.slice(0, 4)),
    Number(day.slice(4, 6)) - 1,
    Number(day.slice(6, 8)),
    Number(time.slice(0, 2)),
    Number(time.slice(2, 4)),
    Number(time.slice(4, 6)),
  )
  return Number.isNaN(takenAt) ? undefined : { reason, takenAt }
}

/** What a grow did: the live path (virsh blockresize on the running host) or rbd resize. */
export const GrowResultSchema = z.object({
  method: z.enum(['blockresize', 'rbd-resize']),
  host: z.string(),
  fromBytes: z.number(),
  toBytes: z.number(),
  /** The VMs using the image, with their disk target, for the in-guest steps. */
  usedBy: z.array(ImageUserSchema),
})
export type GrowResult = z.infer<typeof GrowResultSchema>

export const ShrinkResultSchema = z.object({
  host: z.string(),
  fromBytes: z.number(),
  toBytes: z.number(),
  /** The snapshot taken before shrinking (the data beyond the new size is still there). */
  snapshot: z.string(),
})
export const RollbackResultSchema = z.object({
  host: z.string(),
  snapshot: z.string(),
  safetySnapshot: z.string().optional(),
})
export const DeleteResultSchema = z.object({ host: z.string(), purgedSnapshots: z.array(z.string()) })
export const DuResultSchema = z.object({
  host: z.string(),
  pool: z.string(),
  image: z.string(),
  usedBytes: z.number(),
})

const UNIT_BYTES: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }

/**
 * Reads a size typed by a user ("20 GiB", "512M", "1,5 Go"); a bare number is in `defaultUnit`.
 * Returns bytes, or null when it is not a size. GB/Go are read as binary units, like rbd does.
 */
export function parseSize(text: string, defaultUnit: 'MiB' | 'GiB' = 'GiB'): number | null {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  if (!match) return null
  const value = Number((match[1] ?? '').replace(',', '.'))
  const typed = (match[2] ?? '') || defaultUnit
  // "GiB", "GB", "Go", "G" → G; "B", "o" → bytes. French users write octets (o).
  const unit = typed.toUpperCase().replace(/[BO]$/, '').replace(/I$/, '')
  const factor = UNIT_BYTES[unit]
  if (factor === undefined || !Number.isFinite(value)) return null
  return Math.round(value * factor)
}

/** Bytes with a binary unit, e.g. "24 MiB", "1.5 GiB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const shown = Number.isInteger(value) ? String(value) : value >= 100 ? value.toFixed(0) : value.toFixed(1)
  return `${shown} ${units[unit]}`
}
