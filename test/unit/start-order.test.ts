/**
 * A start's order and concurrency (vm/lifecycle.ts): the disks' independent reads (`rbd status`,
 * `rbd lock ls`) side by side; the cluster lease released once `virsh start` and its audit are done,
 * the job still waiting for the host read again and the Ceph clients recorded; a refused start's
 * reasons the same as when the watchers were read last, told without waiting for the disks' reads. And the recording after a start
 * (vm/watcher-recorder.ts) joins the one the inventory asked for rather than queue a second.
 */
import { describe, expect, it } from 'vitest'
import type { Rbd, Watcher } from '../../src/main/core/ceph/rbd'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import type { Lifecycle } from '../../src/main/core/vm/lifecycle'
import { FenceStore } from '../../src/main/core/vm/fence-store'
import { WatcherRecorder } from '../../src/main/core/vm/watcher-recorder'
import { ApiError } from '../../src/shared/errors'
import type { DomainDefinition, DomainOnHost, HostInventory } from '../../src/shared/inventory'
import { domainDefinition } from '../support/domain-definition'
import { twoHostStart } from '../support/start-harness'
import { deferred } from '../support/deferred'

const UUID = '1ab0c0de-0000-4000-8000-000000000002'
const rbdDisk = (target: string, image: string) =>
  ({
    target,
    device: 'disk',
    readonly: false,
    rbd: { pool: 'vms', image },
  }) as DomainDefinition['disks'][number]
const TWO_DISKS = domainDefinition({ uuid: UUID, disks: [rbdDisk('vda', 'a'), rbdDisk('vdb', 'b')] })

function domainOf(definition: DomainDefinition, state: DomainOnHost['state'] = 'shutoff'): DomainOnHost {
  return { uuid: UUID, name: 'labvm1', state, autostart: false, managedSave: false, definition }
}

/** Lets every callback already due run (fake commands answered in the same turn). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * hv1 and hv2 define the VM, off; starts go to hv2. `rbd` answers the disks' reads; `afterStart`
 * is awaited by the host's read after `virsh start` (the one refreshHost a start makes).
 */
function setup(options: {
  definition?: DomainDefinition
  rbd: Partial<Rbd>
  started?: (since: number) => Promise<void>
  afterStart?: () => Promise<void>
  present?: boolean
  /** The VM's state on both hosts (off unless told). */
  state?: DomainOnHost['state']
}) {
  const events: string[] = []
  const runner = {
    // The host files' existence check: every path present unless told otherwise.
    run: async (_host: string, argv: string[]) => ({
      exitCode: 0,
      stdout:
        options.present === false
          ? ''
          : argv
              .slice(5)
              .map((p) => `@@hyperdesk-path ${p}\n`)
              .join(''),
      stderr: '',
      durationMs: 1,
    }),
    virsh: async (_host: string, argv: string[]) => {
      events.push(argv.join(' '))
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 1 }
    },
  } as unknown as RemoteRunner
  const { lifecycle, lease } = twoHostStart({
    domain: domainOf(options.definition ?? TWO_DISKS, options.state),
    runner,
    rbd: options.rbd,
    refreshHost: async () => {
      events.push('refresh')
      await options.afterStart?.()
    },
    audit: () => void events.push('audit'),
    ...(options.started
      ? { started: (_host: string, _domain: DomainOnHost, since: number) => options.started!(since) }
      : {}),
  })
  const logs: unknown[] = []
  const context = { step: () => undefined, log: (line: unknown) => logs.push(line) } as unknown as JobContext
  return { lifecycle, lease, context, events, logs }
}

/** A start on hv2 that must be refused: its refusals' codes, in order. */
async function refusalCodes(lifecycle: Lifecycle, context: JobContext): Promise<string[]> {
  const error = (await lifecycle
    .start({ uuid: UUID, host: 'hv2' }, context)
    .catch((e: unknown) => e)) as ApiError
  expect(error.code).toBe('vm.start.refused')
  return (error.details as { refusals: { code: string }[] }).refusals.map((r) => r.code)
}

