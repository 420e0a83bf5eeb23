/**
 * The host doctor against the real lab: versions and capabilities of healthy hosts, and a host whose
 * Ceph keyring was removed (`lab keyring hv3 off`) reported with the exact fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../src/shared/hosts'
import { checkLine, englishText } from '../../src/shared/messages'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, requireLab, waitFor } from './support/lab'

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
})
