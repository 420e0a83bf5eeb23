import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { CrushNodeSchema } from '../../../shared/validators'
import type { MonCommand } from './one-connection'

/**
 * Ceph by object, the cluster's side (ceph/image.ts has images, snapshots and pools; blocklist.ts
 * the blocklist): the `ceph` argv (after `ceph --id <client> --connect-timeout …`: RemoteRunner.ceph,
 * privileged.ts's privilegedArgv) of every cluster-level command the app sends — the reads of the
 * Ceph panel and the maintenance, the OSD flags (noout, cluster-wide or per CRUSH host), ok-to-stop,
 * one config read and the versions — built here and only here from validated values.
 */

export interface NooutTarget {
  /** A CRUSH host bucket for `osd set-group noout <node>`; the whole cluster when absent. */
  node?: string
}

function refuse(what: string, value: string): never {
  throw ApiError.of(
    'ceph.invalid-argument',
    msg('coreErrors.badArgumentPlain', { value: JSON.stringify(value), what }),
    {
      step: msg('errorSteps.buildCephCommand'),
      hint: msg('coreErrors.nothingSentHint'),
    },
  )
}

function crushNode(node: string): string {
  return CrushNodeSchema.safeParse(node).success ? node : refuse('CRUSH node name', node)
}

function osdId(id: number): string {
  return Number.isSafeInteger(id) && id >= 0 ? String(id) : refuse('OSD id', String(id))
}

/** Sets or unsets noout: for one CRUSH host (Luminous and later), or the whole cluster. */
export function nooutCommand(set: boolean, target: NooutTarget): string[] {
  return target.node
    ? ['osd', set ? 'set-group' : 'unset-group', 'noout', crushNode(target.node)]
    : ['osd', set ? 'set' : 'unset', 'noout']
}

/**
 * The cluster's reads, each in the two forms it is sent in: the `ceph` argv (health.ts cephJson adds
 * `--format json`), and the monitors' own command with its JSON format for the reads made over one
 * librados connection (one-connection.ts): what the CLI sends for that argv (its `health detail`
 * word is the command's `detail` argument).
 */
export const clusterReads = {
  status: { argv: ['status'], mon: { prefix: 'status', format: 'json' } },
  healthDetail: { argv: ['health', 'detail'], mon: { prefix: 'health', detail: 'detail', format: 'json' } },
  osdTree: { argv: ['osd', 'tree'], mon: { prefix: 'osd tree', format: 'json' } },
  osdDump: { argv: ['osd', 'dump'], mon: { prefix: 'osd dump', format: 'json' } },
  quorum: { argv: ['quorum_status'], mon: { prefix: 'quorum_status', format: 'json' } },
  df: { argv: ['df'], mon: { prefix: 'df', format: 'json' } },
} as const satisfies Record<string, { argv: readonly string[]; mon: MonCommand }>

/** The cluster's other commands. */
export const clusterArgv = {
  noout: nooutCommand,
  /** Whether these OSDs can stop without making data unavailable (a non-zero exit: no). */
  okToStop: (ids: readonly number[]) =>
    ids.length > 0
      ? ['osd', 'ok-to-stop', ...ids.map(osdId), '--format', 'json']
      : refuse('OSD list', '(none)'),
  /** A plain health line: whether a client reaches the monitors at all. */
  health: () => ['health'],
  /** The monitors' and managers' versions. */
  version: () => ['version'],
  /** How long a dead client's watch outlives it (seconds). */
  watchTimeout: () => ['config', 'get', 'osd', 'osd_client_watch_timeout'],
} as const

/** The whole argv of a Ceph client tool's own version (the binary on the host, no cluster asked). */
export function clientVersionArgv(tool: 'ceph' | 'rbd'): string[] {
  return tool === 'ceph' || tool === 'rbd' ? [tool, '--version'] : refuse('Ceph tool', String(tool))
}
