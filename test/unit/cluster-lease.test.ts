import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import {
  ClusterLease,
  LEASE_TAG,
  parseExpiration,
  parseLockInfo,
  type LeaseDeps,
} from '../../src/main/core/lease/cluster-lease'
import { HostErrorLog } from '../../src/main/core/hosts/host-errors'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import type { HostConnection } from '../../src/main/core/ssh/connection'
import { ApiError, commandStep } from '../../src/shared/errors'
import { msg, type Message } from '../../src/shared/messages'

/**
 * The lease's decisions: what rados prints is read right (outputs captured on the lab's Ceph 16.2.15
 * Pacific with client.libvirt), a held name refuses with who/since/until, a multi-name lease is all or
 * none, a check finds a lost lease and renews a short one, a take-over breaks only the holder confirmed.
 * The rados side is a small model of cls_lock's exclusive locks (exit 1 + "(16) Device or resource
 * busy" when held, "(2) No such file or directory" for a missing object or locker — as rados prints them).
 */

// `rados -p libvirt-ssd lock info hd-probe.lease vm:x --format json` after `lock get … --lock-duration 20`.
const PACIFIC_INFO =
  '{"name":"vm:x","type":"exclusive","tag":"","lockers":[{"name":"client.4148","cookie":"c1","description":"holder1","expiration":"2026-12-03T09:16:23.515426+0000","addr":"10.77.0.1:0/4000197111"}]}'
// The same without --lock-duration.
const PACIFIC_NO_EXPIRY =
  '{"name":"vm:y","type":"exclusive","tag":"","lockers":[{"name":"client.4212","cookie":"c9","description":"probe","expiration":"0.000000","addr":"10.77.0.2:0/1197767909"}]}'

const UUID = '1ab0c0de-0000-4000-8000-000000000001'
const VM = `vm:${UUID}`
const IMAGE = 'image:libvirt-ssd/labvm1'

interface Locker {
  client: string
  cookie: string
  description: string
  expiresAt: number
}

/** cls_lock's exclusive locks on one object, answered as the rados CLI does. */
function radosModel(now: () => number) {
  const locks = new Map<string, Locker>()
  let clients = 4100
  const calls: string[] = []
  const result = (exitCode: number, stdout = '', stderr = ''): RemoteResult => ({
    exitCode,
    stdout,
    stderr,
    durationMs: 1,
  })
  const runner = {
    async run(host: string, argv: readonly string[]) {
      const at = argv.indexOf('lock')
      const [verb, , name = ''] = argv.slice(at + 1)
      const option = (flag: string) => argv[argv.indexOf(flag) + 1] ?? ''
      calls.push(`${host} ${verb} ${name}`)
      const current = locks.get(name)
      const live = current && current.expiresAt > now() ? current : undefined
      const client = `client.${++clients}`
      if (verb === 'get') {
        if (live) return result(1, '', 'ERROR: failed locking: (16) Device or resource busy\n')
        locks.set(name, {
          client,
          cookie: option('--lock-cookie'),
          description: option('--lock-description'),
          expiresAt: now() + Number(option('--lock-duration')) * 1000,
        })
        return result(0)
      }
      if (verb === 'info') {
        const lockers = live
          ? [
              {
                name: live.client,
                cookie: live.cookie,
                description: live.description,
                expiration: new Date(live.expiresAt).toISOString().replace('Z', '000+0000'),
                addr: '10.77.0.1:0/1234',
              },
            ]
          : []
        return result(0, JSON.stringify({ name, type: 'exclusive', tag: LEASE_TAG, lockers }))
      }
      if (verb === 'break') {
        const locker = argv[at + 4]
        if (!live || live.client !== locker || live.cookie !== option('--lock-cookie'))
          return result(1, '', 'ERROR: failed breaking lock: (2) No such file or directory\n')
        locks.delete(name)
        return result(0)
      }
      if (verb === 'list')
        return result(
          0,
          JSON.stringify({ objname: 'hyperdesk.lease', locks: [...locks.keys()].map((n) => ({ name: n })) }),
        )
      throw new Error(`unexpected ${argv.join(' ')}`)
    },
  } as unknown as RemoteRunner
  return { runner, locks, calls }
}

/**
 * The lease session's python (lease-session-program.ts) on the same modelled object: one Ceph client
 * per session, cls_lock's answers (EBUSY held, ENOENT not ours, MUST_RENEW only while held). `missing`:
 * a host without the binding; `dieOn`: the session ends instead of answering that op (after applying
 * it when `applied`).
 */
