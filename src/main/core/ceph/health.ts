import type {
  CephStatus,
  HealthCheck,
  HealthStatus,
  Monitor,
  Osd,
  PoolUsage,
  Privilege,
} from '../../../shared/ceph'
import { ApiError } from '../../../shared/errors'
import type { RemoteRunner } from '../remote/runner'

/**
 * Reads the Ceph cluster's state with the configured (read-only) client: six `ceph … --format json`
 * calls run side by side on one host. The parsers below are pure so unit tests can feed them the JSON
 * of other Ceph versions; fields missing on old versions become absent, never invented.
 */

type Json = Record<string, unknown>

/** `ceph … --format json` prints a leading newline on some versions; errors name host and step. */
export async function cephJson(
  runner: RemoteRunner,
  host: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<Json> {
  const step = `ceph ${args.join(' ')}`
  const result = await runner.ceph(host, [...args, '--format', 'json'], {
    step,
    ...(signal ? { signal } : {}),
  })
  try {
    return JSON.parse(result.stdout.trim() || '{}') as Json
  } catch {
    throw new ApiError({
      code: 'ceph.bad-output',
      host,
      step,
      message: `${step} on ${host} did not print JSON: ${result.stdout.trim().slice(0, 200)}`,
    })
  }
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback)
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const arr = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : [])
const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}

export function healthStatus(value: unknown): HealthStatus {
  return value === 'HEALTH_OK' || value === 'HEALTH_ERR' ? value : 'HEALTH_WARN'
}

/** Plain words for the checks an admin of this cluster meets; others keep Ceph's own summary. */
const EXPLANATIONS: Record<string, string> = {
  OSD_DOWN:
    'One or more OSDs are down: their data is served by the other copies (degraded). Start the OSD again, or find why it stopped (disk, host, network).',
  OSD_HOST_DOWN: 'Every OSD of a host is down: the host is off, rebooting or cut from the Ceph network.',
  OSDMAP_FLAGS:
    'A flag changes how Ceph reacts. noout: down OSDs are not marked out, so no data moves while a host reboots; unset it after maintenance.',
  OSD_FLAGS: 'A flag is set on some OSDs or hosts (e.g. noout for one host during its maintenance).',
  PG_DEGRADED:
    'Some data has fewer copies than wanted (usually because an OSD is down). Ceph copies it back once the OSD returns.',
  PG_AVAILABILITY:
    'Some data cannot be read or written: VMs using it hang. Bring back the missing OSDs at once.',
  MON_DOWN: 'A monitor is down: the others keep the quorum as long as a majority answers.',
  MON_CLOCK_SKEW: "The monitors' clocks differ: check NTP on the monitor hosts.",
  OSD_NEARFULL: 'An OSD is nearly full: free space or add disks before it blocks writes.',
  OSD_FULL: 'An OSD is full: writes are blocked. Free space or add disks now.',
  POOL_NEARFULL: 'A pool is nearly full.',
  POOL_FULL: 'A pool is full: writes to it are blocked.',
  POOL_NO_REDUNDANCY: 'A pool keeps a single copy of its data: losing one OSD loses data.',
  OBJECT_MISPLACED: 'Data is being moved to where CRUSH wants it (rebalancing); it is safe, just slow.',
  SLOW_OPS: 'Requests take more than 30 s: an OSD or a disk is struggling.',
  RECENT_CRASH: 'A Ceph daemon crashed recently (`ceph crash ls` on an admin host).',
  AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED:
    'Monitors still allow old clients to reclaim their id insecurely (a security warning after an upgrade).',
  PG_NOT_SCRUBBED: 'Some data has not been checked (scrubbed) recently.',
  PG_NOT_DEEP_SCRUBBED: 'Some data has not been deep-checked (deep scrub) recently.',
}

export function parseHealthDetail(json: Json): { status: HealthStatus; checks: HealthCheck[] } {
  const checks = Object.entries(obj(json.checks)).map(([code, value]): HealthCheck => {
    const check = obj(value)
    const summary = str(obj(check.summary).message) ?? str(check.summary) ?? code
    return {
      code,
      severity: healthStatus(check.severity),
      summary,
      explanation: EXPLANATIONS[code] ?? summary,
      detail: arr(check.detail)
        .map((line) => str(line.message) ?? '')
        .filter(Boolean),
    }
  })
  return { status: healthStatus(json.status ?? json.overall_status), checks }
}

