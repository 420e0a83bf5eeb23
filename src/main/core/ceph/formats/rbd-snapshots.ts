import { z } from 'zod'
import { cephBoolean, jsonValue, readFamilies, type ShapeFamily } from './json'

/**
 * `rbd snap ls --format json`, per release family (ceph/ceph src/test/cli-integration/rbd/formatted-output.t,
 * whose recorded outputs change with the releases):
 *
 * - luminous: `{id, name, size}`: no date, no protection.
 * - mimic: `{id, name, size, timestamp}`: no protection.
 * - nautilus-tentacle: `{id, name, size, protected: "true"|"false", timestamp}` (Pacific 16.2.15 in the lab;
 *   the newest formatted-output.t).
 *
 * Where the listing does not say, `protected` is undefined: the caller asks `rbd info POOL/IMAGE@SNAP`,
 * which prints `"protected": "true"|"false"` for a snapshot in every one of these releases.
 */

export interface RbdSnapshot {
  name: string
  sizeBytes: number
  /** undefined: this release's `snap ls` does not say (read `rbd info` of the snapshot). */
  protected: boolean | undefined
  createdAt?: string
}

const Flag = z.union([z.boolean(), z.enum(['true', 'false'])])
const Base = { id: z.number().int(), name: z.string(), size: z.number().nonnegative() }

const families: ReadonlyArray<ShapeFamily<RbdSnapshot[]>> = [
  {
    family: 'nautilus-tentacle',
    schema: z.array(z.object({ ...Base, protected: Flag, timestamp: z.string() })).transform((rows) =>
      rows.map((row) => ({
        name: row.name,
        sizeBytes: row.size,
        protected: cephBoolean(row.protected),
        ...(row.timestamp ? { createdAt: row.timestamp } : {}),
      })),
    ),
  },
  {
    family: 'mimic',
    schema: z.array(z.object({ ...Base, timestamp: z.string() }).strict()).transform((rows) =>
      rows.map((row) => ({
        name: row.name,
        sizeBytes: row.size,
        protected: undefined,
        ...(row.timestamp ? { createdAt: row.timestamp } : {}),
      })),
    ),
  },
  {
    family: 'luminous',
    schema: z
      .array(z.object(Base).strict())
      .transform((rows) =>
        rows.map((row) => ({ name: row.name, sizeBytes: row.size, protected: undefined })),
      ),
  },
]

export function parseRbdSnapList(
  text: string,
  command: string,
): { family: string; snapshots: RbdSnapshot[] } {
  const { family, data } = readFamilies(jsonValue(text, command), families, command, text)
  return { family, snapshots: data }
}

/** `rbd info POOL/IMAGE@SNAP --format json`: the snapshot's protection, in every supported release. */
export function parseSnapshotProtection(text: string, command: string): boolean {
  const { data } = readFamilies(
    jsonValue(text, command),
    [{ family: 'luminous-tentacle', schema: z.object({ name: z.string(), protected: Flag }) }],
    command,
    text,
  )
  return cephBoolean(data.protected)
}