function sessionHost(
  rados: ReturnType<typeof radosModel>,
  now: () => number,
  options: {
    missing?: boolean
    dieOn?: string
    applied?: boolean
    cleanErrno?: number
    /** Names released earlier whose entries the object still keeps (no lockers): what a list sweeps. */
    released?: string[]
  } = {},
) {
  let clients = 9000
  const execs: string[] = []
  const ops: string[] = []
  const connection = {
    async exec(command: string) {
      execs.push(command)
      const client = `client.${++clients}`
      let program = true
      const channel = Object.assign(new EventEmitter(), {
        stderr: new EventEmitter(),
        close: () => setImmediate(() => channel.emit('close', 0)),
        write(text: string) {
          if (program) {
            program = false
            const line = options.missing
              ? '{"fatal": "no-binding", "error": "No module named \'rados\'"}\n'
              : `{"ready": true, "client": "${client}"}\n`
            setImmediate(() => channel.emit('data', Buffer.from(line)))
            return true
          }
          const req = JSON.parse(text) as {
            id: number
            op: string
            name: string
            cookie: string
            desc: string
            duration: number
          }
          ops.push(`${req.op} ${req.name}`)
          const current = rados.locks.get(req.name)
          const live = current && current.expiresAt > now() ? current : undefined
          const ours = live && live.client === client && live.cookie === req.cookie
          let errno = 0
          if (req.op === 'list') {
            const value = (options.released ?? []).map((name) => ({ name, lockers: [] }))
            setImmediate(() =>
              channel.emit('data', Buffer.from(`${JSON.stringify({ id: req.id, ok: true, value })}\n`)),
            )
            return true
          }
          if (req.op === 'take') {
            if (live) errno = ours ? 17 : 16
            else
              rados.locks.set(req.name, {
                client,
                cookie: req.cookie,
                description: req.desc,
                expiresAt: now() + req.duration * 1000,
              })
          } else if (req.op === 'renew') {
            if (ours) live.expiresAt = now() + req.duration * 1000
            else errno = 2
          } else if (req.op === 'unlock') {
            if (ours) rados.locks.delete(req.name)
            else errno = 2
          } else if (req.op === 'clean') {
            // cls_lock's take with a fresh cookie fails while anyone holds it; the model keeps no entry.
            errno = live ? 16 : (options.cleanErrno ?? 0)
          }
          if (options.dieOn === req.op) {
            if (!options.applied && req.op === 'take' && !errno) rados.locks.delete(req.name)
            setImmediate(() => channel.emit('close', null))
            return true
          }
          const answer = errno ? { id: req.id, errno, error: `[errno ${errno}]` } : { id: req.id, ok: true }
          setImmediate(() => channel.emit('data', Buffer.from(`${JSON.stringify(answer)}\n`)))
          return true
        },
      })
      setImmediate(() => channel.stderr.emit('data', Buffer.from('HYPERDESK_PID 4242\n')))
      return channel
    },
  } as unknown as HostConnection
  return { connection, execs, ops }
}

function lease(
  runner: RemoteRunner,
  holder: string,
  audits: string[] = [],
  now: () => number = Date.now,
  connection?: HostConnection,
  hostError?: LeaseDeps['hostError'],
): ClusterLease {
  const deps: LeaseDeps = {
    runner,
    hosts: () => ['hv1', 'hv2'],
    pool: () => 'libvirt-ssd',
    ceph: () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 10 }),
    holder: () => holder,
    audit: async (host, action) => {
      audits.push(`${host}: ${action}`)
    },
    now,
    ...(connection ? { connection: () => connection } : {}),
    ...(hostError ? { hostError } : {}),
  }
  return new ClusterLease(deps, (name) => (name === VM ? 'labvm1' : name.replace(/^image:/, '')))
}

/** Alice's and Bob's instances on one modelled cluster. */
function aliceAndBob() {
  const rados = radosModel(Date.now)
  return { rados, alice: lease(rados.runner, 'alice@desk-a'), bob: lease(rados.runner, 'bob@desk-b') }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('did not fail')
    },
    (error: unknown) => ApiError.from(error),
  )

