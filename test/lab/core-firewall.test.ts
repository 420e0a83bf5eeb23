/**
 * The hosts' firewall as one cluster setting (issue 20, items 5-7): IPS_FAILOVER in /etc/etalab.conf
 * on every lab host, read and changed only through the root helper hyperdesk-ips-failover (sudo -n),
 * each change confirmed over a NEW SSH connection and by the failover IPs that answered before, or
 * put back by the helper's dead-man restore (a setsid process detached from the SSH session).
 * Every test leaves each host's file as `lab up` wrote it (all guests' IPs) and no lockout fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FirewallChangeResult, FirewallState } from '../../src/shared/firewall'
import { FIREWALL_LEASE_NAME } from '../../src/shared/lease'
import { tcpReachable } from '../../src/main/core/firewall/firewall'
import { labCore, type LabCore } from '../support/lab-core'
import { labCmd, LAB_HOSTS, readHostSyslog, requireLab, sshAsEtalab, asRootOn } from './support/lab'

const SPARE = '10.77.100.9' // in the lab's failover range, used by no guest
let lab: LabCore

const state = () => lab.core.call('firewall.state', {}) as Promise<FirewallState>
const listed = (s: FirewallState, host: string) => s.hosts.find((h) => h.host === host)?.ips
const rules = (host: string) => asRootOn(host as 'hv1', 'iptables', '-S', 'HD_FAILOVER')
// Each host's own files and rules: the three side by side (in a row, ~1 s a host on a loaded machine).
const resetAll = () => Promise.all(LAB_HOSTS.map((host) => labCmd('firewall', host.name, 'reset')))

beforeAll(async () => {
  await requireLab()
  // Idempotent: the lab's packetfilter, helper, sudoers rule and files, and every host reset (lab's
  // firewall_up ends with firewall_reset on each host: a resetAll() after it did the same work again).
  await labCmd('firewall-up')
  lab = await labCore()
  await lab.waitForInventory()
}, 90_000)

afterAll(async () => {
  await lab?.cleanup()
  await Promise.all(
    LAB_HOSTS.map((host) => labCmd('firewall', host.name, 'lockout', 'off').catch(() => undefined)),
  )
  await resetAll()
}, 60_000)

describe('reading IPS_FAILOVER', () => {
  it('reads every host through the helper (etalab cannot read the 0750 file itself), no drift', async () => {
    const direct = await sshAsEtalab('hv1', 'cat /etc/etalab.conf')
    expect(direct.code).not.toBe(0)
    const s = await state()
    for (const host of LAB_HOSTS)
      expect(listed(s, host.name)).toEqual(['10.77.100.1', '10.77.100.2', '10.77.100.3'])
    expect(s.drift).toEqual([])
  })
})

describe('changing IPS_FAILOVER on every host', () => {
  it('adds an address on every host in one job, each confirmed; then removes it', async () => {
    const job = await lab.runJob(
      'firewall.change',
      { action: 'add', ip: SPARE, confirmWithinSeconds: 20 },
      120_000,
    )
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    const result = job.result as FirewallChangeResult
    expect(result.hosts.map((h) => [h.host, h.outcome])).toEqual(LAB_HOSTS.map((h) => [h.name, 'changed']))
    // the VMs' IPs that answered before still answer (labvm1 and labvm2 run)
    expect(result.hosts[0]!.message).toMatchObject({
      code: 'firewall.added',
      params: { host: 'hv1', ip: SPARE },
    })
    expect(result.hosts[0]!.message.params?.['probed']).toEqual(
      expect.arrayContaining(['10.77.100.1', '10.77.100.2']),
    )
    const s = await state()
    for (const host of LAB_HOSTS) {
      expect(listed(s, host.name)).toContain(SPARE)
      expect(s.hosts.find((h) => h.host === host.name)?.armed).toBe(false)
      expect(await rules(host.name)).toContain(`-A HD_FAILOVER -d ${SPARE}/32 -j ACCEPT`)
    }
    expect(s.drift).toEqual([])
    expect(await readHostSyslog('hv2')).toMatch(
      new RegExp(`hyperdesk: .*add ${SPARE.replace(/\./g, '\\.')} in IPS_FAILOVER \\(firewall\\)`),
    )

    const again = await lab.runJob(
      'firewall.change',
      { action: 'add', ip: SPARE, confirmWithinSeconds: 20 },
      60_000,
    )
    expect((again.result as FirewallChangeResult).hosts.map((h) => [h.outcome, h.message.code])).toEqual(
      LAB_HOSTS.map(() => ['unchanged', 'firewall.alreadyListed']),
    )

    const removed = await lab.runJob(
      'firewall.change',
      { action: 'remove', ip: SPARE, confirmWithinSeconds: 20 },
      120_000,
    )
    expect(removed.state, JSON.stringify(removed.error)).toBe('succeeded')
    for (const host of LAB_HOSTS) expect(listed(await state(), host.name)).not.toContain(SPARE)
  }, 240_000)

  it('is refused while another change holds the cluster lease cluster:firewall; no host changes', async () => {
    const other = await lab.context.lease.acquire([FIREWALL_LEASE_NAME], `remove ${SPARE} elsewhere`, 60)
    try {
      const job = await lab.runJob('firewall.change', { action: 'add', ip: SPARE }, 30_000)
      expect(job.state).toBe('failed')
      expect(job.error?.code).toBe('lease.held')
      expect(job.error?.text).toMatchObject({
        code: 'leaseErrors.held',
        params: { object: expect.any(String), operation: `remove ${SPARE} elsewhere` },
      })
    } finally {
      await other.release()
    }
    for (const host of LAB_HOSTS) expect(listed(await state(), host.name)).not.toContain(SPARE)
  }, 60_000)

  it('shows drift when a host differs', async () => {
    const job = await lab.runJob(
      'firewall.change',
      { action: 'add', ip: SPARE, hosts: ['hv2'], confirmWithinSeconds: 20 },
      60_000,
    )
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((await state()).drift).toEqual([{ ip: SPARE, missingOn: ['hv1', 'hv3'], listedOn: ['hv2'] }])
    await labCmd('firewall', 'hv2', 'reset')
  }, 90_000)

  it('filters a VM’s failover IP on its host: unreachable once removed there, reachable once added back', async () => {
    expect(
      await tcpReachable('10.77.100.1', 3000).then((ok) => ok || tcpReachable('10.77.100.1', 3000)),
    ).toBe(true)
    const removed = await lab.runJob(
      'firewall.change',
      { action: 'remove', ip: '10.77.100.1', hosts: ['hv1'], confirmWithinSeconds: 20 },
      60_000,
    )
    expect(removed.state, JSON.stringify(removed.error)).toBe('succeeded')
    expect(await tcpReachable('10.77.100.1', 3000)).toBe(false)
    expect(await tcpReachable('10.77.100.2', 3000)).toBe(true) // labvm2 on hv2: untouched
    const added = await lab.runJob(
      'firewall.change',
      { action: 'add', ip: '10.77.100.1', hosts: ['hv1'], confirmWithinSeconds: 20 },
      60_000,
    )
    expect(added.state, JSON.stringify(added.error)).toBe('succeeded')
    expect(await tcpReachable('10.77.100.1', 3000)).toBe(true)
    expect(listed(await state(), 'hv1')).toEqual(['10.77.100.2', '10.77.100.3', '10.77.100.1'])
    await labCmd('firewall', 'hv1', 'reset')
  }, 120_000)
})

describe('a ruleset that locks the admin out', () => {
  it('is not confirmed: the dead-man restore puts the previous file back, SSH answers again, later hosts untouched', async () => {
    // hv1's packetfilter will drop NEW SSH connections once IPS_FAILOVER lists SPARE
    await labCmd('firewall', 'hv1', 'lockout', SPARE)
    const connection = lab.context.hosts.get('hv1')
    const started = Date.now()
    const job = await lab.runJob(
      'firewall.change',
      // The shortest window the API allows (a user's default is 45 s): the same dead-man, sooner.
      { action: 'add', ip: SPARE, confirmWithinSeconds: 10 },
      120_000,
    )
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({
      code: 'firewall.restored',
      host: 'hv1',
      text: { code: 'firewall.restored' },
    })
    expect(job.error?.message).toMatch(
      /^hv1: the change was not confirmed \(a new SSH connection to hv1 failed after the restart/,
    )
    const result = job.error?.details?.['result'] as FirewallChangeResult
    expect(result.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ['hv1', 'restored'],
      ['hv2', 'notTried'],
      ['hv3', 'notTried'],
    ])
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000) // the restore waited for the dead-man
    // restored by the detached dead-man, which logged it on hv1; the app never confirmed
    const log = await readHostSyslog('hv1')
    const restoredLine =
      /hyperdesk: firewall change ([0-9a-f]{32}) not confirmed within 10 s: previous .* restored/.exec(log)
    expect(restoredLine).not.toBeNull()
    const token = restoredLine![1]!
    expect(log).toContain(`hyperdesk: firewall change ${token} armed for 10 s (add ${SPARE})`)
    expect(log).not.toContain(`firewall change ${token} confirmed`)
    expect(log).not.toContain(`firewall change ${token} rolled back`)
    // the previous file is back, nothing armed, NEW SSH connections work, the established one survived
    const s = await state()
    expect(listed(s, 'hv1')).toEqual(['10.77.100.1', '10.77.100.2', '10.77.100.3'])
    expect(s.hosts.find((h) => h.host === 'hv1')?.armed).toBe(false)
    expect((await sshAsEtalab('hv1', 'hostname')).stdout.trim()).toBe('hv1')
    expect(lab.context.hosts.get('hv1')).toBe(connection)
    expect(lab.states.get('hv1')?.status).toBe('online')
    // later hosts untouched
    expect(listed(s, 'hv2')).not.toContain(SPARE)
    expect(listed(s, 'hv3')).not.toContain(SPARE)
    expect(await tcpReachable('10.77.100.1', 3000)).toBe(true)
  }, 180_000)
})
