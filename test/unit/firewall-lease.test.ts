/**
 * A firewall change holds the cluster lease `cluster:firewall` from its first host to its last
 * (issue 20, with issue 15's lease): another instance's change is refused before any host is
 * touched, the lease is re-checked before each host, and a lease lost midway stops before the next
 * host. The helper's protocol (list / add|remove SECONDS IP / confirm TOKEN) is the one of
 * resources/host-helpers/hyperdesk-ips-failover, answered here by a fake runner.
 */
import { describe, expect, it } from 'vitest'
import { Firewall, RESTORE_WAIT_MS } from '../../src/main/core/firewall/firewall'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import { FIREWALL_LEASE_NAME } from '../../src/shared/lease'
import { englishText } from '../../src/shared/messages'
import { LeaseNameSchema } from '../../src/shared/validators'
import { MemoryLeases } from '../support/memory-lease'

const HOSTS = ['hv1', 'hv2', 'hv3']
const TOKEN = '0123456789abcdef0123456789abcdef'

function fakeHosts() {
  const files = new Map(HOSTS.map((host) => [host, ['10.77.100.1']]))
  const calls: string[] = []
  const answer = (host: string, argv: readonly string[]): RemoteResult => {
    const [, , , verb, , ip] = argv
    calls.push(`${host} ${argv.slice(3).join(' ')}`)
    const list = files.get(host)!
    if (verb === 'list') return ok(list.map((address) => `ip ${address}`).join('\n'))
    if (verb === 'add' || verb === 'remove') {
      files.set(host, verb === 'add' ? [...list, ip!] : list.filter((address) => address !== ip))
      return ok(`armed ${TOKEN} 20`)
    }
    return ok('confirmed')
  }
  const runner = {
    run: async (host: string, argv: readonly string[]) => answer(host, argv),
  } as unknown as RemoteRunner
  return { files, calls, runner, answer }
}

function ok(stdout: string): RemoteResult {
  return { stdout, stderr: '', exitCode: 0 } as RemoteResult
}

function firewallWith(lease: MemoryLeases) {
  const fake = fakeHosts()
  const firewall = new Firewall({
    runner: fake.runner,
    hostNames: () => HOSTS,
    freshRun: async (host, argv) => fake.answer(host, argv),
    reachable: async () => true,
    lease,
  })
  return { firewall, ...fake }
}

describe('firewall changes under the cluster lease', () => {
  it('is a valid lease name', () => {
    expect(LeaseNameSchema.safeParse(FIREWALL_LEASE_NAME).success).toBe(true)
    expect(LeaseNameSchema.safeParse('cluster:other').success).toBe(false)
  })

  it('takes cluster:firewall once for every host, checks it before each host, releases it', async () => {
    const lease = new MemoryLeases()
    const { firewall, files } = firewallWith(lease)
    const result = await firewall.change({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 20 })
    expect(result.hosts.map((h) => h.outcome)).toEqual(['changed', 'changed', 'changed'])
    expect(lease.log).toEqual([
      `take ${FIREWALL_LEASE_NAME}`,
      'check add 10.77.100.9 to IPS_FAILOVER on hv1',
      'check add 10.77.100.9 to IPS_FAILOVER on hv2',
      'check add 10.77.100.9 to IPS_FAILOVER on hv3',
      `release ${FIREWALL_LEASE_NAME}`,
    ])
    for (const host of HOSTS) expect(files.get(host)).toContain('10.77.100.9')
  })

  it('is refused while another change holds the lease, before any host is read or changed', async () => {
    const lease = new MemoryLeases()
    lease.held.set(FIREWALL_LEASE_NAME, 'remove 10.77.100.2 in IPS_FAILOVER on hv1')
    const { firewall, calls } = firewallWith(lease)
    await expect(firewall.change({ action: 'add', ip: '10.77.100.9' })).rejects.toMatchObject({
      code: 'lease.held',
    })
    expect(calls).toEqual([])
  })

  it('stops before the next host when the lease was lost, leaving it untouched', async () => {
    const lease = new MemoryLeases(/on hv2$/)
    const { firewall, files } = firewallWith(lease)
    await expect(
      firewall.change({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 20 }),
    ).rejects.toMatchObject({ code: 'lease.lost' })
    expect(files.get('hv1')).toContain('10.77.100.9')
    expect(files.get('hv2')).toEqual(['10.77.100.1'])
    expect(files.get('hv3')).toEqual(['10.77.100.1'])
  })
})

