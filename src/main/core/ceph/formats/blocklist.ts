import { z } from 'zod'
import { CephShapeError, excerpt, jsonTrees, readFamilies, valueOf } from './json'

/**
 * `ceph osd blocklist ls --format json` (Pacific and later; `ceph osd blacklist ls` before Pacific,
 * same JSON): an array of `{"addr": "IP:PORT/NONCE", "until": "…"}`. Pacific 16.2.15 (lab) prints the
 * array and then a second, empty one (`[…][]`): the values are read in order and concatenated.
 */

export interface BlocklistEntry {
  address: string
  until: string
}

/** The word for the command in a release: `blacklist` before Pacific (16), `blocklist` from it on. */
export function blocklistWord(cephMajor: number): 'blocklist' | 'blacklist' {
  return cephMajor >= 16 ? 'blocklist' : 'blacklist'
}

const EntrySchema = z.object({ addr: z.string(), until: z.string() })
/**
 * A range entry (`ceph osd blocklist range add`, Quincy and later), printed in the second array
 * (ceph/ceph src/mon/OSDMonitor.cc, `osd blocklist ls`: "range", "until"). It blocks a whole
 * subnet: not a client address, so it is skipped.
 */
const RangeEntrySchema = z.object({ range: z.string(), until: z.string() })

export function parseBlocklist(text: string, command: string): BlocklistEntry[] {
  const trees = jsonTrees(text, command)
  if (trees.some((tree) => tree.type !== 'array'))
    throw new CephShapeError(command, ['expected JSON arrays'], excerpt(text))
  const rows = trees.flatMap((tree) => valueOf(tree) as unknown[])
  const { data } = readFamilies(
    rows,
    [{ family: 'luminous-tentacle', schema: z.array(z.union([EntrySchema, RangeEntrySchema])) }],
    command,
    text,
  )
  return data.flatMap((entry) => ('addr' in entry ? [{ address: entry.addr, until: entry.until }] : []))
}
