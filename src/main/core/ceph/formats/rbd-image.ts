import { z } from 'zod'
import { cephBoolean, jsonValue, readFamilies } from './json'

/**
 * `rbd info`, `rbd ls -l` and `rbd du` with `--format json`. Their shapes only grew from Luminous to
 * Tentacle (ceph/ceph src/test/cli-integration/rbd/formatted-output.t across releases, and Ceph
 * 16.2.15 captured in the lab): Luminous has no `create_timestamp`/`op_features` in `info`, Nautilus
 * added `id` and `snapshot_id` to `ls -l` and `du`; format 1 images have no `features`.
 */

export interface RbdImageInfo {
  sizeBytes: number
  features: string[]
  createdAt?: string
}

const InfoSchema = z.object({
  name: z.string(),
  size: z.number().nonnegative(),
  format: z.number().int(),
  features: z.array(z.string()).optional(),
  create_timestamp: z.string().optional(),
})

export function parseRbdInfo(text: string, command: string): RbdImageInfo {
  const { data } = readFamilies(
    jsonValue(text, command),
    [{ family: 'luminous-tentacle', schema: InfoSchema }],
    command,
    text,
  )
  return {
    sizeBytes: data.size,
    features: data.features ?? [],
    ...(data.create_timestamp ? { createdAt: data.create_timestamp } : {}),
  }
}

export interface RbdPoolRow {
  image: string
  sizeBytes: number
  snapshot?: string
  /** Snapshots only; every release prints it in `ls -l`. */
  protected?: boolean
}

const LsRowSchema = z.object({
  image: z.string(),
  size: z.number().nonnegative(),
  format: z.number().int(),
  snapshot: z.string().optional(),
  protected: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
})

/** `rbd ls -l POOL`: one row per image, then one per snapshot of it. */
export function parseRbdLsLong(text: string, command: string): RbdPoolRow[] {
  const { data } = readFamilies(
    jsonValue(text, command),
    [{ family: 'luminous-tentacle', schema: z.array(LsRowSchema) }],
    command,
    text,
  )
  return data.map((row) => ({
    image: row.image,
    sizeBytes: row.size,
    ...(row.snapshot !== undefined ? { snapshot: row.snapshot } : {}),
    ...(row.protected !== undefined ? { protected: cephBoolean(row.protected) } : {}),
  }))
}

const DuSchema = z.object({
  images: z.array(
    z.object({
      name: z.string(),
      snapshot: z.string().optional(),
      provisioned_size: z.number().nonnegative(),
      used_size: z.number().nonnegative(),
    }),
  ),
})

/** `rbd du POOL/IMAGE`: the image's own used bytes (its snapshots are listed too). */
export function parseRbdDu(text: string, command: string, image: string): number | undefined {
  const { data } = readFamilies(
    jsonValue(text, command),
    [{ family: 'luminous-tentacle', schema: DuSchema }],
    command,
    text,
  )
  return data.images.find((row) => row.name === image && row.snapshot === undefined)?.used_size
}
