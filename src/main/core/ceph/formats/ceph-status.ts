import { z } from 'zod'
import { readFamilies } from './json'

/**
 * `ceph status` (fsid and PG states) and `ceph quorum_status` with `--format json`.
 *
 * status: `pgmap` {num_pgs, pgs_by_state: [{state_name, count}]} in every supported release
 * (Luminous `ceph status` recorded in opensds's ceph driver tests; Ceph 16.2.15 in the lab).
 * quorum_status: a monitor has `addr` and `public_addr` ("IP:6789/0") in Luminous and Mimic;
 * Nautilus added `public_addrs` (msgr2 address vector) and kept `public_addr` and `addr`.
 */

export interface StatusPgs {
  fsid: string
  total: number
  byState: Array<{ state: string; count: number }>
  osds: { total: number; up: number }
}

const OsdCounts = z.object({
  num_osds: z.number().int().nonnegative(),
  num_up_osds: z.number().int().nonnegative(),
})
/**
 * `osdmap` in `ceph status`: nested once more (`{"osdmap": {"osdmap": {…}}}`) up to Nautilus (Luminous
 * recorded in opensds's tests), flat from Octopus on (Ceph 16.2.15 in the lab).
 */
const OsdMap = z.union([z.object({ osdmap: OsdCounts }).transform((map) => map.osdmap), OsdCounts])

export function readStatusPgs(value: unknown, command = 'ceph status'): StatusPgs {
  return readFamilies(
    value,
    [
      {
        family: 'luminous-tentacle',
        schema: z
          .object({
            fsid: z.string(),
            osdmap: OsdMap,
            pgmap: z.object({
              num_pgs: z.number().int().nonnegative(),
              pgs_by_state: z.array(
                z.object({ state_name: z.string(), count: z.number().int().nonnegative() }),
              ),
            }),
          })
          .transform((status) => ({
            fsid: status.fsid,
            total: status.pgmap.num_pgs,
            byState: status.pgmap.pgs_by_state.map((entry) => ({
              state: entry.state_name,
              count: entry.count,
            })),
            osds: { total: status.osdmap.num_osds, up: status.osdmap.num_up_osds },
          })),
      },
    ],
    command,
  ).data
}

const Mon = z.object({
  name: z.string(),
  rank: z.number().int(),
  public_addr: z.string().optional(),
  addr: z.string().optional(),
})

export interface QuorumMon {
  name: string
  rank: number
  address: string
  inQuorum: boolean
  leader: boolean
}

export function readQuorum(value: unknown, command = 'ceph quorum_status'): QuorumMon[] {
  return readFamilies(
    value,
    [
      {
        family: 'luminous-tentacle',
        schema: z
          .object({
            quorum_names: z.array(z.string()),
            quorum_leader_name: z.string().optional(),
            monmap: z.object({ mons: z.array(Mon) }),
          })
          .transform((quorum) =>
            quorum.monmap.mons.map((mon) => ({
              name: mon.name,
              rank: mon.rank,
              address: (mon.public_addr ?? mon.addr ?? '').replace(/\/\d+$/, ''),
              inQuorum: quorum.quorum_names.includes(mon.name),
              leader: mon.name === quorum.quorum_leader_name,
            })),
          ),
      },
    ],
    command,
  ).data
}