/**
 * A change not confirmed (here a new SSH connection fails: a lockout): the dead-man restore is
 * polled over new connections from its deadline on, not after a fixed pause, until the previous list
 * shows with nothing armed and the addresses that answered before answer again; within
 * RESTORE_WAIT_MS, else the host is not restored with the last reason. The clock is a fake one that
 * the waits advance.
 */
describe('the dead-man restore of a change not confirmed', () => {
  /** hv1 only; `after` answers each poll's new connection after the lockout's first one. */
  function lockedOut(after: (poll: number) => RemoteResult | Error, probes: (poll: number) => boolean) {
    const fake = fakeHosts()
    let clock = 1_000_000
    let checked = false
    const pollsAt: number[] = []
    const firewall = new Firewall({
      runner: fake.runner,
      hostNames: () => ['hv1'],
      freshRun: async () => {
        // The first new connection is the change's own check: the new ruleset drops it.
        if (!checked) {
          checked = true
          throw new Error('connect ETIMEDOUT')
        }
        pollsAt.push(clock)
        const answer = after(pollsAt.length)
        if (answer instanceof Error) throw answer
        return answer
      },
      // Before the change every address answers; during the restore, as `probes` says.
      reachable: async () => (pollsAt.length === 0 ? true : probes(pollsAt.length)),
      lease: new MemoryLeases(),
      sleep: async (ms) => {
        clock += ms
      },
      now: () => clock,
    })
    return { firewall, pollsAt, started: clock }
  }

  it('is seen at the first poll that shows it, the first poll at the deadline', async () => {
    const { firewall, pollsAt, started } = lockedOut(
      (poll) =>
        poll === 1
          ? new Error('connect ETIMEDOUT')
          : poll === 2
            ? ok(`ip 10.77.100.1\narmed ${TOKEN}`)
            : ok('ip 10.77.100.1'),
      (poll) => poll >= 4,
    )
    const result = await firewall.change({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 20 })
    expect(result.hosts.map((h) => h.outcome)).toEqual(['restored'])
    // Polled from the deadline (20 s after arming), one second apart: still locked out, still armed,
    // the list back but the old rules not answering yet, then restored.
    expect(pollsAt.map((at) => at - started)).toEqual([20_000, 21_000, 22_000, 23_000])
  })

  it('not seen within RESTORE_WAIT_MS: the host is not restored, with the last reason', async () => {
    const { firewall, pollsAt, started } = lockedOut(
      () => ok(`ip 10.77.100.1\nip 10.77.100.9\narmed ${TOKEN}`),
      () => true,
    )
    const result = await firewall.change({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 20 })
    const [outcome] = result.hosts
    expect(outcome?.outcome).toBe('failed')
    expect(englishText(outcome!.message)).toContain(
      'to check the dead-man restore (the change is still armed)',
    )
    expect(pollsAt.at(-1)! - started).toBe(20_000 + RESTORE_WAIT_MS)
  })

  it('a list that is neither the previous one nor armed is final: no more polls', async () => {
    const { firewall, pollsAt } = lockedOut(
      () => ok('ip 10.77.100.7'),
      () => true,
    )
    const result = await firewall.change({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 20 })
    expect(englishText(result.hosts[0]!.message)).toContain('IPS_FAILOVER reads 10.77.100.7')
    expect(pollsAt).toHaveLength(1)
  })
})