/** OSDs with their CRUSH host and root, from `osd tree` (a bucket's children are ids). */
export function parseOsdTree(json: Json): Osd[] {
  const nodes = arr(json.nodes)
  const byId = new Map(nodes.map((node) => [num(node.id), node]))
  const parent = new Map<number, number>()
  for (const node of nodes) for (const child of arr(node.children)) parent.set(Number(child), num(node.id))
  const ancestor = (id: number, type: string): string | undefined => {
    for (let current = parent.get(id); current !== undefined; current = parent.get(current)) {
      const node = byId.get(current)
      if (node?.type === type) return str(node.name)
    }
    return undefined
  }
  return nodes
    .filter((node) => node.type === 'osd')
    .map((node): Osd => {
      const id = num(node.id)
      const host = ancestor(id, 'host')
      const root = ancestor(id, 'root')
      const deviceClass = str(node.device_class)
      const reweight = num(node.reweight)
      return {
        id,
        name: str(node.name) ?? `osd.${id}`,
        ...(host ? { host } : {}),
        ...(root ? { root } : {}),
        ...(deviceClass ? { deviceClass } : {}),
        up: node.status === 'up',
        in: reweight > 0,
        crushWeight: num(node.crush_weight),
        reweight,
      }
    })
    .sort((a, b) => a.id - b.id)
}

/** Flags an admin sets; the OSD map's permanent feature flags (sortbitwise…) are not news. */
const INTERNAL_FLAGS = new Set(['sortbitwise', 'recovery_deletes', 'purged_snapdirs', 'pglog_hardlimit'])

export function parseOsdFlags(json: Json): { flags: string[]; groupFlags: CephStatus['groupFlags'] } {
  const set = Array.isArray(json.flags_set)
    ? (json.flags_set as unknown[]).map(String)
    : (str(json.flags) ?? '').split(',').filter(Boolean)
  const groupFlags = Object.entries(obj(json.crush_node_flags))
    .map(([node, flags]) => ({ node, flags: Array.isArray(flags) ? flags.map(String) : [] }))
    .filter((entry) => entry.flags.length > 0)
  return { flags: set.filter((flag) => !INTERNAL_FLAGS.has(flag)).sort(), groupFlags }
}

export function parseQuorum(json: Json): Monitor[] {
  const quorum = new Set(arr(json.quorum_names).map(String))
  const leader = str(json.quorum_leader_name)
  return arr(obj(json.monmap).mons).map((mon): Monitor => ({
    name: str(mon.name) ?? '?',
    rank: num(mon.rank),
    address: (str(mon.public_addr) ?? str(mon.addr) ?? '').replace(/\/\d+$/, ''),
    inQuorum: quorum.has(str(mon.name) ?? ''),
    leader: mon.name === leader,
  }))
}

export function parseDf(json: Json): { pools: PoolUsage[]; totalBytes: number; usedBytes: number } {
  const stats = obj(json.stats)
  const pools = arr(json.pools).map((pool): PoolUsage => {
    const s = obj(pool.stats)
    return {
      name: str(pool.name) ?? '?',
      id: num(pool.id),
      storedBytes: num(s.stored, num(s.bytes_used)),
      objects: num(s.objects),
      percentUsed: num(s.percent_used),
      maxAvailBytes: num(s.max_avail),
    }
  })
  return {
    pools,
    totalBytes: num(stats.total_bytes),
    usedBytes: num(stats.total_used_raw_bytes, num(stats.total_used_bytes)),
  }
}

export function parsePgs(json: Json): CephStatus['pgs'] {
  const pgmap = obj(json.pgmap)
  const byState = arr(pgmap.pgs_by_state).map((entry) => ({
    state: str(entry.state_name) ?? '?',
    count: num(entry.count),
  }))
  return { total: num(pgmap.num_pgs), byState }
}

/** Every PG active+clean (and at least one PG): data fully replicated, safe to go on. */
export function allPgsClean(pgs: CephStatus['pgs']): boolean {
  const clean = pgs.byState.find((entry) => entry.state === 'active+clean')?.count ?? 0
  return pgs.total > 0 && clean === pgs.total
}

/** The whole panel in one go; `host` must be online. */
export async function readCephStatus(
  runner: RemoteRunner,
  host: string,
  privilege: Privilege,
  readAs: string,
  signal?: AbortSignal,
): Promise<CephStatus> {
  const call = (args: string[]) => cephJson(runner, host, args, signal)
  const [status, health, tree, dump, quorum, df] = await Promise.all([
    call(['status']),
    call(['health', 'detail']),
    call(['osd', 'tree']),
    call(['osd', 'dump']),
    call(['quorum_status']),
    call(['df']),
  ])
  const { status: overall, checks } = parseHealthDetail(health)
  const fsid = str(status.fsid)
  return {
    host,
    readAs,
    fetchedAt: Date.now(),
    ...(fsid ? { fsid } : {}),
    health: overall,
    checks,
    ...parseOsdFlags(dump),
    osds: parseOsdTree(tree),
    monitors: parseQuorum(quorum),
    ...parseDf(df),
    pgs: parsePgs(status),
    privilege,
  }
}
