/**
 * The cluster lease against the real lab's Ceph, with the runbook's client.libvirt caps: two app
 * instances (two cores, two holder identities) race the same start's lease 50 times (45 times the
 * lease alone, 5 times a whole vm.start job) — exactly one gets past the lease each time, the other is
 * told who holds it; a crashed holder's lease expires by itself in the OSD; a stale one is taken over
 * only with the exact holder confirmed, and its owner then finds its lease lost before its next
 * destructive step. Everything is released (lease.list is empty).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages/message'
import type { Job } from '../../src/shared/jobs'
import type { LeaseHolder } from '../../src/shared/lease'
import { labCore, type LabCore } from '../support/lab-core'
import { startLeaseNames } from '../../src/main/core/vm/lifecycle'
import { cephHosts } from '../../src/main/core/ceph/cluster'
import { asRootOn, labCmd, labGuest, readHostSyslog, requireLab, waitFor } from './support/lab'
import { cephLockers, pastExpiry } from './support/lease'

const LABVM1 = labGuest('labvm1')
const VM_LEASE = `vm:${LABVM1.uuid}`
let alice: LabCore
let bob: LabCore

/** What Ceph holds now, as alice lists it: a job ends once its lease's release has landed. */
async function heldNow(): Promise<LeaseHolder[]> {
  return (await alice.core.call('lease.list', {})) as LeaseHolder[]
}

beforeAll(async () => {
  await requireLab()
  alice = await labCore(undefined, { leaseHolder: 'alice@desk-a', inventoryPollMs: 10 * 60_000 })
  bob = await labCore(undefined, { leaseHolder: 'bob@desk-b', inventoryPollMs: 10 * 60_000 })
  await Promise.all([alice.waitForInventory(), bob.waitForInventory()])
  // labvm1 runs on hv1 in the lab: a start of it is refused after the lease (nothing is changed).
  expect(alice.context.inventory.vm(LABVM1.uuid)?.runningOn).toEqual(['hv1'])
}, 90_000)

afterAll(async () => {
  await alice?.cleanup()
  await bob?.cleanup()
})