describe('rados lock output', () => {
  it('reads a Pacific locker: holder, expiry, address', () => {
    const [locker] = parseLockInfo('vm:x', PACIFIC_INFO, Date.parse('2026-12-03T09:16:00Z'))
    expect(locker).toEqual({
      name: 'vm:x',
      holder: 'client.4148',
      operation: 'holder1',
      expiresAt: Date.parse('2026-12-03T09:16:23.515Z'),
      expired: false,
      locker: 'client.4148',
      cookie: 'c1',
      address: '10.77.0.1:0/4000197111',
    })
    expect(parseLockInfo('vm:x', PACIFIC_INFO, Date.parse('2026-12-03T09:17:00Z'))[0]?.expired).toBe(true)
  })

  it('reads a lock without duration as never expiring, and our own description as holder and operation', () => {
    expect(parseExpiration('0.000000')).toBeUndefined()
    const [locker] = parseLockInfo('vm:y', PACIFIC_NO_EXPIRY)
    expect(locker?.expiresAt).toBeUndefined()
    expect(locker?.expired).toBe(false)
    const ours = PACIFIC_INFO.replace(
      '"holder1"',
      JSON.stringify(JSON.stringify({ holder: 'alice@desk-a', op: 'start labvm1 on hv2', since: 1 })),
    )
    expect(parseLockInfo('vm:x', ours)[0]).toMatchObject({
      holder: 'alice@desk-a',
      operation: 'start labvm1 on hv2',
      since: 1,
    })
  })
})

