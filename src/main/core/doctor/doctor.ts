import type { Capabilities, Check, DoctorReport } from '../../../shared/hosts'
import { check, msg, withDetail, type Message } from '../../../shared/messages'
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
  /** The host's own output, kept verbatim with the message. */
  const said = (message: Message, output?: string) => withDetail(message, output)
  const asRoot = (command: string) => ({ message: msg('doctor.runAsRoot', { host }), command })
  const upgradeLibvirt = { message: msg('doctor.upgradeLibvirt', { version: MINIMUM_VERSIONS.libvirt }) }

  add(
    capabilities.hasTimeout
      ? check('timeout', 'ok', msg('doctor.timeoutOk'))
      : check('timeout', 'fail', msg('doctor.timeoutMissing'), {
          fix: asRoot('apt-get install coreutils'),
          blocks: ['inventory', 'start', 'migrate', 'maintenance', 'storage'],
        }),
  )

  if (capabilities.canUseLibvirt) {
    add(check('libvirt', 'ok', msg('doctor.libvirtOk', { user, version: versions.libvirt ?? '?' })))
  } else if (!groups.includes(libvirtGroup)) {
    add(
      check(
        'libvirt',
        'fail',
        said(msg('doctor.libvirtGroup', { user, group: libvirtGroup }), out('libvirt')),
        {
          fix: {
            message: msg('doctor.libvirtGroupFix', { host }),
            command: `adduser ${user} ${libvirtGroup}`,
          },
          blocks: ['inventory', 'start', 'migrate', 'maintenance', 'console'],
        },
      ),
    )
  } else {
    add(
      check('libvirt', 'fail', said(msg('doctor.libvirtDown'), out('libvirt')), {
        fix: {
          message: msg('doctor.libvirtDownFix', { host }),
          command: 'systemctl restart libvirtd\njournalctl -u libvirtd -n 50',
        },
        blocks: ['inventory', 'start', 'migrate', 'maintenance', 'console'],
      }),
    )
  }

  add(
    capabilities.hasDomstats
      ? check('domstats', 'ok', msg('doctor.domstatsOk'))
      : check(
          'domstats',
          ok('libvirt') || !ok('domstats-help') ? 'warn' : 'unknown',
          said(msg('doctor.domstatsMissing'), out('domstats') || out('domstats-help')),
          { fix: upgradeLibvirt },
        ),
  )
  add(
    capabilities.hasVirshEvent
      ? capabilities.hasVirshEventTimestamp
        ? check('virsh-event', 'ok', msg('doctor.eventsOk'))
        : check('virsh-event', 'warn', msg('doctor.eventsNoTimestamp'))
      : check('virsh-event', 'warn', msg('doctor.eventsMissing'), { fix: upgradeLibvirt }),
  )

  if (capabilities.canReadCephKeyring) {
    add(check('ceph-keyring', 'ok', msg('doctor.keyringOk', { user, client: id })))
  } else {
    const output = out('keyring')
    add(
      check(
        'ceph-keyring',
        'fail',
        output
          ? said(msg('doctor.keyringMissing', { user, client: id }), output)
          : msg('doctor.keyringAbsent', { user, client: id, path: keyringPath }),
        {
          fix: {
            message: msg('doctor.keyringFix', { host, group: libvirtGroup }),
            command:
              `ceph auth get client.${id} -o ${keyringPath}\n` +
              `chown root:${libvirtGroup} ${keyringPath}\n` +
              `chmod 0640 ${keyringPath}`,
          },
          blocks: ['start', 'storage', 'fencing', 'ceph'],
        },
      ),
    )
  }

  const capsCommand = `ceph auth caps client.${id} mon 'profile rbd' osd '${settings.pools.map((pool) => `profile rbd pool=${pool}`).join(', ')}'`
  if (capabilities.canReadCephKeyring) {
    add(
      capabilities.cephReachable
        ? check(
            'ceph',
            'ok',
            msg('doctor.cephOk', { client: id, health: out('ceph-health').split('\n')[0] ?? '' }),
          )
        : check(
            'ceph',
            'fail',
            said(
              sections.get('ceph-health')?.exitCode === 124
                ? msg('doctor.cephTimeout', { seconds: 8 })
                : msg('doctor.cephFailed', { client: id }),
              out('ceph-health'),
            ),
            {
              fix: { message: msg('doctor.cephFix'), command: 'ceph -s' },
              blocks: ['start', 'storage', 'ceph'],
            },
          ),
    )
    const denied = rbdPools.filter((entry) => entry.section?.exitCode !== 0)
    if (!capabilities.cephReachable) {
      add(check('rbd', 'unknown', msg('doctor.rbdUnknown')))
    } else if (capabilities.canRbdStatus) {
      add(check('rbd', 'ok', msg('doctor.rbdOk', { pools: settings.pools })))
    } else {
      const detail = [
        ...denied.map((entry) => `${entry.pool}: ${entry.section?.output ?? ''}`),
        rbdStatus && rbdStatus.exitCode !== 0 ? `rbd status: ${rbdStatus.output}` : '',
      ]
        .filter(Boolean)
        .join('\n')
      const permission = /EACCES|EPERM|ermission denied|not permitted|not authorized/i.test(detail)
      add(
        check(
          'rbd',
          'fail',
          said(permission ? msg('doctor.rbdCaps', { client: id }) : msg('doctor.rbdFailed'), detail),
          {
            fix: permission
              ? { message: msg('doctor.capsFix', { client: id }), command: capsCommand }
              : { message: msg('doctor.rbdFailedFix'), command: 'ceph -s' },
            blocks: ['start', 'storage'],
          },
        ),
      )
    }
  }

  if (capabilities.cephReachable) add(lockBreakCheck(id, settings.pools, sections.get('ceph-caps')))

  add(
    capabilities.tcpForwarding
      ? check('tcp-forwarding', 'ok', msg('doctor.forwardingOk'))
      : check('tcp-forwarding', 'fail', said(msg('doctor.forwardingRefused'), tcpForwarding.detail), {
          fix: {
            message: msg('doctor.forwardingFix', { host, user }),
            command: 'AllowTcpForwarding local\nsystemctl reload ssh',
          },
          blocks: ['console'],
        }),
  )

  const sudoLine = `${user} ALL=(root) NOPASSWD: /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log`
  add(
    capabilities.canReadLibvirtLog
      ? check('libvirt-log', 'ok', msg('doctor.logOk', { line: out('libvirt-log').split('\n')[0] ?? '' }))
      : check('libvirt-log', 'warn', said(msg('doctor.logUnreadable'), out('libvirt-log')), {
          fix: {
            message: msg('doctor.logFix', { host, user }),
            command: `echo '${sudoLine}' > /etc/sudoers.d/hyperdesk\nchmod 0440 /etc/sudoers.d/hyperdesk\nvisudo -cf /etc/sudoers.d/hyperdesk`,
          },
        }),
  )

  add(
    capabilities.hasLogger
      ? check('audit', 'ok', msg('doctor.auditOk'))
      : check('audit', 'warn', msg('doctor.auditMissing'), { fix: asRoot('apt-get install bsdutils') }),
  )

  const old = (Object.keys(MINIMUM_VERSIONS) as (keyof typeof MINIMUM_VERSIONS)[]).filter((name) => {
    const version = versions[name]
    return version !== null && !versionAtLeast(version, MINIMUM_VERSIONS[name])
  })
  const cephMajor = Number(/^(\d+)\./.exec(versions.ceph ?? '')?.[1] ?? NaN)
  const newer = cephMajor > NEWEST_KNOWN_CEPH_MAJOR
  add(
    newer && old.length === 0
      ? check(
          'versions',
          'warn',
          msg('doctor.cephNewer', { version: versions.ceph ?? '?', newest: NEWEST_KNOWN_CEPH_MAJOR }),
          { fix: { message: msg('doctor.cephNewerFix') } },
        )
      : old.length === 0
        ? check(
            'versions',
            'ok',
            msg('doctor.versionsOk', {
              libvirt: versions.libvirt ?? '?',
              qemu: versions.qemu ?? '?',
              ceph: versions.ceph ?? '?',
              openssh: versions.openssh ?? '?',
            }),
          )
        : check(
            'versions',
            'warn',
            msg('doctor.versionsOld', {
              old: old.map((name) => `${name} ${versions[name]} < ${MINIMUM_VERSIONS[name]}`),
            }),
            { fix: { message: msg('doctor.versionsOldFix') } },
          ),
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
  const command = `ceph auth caps client.${id} mon 'profile rbd' osd '${pools.map((pool) => `profile rbd pool=${pool}`).join(', ')}'`
  if (!section || section.exitCode !== 0) {
    return check(
      'ceph-lock-break',
      'unknown',
      withDetail(msg('doctor.lockBreakUnknown', { client: id }), section?.output),
      {
        fix: { message: msg('doctor.lockBreakUnknownFix', { client: id }), command },
      },
    )
  }
  const mon = /caps mon = "([^"]*)"/.exec(section.output)?.[1] ?? ''
  const allowed = /profile rbd\b|allow \*|osd (?:block|black)list/.test(mon)
  return allowed
    ? check('ceph-lock-break', 'ok', msg('doctor.lockBreakOk', { client: id, mon }))
    : check(
        'ceph-lock-break',
        'warn',
        withDetail(msg('doctor.lockBreakWarn', { client: id, mon }), section.output),
        {
          fix: { message: msg('doctor.capsFix', { client: id }), command },
        },
      )
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
        step: msg('errorSteps.hostDoctor'),
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