describe('cluster lease', () => {
  it('lets exactly one of two instances past the lease when both take labvm1’s start lease, 50 times', async () => {
    // The race is the cluster lease's: 45 rounds take a start's own lease names (labvm1 and its disk)
    // directly, both held until both have answered, so two winners in a round would be seen; a full
    // vm.start job around it costs ~1 s a round (its inventory reads and checks), not what is proven.
    // The 5 job rounds below prove a start goes through that lease and says who holds it.
    const names = startLeaseNames(LABVM1.uuid, [{ pool: LABVM1.pool, image: LABVM1.name }])
    const cores = [
      { lab: () => alice, holder: 'alice@desk-a', operation: 'start labvm1 on hv2' },
      { lab: () => bob, holder: 'bob@desk-b', operation: 'start labvm1 on hv3' },
    ]
    const winners: string[] = []
    const started = Date.now()
    for (let round = 0; round < 45; round++) {
      // Each calls first in turn: who asks first has a head start of a few microseconds.
      const order = round % 2 === 0 ? cores : [...cores].reverse()
      const outcomes = await Promise.allSettled(
        order.map((core) => core.lab().context.lease.acquire(names, core.operation, 30)),
      )
      const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [order[i]!] : []))
      const lost = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [ApiError.from(outcome.reason)] : [],
      )
      await Promise.all(
        outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.release() : undefined)),
      )
      expect(won).toHaveLength(1)
      expect(lost.map((error) => error.code)).toEqual(['lease.held'])
      const holder = lost[0]?.details?.lease as LeaseHolder
      expect(holder.holder).toBe(won[0]?.holder)
      expect(holder.operation).toBe(won[0]?.operation)
      winners.push(won[0]!.holder)
    }
    const leaseRounds = ((Date.now() - started) / 1000).toFixed(1)

    const jobStarted = Date.now()
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([
        alice.runJob('vm.start', { uuid: LABVM1.uuid, host: 'hv2' }, 30_000),
        bob.runJob('vm.start', { uuid: LABVM1.uuid, host: 'hv3' }, 30_000),
      ])
      const codes = [a, b].map((job) => job.error?.code)
      // The one that got the lease went on to the checks (labvm1 runs on hv1: refused there);
      // the other stopped at the lease, told who holds it.
      expect(codes.sort()).toEqual(['lease.held', 'vm.start.refused'])
      const loser = [a, b].find((job) => job.error?.code === 'lease.held') as Job
      const winner = loser === a ? 'bob@desk-b' : 'alice@desk-a'
      const holder = loser.error?.details?.lease as LeaseHolder
      expect(holder.holder).toBe(winner)
      expect(holder.operation).toMatch(/^start labvm1 on hv[23]$/)
      expect(holder.since).toBeLessThanOrEqual(Date.now())
      expect(holder.expiresAt).toBeGreaterThan(holder.since ?? 0)
      // Since and until when as times, written in the reader's language.
      expect(loser.error?.text).toEqual({
        code: 'leaseErrors.held',
        params: {
          object: 'labvm1',
          holder: winner,
          operation: holder.operation,
          since: holder.since,
          until: holder.expiresAt,
        },
      })
      const refused = (loser === a ? b : a).error?.details?.refusals as { code: string }[]
      expect(refused.map((refusal) => refusal.code)).toContain('running-elsewhere')
      winners.push(winner)
    }
    console.log(
      `45 lease races in ${leaseRounds} s, 5 start-job races in ${((Date.now() - jobStarted) / 1000).toFixed(1)} s; winners: alice ${winners.filter((w) => w === 'alice@desk-a').length}, bob ${winners.filter((w) => w === 'bob@desk-b').length}`,
    )
    // Released every time, by both.
    expect(await heldNow()).toEqual([])
    expect(alice.context.inventory.vm(LABVM1.uuid)?.runningOn).toEqual(['hv1'])
  }, 300_000)

  it('frees a crashed holder’s lease at its expiry, without anyone breaking it', async () => {
    // A lease taken and never released, as by an app that died: 4 s long.
    await alice.context.lease.acquire([VM_LEASE], 'start labvm1 on hv2', 4)
    const held = await bob.runJob('vm.start', { uuid: LABVM1.uuid, host: 'hv3' }, 30_000)
    expect(held.error?.code).toBe('lease.held')
    expect((held.error?.details?.lease as LeaseHolder).holder).toBe('alice@desk-a')
    await pastExpiry(VM_LEASE)
    const after = await bob.runJob('vm.start', { uuid: LABVM1.uuid, host: 'hv3' }, 30_000)
    expect(after.error?.code).toBe('vm.start.refused')
    expect(await heldNow()).toEqual([])
  }, 60_000)

  it('takes over a stale lease only for the holder confirmed; its owner then finds it lost', async () => {
    const stale = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 120)
    const [shown] = await heldNow()
    expect(shown).toMatchObject({
      name: VM_LEASE,
      holder: 'alice@desk-a',
      operation: 'migrate labvm1 to hv2',
      expired: false,
    })
    expect(shown?.address).toMatch(/^10\.77\.0\.\d:0\/\d+$/)

    const wrong = await bob.core
      .call('lease.takeOver', { name: VM_LEASE, cookie: shown?.cookie, confirmHolder: 'carol@desk-c' })
      .catch((error: unknown) => ApiError.from(error))
    expect((wrong as ApiError).code).toBe('lease.takeover-mismatch')
    expect(await heldNow()).toHaveLength(1)

    const taken = (await bob.core.call('lease.takeOver', {
      name: VM_LEASE,
      cookie: shown?.cookie,
      confirmHolder: 'alice@desk-a',
    })) as LeaseHolder
    expect(taken.holder).toBe('alice@desk-a')
    expect(await heldNow()).toEqual([])
    // Written on the host for the other admins.
    const logs = (
      await Promise.all((['hv1', 'hv2', 'hv3'] as const).map((host) => readHostSyslog(host)))
    ).join('\n')
    expect(logs).toContain(`took over the lease ${VM_LEASE} from alice@desk-a (migrate labvm1 to hv2)`)

    // Bob's start now passes the lease; Alice's next destructive step is refused: lease lost.
    const after = await bob.runJob('vm.start', { uuid: LABVM1.uuid, host: 'hv3' }, 30_000)
    expect(after.error?.code).toBe('vm.start.refused')
    const lost = await stale
      .check(msg('errorSteps.virshMigrate'))
      .catch((error: unknown) => ApiError.from(error))
    expect((lost as ApiError).code).toBe('lease.lost')
    expect((lost as ApiError).text).toEqual({
      code: 'leaseErrors.lost',
      params: { object: 'labvm1', step: { code: 'errorSteps.virshMigrate' } },
    })
    expect((lost as ApiError).message).toBe(
      'The lease on labvm1 was lost before “virsh migrate” (taken over, or expired): nothing more was changed.',
    )
    await stale.release()
    expect(await heldNow()).toEqual([])
  }, 60_000)

  it('releases through the next host when the first-ranked one cannot reach Ceph (its keyring gone)', async () => {
    // 30 s: should the release fail, the lease left in the shared lab ends soon by itself.
    const held = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
    // The read-back notes the locker: the release is then the one lock break, through hv1 first.
    await held.check(msg('errorSteps.virshMigrate'))
    expect(cephHosts(alice.context)[0]).toBe('hv1')
    expect(await cephLockers(VM_LEASE)).toHaveLength(1)
    // Its Ceph session, connected before the keyring goes, would still unlock it: the CLI path is
    // what this case is about (the session's own faults are below).
    alice.context.lease.close()
    await labCmd('keyring', 'hv1', 'off')
    try {
      // rados on hv1 now fails, printing "auth: unable to find a keyring …: (2) No such file or
      // directory": not a lock already gone.
      await held.release()
    } finally {
      await labCmd('keyring', 'hv1', 'on')
    }
    expect(await cephLockers(VM_LEASE)).toEqual([])
    expect(await heldNow()).toEqual([])
  }, 60_000)
})