describe('cluster lease', () => {
  it('refuses a held name with who holds it, since and until when; the holder is never disturbed', async () => {
    let now = Date.parse('2026-12-03T09:00:00Z')
    const clock = () => now
    const rados = radosModel(clock)
    const alice = lease(rados.runner, 'alice@desk-a', [], clock)
    const bob = lease(rados.runner, 'bob@desk-b', [], clock)
    const held = await alice.acquire([VM], 'start labvm1 on hv2', 120)
    now += 5000
    const error = await failure(bob.run([VM], 'migrate labvm1 to hv3', 120, async () => 'ran'))
    expect(error.code).toBe('lease.held')
    // Who, what, since and until when: times as parameters, written in the reader's language.
    expect(error.text).toEqual({
      code: 'leaseErrors.held',
      params: {
        object: 'labvm1',
        holder: 'alice@desk-a',
        operation: 'start labvm1 on hv2',
        since: Date.parse('2026-12-03T09:00:00Z'),
        until: Date.parse('2026-12-03T09:02:00Z'),
      },
    })
    expect(error.stepText).toEqual({ code: 'errorSteps.clusterLease' })
    expect(error.details).toMatchObject({
      lease: { holder: 'alice@desk-a', operation: 'start labvm1 on hv2' },
    })
    await held.check(commandStep('virsh start'))
    await held.release()
    expect(await bob.run([VM], 'migrate labvm1 to hv3', 120, async () => 'ran')).toBe('ran')
    expect(await alice.list()).toEqual([])
  })

  it('takes all names or none: a held image releases the VM name already taken', async () => {
    const clock = Date.now
    const rados = radosModel(clock)
    const alice = lease(rados.runner, 'alice@desk-a', [], clock)
    const bob = lease(rados.runner, 'bob@desk-b', [], clock)
    const image = await alice.acquire([IMAGE], 'shrink libvirt-ssd/labvm1', 300)
    const error = await failure(bob.acquire([VM, IMAGE], 'start labvm1 on hv2', 180))
    expect(error.message).toMatch(/^libvirt-ssd\/labvm1 is being changed by alice@desk-a/)
    expect([...rados.locks.keys()]).toEqual([IMAGE])
    await image.release()
  })

  it('releases its names side by side; one that fails to release leaves the others released', async () => {
    const rados = radosModel(Date.now)
    const alice = lease(rados.runner, 'alice@desk-a')
    const held = await alice.acquire([VM, IMAGE], 'start labvm1 on hv2', 180)
    // Each rados call waits here: both names' first calls must be under way before either answers.
    const run = rados.runner.run.bind(rados.runner)
    let inFlight = 0
    let most = 0
    rados.runner.run = async (host, argv, options) => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 20))
      inFlight--
      if (argv.includes('break') && argv.includes(VM)) throw new Error('hv1 dropped')
      return run(host, argv, options)
    }
    await expect(held.release()).rejects.toThrow('hv1 dropped')
    expect(most).toBe(2)
    expect([...rados.locks.keys()]).toEqual([VM])
  })

  it('frees a lease at its expiry; a check past it is a lost lease', async () => {
    let now = Date.parse('2026-12-03T09:00:00Z')
    const clock = () => now
    const rados = radosModel(clock)
    const alice = lease(rados.runner, 'alice@desk-a', [], clock)
    const held = await alice.acquire([VM], 'start labvm1 on hv2', 60)
    now += 61_000
    expect(
      (await lease(rados.runner, 'bob@desk-b', [], clock).acquire([VM], 'start labvm1 on hv3', 60)).names,
    ).toEqual([VM])
    const lost = await failure(held.check(commandStep('virsh start labvm1')))
    expect(lost.code).toBe('lease.lost')
    expect(lost.message).toBe(
      'The lease on labvm1 was lost before “virsh start labvm1” (taken over, or expired): nothing more was changed.',
    )
  })

  it('renews a lease with too little time left before a step, keeping its cookie', async () => {
    let now = Date.parse('2026-12-03T09:00:00Z')
    const clock = () => now
    const rados = radosModel(clock)
    const held = await lease(rados.runner, 'alice@desk-a', [], clock).acquire(
      [VM],
      'migrate labvm1 to hv2',
      300,
    )
    const first = rados.locks.get(VM)
    now += 200_000
    await held.check(commandStep('virsh migrate'))
    const renewed = rados.locks.get(VM)
    expect(renewed?.cookie).toBe(first?.cookie)
    expect(renewed?.client).not.toBe(first?.client)
    expect(renewed?.expiresAt).toBe(now + 300_000)
    // Plenty left: no renewal.
    now += 10_000
    await held.check(commandStep('virsh migrate'))
    expect(rados.locks.get(VM)).toBe(renewed)
  })

  it('takes over only the holder and cookie the user saw, and says so on the host', async () => {
    const clock = Date.now
    const rados = radosModel(clock)
    const audits: string[] = []
    const alice = lease(rados.runner, 'alice@desk-a', [], clock)
    const bob = lease(rados.runner, 'bob@desk-b', audits, clock)
    const stale = await alice.acquire([VM], 'start labvm1 on hv2', 120)
    const [shown] = await bob.list()
    expect(shown).toMatchObject({ name: VM, holder: 'alice@desk-a', cookie: stale.cookie })
    expect((await failure(bob.takeOver(VM, stale.cookie, 'carol@desk-c'))).code).toBe(
      'lease.takeover-mismatch',
    )
    expect((await failure(bob.takeOver(VM, 'another-cookie', 'alice@desk-a'))).code).toBe(
      'lease.takeover-mismatch',
    )
    expect(rados.locks.has(VM)).toBe(true)
    expect((await bob.takeOver(VM, stale.cookie, 'alice@desk-a')).holder).toBe('alice@desk-a')
    expect(audits).toEqual([
      'hv1: took over the lease vm:1ab0c0de-0000-4000-8000-000000000001 from alice@desk-a (start labvm1 on hv2)',
    ])
    expect((await failure(bob.takeOver(VM, stale.cookie, 'alice@desk-a'))).code).toBe('lease.takeover-gone')
    expect((await failure(stale.check(commandStep('virsh start')))).code).toBe('lease.lost')
  })

  it('spends one rados per step: take, read-back before the step, and a release that only breaks the locker read', async () => {
    const rados = radosModel(Date.now)
    const alice = lease(rados.runner, 'alice@desk-a')
    const log: string[] = []
    const context = { log: (text: { code: string }) => log.push(text.code), step: () => undefined }
    expect(
      await alice.run(
        [VM],
        'migrate labvm1 to hv2',
        300,
        async (held) => {
          await held.check(commandStep('virsh migrate'))
          return 'migrated'
        },
        context as never,
      ),
    ).toBe('migrated')
    expect(rados.calls).toEqual([`hv1 get ${VM}`, `hv1 info ${VM}`, `hv1 break ${VM}`])
    expect(rados.locks.size).toBe(0)
    // Each phase's time is in the job's log (the migration bench reads them).
    expect(log).toEqual(
      expect.arrayContaining([
        'jobSteps.leaseTakeTook',
        'jobSteps.leaseCheckTook',
        'jobSteps.leaseReleaseTook',
      ]),
    )
  })

  it('returns once its release has landed: another instance finds the name free, and the release is one lock break', async () => {
    const { rados, alice, bob } = aliceAndBob()
    // The release must land before run returns: a gate on rados lock break holds run until let go.
    const run = rados.runner.run.bind(rados.runner)
    let letGo: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (letGo = resolve))
    const breaks: string[][] = []
    rados.runner.run = async (host, argv, options) => {
      if (argv.includes('break')) {
        breaks.push([...argv])
        await gate
      }
      return run(host, argv, options)
    }
    let returned = false
    const first = alice
      .run([VM], 'start labvm1 on hv2', 120, async (held) => {
        await held.check(commandStep('virsh start'))
        return 'started'
      })
      .then((result) => {
        returned = true
        return result
      })
    await vi.waitFor(() => expect(breaks).toHaveLength(1))
    expect(returned).toBe(false)
    letGo()
    expect(await first).toBe('started')
    expect(rados.locks.size).toBe(0)
    // The release was one rados lock break (of the locker the check read back).
    expect(breaks).toHaveLength(1)
    const bobs = await bob.acquire([VM], 'migrate labvm1 to hv3', 120)
    await bobs.release()
    expect(rados.locks.size).toBe(0)
  })

  // What rados printed on the lab's hv1 after `lab keyring hv1 off` (exit 1), and the same without
  // librados' log line (its log thread may not run before rados exits): neither is "no such lock".
  const keyringGoneStderr =
    '2026-12-05T09:08:51.649+0000 7fab75ccdd00 -1 auth: unable to find a keyring on /etc/ceph/ceph.client.libvirt.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,: (2) No such file or directory\nfailed to fetch mon config (--no-mon-config to skip)\n'
  it.each([
    ['with', keyringGoneStderr],
    ['without', 'failed to fetch mon config (--no-mon-config to skip)\n'],
  ])(
    'releases through the next host when one cannot reach Ceph (its keyring gone, %s the keyring line: not "already released")',
    async (_with, stderr) => {
      const rados = radosModel(Date.now)
      const alice = lease(rados.runner, 'alice@desk-a')
      const run = rados.runner.run.bind(rados.runner)
      const keyringGone = new Set(['hv1'])
      rados.runner.run = async (host, argv, options) =>
        keyringGone.has(host) ? { exitCode: 1, stdout: '', stderr, durationMs: 1 } : run(host, argv, options)
      // The locker known (a check read it back): one break, through hv2 once hv1 failed.
      keyringGone.clear()
      const checked = await alice.acquire([VM], 'migrate labvm1 to hv2', 120)
      await checked.check(commandStep('virsh migrate'))
      keyringGone.add('hv1')
      rados.calls.length = 0
      await checked.release()
      expect(rados.calls).toEqual([`hv2 break ${VM}`])
      expect(rados.locks.size).toBe(0)
      // Not known (no check since the take): read, then break, both through hv2.
      keyringGone.clear()
      const unchecked = await alice.acquire([VM], 'start labvm1 on hv2', 120)
      keyringGone.add('hv1')
      rados.calls.length = 0
      await unchecked.release()
      expect(rados.calls).toEqual([`hv2 info ${VM}`, `hv2 break ${VM}`])
      expect(rados.locks.size).toBe(0)
    },
  )

  it('when no host can release, the job says so with each host’s reason and when Ceph ends the lease', async () => {
    const rados = radosModel(Date.now)
    const alice = lease(rados.runner, 'alice@desk-a')
    const run = rados.runner.run.bind(rados.runner)
    let down = false
    rados.runner.run = async (host, argv, options) => {
      if (down && host === 'hv1')
        return { exitCode: 1, stdout: '', stderr: 'error 110: (110) Connection timed out\n', durationMs: 1 }
      if (down) throw ApiError.of('host.offline', msg('sshErrors.notConnectedOffline', { host }))
      return run(host, argv, options)
    }
    const log: { code: string; params?: Record<string, unknown> }[] = []
    const context = { log: (text: (typeof log)[number]) => log.push(text), step: () => undefined }
    const result = await alice.run(
      [VM],
      'start labvm1 on hv2',
      120,
      async (held) => {
        await held.check(commandStep('virsh start'))
        down = true
        return 'started'
      },
      context as never,
    )
    expect(result).toBe('started')
    expect(rados.locks.size).toBe(1)
    const failed = log.find((line) => line.code === 'jobSteps.leaseReleaseFailed')
    const error = failed?.params?.['error'] as {
      code: string
      params: { reasons: { params: { host: string } }[] }
    }
    expect(error.code).toBe('leaseErrors.releaseFailed')
    expect(error.params.reasons.map((reason) => reason.params.host)).toEqual(['hv1', 'hv2'])
    // The sentence itself: each host's reason, and the hint says when Ceph ends it.
    down = false
    const held = await alice.acquire([IMAGE], 'start labvm1 on hv2', 120)
    down = true
    const failed2 = await failure(held.release())
    expect(failed2.code).toBe('lease.release-failed')
    expect(failed2.message).toMatch(
      /^Could not release the lease on libvirt-ssd\/labvm1 through any host: hv1: rados failed on the lease of libvirt-ssd\/labvm1 through hv1 \(exit 1\)\..*hv2: hv2 is offline: it did not answer\./,
    )
    expect(failed2.hintText?.code).toBe('leaseErrors.releaseFailedHint')
    expect(failed2.hint).toMatch(/^Ceph ends it by itself at .+\. Sooner: once a host reaches Ceph again/)
  })

  it('a release after a take-over breaks nothing of the new holder’s', async () => {
    const { rados, alice, bob } = aliceAndBob()
    const stale = await alice.acquire([VM], 'start labvm1 on hv2', 120)
    // Alice's read-back noted her locker; then Bob takes over and takes the name himself.
    await stale.check(commandStep('virsh start'))
    const [shown] = await bob.list()
    await bob.takeOver(VM, shown?.cookie ?? '', 'alice@desk-a')
    const bobs = await bob.acquire([VM], 'migrate labvm1 to hv3', 120)
    await stale.release()
    expect(rados.locks.get(VM)?.cookie).toBe(bobs.cookie)
    await bobs.release()
    expect(rados.locks.size).toBe(0)
  })

  it('after a renewal (a new Ceph client) the release reads the locker again, and frees it', async () => {
    let now = Date.parse('2026-12-03T09:00:00Z')
    const clock = () => now
    const rados = radosModel(clock)
    const held = await lease(rados.runner, 'alice@desk-a', [], clock).acquire([VM], 'migrate', 300)
    now += 200_000
    await held.check(commandStep('virsh migrate'))
    rados.calls.length = 0
    await held.release()
    expect(rados.calls).toEqual([`hv1 info ${VM}`, `hv1 break ${VM}`])
    expect(rados.locks.size).toBe(0)
  })

  it('takes the first name alone, then the others side by side; a check reads every name side by side', async () => {
    const rados = radosModel(Date.now)
    const alice = lease(rados.runner, 'alice@desk-a')
    const second = 'image:libvirt-ssd/labvm1-data'
    const run = rados.runner.run.bind(rados.runner)
    const inFlight: string[] = []
    const seen: string[][] = []
    rados.runner.run = async (host, argv, options) => {
      const call = `${argv[argv.indexOf('lock') + 1]} ${argv[argv.indexOf('lock') + 3]}`
      inFlight.push(call)
      seen.push([...inFlight])
      await new Promise((resolve) => setTimeout(resolve, 10))
      inFlight.splice(inFlight.indexOf(call), 1)
      return run(host, argv, options)
    }
    const held = await alice.acquire([VM, IMAGE, second], 'start labvm1 on hv2', 180)
    expect(seen.slice(0, 3)).toEqual([[`get ${VM}`], [`get ${IMAGE}`], [`get ${IMAGE}`, `get ${second}`]])
    seen.length = 0
    await held.check(commandStep('virsh start'))
    expect(seen.at(-1)).toEqual([`info ${VM}`, `info ${IMAGE}`, `info ${second}`])
    await held.release()
    expect(rados.locks.size).toBe(0)
  })

  it('a disk held elsewhere refuses the whole start, naming the first one held, and leaves nothing taken', async () => {
    const { rados, alice, bob } = aliceAndBob()
    const second = 'image:libvirt-ssd/labvm1-data'
    const shrink = await bob.acquire([second], 'shrink libvirt-ssd/labvm1-data', 300)
    const error = await failure(alice.acquire([VM, IMAGE, second], 'start labvm1 on hv2', 180))
    expect(error.code).toBe('lease.held')
    expect(error.message).toMatch(/^libvirt-ssd\/labvm1-data is being changed by bob@desk-b/)
    expect([...rados.locks.keys()]).toEqual([second])
    await shrink.release()
  })

  it('takes a name whose holder let go between its refused get and the read of who holds it', async () => {
    const { rados, alice, bob } = aliceAndBob()
    await bob.acquire([VM], 'start labvm1 on hv3', 120)
    const run = rados.runner.run.bind(rados.runner)
    rados.runner.run = async (host, argv, options) => {
      // Bob's release lands just before Alice reads who refused her.
      if (argv.includes('info')) rados.locks.delete(VM)
      return run(host, argv, options)
    }
    rados.calls.length = 0
    const held = await alice.acquire([VM], 'start labvm1 on hv2', 120)
    expect(rados.calls).toEqual([`hv1 get ${VM}`, `hv1 info ${VM}`, `hv1 get ${VM}`])
    expect(rados.locks.get(VM)?.cookie).toBe(held.cookie)
  })

  it('refuses a name outside the lease namespace', async () => {
    const clock = Date.now
    const rados = radosModel(clock)
    expect((await failure(lease(rados.runner, 'a@b').acquire(['vm:../../x'], 'x', 10))).code).toBe(
      'lease.bad-name',
    )
    expect(rados.calls).toEqual([])
  })
})