describe('a start’s reads of its disks', () => {
  it('asks every disk’s watchers and locks side by side, not one disk after another', async () => {
    const inFlight: string[] = []
    let most = 0
    const answers = new Map<string, ReturnType<typeof deferred<never[]>>>()
    const read = (kind: string) => (_host: string, image: { image: string }) => {
      const key = `${kind} ${image.image}`
      inFlight.push(key)
      most = Math.max(most, inFlight.length)
      const answer = deferred<never[]>()
      answers.set(key, answer)
      return answer.promise.finally(() => inFlight.splice(inFlight.indexOf(key), 1))
    }
    const { lifecycle, context, events } = setup({ rbd: { watchers: read('status'), locks: read('locks') } })
    const start = lifecycle.start({ uuid: UUID, host: 'hv2' }, context)
    await settle()
    // All four asked before any answered: two disks, each its `rbd status` and its `rbd lock ls`.
    expect([...inFlight].sort()).toEqual(['locks a', 'locks b', 'status a', 'status b'])
    for (const answer of answers.values()) answer.resolve([])
    await start
    expect(most).toBe(4)
    expect(events).toEqual([`start ${UUID}`, 'audit', 'refresh'])
  })

  it('refuses a disk in use or locked by a QEMU, as before', async () => {
    const watchers = async (_h: string, image: { image: string }): Promise<Watcher[]> =>
      image.image === 'b' ? [{ address: '10.77.0.3:0/42' }] : []
    const locks = async (_h: string, image: { image: string }) =>
      image.image === 'a' ? [{ id: 'auto 1', locker: 'client.9', address: '10.77.0.1:0/7' }] : []
    const { lifecycle, context, events, lease } = setup({ rbd: { watchers, locks } })
    const error = (await lifecycle
      .start({ uuid: UUID, host: 'hv2' }, context)
      .catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('vm.start.refused')
    const { refusals } = error.details as { refusals: { code: string; message: string }[] }
    // The watchers' refusals first, then the locks' (the order the window shows them in).
    expect(refusals.map((r) => r.code)).toEqual(['image-in-use', 'image-locked'])
    expect(refusals[0]!.message).toContain('vms/b')
    expect(refusals[1]!.message).toContain('vms/a')
    expect(events).toEqual([])
    expect(lease.held.size).toBe(0)
  })

  it('keeps a refused start’s reasons: its watchers neither counted nor their failure told', async () => {
    const { lifecycle, context } = setup({
      definition: domainDefinition({ uuid: UUID, disks: [rbdDisk('vda', 'a')], bootFiles: ['/boot/none'] }),
      present: false,
      rbd: {
        watchers: async () => {
          throw new ApiError({ code: 'remote.failed', message: 'rbd status failed' })
        },
      },
    })
    expect(await refusalCodes(lifecycle, context)).toEqual(['boot-files-missing'])
  })

  it('asks neither watchers nor locks when the start is refused before its disks are read (it runs already)', async () => {
    const asked: string[] = []
    const { lifecycle, context, events } = setup({
      state: 'running',
      rbd: {
        watchers: async (_h: string, image: { image: string }) => {
          asked.push(`status ${image.image}`)
          return [{ address: '10.77.0.3:0/42' }]
        },
        locks: async (_h: string, image: { image: string }) => {
          asked.push(`locks ${image.image}`)
          return []
        },
      },
    })
    // The same reasons as when the watchers were read and discarded: they never counted here.
    expect(await refusalCodes(lifecycle, context)).toEqual(['running-elsewhere', 'already-running'])
    expect(asked).toEqual([])
    expect(events).toEqual([])
  })

  it('tells a refusal of the files at once, the disks’ watchers and locks still unanswered (a target reconnecting)', async () => {
    // Reads that never answer: the connection's wait for a host that reconnects, without its end.
    const never = deferred<never[]>()
    const asked: string[] = []
    const { lifecycle, context, lease, events } = setup({
      definition: domainDefinition({ uuid: UUID, disks: [rbdDisk('vda', 'a')], bootFiles: ['/boot/none'] }),
      present: false,
      rbd: {
        watchers: async () => (asked.push('status'), never.promise),
        locks: async () => (asked.push('locks'), never.promise),
      },
    })
    expect(await refusalCodes(lifecycle, context)).toEqual(['boot-files-missing'])
    // Asked beside the files (a start that passes needs them), never answered, and not waited for.
    expect(asked.sort()).toEqual(['locks', 'status'])
    expect(events).toEqual([])
    expect(lease.held.size).toBe(0)
  })

  it('never starts while a disk’s lock read is unanswered', async () => {
    const locks = deferred<never[]>()
    const { lifecycle, context, events } = setup({
      definition: domainDefinition({ uuid: UUID, disks: [rbdDisk('vda', 'a')] }),
      rbd: { watchers: async () => [], locks: () => locks.promise },
    })
    let done = false
    const start = lifecycle.start({ uuid: UUID, host: 'hv2' }, context).then(() => void (done = true))
    for (let turn = 0; turn < 5; turn++) await settle()
    expect(done).toBe(false)
    expect(events).toEqual([])
    locks.resolve([])
    await start
    expect(events).toEqual([`start ${UUID}`, 'audit', 'refresh'])
  })

  it('tells a failed watchers read before a failed lock read, as when they ran in that order', async () => {
    const { lifecycle, context, events } = setup({
      rbd: {
        watchers: async () => {
          await settle()
          throw new ApiError({ code: 'remote.failed', message: 'rbd status failed' })
        },
        locks: async () => {
          throw new ApiError({ code: 'remote.failed', message: 'rbd lock ls failed' })
        },
      },
    })
    const error = (await lifecycle
      .start({ uuid: UUID, host: 'hv2' }, context)
      .catch((e: unknown) => e)) as ApiError
    expect(error.message).toBe('rbd status failed')
    expect(events).toEqual([])
  })
})

describe('after virsh start', () => {
  it('releases the lease while the host is read again and the clients recorded; the start waits for both', async () => {
    const reading = deferred<void>()
    const recording = deferred<void>()
    let recordingAsked = false
    const { lifecycle, lease, context, events } = setup({
      rbd: {},
      afterStart: () => reading.promise,
      started: () => {
        recordingAsked = true
        return recording.promise
      },
    })
    let done = false
    const start = lifecycle.start({ uuid: UUID, host: 'hv2' }, context).then(() => void (done = true))
    await settle()
    // virsh start and its audit done, the host being read: the lease is already let go.
    expect(events).toEqual([`start ${UUID}`, 'audit', 'refresh'])
    expect(lease.held.size).toBe(0)
    expect(lease.log.at(-1)).toMatch(/^release /)
    expect(recordingAsked).toBe(false)
    reading.resolve()
    await settle()
    // The clients recorded after the read (the inventory's recording is asked on it), still waited for.
    expect(recordingAsked).toBe(true)
    expect(done).toBe(false)
    recording.resolve()
    await start
    expect(done).toBe(true)
  })

  it('logs a failed recording and still reports the start', async () => {
    const { lifecycle, context, logs } = setup({
      rbd: {},
      started: async () => {
        throw new ApiError({ code: 'remote.failed', message: 'no answer' })
      },
    })
    await expect(lifecycle.start({ uuid: UUID, host: 'hv2' }, context)).resolves.toEqual({ host: 'hv2' })
    expect(JSON.stringify(logs)).toContain('jobSteps.clientsNotRecorded')
  })

  it('passes the recording when virsh start was sent', async () => {
    let since: number | undefined
    const before = Date.now()
    const { lifecycle, context } = setup({ rbd: {}, started: async (at) => void (since = at) })
    await lifecycle.start({ uuid: UUID, host: 'hv2' }, context)
    expect(since).toBeGreaterThanOrEqual(before)
    expect(since).toBeLessThanOrEqual(Date.now())
  })
})

/** The recorder's exec answered from `clients` (spec → addresses), each answer held until released. */
function recorderOn(clients: () => Record<string, string[]>) {
  const execs: Array<ReturnType<typeof deferred<void>>> = []
  const runner = {
    run: async (_host: string, argv: string[]) => {
      const gate = deferred<void>()
      execs.push(gate)
      await gate.promise
      const specs = argv.slice(6)
      const said = clients()
      const stdout = [
        '10.77.0.2\n',
        ...specs.map(
          (spec) =>
            `@@hyperdesk-watchers\n${JSON.stringify({ watchers: (said[spec] ?? []).map((address) => ({ address })) })}\n`,
        ),
      ].join('')
      return { exitCode: 0, stdout, stderr: '', durationMs: 1 }
    },
  } as unknown as RemoteRunner
  const store = new FenceStore()
  const recorder = new WatcherRecorder(runner, store, () => ({
    clientId: 'libvirt',
    monitorTimeoutSeconds: 10,
  }))
  return { recorder, store, execs }
}

const RUNNING = domainOf(TWO_DISKS, 'running')
const BOTH = { 'vms/a': ['10.77.0.2:0/11'], 'vms/b': ['10.77.0.2:0/12'] }
const inventoryWith = (domain: DomainOnHost): HostInventory => ({
  host: 'hv2',
  reachable: true,
  facts: {},
  domains: [domain],
  refreshedAt: 0,
})

describe('the recording after a start', () => {
  it('joins the one the inventory asked for on seeing the VM run: one exec, not two', async () => {
    const { recorder, store, execs } = recorderOn(() => BOTH)
    const since = Date.now()
    recorder.observe(inventoryWith(RUNNING))
    await settle()
    expect(execs).toHaveLength(1)
    const started = recorder.recordStarted('hv2', RUNNING, since)
    await settle()
    // Joined, not queued behind it.
    execs[0]!.resolve()
    await started
    expect(execs).toHaveLength(1)
    expect(store.watchers('hv2', UUID)?.images).toEqual(BOTH)
  })

  it('asks nothing when the inventory’s recording already ended with every disk’s client', async () => {
    const { recorder, execs } = recorderOn(() => BOTH)
    const since = Date.now()
    recorder.observe(inventoryWith(RUNNING))
    await settle()
    execs[0]!.resolve()
    await settle()
    await recorder.recordStarted('hv2', RUNNING, since)
    expect(execs).toHaveLength(1)
  })

  it('records again when the joined one did not see a client of every disk', async () => {
    let said: Record<string, string[]> = { 'vms/a': ['10.77.0.2:0/11'] }
    const { recorder, store, execs } = recorderOn(() => said)
    const since = Date.now()
    recorder.observe(inventoryWith(RUNNING))
    await settle()
    const started = recorder.recordStarted('hv2', RUNNING, since)
    execs[0]!.resolve()
    await settle()
    expect(execs).toHaveLength(2)
    said = BOTH
    execs[1]!.resolve()
    await started
    expect(store.watchers('hv2', UUID)?.images).toEqual(BOTH)
  })

  it('does not join a recording asked before virsh start was sent', async () => {
    const { recorder, execs } = recorderOn(() => BOTH)
    recorder.observe(inventoryWith(RUNNING))
    await settle()
    const started = recorder.recordStarted('hv2', RUNNING, Date.now() + 1)
    execs[0]!.resolve()
    await settle()
    // Queued behind the older one, as every recording of a host is.
    expect(execs).toHaveLength(2)
    execs[1]!.resolve()
    await started
  })
})
