/**
 * The host doctor against the real lab: versions and capabilities of healthy hosts, a host whose
 * Ceph keyring was removed (`lab keyring hv3 off`) reported with the exact fix, and its Ceph probes
 * answered over one librados connection exactly as the CLI answers them (and by the CLI where that
 * connection cannot answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diagnose, parseProbeOutput, type ProbeSection } from '../../src/main/core/doctor/doctor'
import { PROBE_SCRIPT } from '../../src/main/core/doctor/probe-script'
import type { DoctorReport } from '../../src/shared/hosts'
import { checkLine, englishText } from '../../src/shared/messages'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, labCmd, requireLab, sshAsEtalab, waitFor, type LabHostName } from './support/lab'

let lab: LabCore
beforeAll(async () => {
  await requireLab()
  lab = await labCore()
  await Promise.all(['hv1', 'hv2', 'hv3'].map((host) => lab.waitForStatus(host, 'online')))
}, 90_000)
afterAll(async () => {
  await faults.keyring('hv3', 'on').catch(() => undefined)
  await lab?.cleanup()
}, 60_000)

describe('host doctor', () => {
  it('runs by itself on connect and reports versions and capabilities of a healthy host', async () => {
    const report = await waitFor('hv1 doctor report', () => lab.states.get('hv1')?.doctor, 60_000)
    console.log(`doctor on hv1: ${report.durationMs} ms; versions ${JSON.stringify(report.versions)}`)
    console.log(report.checks.map((check) => `  ${check.id}: ${checkLine(check)}`).join('\n'))
    expect(report.versions.libvirt).toMatch(/^\d+\.\d+/)
    expect(report.versions.qemu).toMatch(/^\d+\.\d+/)
    expect(report.versions.ceph).toMatch(/^\d+\.\d+/)
    expect(report.versions.openssh).toMatch(/^\d+\.\d+/)
    expect(report.capabilities).toMatchObject({
      canUseLibvirt: true,
      canReadCephKeyring: true,
      cephReachable: true,
      canRbdStatus: true,
      hasDomstats: true,
      hasVirshEvent: true,
      hasVirshEventTimestamp: true,
      tcpForwarding: true,
      hasLogger: true,
      hasTimeout: true,
    })
    expect(report.checks.filter((check) => check.level === 'fail')).toEqual([])
  })

  it('reports the keyring-less host with the exact fix, and the others unchanged', async () => {
    await faults.keyring('hv3', 'off')
    let report: DoctorReport
    try {
      report = (await lab.core.call('hosts.doctor', { host: 'hv3' })) as DoctorReport
    } finally {
      await faults.keyring('hv3', 'on')
    }
    expect(report.capabilities).toMatchObject({
      canUseLibvirt: true,
      canReadCephKeyring: false,
      cephReachable: false,
      canRbdStatus: false,
    })
    const keyring = report.checks.find((check) => check.id === 'ceph-keyring')
    expect(keyring?.level).toBe('fail')
    expect(englishText(keyring!.message)).toContain('cannot read any Ceph keyring for client.libvirt')
    expect(keyring?.fix?.command).toContain(
      'ceph auth get client.libvirt -o /etc/ceph/ceph.client.libvirt.keyring',
    )
    expect(keyring?.fix?.command).toContain('chown root:libvirt /etc/ceph/ceph.client.libvirt.keyring')
    expect(keyring?.fix?.command).toContain('chmod 0640 /etc/ceph/ceph.client.libvirt.keyring')
    // The state pushed to the UI carries the new report.
    expect(lab.states.get('hv3')?.doctor?.capabilities.canReadCephKeyring).toBe(false)
    expect(lab.states.get('hv1')?.doctor?.capabilities.canReadCephKeyring).toBe(true)

    const again = (await lab.core.call('hosts.doctor', { host: 'hv3' })) as DoctorReport
    expect(again.capabilities.canReadCephKeyring).toBe(true)
  }, 60_000)

  /** The probe script as the doctor runs it; `cli` hides the python so that every Ceph probe runs its CLI. */
  async function probe(host: LabHostName, client: string, via: 'one connection' | 'cli') {
    const script = (via === 'cli' ? 'HYPERDESK_DOCTOR_PYTHON=/nonexistent\n' : '') + PROBE_SCRIPT
    const result = await lab.context.runner.run(
      host,
      ['sh', '-c', script, 'hyperdesk-doctor', client, 'libvirt-ssd', 'libvirt-sata'],
      { timeoutSeconds: 90, allowFailure: true },
    )
    return parseProbeOutput(result.stdout)
  }
  const CEPH_SECTIONS = [
    'ceph-version',
    'ceph-health',
    'ceph-caps',
    'rbd-ls libvirt-ssd',
    'rbd-ls libvirt-sata',
    'rbd-status',
  ]
  /** Ceph's log lines start with a time and a thread id: the rest must match. */
  const untimed = (section: ProbeSection | undefined) =>
    section && { ...section, output: section.output.replace(/^\d{4}-\d\d-\d\dT\S+ [0-9a-f]+ /gm, '<time> ') }

  it('answers the Ceph probes over one connection exactly as the CLI does, the monitors’ refusal too', async () => {
    const fast = await probe('hv1', 'libvirt', 'one connection')
    const cli = await probe('hv1', 'libvirt', 'cli')
    // The one connection answered every probe. client.libvirt may not read its caps (mon 'allow r'):
    // the monitors' refusal, which the one connection words as the CLI does, equal to the CLI's run.
    expect(fast.get('ceph-one-connection')?.output).toBe('health caps-refused ls-0 ls-1 status')
    expect(cli.get('ceph-one-connection')?.output).toBe('')
    for (const name of CEPH_SECTIONS) expect({ name, ...fast.get(name) }).toEqual({ name, ...cli.get(name) })
    expect(fast.get('ceph-health')).toMatchObject({
      output: expect.stringMatching(/^HEALTH_(OK|WARN)/),
      exitCode: 0,
    })
    expect(fast.get('ceph-caps')).toEqual({ output: 'Error EACCES: access denied', exitCode: 13 })
    expect(fast.get('rbd-status')?.output).toMatch(
      /^Watchers:\n\twatcher=10\.77\.0\.\d:0\/\d+ client\.\d+ cookie=\d+/,
    )
    // The version is the CLI's own `ceph --version`, read without starting it.
    const version = await sshAsEtalab('hv1', 'ceph --version')
    expect(fast.get('ceph-version')).toEqual({ output: version.stdout.trim(), exitCode: 0 })
    // So the doctor says the same.
    const settings = { user: 'etalab', cephClientId: 'libvirt', pools: ['libvirt-ssd', 'libvirt-sata'] }
    const forwarding = { ok: true, detail: '' }
    const checks = (sections: Map<string, ProbeSection>) =>
      diagnose('hv1', settings, sections, forwarding, 0).checks
    expect(checks(fast)).toEqual(checks(cli))
  }, 120_000)

  it('a keyring the cluster refuses: the one connection gives way and the CLI’s error is shown', async () => {
    const client = 'hyperdesk-doctor-test'
    const keyring = `/etc/ceph/ceph.client.${client}.keyring`
    // A well-formed key no monitor knows, readable by etalab as client.libvirt's is.
    await labCmd(
      'hv',
      'hv3',
      'sh',
      '-c',
      `printf '[client.${client}]\\n\\tkey = %s\\n' "$(ceph-authtool --gen-print-key)" > ${keyring} && chown root:libvirt ${keyring} && chmod 0640 ${keyring}`,
    )
    let fast: Map<string, ProbeSection>
    let cli: Map<string, ProbeSection>
    try {
      fast = await probe('hv3', client, 'one connection')
      cli = await probe('hv3', client, 'cli')
    } finally {
      await labCmd('hv', 'hv3', 'rm', '-f', keyring)
    }
    expect(fast.get('keyring')?.exitCode).toBe(0)
    expect(fast.get('ceph-one-connection')?.output).toBe('')
    expect(untimed(fast.get('ceph-health'))).toEqual(untimed(cli.get('ceph-health')))
    expect(fast.get('ceph-health')?.exitCode).not.toBe(0)
    expect(fast.get('ceph-health')?.output).toMatch(
      /RADOS permission denied \(error connecting to the cluster\)/,
    )
    const settings = { user: 'etalab', cephClientId: client, pools: ['libvirt-ssd', 'libvirt-sata'] }
    const ceph = diagnose('hv3', settings, fast, { ok: true, detail: '' }, 0).checks.find(
      (c) => c.id === 'ceph',
    )
    expect(ceph?.level).toBe('fail')
    expect(ceph?.message.detail).toBe(fast.get('ceph-health')?.output)
  }, 120_000)
})
