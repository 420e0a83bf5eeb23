import { z } from 'zod'
import { readFamilies } from './json'

/**
 * `ceph df --format json`.
 *
 * - luminous-mimic: cluster `stats` {total_bytes, total_used_bytes, total_avail_bytes}; a pool's
 *   `stats` {kb_used, bytes_used, percent_used, max_avail, objects} with `percent_used` in percent
 *   (0–100, two decimals: ceph/ceph PGMap.cc `dump_format_unquoted("percent_used", "%.2f", used*100)`).
 * - nautilus-tentacle: cluster `stats` adds total_used_raw_bytes; a pool's `stats` has `stored` and
 *   `percent_used` as a ratio (0–1: PGMap.cc `dump_float("percent_used", used)`); Ceph 16.2.15 in the lab.
 * Both are returned with percentUsed as a ratio.
 */

export interface CephDf {
  totalBytes: number
  usedBytes: number
  pools: Array<{
    name: string
    id: number
    storedBytes: number
    objects: number
    percentUsed: number
    maxAvailBytes: number
  }>
}

const n = z.number().nonnegative()

type Pool = CephDf['pools'][number]
/** A pool row from its stats: `stored` is the field each family fills it from; percentUsed a ratio. */
function pool(
  row: { name: string; id: number; stats: { objects: number; max_avail: number } },
  storedBytes: number,
  percentUsed: number,
): Pool {
  return {
    name: row.name,
    id: row.id,
    storedBytes,
    objects: row.stats.objects,
    percentUsed,
    maxAvailBytes: row.stats.max_avail,
  }
}

const nautilus = z
  .object({
    stats: z.object({ total_bytes: n, total_used_raw_bytes: n }),
    pools: z.array(
      z.object({
        name: z.string(),
        id: z.number().int(),
        stats: z.object({ stored: n, objects: n, percent_used: n, max_avail: n }),
      }),
    ),
  })
  .transform((df): CephDf => ({
    totalBytes: df.stats.total_bytes,
    usedBytes: df.stats.total_used_raw_bytes,
    pools: df.pools.map((row) => pool(row, row.stats.stored, row.stats.percent_used)),
  }))

const luminous = z
  .object({
    stats: z.object({ total_bytes: n, total_used_bytes: n, total_used_raw_bytes: z.never().optional() }),
    pools: z.array(
      z.object({
        name: z.string(),
        id: z.number().int(),
        // No `stored`: that field came with the ratio.
        stats: z.object({
          kb_used: n,
          bytes_used: n,
          percent_used: n.max(100),
          max_avail: n,
          objects: n,
          stored: z.never().optional(),
        }),
      }),
    ),
  })
  .transform((df): CephDf => ({
    totalBytes: df.stats.total_bytes,
    usedBytes: df.stats.total_used_bytes,
    pools: df.pools.map((row) => pool(row, row.stats.bytes_used, row.stats.percent_used / 100)),
  }))

export function readCephDf(value: unknown, command = 'ceph df'): { family: string; df: CephDf } {
  const { family, data } = readFamilies(
    value,
    [
      { family: 'nautilus-tentacle', schema: nautilus },
      { family: 'luminous-mimic', schema: luminous },
    ],
    command,
  )
  return { family, df: data }
}
