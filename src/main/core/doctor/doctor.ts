import type { Capabilities, Check, DoctorReport } from '../../../shared/hosts'
import type { RemoteRunner } from '../remote/runner'
import type { HostConnection } from '../ssh/connection'
import { splitShellSections, type ShellSection } from '../remote/framing'
import { PROBE_SCRIPT } from './probe-script'

/**
 * The host doctor: what works on a hypervisor for the app's SSH user, and for what does not, the exact
 * fix. One exec per host (probe-script.ts) plus one forwarding test. Later features read
 * `capabilities` to pick a path or to explain why an action is unavailable.
 */

/**
 * The oldest versions Hyperdesk supports (docs/hosts.md): Debian 10's. Features are probed directly;
 * below these the doctor warns, it does not refuse.
 */
export const MINIMUM_VERSIONS = { libvirt: '5.0.0', qemu: '3.1.0', ceph: '12.2.0', openssh: '7.9' } as const
/** The newest Ceph release whose outputs were read (Tentacle); later ones may print new shapes. */
export const NEWEST_KNOWN_CEPH_MAJOR = 20

export interface DoctorSettings {
  user: string
  cephClientId: string
  pools: readonly string[]
}

export type ProbeSection = ShellSection

/** Splits the probe script's output into its sections (framing.ts judges them). */
export function parseProbeOutput(text: string): Map<string, ProbeSection> {
  return splitShellSections(text)
}

function match(text: string | undefined, pattern: RegExp): string | null {
  return (text && pattern.exec(text)?.[1]) || null
}

