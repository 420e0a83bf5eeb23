import { ApiError } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import type { HostStats } from '../../../shared/host-activity'
import { sectionError, sectionText, splitBatchOutput, virshBatchArgv } from '../remote/framing'
import { parseColonFields, parseNodememstats } from '../inventory/virsh-parse'
import type { RemoteRunner } from '../remote/runner'
import { hostArgv } from '../libvirt/host'

/**
 * One sample of a host's CPU counters and memory for the live graphs: `virsh nodecpustats` and
 * `nodememstats` in one read-only virsh, one exec. libvirt's view rather than /proc, so the figures
 * match the inventory's and the migration pre-checks' (and the host needs nothing but libvirt).
 */
export async function readHostStats(runner: RemoteRunner, host: string): Promise<HostStats> {
  const asked = [
    { id: 'cpu', command: hostArgv.cpuStats() },
    { id: 'memory', command: hostArgv.memory() },
  ]
  const result = await runner.run(host, virshBatchArgv(asked, 'hyperdesk-stats'), {
    step: msg('errorSteps.readHostStats'),
    timeoutSeconds: 10,
    // virsh's errors land in their sections (stderr is merged): judged below, with the host named.
    allowFailure: true,
  })
  const at = Date.now()
  const sections = splitBatchOutput(result.stdout, { sections: asked, exitCode: result.exitCode })
  const cpu = parseNodecpustats(sectionText(sections, 'cpu') ?? '')
  const memory = parseNodememstats(sectionText(sections, 'memory') ?? '')
  if (!cpu || memory.totalKiB === undefined || memory.availableKiB === undefined) {
    const said =
      [sectionError(sections, 'cpu'), sectionError(sections, 'memory')].filter(Boolean).join('; ') ||
      result.stdout.trim().slice(0, 300) ||
      result.stderr.trim().slice(0, 300)
    throw ApiError.of(
      'host.stats-unreadable',
      withDetail(msg('coreErrors.statsUnreadable', { host }), said),
      {
        host,
        step: msg('errorSteps.readHostStats'),
        hint: msg('coreErrors.statsHint'),
      },
    )
  }
  return { at, cpu, memoryTotalKiB: memory.totalKiB, memoryAvailableKiB: memory.availableKiB }
}

/** `nodecpustats` (all CPUs, cumulative): "user: 123" lines in nanoseconds; undefined if incomplete. */
export function parseNodecpustats(text: string): HostStats['cpu'] | undefined {
  const fields = parseColonFields(text)
  const ns = (key: string) => {
    const value = fields.get(key)
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
  }
  const userNs = ns('user')
  const systemNs = ns('system')
  const idleNs = ns('idle')
  if (userNs === undefined || systemNs === undefined || idleNs === undefined) return undefined
  // Some kernels/libvirt versions do not report iowait: count it as none rather than refuse.
  return { userNs, systemNs, idleNs, iowaitNs: ns('iowait') ?? 0 }
}
