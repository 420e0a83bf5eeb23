/**
 * The lease object's released names (cluster-lease.ts clean) against the real lab's Ceph. cls_lock
 * keeps a name's entry after its last locker left; the app now removes it race-free: one atomic OSD
 * op that takes the name with a fresh cookie and then removes the entry, so a name anyone holds is
 * never touched. Shown here: names released through a session are gone from Ceph; a take raced
 * against the removal 40 times always keeps its lock; a lease taken with the `rados lock` CLI by
 * someone else (its own tag) is left alone while held and removed once expired; lease.list sweeps
 * released names away, so its cost stops growing with them (figures logged, no timed assertion).
 */
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LeaseHolder } from '../../src/shared/lease'
import {
  ClusterLease,
  LEASE_OBJECT,
  LEASE_TAG,
  type LeaseDeps,
} from '../../src/main/core/lease/cluster-lease'
import { LEASE_CLS_CODEC } from '../../src/main/core/lease/lease-session-program'
import { labCore, type LabCore } from '../support/lab-core'
import { LAB_POOLS, asRootOn, requireLab } from './support/lab'
import { cephLockers, pastExpiry } from './support/lease'

let alice: LabCore
let bob: LabCore
const RUN = crypto.randomBytes(3).toString('hex')
const image = (what: string) => `image:${LAB_POOLS[0]}/leasenames-${RUN}-${what}`
const vmName = () => `vm:${crypto.randomUUID()}`

/** `rados …` as client.admin on hv3: Ceph's own view, not through the app. */
function adminRados(...args: string[]): Promise<string> {
  return asRootOn('hv3', 'rados', '--id', 'admin', '-p', LAB_POOLS[0], ...args)
}

/** Every name the lease object holds an entry for, held or not. */
async function cephNames(): Promise<string[]> {
  const out = await adminRados('lock', 'list', LEASE_OBJECT, '--format', 'json').catch((error: unknown) => {
    if (/No such file or directory/.test(String(error))) return '{"locks":[]}'
    throw error
  })
  return ((JSON.parse(out) as { locks?: { name: string }[] }).locks ?? []).map((lock) => lock.name)
}

/**
 * Leaves `names` behind as the app did before: each taken and unlocked by client.admin in one
 * python on hv3 (the session's own codec), so the object keeps an entry with no locker for each.
 */
async function leaveReleasedNames(names: readonly string[]): Promise<void> {
  const script = `${LEASE_CLS_CODEC}
import json, rados
cluster = rados.Rados(rados_id="admin"); cluster.conf_read_file(); cluster.connect(timeout=10)
io = cluster.open_ioctx(${JSON.stringify(LAB_POOLS[0])})
for name in json.loads(${JSON.stringify(JSON.stringify(names))}):
    req = {"name": name, "cookie": "left", "tag": ${JSON.stringify(LEASE_TAG)}, "desc": "", "duration": 60}
    io.execute(${JSON.stringify(LEASE_OBJECT)}, "lock", "lock", lock(req, 0))
    io.execute(${JSON.stringify(LEASE_OBJECT)}, "lock", "unlock", unlock(req))
cluster.shutdown()
`
  const encoded = Buffer.from(script).toString('base64')
  await asRootOn('hv3', 'python3', '-c', `import base64;exec(base64.b64decode("${encoded}"))`)
}

beforeAll(async () => {
  await requireLab()
  alice = await labCore(undefined, { leaseHolder: 'alice@desk-a', inventoryPollMs: 10 * 60_000 })
  bob = await labCore(undefined, { leaseHolder: 'bob@desk-b', inventoryPollMs: 10 * 60_000 })
  await Promise.all([alice.waitForInventory(), bob.waitForInventory()])
}, 90_000)

afterAll(async () => {
  await alice?.cleanup()
  await bob?.cleanup()
})