/** Compares dotted versions numerically ("9.2p1" reads as 9.2). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (value: string) => value.split(/[.p-]/).map((part) => Number.parseInt(part, 10) || 0)
  const a = parts(version)
  const b = parts(minimum)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff > 0
  }
  return true
}

// Over ~80 lines on purpose: independent checks in the report's order.
/** Builds the report from the probes' output (pure: unit-tested on recorded output). */
export function diagnose(
  host: string,
  settings: DoctorSettings,
  sections: Map<string, ProbeSection>,
  tcpForwarding: { ok: boolean; detail: string },
  durationMs: number,
): DoctorReport {
  const ok = (name: string) => sections.get(name)?.exitCode === 0
  const out = (name: string) => sections.get(name)?.output ?? ''
  const { user, cephClientId: id } = settings
  const keyringPath = `/etc/ceph/ceph.client.${id}.keyring`
  const groups = out('whoami').split('\n')[1]?.split(/\s+/) ?? []
  const libvirtGroup =
    /^libvirtd:/m.test(out('libvirt-socket')) && !/^libvirt:/m.test(out('libvirt-socket'))
      ? 'libvirtd'
      : 'libvirt'

  const versions = {
    libvirt:
      match(out('libvirt'), /Using library: libvirt (\S+)/) ?? match(out('virsh-client'), /^(\d[\w.]*)/),
    qemu: match(out('libvirt'), /Running hypervisor: QEMU (\S+)/) ?? match(out('qemu'), /version (\d[\w.]*)/),
    ceph: match(out('ceph-version'), /ceph version (\S+)/),
    openssh: match(out('openssh'), /OpenSSH_([\w.]+)/),
  }

  const rbdPools = settings.pools.map((pool) => ({ pool, section: sections.get(`rbd-ls ${pool}`) }))
  const rbdStatus = sections.get('rbd-status')
  const eventHelp = out('event-help')
  const capabilities: Capabilities = {
    canUseLibvirt: ok('libvirt'),
    canReadCephKeyring: ok('keyring'),
    cephReachable: ok('ceph-health'),
    canRbdStatus:
      ok('keyring') &&
      rbdPools.length > 0 &&
      rbdPools.every((entry) => entry.section?.exitCode === 0) &&
      (rbdStatus === undefined || rbdStatus.exitCode === 0),
    hasDomstats: ok('domstats-help') && (!ok('libvirt') || ok('domstats')),
    hasVirshEvent: ok('event-help') && eventHelp.includes('--loop') && eventHelp.includes('--all'),
    hasVirshEventTimestamp: ok('event-help') && eventHelp.includes('--timestamp'),
    tcpForwarding: tcpForwarding.ok,
    canReadLibvirtLog: ok('libvirt-log'),
    hasLogger: ok('logger'),
    hasTimeout: ok('timeout'),
  }

  const checks: Check[] = []
  const add = (check: Check) => checks.push(check)

  add(
    capabilities.hasTimeout
      ? { id: 'timeout', status: 'ok', summary: 'timeout(1) is installed' }
      : {
          id: 'timeout',
          status: 'fail',
          summary: 'timeout(1) is missing: Hyperdesk cannot bound its commands on this host',
          fix: 'apt-get install coreutils',
        },
  )

  if (capabilities.canUseLibvirt) {
    add({
      id: 'libvirt',
      status: 'ok',
      summary: `${user} reaches qemu:///system (libvirt ${versions.libvirt})`,
    })
  } else if (!groups.includes(libvirtGroup)) {
    add({
      id: 'libvirt',
      status: 'fail',
      summary: `${user} is not in group ${libvirtGroup}, so it cannot manage VMs`,
      detail: out('libvirt'),
      fix: `adduser ${user} ${libvirtGroup}\n# then, in Hyperdesk: disconnect and connect ${host} (group membership applies to new logins)`,
    })
  } else {
    add({
      id: 'libvirt',
      status: 'fail',
      summary: 'libvirtd does not answer on qemu:///system',
      detail: out('libvirt'),
      fix: 'systemctl restart libvirtd\njournalctl -u libvirtd -n 50',
    })
  }

  add(
    capabilities.hasDomstats
      ? { id: 'domstats', status: 'ok', summary: 'virsh domstats works (one bulk call per refresh)' }
      : {
          id: 'domstats',
          status: ok('libvirt') || !ok('domstats-help') ? 'warn' : 'unknown',
          summary: 'virsh domstats is unavailable: the inventory falls back to one call per VM',
          detail: out('domstats') || out('domstats-help'),
          fix: `Upgrade libvirt to ${MINIMUM_VERSIONS.libvirt} or later.`,
        },
  )
  add(
    capabilities.hasVirshEvent
      ? {
          id: 'virsh-event',
          status: capabilities.hasVirshEventTimestamp ? 'ok' : 'warn',
          summary: capabilities.hasVirshEventTimestamp
            ? 'virsh event --all --loop --timestamp is available (live updates)'
            : 'virsh event has no --timestamp: events are stamped on arrival',
        }
      : {
          id: 'virsh-event',
          status: 'warn',
          summary: 'virsh event is unavailable: VM states are polled instead of pushed',
          fix: `Upgrade libvirt to ${MINIMUM_VERSIONS.libvirt} or later.`,
        },
  )

  const keyringFix =
    `# as root on a host that has the admin keyring:\n` +
    `ceph auth get client.${id} -o ${keyringPath}\n` +
    `# copy it to ${host} if made elsewhere, then on ${host}:\n` +
    `chown root:${libvirtGroup} ${keyringPath}\n` +
    `chmod 0640 ${keyringPath}`
  if (capabilities.canReadCephKeyring) {
    add({
      id: 'ceph-keyring',
      status: 'ok',
      summary: `${user} can read a keyring for client.${id}`,
      detail: out('keyring'),
    })
  } else {
    add({
      id: 'ceph-keyring',
      status: 'fail',
      summary: `${user} cannot read any Ceph keyring for client.${id}: no storage actions and no watcher check before a start`,
      detail: out('keyring') || `${keyringPath} does not exist`,
      fix: keyringFix,
    })
  }

  if (capabilities.canReadCephKeyring) {
    add(
      capabilities.cephReachable
        ? {
            id: 'ceph',
            status: 'ok',
            summary: `Ceph answers client.${id}: ${out('ceph-health').split('\n')[0]}`,
          }
        : {
            id: 'ceph',
            status: 'fail',
            summary:
              sections.get('ceph-health')?.exitCode === 124
                ? 'The Ceph monitors did not answer within 8 s'
                : `ceph health failed for client.${id}`,
            detail: out('ceph-health'),
            fix: 'ceph -s   # as root with the admin keyring: are the monitors up and in quorum?',
          },
    )
    const denied = rbdPools.filter((entry) => entry.section?.exitCode !== 0)
    if (!capabilities.cephReachable) {
      add({ id: 'rbd', status: 'unknown', summary: 'rbd not checked: Ceph does not answer' })
    } else if (capabilities.canRbdStatus) {
      add({
        id: 'rbd',
        status: 'ok',
        summary: `rbd ls and rbd status work on ${settings.pools.join(', ')}`,
      })
    } else {
      const detail = [
        ...denied.map((entry) => `${entry.pool}: ${entry.section?.output ?? 'not probed'}`),
        rbdStatus && rbdStatus.exitCode !== 0 ? `rbd status: ${rbdStatus.output}` : '',
      ]
        .filter(Boolean)
        .join('\n')
      const permission = /EACCES|EPERM|ermission denied|not permitted|not authorized/i.test(detail)
      add({
        id: 'rbd',
        status: 'fail',
        summary: permission
          ? `client.${id} lacks the caps to list images or watchers`
          : 'rbd does not work with this client',
        detail,
        fix: permission
          ? `ceph auth caps client.${id} mon 'profile rbd' osd '${settings.pools.map((pool) => `profile rbd pool=${pool}`).join(', ')}'`
          : 'ceph -s   # as root: check the cluster, then run the doctor again',
      })
    }
  }

  if (capabilities.cephReachable) add(lockBreakCheck(id, settings.pools, sections.get('ceph-caps')))

  add(
    capabilities.tcpForwarding
      ? { id: 'tcp-forwarding', status: 'ok', summary: 'sshd allows TCP forwarding (graphical consoles)' }
      : {
          id: 'tcp-forwarding',
          status: 'fail',
          summary: 'sshd refuses TCP forwarding: graphical consoles cannot open',
          detail: tcpForwarding.detail,
          fix: '# in /etc/ssh/sshd_config (or a Match User block for this user):\nAllowTcpForwarding local\nsystemctl reload ssh',
        },
  )

  const sudoLine = `${user} ALL=(root) NOPASSWD: /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log`
  add(
    capabilities.canReadLibvirtLog
      ? {
          id: 'libvirt-log',
          status: 'ok',
          summary: `libvirtd.log is readable (${out('libvirt-log').split('\n')[0]})`,
        }
      : {
          id: 'libvirt-log',
          status: 'warn',
          summary: 'libvirtd.log is not readable: errors are shown without the daemon’s log',
          detail: out('libvirt-log'),
          fix: `echo '${sudoLine}' > /etc/sudoers.d/hyperdesk\nchmod 0440 /etc/sudoers.d/hyperdesk\nvisudo -cf /etc/sudoers.d/hyperdesk`,
        },
  )

  add(
    capabilities.hasLogger
      ? {
          id: 'audit',
          status: 'ok',
          summary: 'logger(1) is available: changes are recorded in the host’s syslog',
        }
      : {
          id: 'audit',
          status: 'warn',
          summary: 'logger(1) is missing: changes made by Hyperdesk are not recorded on the host',
          fix: 'apt-get install bsdutils',
        },
  )

  const old = (Object.keys(MINIMUM_VERSIONS) as (keyof typeof MINIMUM_VERSIONS)[]).filter((name) => {
    const version = versions[name]
    return version !== null && !versionAtLeast(version, MINIMUM_VERSIONS[name])
  })
  const cephMajor = Number(/^(\d+)\./.exec(versions.ceph ?? '')?.[1] ?? NaN)
  const newer = cephMajor > NEWEST_KNOWN_CEPH_MAJOR
  add(
    newer && old.length === 0
      ? {
          id: 'versions',
          status: 'warn',
          summary: `Ceph ${versions.ceph} is newer than the releases Hyperdesk knows (up to ${NEWEST_KNOWN_CEPH_MAJOR}, Tentacle): an output it cannot read is reported as such, never guessed`,
          fix: 'Check docs/hosts.md for the supported Ceph releases.',
        }
      : old.length === 0
        ? {
            id: 'versions',
            status: 'ok',
            summary: `libvirt ${versions.libvirt ?? '?'}, QEMU ${versions.qemu ?? '?'}, Ceph ${versions.ceph ?? '?'}, OpenSSH ${versions.openssh ?? '?'}`,
          }
        : {
            id: 'versions',
            status: 'warn',
            summary: `Older than supported: ${old.map((name) => `${name} ${versions[name]} < ${MINIMUM_VERSIONS[name]}`).join(', ')}`,
            fix: 'Upgrade the host (docs/hosts.md lists the minimum versions).',
          },
  )

  return { host, checkedAt: new Date().toISOString(), durationMs, versions, capabilities, checks }
}

