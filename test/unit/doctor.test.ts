import { describe, expect, it } from 'vitest'
import { diagnose, parseProbeOutput, versionAtLeast } from '../../src/main/core/doctor/doctor'
import { Slots } from '../../src/main/core/ssh/slots'
import { englishText } from '../../src/shared/messages'

/** Output of the probe script as a Debian 12 host prints it (recorded from the lab, trimmed). */
function probes(overrides: Record<string, [string, number]> = {}): string {
  const base: Record<string, [string, number]> = {
    whoami: ['etalab\netalab libvirt', 0],
    timeout: ['/usr/bin/timeout', 0],
    logger: ['/usr/bin/logger', 0],
    openssh: ['OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024', 0],
    'virsh-client': ['9.0.0', 0],
    libvirt: [
      'Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nUsing API: QEMU 9.0.0\nRunning hypervisor: QEMU 7.2.0',
      0,
    ],
    'libvirt-socket': ['srwxrwx--- 1 0 112 0 libvirt-sock\nlibvirt:x:112:etalab', 0],
    'domstats-help': ['  NAME\n    domstats', 0],
    domstats: ['Domain: labvm1', 0],
    'event-help': ['event [--domain <string>] [--all] [--loop] [--timestamp]', 0],
    'ceph-version': ['ceph version 16.2.15 (618f4408) pacific (stable)', 0],
    keyring: [
      '-rw-r----- 1 0 112 151 /etc/ceph/ceph.client.libvirt.keyring\nreadable /etc/ceph/ceph.client.libvirt.keyring',
      0,
    ],
    'ceph-health': ['HEALTH_OK', 0],
    'rbd-ls libvirt-ssd': ['labvm1\nlabvm2', 0],
    'rbd-ls libvirt-sata': ['labvm3', 0],
    'rbd-status': ['Watchers:\n\twatcher=10.77.0.1:0/1 client.4170 cookie=1', 0],
    'libvirt-log': ['-rw------- 1 0 0 100 /var/log/libvirt/libvirtd.log', 1],
  }
  const all = { ...base, ...overrides }
  return Object.entries(all)
    .filter(([, [, code]]) => code >= 0)
    .map(([name, [output, code]]) => `@@begin ${name}\n${output}\n\n@@end ${name} ${code}`)
    .join('\n')
}

const settings = { user: 'etalab', cephClientId: 'libvirt', pools: ['libvirt-ssd', 'libvirt-sata'] }
const forwarding = { ok: true, detail: 'ok' }