describe('cluster lease through a Ceph session', () => {
  it('takes, checks and releases through one session: no rados process at all', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now)
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    expect(
      await alice.run([VM, IMAGE], 'migrate labvm1 to hv2', 300, async (held) => {
        await held.check(commandStep('virsh migrate'))
        expect([...rados.locks.values()].map((l) => l.client)).toEqual(['client.9001', 'client.9001'])
        return 'migrated'
      }),
    ).toBe('migrated')
    expect(host.execs).toHaveLength(1)
    expect(host.ops).toEqual([
      `take ${VM}`,
      `take ${IMAGE}`,
      `renew ${VM}`,
      `renew ${IMAGE}`,
      `unlock ${VM}`,
      `unlock ${IMAGE}`,
      `clean ${VM}`,
      `clean ${IMAGE}`,
    ])
    expect(rados.calls).toEqual([])
    expect(rados.locks.size).toBe(0)
    alice.close()
  })

  it('a released name whose removal Ceph refuses is logged in the job; the release and the operation succeed', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now, { cleanErrno: 5 })
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    const logged: Message[] = []
    const context = { log: (line: Message) => logged.push(line), step: () => undefined }
    expect(await alice.run([VM], 'start labvm1 on hv2', 60, async () => 'started', context)).toBe('started')
    expect(rados.locks.size).toBe(0)
    const failed = logged.filter((line) => line.code === 'jobSteps.leaseCleanupFailed')
    expect(failed).toHaveLength(1)
    const error = failed[0]?.params?.['error'] as Message
    expect(error.code).toBe('leaseErrors.cleanupFailed')
    expect(error.params).toMatchObject({ name: VM, host: 'hv1' })
    alice.close()
  })

  it('a list whose sweep of released names Ceph refuses answers, and puts each failure in the host’s error log with its step', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now, { cleanErrno: 5, released: [VM, IMAGE] })
    const errors = new HostErrorLog()
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection, (error) =>
      errors.record(error),
    )
    expect(await alice.list()).toEqual([])
    expect(host.ops).toEqual(['list *', `clean ${VM}`, `clean ${IMAGE}`])
    // The same failure in a row is one line with a count (HostErrorLog), not one per name.
    const logged = errors.list('hv1')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({
      host: 'hv1',
      code: 'lease.cleanup-failed',
      stepText: msg('errorSteps.leaseSweep'),
      hintText: msg('leaseErrors.cleanupFailedHint'),
      repeats: 2,
    })
    expect(logged[0]?.message).toContain(`lease name ${VM} from Ceph’s lease object through hv1`)
    // Retried at the next list; a sweep that works logs nothing more.
    alice.close()
    const again = sessionHost(rados, Date.now, { released: [VM] })
    const bob = lease(rados.runner, 'bob@desk-b', [], Date.now, again.connection, (error) =>
      errors.record(error),
    )
    expect(await bob.list()).toEqual([])
    expect(again.ops).toEqual(['list *', `clean ${VM}`])
    expect(errors.list('hv1')).toEqual(logged)
    bob.close()
  })

  it('a held name refuses through the session with who holds it (read by the CLI)', async () => {
    const rados = radosModel(Date.now)
    const bob = lease(rados.runner, 'bob@desk-b')
    const held = await bob.acquire([VM], 'start labvm1 on hv2', 120)
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, sessionHost(rados, Date.now).connection)
    const error = await failure(alice.acquire([VM], 'migrate labvm1 to hv2', 300))
    expect(error.code).toBe('lease.held')
    expect(error.details).toMatchObject({ lease: { holder: 'bob@desk-b' } })
    await held.release()
    alice.close()
  })

  it('uses the rados CLI on a host without the binding, and does not try again at each call', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now, { missing: true })
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    await alice.run([VM], 'start labvm1 on hv2', 120, (held) => held.check(commandStep('virsh start')))
    await alice.run([VM], 'start labvm1 on hv2', 120, async () => undefined)
    expect(host.execs).toHaveLength(1)
    expect(rados.calls.map((c) => c.split(' ')[1])).toEqual(['get', 'info', 'break', 'get', 'info', 'break'])
    expect(rados.locks.size).toBe(0)
  })

  it('a warm opens the first host’s session and asks Ceph nothing; the take after it goes through that session', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now)
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    alice.warm()
    alice.warm() // a second plan meanwhile opens nothing more
    // Open once its client answers through it (this probe is the session's first op: the warm sent none).
    await vi.waitFor(() =>
      expect(alice.sessionCallAs('hv1', 'client.9001', { op: 'list', name: '*' })).resolves.toBeDefined(),
    )
    expect(host.ops).toEqual(['list *'])
    expect(rados.locks.size).toBe(0)
    host.ops.length = 0
    await alice.run([VM], 'migrate labvm1 to hv2', 300, (held) => held.check(commandStep('virsh migrate')))
    expect(host.execs).toHaveLength(1)
    expect(host.ops).toEqual([`take ${VM}`, `renew ${VM}`, `unlock ${VM}`, `clean ${VM}`])
    expect(rados.calls).toEqual([])
    alice.close()
  })

  it('a warm on a host without the binding leaves the take to the rados CLI, without trying the session again', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now, { missing: true })
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    alice.warm()
    await vi.waitFor(() => expect(host.execs).toHaveLength(1))
    await alice.run([VM], 'start labvm1 on hv2', 120, async () => undefined)
    expect(host.execs).toHaveLength(1)
    expect(rados.calls.map((c) => c.split(' ')[1])).toEqual(['get', 'info', 'break'])
    expect(rados.locks.size).toBe(0)
  })

  it('a check after its expiry finds it lost, never takes it again; the release unlocks nothing of the next holder’s', async () => {
    let now = Date.parse('2026-12-03T09:00:00Z')
    const clock = () => now
    const rados = radosModel(clock)
    const alice = lease(rados.runner, 'alice@desk-a', [], clock, sessionHost(rados, clock).connection)
    const held = await alice.acquire([VM], 'migrate labvm1 to hv2', 60)
    now += 61_000
    const lost = await failure(held.check(commandStep('virsh migrate')))
    expect(lost.code).toBe('lease.lost')
    expect(rados.locks.get(VM)?.expiresAt).toBeLessThan(now)
    const bob = await lease(rados.runner, 'bob@desk-b', [], clock).acquire([VM], 'start labvm1 on hv3', 60)
    await held.release()
    expect(rados.locks.get(VM)?.description).toContain('bob@desk-b')
    await bob.release()
    alice.close()
  })

  it('a session that ends mid-check: the CLI reads the lease back, and releases it by its locker', async () => {
    const rados = radosModel(Date.now)
    const host = sessionHost(rados, Date.now, { dieOn: 'renew' })
    const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
    await alice.run([VM], 'migrate labvm1 to hv2', 300, (held) => held.check(commandStep('virsh migrate')))
    // The read found it ours with time left; the release is one break of the session's client.
    expect(rados.calls).toEqual([`hv1 info ${VM}`, `hv1 break ${VM}`])
    expect(rados.locks.size).toBe(0)
    alice.close()
  })

  it('a session that ends mid-take fails the job and leaves no lock behind', async () => {
    for (const applied of [true, false]) {
      const rados = radosModel(Date.now)
      const host = sessionHost(rados, Date.now, { dieOn: 'take', applied })
      const alice = lease(rados.runner, 'alice@desk-a', [], Date.now, host.connection)
      const error = await failure(alice.run([VM], 'migrate labvm1 to hv2', 300, async () => 'ran'))
      expect(error.code).toBe('lease.session-ended')
      expect(error.message).toMatch(/session on hv1 ended before it answered “take vm:/)
      // The take's outcome was unknown: the release broke exactly that client's lock, if any.
      expect(rados.calls).toEqual([`hv1 break ${VM}`])
      expect(rados.locks.size).toBe(0)
      alice.close()
    }
  })
})