/**
 * Whether librbd, as this client, can break a crashed QEMU's exclusive lock (it blocklists the dead
 * owner first): the runbook's `mon 'allow r'` cannot, so the first write of a VM restarted after a
 * crash fails. `mon 'profile rbd'` allows exactly that (add an exact client address, nothing else).
 * A client usually may not read its own caps (`auth get` is EACCES): then the check says what to
 * look at, as unknown.
 */
export function lockBreakCheck(
  id: string,
  pools: readonly string[],
  section: ProbeSection | undefined,
): Check {
  const fix = `ceph auth caps client.${id} mon 'profile rbd' osd '${pools.map((pool) => `profile rbd pool=${pool}`).join(', ')}'`
  const consequence =
    'librbd cannot break a crashed QEMU’s lock on its disk (it must blocklist the dead owner first): the first write of the VM restarted elsewhere fails'
  if (!section || section.exitCode !== 0) {
    return {
      id: 'ceph-lock-break',
      status: 'unknown',
      summary: `client.${id} may not read its own caps: if its mon caps are the runbook’s 'allow r', ${consequence}`,
      detail: `${section?.output ?? 'not probed'}\n# as admin: ceph auth get client.${id}`,
      fix,
    }
  }
  const mon = /caps mon = "([^"]*)"/.exec(section.output)?.[1] ?? ''
  const allowed = /profile rbd\b|allow \*|osd (?:block|black)list/.test(mon)
  return allowed
    ? {
        id: 'ceph-lock-break',
        status: 'ok',
        summary: `client.${id} may blocklist a dead lock owner (mon '${mon}')`,
      }
    : {
        id: 'ceph-lock-break',
        status: 'warn',
        summary: `client.${id} has mon '${mon}': ${consequence}`,
        detail: section.output,
        fix,
      }
}

