import { z } from 'zod'
import { jsonValue, readFamilies, type ShapeFamily } from './json'

/**
 * `rbd lock ls --format json` (ceph/ceph src/test/cli-integration/rbd/formatted-output.t):
 *
 * - luminous: an object keyed by lock id, `{"id1": {"locker": "client.N", "address": "…"}}` (`{}` when none).
 * - mimic-tentacle: an array `[{"id", "locker", "address"}]` (`[]` when none); Ceph 16.2.15 in the lab.
 */

export interface RbdLock {
  id: string
  locker: string
  address: string
}

const Holder = { locker: z.string(), address: z.string() }

const families: ReadonlyArray<ShapeFamily<RbdLock[]>> = [
  { family: 'mimic-tentacle', schema: z.array(z.object({ id: z.string(), ...Holder })) },
  {
    family: 'luminous',
    schema: z
      .record(z.string(), z.object(Holder))
      .transform((locks) => Object.entries(locks).map(([id, lock]) => ({ id, ...lock }))),
  },
]

export function parseRbdLocks(text: string, command: string): { family: string; locks: RbdLock[] } {
  const { family, data } = readFamilies(jsonValue(text, command), families, command, text)
  return { family, locks: data }
}
