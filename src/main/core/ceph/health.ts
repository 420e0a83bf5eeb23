import { commandStep } from '../../../shared/errors'
import type {
  CephStatus,
  HealthCheck,
  HealthStatus,
  Monitor,
  Osd,
  PoolUsage,
  Privilege,
} from '../../../shared/ceph'
import type { RemoteRunner } from '../remote/runner'
import { clusterReads } from './cluster-commands'
import { readCephDf } from './formats/ceph-df'
import { readCephHealth } from './formats/ceph-health'
import { readOsdDumpFlags, readOsdTree } from './formats/ceph-osd'
import { readQuorum, readStatusPgs } from './formats/ceph-status'
import { readShape } from './formats/errors'
import { jsonValue } from './formats/json'
import { oneConnectionOrCli } from './one-connection'

/**
 * Reads the Ceph cluster's state with the configured (read-only) client: six reads on one host, over
 * one librados connection or as `ceph … --format json` calls side by side (one-connection.ts). The
 * parsers below are pure so unit tests can feed them the JSON of other Ceph versions; fields missing
 * on old versions become absent, never invented.
 */

/**
 * `ceph … --format json` as a value (a leading newline is fine); output that is not JSON is a
 * `ceph.unknown-output` error naming the command, the host and the Ceph version.
 */
export async function cephJson(
  runner: RemoteRunner,
  host: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<unknown> {
  const step = `ceph ${args.join(' ')}`
  const result = await runner.ceph(host, [...args, '--format', 'json'], {
    step: commandStep(step),
    ...(signal ? { signal } : {}),
  })
  return readShape(runner, host, 'ceph', () => jsonValue(result.stdout, step))
}

/**
 * Some of the cluster's reads on one host, as JSON values in the order asked: over one librados
 * connection when the host can (one python, not a `ceph` process each), else as `ceph … --format
 * json` calls side by side. The CLI speaks every error users see (one-connection.ts).
 */
export async function readCluster(
  runner: RemoteRunner,
  host: string,
  reads: readonly (keyof typeof clusterReads)[],
  signal?: AbortSignal,
): Promise<unknown[]> {
  return oneConnectionOrCli(
    (fast) =>
      runner.cephMonCommands(
        host,
        reads.map((read) => clusterReads[read].mon),
        {
          signal: fast,
          step: commandStep(reads.map((read) => `ceph ${clusterReads[read].argv.join(' ')}`).join(', ')),
        },
      ),
    (slow) => Promise.all(reads.map((read) => cephJson(runner, host, clusterReads[read].argv, slow))),
    signal ? { signal } : {},
  )
}

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

export function parseHealthDetail(json: unknown): { status: HealthStatus; checks: HealthCheck[] } {
  const { health } = readCephHealth(json)
  return {
    status: health.status,
    checks: health.checks.map((check): HealthCheck => ({
      code: check.code,
      severity: healthStatus(check.severity),
      summary: check.summary,
      explanation: EXPLANATIONS[check.code] ?? check.summary,
      detail: check.detail.filter(Boolean),
    })),
  }
}

/** OSDs with their CRUSH host and root, from `osd tree` (a bucket's children are ids). */
export function parseOsdTree(json: unknown): Osd[] {
  const nodes = readOsdTree(json)
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const ancestor = (id: number, type: string): string | undefined => {
    for (let current = parent.get(id); current !== undefined; current = parent.get(current)) {
      const node = byId.get(current)
      if (node?.type === type) return node.name
    }
    return undefined
  }
  return nodes
    .filter((node) => node.type === 'osd')
    .map((node): Osd => {
      const host = ancestor(node.id, 'host')
      const root = ancestor(node.id, 'root')
      const reweight = node.reweight ?? 0
      return {
        id: node.id,
        name: node.name,
        ...(host ? { host } : {}),
        ...(root ? { root } : {}),
        ...(node.device_class ? { deviceClass: node.device_class } : {}),
        up: node.status === 'up',
        in: reweight > 0,
        crushWeight: node.crush_weight ?? 0,
        reweight,
      }
    })
    .sort((a, b) => a.id - b.id)
}

/** Flags an admin sets; the OSD map's permanent feature flags (sortbitwise…) are not news. */
const INTERNAL_FLAGS = new Set(['sortbitwise', 'recovery_deletes', 'purged_snapdirs', 'pglog_hardlimit'])

export function parseOsdFlags(json: unknown): { flags: string[]; groupFlags: CephStatus['groupFlags'] } {
  const { flags } = readOsdDumpFlags(json)
  return {
    flags: flags.flags.filter((flag) => !INTERNAL_FLAGS.has(flag)).sort(),
    groupFlags: flags.groupFlags.filter((entry) => entry.flags.length > 0),
  }
}

export function parseQuorum(json: unknown): Monitor[] {
  return readQuorum(json)
}

export function parseDf(json: unknown): { pools: PoolUsage[]; totalBytes: number; usedBytes: number } {
  return readCephDf(json).df
}

export function parsePgs(json: unknown): CephStatus['pgs'] {
  const { total, byState } = readStatusPgs(json)
  return { total, byState }
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
  const [status, health, tree, dump, quorum, df] = await readCluster(
    runner,
    host,
    ['status', 'healthDetail', 'osdTree', 'osdDump', 'quorum', 'df'],
    signal,
  )
  return readShape(runner, host, 'ceph', () => {
    const { status: overall, checks } = parseHealthDetail(health)
    const { fsid } = readStatusPgs(status)
    return {
      host,
      readAs,
      fetchedAt: Date.now(),
      fsid,
      health: overall,
      checks,
      ...parseOsdFlags(dump),
      osds: parseOsdTree(tree),
      monitors: parseQuorum(quorum),
      ...parseDf(df),
      pgs: parsePgs(status),
      privilege,
    }
  })
}