describe('host doctor', () => {
  it('parses sections and reads versions and capabilities of a healthy host', () => {
    const sections = parseProbeOutput(probes())
    expect(sections.get('rbd-ls libvirt-ssd')).toEqual({ output: 'labvm1\nlabvm2', exitCode: 0 })
    const report = diagnose('hv1', settings, sections, forwarding, 42)
    expect(report.versions).toEqual({ libvirt: '9.0.0', qemu: '7.2.0', ceph: '16.2.15', openssh: '9.2p1' })
    expect(report.capabilities).toMatchObject({
      canUseLibvirt: true,
      canReadCephKeyring: true,
      cephReachable: true,
      canRbdStatus: true,
      hasDomstats: true,
      hasVirshEvent: true,
      hasVirshEventTimestamp: true,
      tcpForwarding: true,
      canReadLibvirtLog: false,
      hasLogger: true,
    })
    const log = report.checks.find((check) => check.id === 'libvirt-log')
    expect(log?.level).toBe('warn')
    expect(log?.fix?.command).toContain(
      "echo 'etalab ALL=(root) NOPASSWD: /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log' > /etc/sudoers.d/hyperdesk",
    )
    expect(report.checks.filter((check) => check.level === 'fail')).toEqual([])
  })

  it('gives the exact keyring fix for a host without a readable keyring', () => {
    const text = probes({
      keyring: ['', 1],
      'ceph-health': ['', -1],
      'rbd-ls libvirt-ssd': ['', -1],
      'rbd-ls libvirt-sata': ['', -1],
      'rbd-status': ['', -1],
    })
    const report = diagnose('hv3', settings, parseProbeOutput(text), forwarding, 1)
    expect(report.capabilities).toMatchObject({
      canReadCephKeyring: false,
      cephReachable: false,
      canRbdStatus: false,
    })
    const check = report.checks.find((c) => c.id === 'ceph-keyring')
    expect(check?.level).toBe('fail')
    expect(check?.fix?.command).toBe(
      'ceph auth get client.libvirt -o /etc/ceph/ceph.client.libvirt.keyring\n' +
        'chown root:libvirt /etc/ceph/ceph.client.libvirt.keyring\n' +
        'chmod 0640 /etc/ceph/ceph.client.libvirt.keyring',
    )
    expect(englishText(check!.fix!.message!)).toBe(
      'As root on a host that has the admin keyring, write the keyring (the first line); copy it to hv3 if it was made elsewhere; then on hv3 let group libvirt read it (the other lines):',
    )
    expect(check?.blocks).toContain('start')
  })

  it('tells a user outside group libvirt how to join it, and reports missing forwarding and caps', () => {
    const text = probes({
      whoami: ['etalab\netalab', 0],
      libvirt: [
        "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied",
        1,
      ],
      domstats: ['error', 1],
      'rbd-ls libvirt-sata': ['rbd: error opening pool: (1) Operation not permitted', 1],
    })
    const report = diagnose(
      'hv2',
      settings,
      parseProbeOutput(text),
      { ok: false, detail: 'administratively prohibited' },
      1,
    )
    expect(report.capabilities.canUseLibvirt).toBe(false)
    expect(report.versions.libvirt).toBe('9.0.0')
    const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]))
    expect(byId.libvirt?.fix?.command).toBe('adduser etalab libvirt')
    expect(englishText(byId.libvirt!.message)).toBe(
      'etalab is not in group libvirt, so it cannot manage VMs.',
    )
    // What libvirt printed travels verbatim, untranslated.
    expect(byId.libvirt?.message.detail).toContain(
      "Failed to connect socket to '/var/run/libvirt/libvirt-sock'",
    )
    expect(byId['tcp-forwarding']?.level).toBe('fail')
    expect(byId['tcp-forwarding']?.message.detail).toBe('administratively prohibited')
    expect(byId['tcp-forwarding']?.fix?.command).toContain('AllowTcpForwarding local')
    expect(byId.rbd?.fix?.command).toBe(
      "ceph auth caps client.libvirt mon 'profile rbd' osd 'profile rbd pool=libvirt-ssd, profile rbd pool=libvirt-sata'",
    )
  })

  it('warns below the oldest and above the newest Ceph release whose outputs are known', () => {
    const versionCheck = (ceph: string) =>
      diagnose(
        'hv1',
        settings,
        parseProbeOutput(probes({ 'ceph-version': [ceph, 0] })),
        forwarding,
        1,
      ).checks.find((check) => check.id === 'versions')
    expect(versionCheck('ceph version 20.2.0 (abcdef0) tentacle (stable)')?.level).toBe('ok')
    expect(
      versionCheck('ceph version 12.2.13 (584a20eb0237c657dc0567da126be145106aa47e) luminous (stable)')
        ?.level,
    ).toBe('ok')
    const jewel = versionCheck('ceph version 10.2.11 (abcdef0) jewel (stable)')
    expect(jewel?.level).toBe('warn')
    expect(englishText(jewel!.message)).toContain('ceph 10.2.11 < 12.2.0')
    const umbrella = versionCheck('ceph version 21.0.0 (0123abcd) umbrella (dev)')
    expect(umbrella?.level).toBe('warn')
    expect(englishText(umbrella!.message)).toContain('newer than the releases Hyperdesk knows')
  })

  it('compares versions numerically', () => {
    expect(versionAtLeast('9.2p1', '7.9')).toBe(true)
    expect(versionAtLeast('10.0.0', '5.0.0')).toBe(true)
    expect(versionAtLeast('4.10.0', '5.0.0')).toBe(false)
    expect(versionAtLeast('12.2.0', '12.2.0')).toBe(true)
  })
})

describe('channel slots (MaxSessions)', () => {
  it('queues beyond the limit in order, lets urgent requests first, and honours abort', async () => {
    const slots = new Slots(2)
    const r1 = await slots.acquire()
    const r2 = await slots.acquire()
    const order: string[] = []
    const third = slots.acquire().then((release) => (order.push('third'), release))
    const controller = new AbortController()
    const cancelled = slots.acquire(controller.signal)
    const urgent = slots.acquire(undefined, true).then((release) => (order.push('urgent'), release))
    controller.abort()
    await expect(cancelled).rejects.toMatchObject({ code: 'remote.cancelled' })
    expect(slots.queued).toBe(2)
    r1()
    r1() // releasing twice is harmless
    ;(await urgent)()
    r2()
    ;(await third)()
    expect(order).toEqual(['urgent', 'third'])
    expect(slots.inUse).toBe(0)
    expect(slots.tryAcquire()).not.toBeNull()
  })
})