/** Runs the probes on one host and builds its report. */
export async function runDoctor(
  runner: RemoteRunner,
  connection: HostConnection,
  settings: DoctorSettings,
): Promise<DoctorReport> {
  const started = performance.now()
  const [probes, tcpForwarding] = await Promise.all([
    runner.run(
      connection.name,
      ['sh', '-c', PROBE_SCRIPT, 'hyperdesk-doctor', settings.cephClientId, ...settings.pools],
      {
        timeoutSeconds: 90,
        allowFailure: true,
        step: 'host doctor',
      },
    ),
    probeForwarding(connection),
  ])
  return diagnose(
    connection.name,
    settings,
    parseProbeOutput(probes.stdout),
    tcpForwarding,
    Math.round(performance.now() - started),
  )
}

/**
 * Asks sshd for a TCP connection to a port where nothing listens (1, tcpmux): "connect failed" proves
 * forwarding is allowed, "administratively prohibited" that it is not. (Aiming at sshd's own port would
 * leave a "kex_exchange_identification" error in the host's auth log at every check.)
 */
async function probeForwarding(connection: HostConnection): Promise<{ ok: boolean; detail: string }> {
  try {
    const channel = await connection.forwardOut('127.0.0.1', 1)
    channel.close()
    return { ok: true, detail: 'direct-tcpip channel opened' }
  } catch (error) {
    const reason = (error as { reason?: number }).reason
    // 2 = CONNECT_FAILED: forwarding is allowed, nothing listened there.
    if (reason === 2) return { ok: true, detail: 'forwarding allowed (nothing listens on that port)' }
    return { ok: false, detail: (error as Error).message }
  }
}