describe('lease names in Ceph', () => {
  it('removes the names of a lease released through its session', async () => {
    const names = [vmName(), image('disk')]
    const seenHeld = await alice.context.lease.run(names, 'start leasenames on hv1', 30, async () => {
      const during = await cephNames()
      return names.every((name) => during.includes(name))
    })
    expect(seenHeld).toBe(true)
    const after = await cephNames()
    expect(names.filter((name) => after.includes(name))).toEqual([])
  }, 60_000)

  it('never removes a held name: a take raced against the removal 40 times keeps its lock each time', async () => {
    const name = image('race')
    const outcomes: string[] = []
    for (let round = 0; round < 40; round++) {
      // Bob takes the name through his session while Alice's session removes it if free.
      const [held, cleaned] = await Promise.all([
        bob.context.lease.acquire([name], `race ${round}`, 30),
        alice.context.lease.clean(name, 'hv1'),
      ])
      outcomes.push(cleaned)
      // Removed before the take landed (the take then wrote a new entry), or refused as held:
      // either way Bob's lock is in Ceph.
      expect((await cephLockers(name)).map((locker) => locker.cookie)).toEqual([held.cookie])
      // Held now, in every case: the removal must refuse.
      expect(await alice.context.lease.clean(name, 'hv1')).toBe('held')
      expect((await cephLockers(name)).map((locker) => locker.cookie)).toEqual([held.cookie])
      await held.release()
    }
    console.log(
      `[lease-names] 40 races: removed first ${outcomes.filter((o) => o === 'removed').length}, refused as held ${outcomes.filter((o) => o === 'held').length}`,
    )
    expect(new Set(outcomes)).toEqual(new Set(outcomes.filter((o) => o === 'removed' || o === 'held')))
    expect(await cephNames()).not.toContain(name)
  }, 240_000)

  it('leaves a lease taken with the rados CLI by someone else alone while it is held; removes it once expired', async () => {
    const name = vmName()
    const short = vmName()
    // Another tool's locks, its own tag and cookie: one long, one of 2 s.
    await adminRados(
      ...['lock', 'get', LEASE_OBJECT, name, '--lock-cookie', 'by-hand', '--lock-tag', 'other'],
    )
    await adminRados(
      ...['lock', 'get', LEASE_OBJECT, short, '--lock-cookie', 'by-hand', '--lock-duration', '2'],
    )
    try {
      expect(await alice.context.lease.clean(name, 'hv1')).toBe('held')
      const listed = (await alice.core.call('lease.list', {})) as LeaseHolder[]
      expect(listed.find((holder) => holder.name === name)).toMatchObject({
        cookie: 'by-hand',
        expired: false,
      })
      expect((await cephLockers(name)).map((locker) => locker.cookie)).toEqual(['by-hand'])
      // Expired by the OSD's clock (its own recorded expiry waited out): trimmed by the take, then removed.
      await pastExpiry(short)
      expect(await alice.context.lease.clean(short, 'hv1')).toBe('removed')
      expect(await cephNames()).toContain(name)
      expect(await cephNames()).not.toContain(short)
    } finally {
      await adminRados(
        'lock',
        'break',
        LEASE_OBJECT,
        name,
        (await cephLockers(name))[0]?.name ?? '',
        '--lock-cookie',
        'by-hand',
      )
      await alice.context.lease.clean(name, 'hv1')
    }
    expect(await cephNames()).not.toContain(name)
  }, 60_000)

  it('sweeps released names in lease.list: its cost stops growing with them', async () => {
    const left = Array.from({ length: 40 }, (_, index) => image(`left${index}`))
    await leaveReleasedNames(left)
    const before = await cephNames()
    expect(left.every((name) => before.includes(name))).toBe(true)
    // The CLI path as before this change (no session): one rados per name, each a new Ceph client.
    const lease = alice.context.lease
    const deps = Reflect.get(lease, 'deps') as LeaseDeps
    const cliOnly = new ClusterLease({ ...deps, connection: undefined })
    let t0 = performance.now()
    expect(await cliOnly.list()).toEqual([])
    const cliMs = performance.now() - t0
    t0 = performance.now()
    expect(await lease.list()).toEqual([])
    const sweepMs = performance.now() - t0
    const after = await cephNames()
    expect(left.filter((name) => after.includes(name))).toEqual([])
    t0 = performance.now()
    expect(await lease.list()).toEqual([])
    const steadyMs = performance.now() - t0
    t0 = performance.now()
    expect(await cliOnly.list()).toEqual([])
    const cliAfterMs = performance.now() - t0
    console.log(
      `[lease-names] list with ${before.length} names on the object: CLI ${before.length + 1} rados ${cliMs.toFixed(0)} ms; ` +
        `session + sweep ${sweepMs.toFixed(0)} ms; then ${after.length} names: session ${steadyMs.toFixed(0)} ms, ` +
        `CLI ${after.length + 1} rados ${cliAfterMs.toFixed(0)} ms`,
    )
  }, 180_000)
})