/** The lease sessions' pythons on hv1 (root's view inside the host): PIDs, to stop or kill one. */
async function sessionPids(): Promise<string[]> {
  const out = await asRootOn('hv1', 'pgrep', '-u', 'etalab', '-f', 'base64.b64decode').catch(() => '')
  return out.split('\n').filter((line) => /^\d+$/.test(line.trim()))
}

/** Both instances' lease sessions closed, and their pythons gone from hv1. */
async function closeSessions(): Promise<void> {
  alice.context.lease.close()
  bob.context.lease.close()
  await waitFor(
    'the closed sessions’ pythons gone from hv1',
    async () => (await sessionPids()).length === 0,
    10_000,
    100,
  )
}

describe('cluster lease through its Ceph session', () => {
  it('takes, checks and releases through one long-lived Ceph client: the same client.N each time', async () => {
    // Bob's session (from the races above) closed: the one python left on hv1 is alice's.
    bob.context.lease.close()
    const clients: string[] = []
    for (let round = 0; round < 2; round++) {
      const held = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
      const [taken] = await cephLockers(VM_LEASE)
      // cls_lock's duration exactly (the binding's own call would add up to seconds).
      const left = Date.parse(taken?.expiration ?? '') - Date.now()
      expect(left).toBeGreaterThan(20_000)
      expect(left).toBeLessThanOrEqual(30_500)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await held.check(msg('errorSteps.virshMigrate'))
      const [checked] = await cephLockers(VM_LEASE)
      // The check renewed it in place: same client and cookie, later expiry.
      expect(checked?.name).toBe(taken?.name)
      expect(checked?.cookie).toBe(taken?.cookie)
      expect(Date.parse(checked?.expiration ?? '')).toBeGreaterThan(Date.parse(taken?.expiration ?? ''))
      clients.push(taken?.name ?? '')
      await held.release()
      expect(await cephLockers(VM_LEASE)).toEqual([])
    }
    // A rados process is a new client each time; the session is one.
    expect(clients[0]).toMatch(/^client\.\d+$/)
    expect(clients[1]).toBe(clients[0])
    expect(await sessionPids()).toHaveLength(1)
  }, 60_000)

  it('a migration’s plan opens the lease’s session ahead, holding nothing; the take after it goes through that session', async () => {
    await closeSessions()
    // What the migration sheet asks first; labvm1 is not moved.
    await alice.core.call('vm.migrationPlan', { uuid: LABVM1.uuid, to: 'hv2' })
    const [opened] = await waitFor(
      'the lease session’s python on hv1 after the plan',
      async () => {
        const pids = await sessionPids()
        return pids.length === 1 ? pids : undefined
      },
      15_000,
      100,
    )
    expect(await cephLockers(VM_LEASE)).toEqual([])
    const held = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
    expect(await cephLockers(VM_LEASE)).toHaveLength(1)
    expect(await sessionPids()).toEqual([opened])
    await held.release()
    expect(await cephLockers(VM_LEASE)).toEqual([])
  }, 60_000)

  it('a check after the lease expired refuses as lost: it is never silently taken again', async () => {
    const held = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 3)
    await pastExpiry(VM_LEASE)
    const lost = await held
      .check(msg('errorSteps.virshMigrate'))
      .catch((error: unknown) => ApiError.from(error))
    expect((lost as ApiError).code).toBe('lease.lost')
    expect(await cephLockers(VM_LEASE)).toEqual([])
    await held.release()
    expect(await cephLockers(VM_LEASE)).toEqual([])
  }, 30_000)

  it('its python killed between take and check: the CLI proves and releases the lease, none left', async () => {
    alice.context.lease.close()
    bob.context.lease.close()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const held = await alice.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
    const pids = await sessionPids()
    expect(pids).toHaveLength(1)
    await asRootOn('hv1', 'kill', '-KILL', pids[0] ?? '')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await held.check(msg('errorSteps.virshMigrate'))
    expect(await cephLockers(VM_LEASE)).toHaveLength(1)
    await held.release()
    expect(await cephLockers(VM_LEASE)).toEqual([])
    expect(await heldNow()).toEqual([])
  }, 60_000)

  it('its python hung mid-take: the job fails within the deadline naming the host, and no lock is left', async () => {
    // An app whose Ceph timeout is 3 s (the lab's cluster file says 10): the deadline is that plus 5 s,
    // so the hang is waited out in 8 s, not 15 s. The same session, the same fault, the same checks.
    await closeSessions()
    const short = await labCore(
      (cluster) => {
        cluster.ceph.monitorTimeoutSeconds = 3
      },
      { leaseHolder: 'alice@desk-a', inventoryPollMs: 10 * 60_000 },
    )
    try {
      await short.waitForInventory()
      // A session open and idle, then its python stopped (as a Ceph call that never returns).
      const first = await short.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
      await first.release()
      const pids = await sessionPids()
      expect(pids).toHaveLength(1)
      await asRootOn('hv1', 'kill', '-STOP', pids[0] ?? '')
      const started = Date.now()
      const job = await short.runJob('vm.migrate', { uuid: LABVM1.uuid, to: 'hv2' }, 60_000)
      expect(job.error?.code).toBe('lease.session-timeout')
      expect(job.error?.host).toBe('hv1')
      expect(job.error?.message).toMatch(/session on hv1 did not answer “take vm:.*” within 8 s/)
      // The Ceph timeout (3 s here) plus 5 s; never a hang.
      expect(Date.now() - started).toBeLessThan(33_000)
      // The stopped python was killed; nothing held; labvm1 still on hv1.
      expect(await sessionPids()).toEqual([])
      expect(await cephLockers(VM_LEASE)).toEqual([])
      // Listed by this app: alice's would open a session python of its own next to the one counted below.
      expect(await short.core.call('lease.list', {})).toEqual([])
      expect(short.context.inventory.vm(LABVM1.uuid)?.runningOn).toEqual(['hv1'])
      // The next operation opens a new session.
      const again = await short.context.lease.acquire([VM_LEASE], 'migrate labvm1 to hv2', 30)
      expect(await sessionPids()).toHaveLength(1)
      await again.release()
    } finally {
      await short.cleanup()
    }
  }, 90_000)
})
