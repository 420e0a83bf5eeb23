import type { Message } from '../../src/shared/messages/message'
/**
 * The fencing decisions (issue 15): what blocks a start, what counts as fenced, what is blocklisted,
 * and how Ceph's blocklist output and refusals are read.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  Blocklist,
  fenceArgv,
  fenceMonCaps,
  fencePermissionHelp,
  isClientAddress,
  wholeIpAddress,
  type FenceSettings,
} from '../../src/main/core/ceph/blocklist'
import type { Rbd } from '../../src/main/core/ceph/rbd'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { argvProblem } from '../../src/main/core/remote/quote'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import { FenceStore } from '../../src/main/core/vm/fence-store'
import { Fencing, fenceTargets, isFencedBy } from '../../src/main/core/vm/fencing'
import type { WatcherRecorder } from '../../src/main/core/vm/watcher-recorder'
import { Lifecycle, startLeaseNames, type HeldStartLease } from '../../src/main/core/vm/lifecycle'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import { lockBreakCheck } from '../../src/main/core/doctor/doctor'
import { withStopErrorPolicy } from '../../src/main/core/inventory/domain-xml'
import { parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import { parseRecordOutput } from '../../src/main/core/vm/watcher-recorder'
import { ApiError } from '../../src/shared/errors'
import { domainDefinition } from '../support/domain-definition'
import { MemoryLeases } from '../support/memory-lease'
import { detailsOf, englishLine, englishText, msg, withDetail } from '../../src/shared/messages'
import { fenceMessage, type FenceRecord } from '../../src/shared/fencing'
import type { DomainOnHost, HostInventory } from '../../src/shared/inventory'

const UUID = '1ab0c0de-0000-4000-8000-000000000001'
const settings: FenceSettings = {
  clientId: 'libvirt',
  monitorTimeoutSeconds: 10,
  user: 'etalab',
  fenceClientId: 'hyperdesk-fence',
}

/** A read definition with no disk: the start guard has nothing to check but where the VM runs. */
const DEFINITION = domainDefinition({ uuid: UUID })

function domain(state: DomainOnHost['state'], extra: Partial<DomainOnHost> = {}): DomainOnHost {
  return {
    uuid: UUID,
    name: 'labvm1',
    state,
    autostart: false,
    managedSave: false,
    definition: DEFINITION,
    ...extra,
  }
}
function host(name: string, domains: DomainOnHost[], reachable = true): HostInventory {
  return { host: name, reachable, facts: {}, domains, refreshedAt: 0 }
}

describe('Ceph blocklist output and commands', () => {
  it('uses blacklist before Pacific, blocklist from Pacific on (the host’s ceph --version)', () => {
    const word = (cephVersion: string | undefined) =>
      new Blocklist({} as RemoteRunner, () => ({ ...settings, cephVersion })).word('hv2')
    expect(word('ceph version 12.2.13 (584a20eb0237c657dc0567da126be145106aa47e) luminous (stable)')).toBe(
      'blacklist',
    )
    expect(word('15.2.17')).toBe('blacklist')
    expect(word('16.2.15')).toBe('blocklist')
    expect(word('19.2.0')).toBe('blocklist')
    expect(word(undefined)).toBe('blocklist')
    expect(fenceMonCaps('blacklist')).toBe(
      'allow r, allow command "osd blacklist" with blacklistop=add, allow command "osd blacklist" with blacklistop=rm',
    )
  })

  it('accepts only exact client addresses, and builds the whole-IP entry separately', () => {
    expect(isClientAddress('10.77.0.1:0/3358795907')).toBe(true)
    expect(isClientAddress('10.77.0.1:0/0')).toBe(false)
    expect(isClientAddress('10.77.0.1')).toBe(false)
    expect(isClientAddress('10.77.0.1:0/1; reboot')).toBe(false)
    expect(wholeIpAddress('10.77.0.1')).toBe('10.77.0.1:0/0')
    expect(() => wholeIpAddress('10.77.0.300')).toThrow(/Not an IPv4/)
  })

  it('runs changes as the fencing client, or through sudo (privileged.ts’s argv), with the sudo rule for exactly them', () => {
    expect(fenceArgv(settings, ['osd', 'blocklist', 'add', 'A', '604800']).slice(0, 3)).toEqual([
      'ceph',
      '--id',
      'hyperdesk-fence',
    ])
    const sudo = { ...settings, fenceClientId: undefined, privilegedSudo: true }
    expect(fenceArgv(sudo, ['osd', 'blocklist', 'rm', 'A']).slice(0, 3)).toEqual([
      'sudo',
      '-n',
      '/usr/bin/ceph',
    ])
    expect(fencePermissionHelp(sudo, 'blocklist').sudoRule).toBe(
      'etalab ALL=(root) NOPASSWD: /usr/bin/ceph --connect-timeout 10 osd blocklist add *, /usr/bin/ceph --connect-timeout 10 osd blocklist rm *',
    )
    expect(fenceArgv({ ...settings, fenceClientId: undefined }, ['osd', 'blocklist', 'ls'])[2]).toBe(
      'libvirt',
    )
  })

  it('names the caps to add when Ceph refuses (EACCES), and never sends a malformed address', async () => {
    const calls: string[][] = []
    const runner = {
      run: async (_host: string, argv: readonly string[]): Promise<RemoteResult> => {
        calls.push([...argv])
        return { stdout: '', stderr: 'Error EACCES: access denied\n', exitCode: 13, durationMs: 1 }
      },
    } as unknown as RemoteRunner
    const blocklist = new Blocklist(runner, () => ({ ...settings, fenceClientId: undefined }))
    const error = await blocklist.add('hv2', '10.77.0.1:0/3358795907', 604800).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('fence.permission-denied')
    expect((error as ApiError).message).toContain(
      `client.libvirt may not run \`ceph osd blocklist add 10.77.0.1:0/3358795907 604800\` on hv2 (EACCES). Fencing needs mon caps mon '${fenceMonCaps('blocklist')}'.`,
    )
    // What ceph printed is the message's detail, shown verbatim apart from the translated sentence.
    expect((error as ApiError).text).toMatchObject({
      code: 'cephErrors.fenceDeniedEacces',
      detail: 'Error EACCES: access denied',
    })
    expect((error as ApiError).hint).toContain('ceph auth get-or-create client.hyperdesk-fence')
    await expect(blocklist.add('hv2', '10.77.0.1', 604800)).rejects.toThrow(/Not a Ceph client address/)
    await expect(blocklist.add('hv2', '10.77.0.1:0/5', 10)).rejects.toThrow(/Invalid expiry/)
    expect(calls).toHaveLength(1)
  })
})

describe('what the fence blocklists', () => {
  it('every lock owner, live watcher and recorded watcher, once each; never the app’s own start lock', () => {
    const { targets, liveWatchers } = fenceTargets({
      locks: [
        { image: 'ssd/vm-data', id: 'auto 140185397383232', address: '10.77.0.1:0/3358795907' },
        { image: 'ssd/vm', id: 'hyperdesk-start:alice@desk:1', address: '10.77.0.3:0/99' },
      ],
      live: [{ image: 'ssd/vm', address: '10.77.0.1:0/42' }],
      recorded: {
        'ssd/vm': ['10.77.0.1:0/42'],
        'ssd/vm-data': ['10.77.0.1:0/3358795907'],
        'ssd/other': ['10.77.0.1:0/7'],
      },
      recordedAt: 5,
    })
    expect(targets).toEqual([
      { address: '10.77.0.1:0/3358795907', image: 'ssd/vm-data', source: 'lock-owner' },
      { address: '10.77.0.1:0/42', image: 'ssd/vm', source: 'live-watcher' },
      { address: '10.77.0.1:0/7', image: 'ssd/other', source: 'recorded-watcher', seenAt: 5 },
    ])
    expect(liveWatchers.map((watcher) => watcher.address)).toEqual(['10.77.0.1:0/42'])
  })

  it('records only the host’s own clients of each image (a migration’s other end watches too)', () => {
    const out =
      '10.77.0.1 10.77.11.1 \n@@hyperdesk-watchers\n' +
      '{"watchers":[{"address":"10.77.0.1:0/3358795907","client":4163,"cookie":1},{"address":"10.77.0.2:0/77","client":4200,"cookie":2}]}\n' +
      '@@hyperdesk-watchers\n\n'
    expect(parseRecordOutput(out, ['ssd/a', 'ssd/b'])).toEqual({
      ips: ['10.77.0.1', '10.77.11.1'],
      images: { 'ssd/a': ['10.77.0.1:0/3358795907'], 'ssd/b': [] },
    })
  })
})

describe('what counts as fenced', () => {
  const fence: FenceRecord = {
    id: 'f1',
    uuid: UUID,
    name: 'labvm1',
    lostHost: 'hv1',
    entries: [{ address: '10.77.0.1:0/3358795907' }],
    fencedAt: 1,
    admin: 'alice',
  }
  const fenced = (h: string, u: string) => isFencedBy([fence], h, u)

  it('a fence covers one VM on one host, nothing else', () => {
    expect(fenced('hv1', UUID)).toBe(true)
    expect(fenced('hv2', UUID)).toBe(false)
    expect(fenced('hv1', '1ab0c0de-0000-4000-8000-000000000002')).toBe(false)
  })

  it('an unfenced VM last seen running on a lost host is "last known running" there, never stopped', () => {
    const [vm] = buildVms([host('hv1', [domain('running')], false), host('hv2', [domain('shutoff')])])
    expect(vm).toMatchObject({ runningOn: [], lastKnownRunningOn: ['hv1'], unknownOn: ['hv1'] })
    expect(vm?.flags).toContain('host-unknown')
  })

  it('a fenced copy is shown as fenced, not as a place it runs, and is no second copy', () => {
    const lost = buildVms(
      [host('hv1', [domain('running')], false), host('hv2', [domain('running')])],
      fenced,
    )[0]
    expect(lost).toMatchObject({ runningOn: ['hv2'], lastKnownRunningOn: [], fencedOn: ['hv1'] })
    const back = buildVms([host('hv1', [domain('paused')]), host('hv2', [domain('running')])], fenced)[0]
    expect(back).toMatchObject({ runningOn: ['hv2'], fencedOn: ['hv1'] })
    expect(back?.flags).not.toContain('running-twice')
    // Without the fence the same hosts are the split-brain the app must shout about.
    expect(
      buildVms([host('hv1', [domain('running')]), host('hv2', [domain('running')])])[0]?.flags,
    ).toContain('running-twice')
  })

  it('persists fences and recorded clients next to the cluster file, and keeps an unreadable file aside', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-fence-'))
    const file = path.join(dir, 'fencing.json')
    const store = new FenceStore(file)
    store.putFence(fence)
    store.setWatchers({ host: 'hv1', uuid: UUID, seenAt: 3, images: { 'ssd/vm': ['10.77.0.1:0/42'] } })
    const again = new FenceStore(file)
    expect(again.fence(UUID, 'hv1')).toEqual(fence)
    expect(again.watchers('hv1', UUID)?.images).toEqual({ 'ssd/vm': ['10.77.0.1:0/42'] })
    fs.writeFileSync(file, '{"version":1,"fences":"nope"}')
    expect(new FenceStore(file).fences()).toEqual([])
    expect(fs.readdirSync(dir).some((name) => name.startsWith('fencing.json.invalid-'))).toBe(true)
  })

  it('renders its sentences from the shared table', () => {
    expect(fenceMessage('lastSeenRunning', { name: 'labvm1', host: 'hv1', since: '12:03' }).message).toBe(
      'labvm1 was last seen running on hv1, unreachable since 12:03.',
    )
  })
})

describe('what fencing sends to a host', () => {
  it('passes the runner’s argv check (argvProblem) for every privilege mode, add and rm, exact and whole-IP', () => {
    const modes: FenceSettings[] = [
      settings,
      { ...settings, fenceClientId: undefined, privilegedSudo: true },
      { ...settings, fenceClientId: undefined },
    ]
    for (const mode of modes)
      for (const args of [
        ['osd', 'blocklist', 'add', '10.77.0.1:0/12345', '604800'],
        ['osd', 'blacklist', 'add', wholeIpAddress('10.77.0.1'), '604800'],
        ['osd', 'blocklist', 'rm', '10.77.0.1:0/12345'],
      ])
        expect(argvProblem(fenceArgv(mode, args))).toBeNull()
    expect(argvProblem(['ceph', 'osd', 'blocklist', 'ls', '-f', 'json'])).toBeNull()
    expect(argvProblem(['ceph', 'config', 'get', 'osd', 'osd_client_watch_timeout'])).toBeNull()
  })

  it('refuses what is not a client address or a sane expiry before running anything', async () => {
    const calls: string[][] = []
    const runner = {
      run: async (_host: string, argv: string[]) => {
        calls.push(argv)
        return { exitCode: 0, stdout: '', stderr: '' }
      },
    } as unknown as RemoteRunner
    const blocklist = new Blocklist(runner, () => settings)
    for (const address of ['-x', '10.77.0.1:0/0', '10.77.0.1', '10.77.0.1:0/1 --yes', '10.77.0\u0007.1:0/1'])
      await expect(blocklist.add('hv2', address, 604800)).rejects.toMatchObject({
        code: 'fence.invalid-address',
      })
    await expect(blocklist.add('hv2', '10.77.0.1:0/12345', 10)).rejects.toMatchObject({
      code: 'fence.invalid-expiry',
    })
    expect(() => wholeIpAddress('10.77.0.256')).toThrow(/Not an IPv4/)
    expect(calls).toEqual([])
    await blocklist.add('hv2', '10.77.0.1:0/12345', 604800)
    expect(argvProblem(calls[0] ?? [])).toBeNull()
  })
})

describe('what blocks a start', () => {
  function lifecycle(hosts: HostInventory[], isFenced?: (h: string, u: string) => boolean): Lifecycle {
    const snapshot = { hosts, vms: buildVms(hosts, isFenced) }
    const inventory = {
      refreshAll: async () => snapshot,
      host: (name: string) => hosts.find((candidate) => candidate.host === name),
    } as unknown as InventoryService
    const rbd = { watchers: async () => [] } as unknown as Rbd
    return new Lifecycle({
      runner: {} as RemoteRunner,
      inventory,
      rbd,
      vmLocks: new KeyedMutex(),
      lease: new MemoryLeases(),
      hostNames: () => hosts.map((h) => h.host),
      audit: async () => undefined,
      ...(isFenced ? { isFenced } : {}),
    })
  }
  const hosts = () => [host('hv1', [domain('running')], false), host('hv2', [domain('shutoff')])]

  it('a lost host where the VM may run blocks the start until it is fenced for that VM', async () => {
    const { refusals } = await lifecycle(hosts()).startRefusals({ uuid: UUID, host: 'hv2' })
    expect(refusals).toEqual([expect.objectContaining({ code: 'host-unreachable', host: 'hv1' })])
    const fencedOther = await lifecycle(hosts(), (h, u) => h === 'hv1' && u !== UUID).startRefusals({
      uuid: UUID,
      host: 'hv2',
    })
    expect(fencedOther.refusals.map((r) => r.code)).toEqual(['host-unreachable'])
    const fenced = await lifecycle(hosts(), (h, u) => h === 'hv1' && u === UUID).startRefusals({
      uuid: UUID,
      host: 'hv2',
    })
    expect(fenced.refusals).toEqual([])
  })

  it('a lost host’s refusal says why in words (the timed-out step), the host’s output the only detail', async () => {
    const timedOut = withDetail(
      msg('remoteErrors.timedOut', { step: msg('errorSteps.refreshInventory'), host: 'hv1', seconds: 30 }),
      'error: failed to connect to the hypervisor',
    )
    const lost = {
      ...host('hv1', [domain('running')], false),
      error: englishLine(timedOut),
      errorText: timedOut,
    }
    const { refusals } = await lifecycle([lost, host('hv2', [domain('shutoff')])]).startRefusals({
      uuid: UUID,
      host: 'hv2',
    })
    const text = refusals[0]!.text
    expect(text).toEqual(msg('vmErrors.refusedUnreachable', { host: 'hv1', name: 'labvm1', why: timedOut }))
    expect(englishText(text)).toBe(
      'hv1 cannot be reached (refresh the inventory did not finish on hv1 within 30 s and was stopped there; what it printed is below.): labvm1 might be running there.',
    )
    expect(detailsOf(text)).toEqual([{ text: 'error: failed to connect to the hypervisor', from: 'host' }])
    // A host that never said why: said so, no English sentence as if the host had printed it.
    const silent = await lifecycle(hosts()).startRefusals({ uuid: UUID, host: 'hv2' })
    expect(silent.refusals[0]!.text).toEqual(
      msg('vmErrors.refusedUnreachable', { host: 'hv1', name: 'labvm1', why: msg('vmErrors.noAnswer') }),
    )
    expect(detailsOf(silent.refusals[0]!.text)).toEqual([])
  })

  it('a fenced copy still on the chosen host blocks a start there until it is destroyed', async () => {
    const back = [host('hv1', [domain('paused')]), host('hv2', [domain('running')])]
    expect(
      (await lifecycle(back, (h) => h === 'hv1').startRefusals({ uuid: UUID, host: 'hv1' })).refusals,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'fenced-copy', host: 'hv1' }),
        expect.objectContaining({ code: 'running-elsewhere', host: 'hv2' }),
      ]),
    )
  })

  it('a fenced copy that came back does not count as running elsewhere; an unfenced one does', async () => {
    const back = [host('hv1', [domain('paused')]), host('hv2', [domain('shutoff')])]
    expect(
      (await lifecycle(back, (h) => h === 'hv1').startRefusals({ uuid: UUID, host: 'hv2' })).refusals,
    ).toEqual([])
    expect((await lifecycle(back).startRefusals({ uuid: UUID, host: 'hv2' })).refusals).toEqual([
      expect.objectContaining({ code: 'running-elsewhere', host: 'hv1' }),
    ])
  })
})

describe('a start under the cluster lease (alone, or inside the fence job)', () => {
  const disk = { target: 'vda', rbd: { pool: 'rbd', image: 'labvm1' } }
  const withDisk = { ...DEFINITION, disks: [disk] } as unknown as DomainOnHost['definition']
  function started(locks: { id: string; locker: string; address?: string }[] = [], lostAt?: RegExp) {
    const hosts = [host('hv1', [domain('shutoff', { definition: withDisk })]), host('hv2', [])]
    const snapshot = { hosts, vms: buildVms(hosts) }
    /** The hosts each full refresh left out (its `keep`). */
    const kept: string[][] = []
    const inventory = {
      refreshAll: async (_options: unknown, keep: readonly string[] = []) => {
        kept.push([...keep])
        return snapshot
      },
      refreshHost: async () => hosts[0],
      host: (name: string) => hosts.find((candidate) => candidate.host === name),
    } as unknown as InventoryService
    const virsh: string[][] = []
    const lease = new MemoryLeases(lostAt)
    const lifecycle = new Lifecycle({
      runner: {
        virsh: async (_host: string, args: string[]) => {
          virsh.push(args)
          return { exitCode: 0, stdout: '', stderr: '' }
        },
      } as unknown as RemoteRunner,
      inventory,
      rbd: { watchers: async () => [], locks: async () => locks } as unknown as Rbd,
      vmLocks: new KeyedMutex(),
      lease,
      hostNames: () => hosts.map((h) => h.host),
      audit: async () => undefined,
    })
    const context = { step: () => undefined, log: () => undefined } as unknown as JobContext
    return { lifecycle, lease, virsh, context, kept }
  }
  const names = startLeaseNames(UUID, [{ pool: 'rbd', image: 'labvm1' }])

  it('a plain start takes the VM and its disk, checks the lease before virsh start, releases both', async () => {
    const { lifecycle, lease, virsh, context } = started()
    await lifecycle.start({ uuid: UUID, host: 'hv1' }, context)
    expect(lease.log).toEqual([
      `take ${names.join(',')}`,
      'check virsh start labvm1',
      `release ${names.join(',')}`,
    ])
    expect(virsh).toEqual([['start', UUID]])
    expect(lease.held.size).toBe(0)
  })

  it('inside the fence job it takes nothing the job holds, only what the job does not cover', async () => {
    const { lifecycle, lease, virsh, context } = started()
    const checks: string[] = []
    const held = { names, lease: { check: async (step: Message) => void checks.push(englishText(step)) } }
    await lifecycle.startLocked({ uuid: UUID, host: 'hv1' }, context, held)
    expect(lease.log).toEqual([])
    expect(checks).toEqual(['virsh start labvm1'])
    expect(virsh).toEqual([['start', UUID]])
    const partial = started()
    await partial.lifecycle.startLocked({ uuid: UUID, host: 'hv1' }, partial.context, {
      names: names.slice(0, 1),
      lease: { check: async (step: Message) => void checks.push(`job ${englishText(step)}`) },
    })
    expect(partial.lease.log).toEqual([`take ${names[1]}`, 'check virsh start labvm1', `release ${names[1]}`])
    expect(checks).toContain('job virsh start labvm1')
  })

  it('inside the fence job it reads every host again but the one the job fenced; a plain start reads all', async () => {
    const fenced = started()
    const lease = { check: async () => undefined }
    await fenced.lifecycle.startLocked({ uuid: UUID, host: 'hv1' }, fenced.context, {
      names,
      lease,
      fencedHost: 'hv2',
    })
    expect(fenced.kept).toEqual([['hv2']])
    expect(fenced.virsh).toEqual([['start', UUID]])
    // Also when the start takes names the job does not hold.
    const partial = started()
    await partial.lifecycle.startLocked({ uuid: UUID, host: 'hv1' }, partial.context, {
      names: names.slice(0, 1),
      lease,
      fencedHost: 'hv2',
    })
    expect(partial.kept).toEqual([['hv2']])
    const plain = started()
    await plain.lifecycle.start({ uuid: UUID, host: 'hv1' }, plain.context)
    expect(plain.kept).toEqual([[]])
  })

  it("checks the fence job's lease and its own side by side before virsh start; the job's loss is told first", async () => {
    const partial = started()
    // The job's check ends only once the start's own check has begun: one after the other never ends.
    const heldCheck = async () => {
      for (let tries = 0; !partial.lease.log.includes('check virsh start labvm1'); tries++) {
        if (tries > 100) throw new Error("the start's own check did not begin while the job's ran")
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    await partial.lifecycle.startLocked({ uuid: UUID, host: 'hv1' }, partial.context, {
      names: names.slice(0, 1),
      lease: { check: heldCheck },
    })
    expect(partial.virsh).toEqual([['start', UUID]])
    // Both lost: the job's lease is the one named, as when they were checked one after the other.
    const lost = started([], /virsh start/)
    const error = await lost.lifecycle
      .startLocked({ uuid: UUID, host: 'hv1' }, lost.context, {
        names: names.slice(0, 1),
        lease: {
          check: async () => {
            throw new ApiError({ code: 'lease.lost', message: 'the fence job lost its lease' })
          },
        },
      })
      .catch((caught: unknown) => caught)
    expect((error as ApiError).message).toBe('the fence job lost its lease')
    expect(lost.virsh).toEqual([])
  })

  it("a QEMU's exclusive lock on a disk refuses the start (image-locked), pointing to fencing", async () => {
    // `rbd lock ls --format json` of an image open by QEMU (librbd's exclusive lock, cookie "auto …").
    const { lifecycle, virsh, context } = started([
      { id: 'auto 140245734', locker: 'client.4235', address: '10.77.0.11:0/3091442101' },
    ])
    const refused = await lifecycle
      .start({ uuid: UUID, host: 'hv1' }, context)
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ApiError)
    const details = (refused as ApiError).details as { refusals: { code: string; message: string }[] }
    expect(details.refusals).toEqual([expect.objectContaining({ code: 'image-locked' })])
    expect(details.refusals[0]?.message).toMatch(/10\.77\.0\.11:0\/3091442101.*fence that host/)
    expect(virsh).toEqual([])
  })
})

describe('the fence job under the cluster lease', () => {
  const disk = { target: 'vda', rbd: { pool: 'rbd', image: 'labvm1' } }
  const withDisk = { ...DEFINITION, disks: [disk] } as unknown as DomainOnHost['definition']
  const OWNER = '10.77.0.1:0/3091442101'
  /** hv1 lost with labvm1 running (its QEMU still owns the disk's exclusive lock), hv2 can start it. */
  function fenceJob(lease: MemoryLeases) {
    const hosts = [
      { ...host('hv1', [domain('running', { definition: withDisk })], false), unreachableSince: 1 },
      host('hv2', [domain('shutoff', { definition: withDisk })]),
    ]
    const store = new FenceStore()
    const isFenced = (h: string, u: string) => isFencedBy(store.fences(), h, u)
    const snapshot = () => ({ hosts, vms: buildVms(hosts, isFenced) })
    const inventory = {
      refreshAll: async () => snapshot(),
      refreshHost: async (name: string) => hosts.find((candidate) => candidate.host === name),
      host: (name: string) => hosts.find((candidate) => candidate.host === name),
      domain: (name: string, uuid: string) =>
        hosts.find((candidate) => candidate.host === name)?.domains.find((d) => d.uuid === uuid),
      vm: (uuid: string) => snapshot().vms.find((vm) => vm.uuid === uuid),
    } as unknown as InventoryService
    let locks = [{ id: 'auto 140245734', locker: 'client.4235', address: OWNER }]
    const done: string[] = []
    const rbd = {
      watchers: async () => [],
      locks: async () => locks,
      breakLock: async (_host: string, _image: unknown, lock: { id: string }) => {
        done.push(`lock rm ${lock.id}`)
        locks = []
      },
    } as unknown as Rbd
    const added: { address: string; until: string }[] = []
    const blocklist = {
      watchTimeout: async () => ({ seconds: 30 }),
      list: async () => added,
      add: async (_host: string, address: string) => {
        done.push(`blocklist add ${address}`)
        added.push({ address, until: '2026-12-10T12:00:00' })
      },
    } as unknown as Blocklist
    const runner = {
      virsh: async (on: string, args: string[]) => {
        done.push(`virsh ${args.join(' ')} on ${on}`)
        return { exitCode: 0, stdout: '', stderr: '' }
      },
    } as unknown as RemoteRunner
    const common = {
      runner,
      inventory,
      rbd,
      lease,
      vmLocks: new KeyedMutex(),
      hostNames: () => hosts.map((h) => h.host),
      audit: async () => undefined,
    }
    // The real start, on the same lease: it must never refuse itself for a name the fence holds.
    const lifecycle = new Lifecycle({ ...common, isFenced })
    const fencing = new Fencing({
      ...common,
      blocklist,
      store,
      recorder: {} as WatcherRecorder,
      lifecycle,
      changed: () => undefined,
    })
    const context = { step: () => undefined, log: () => undefined } as unknown as JobContext
    const params = {
      uuid: UUID,
      lostHost: 'hv1',
      host: 'hv2',
      confirmHostOff: true as const,
      confirmName: 'labvm1',
    }
    return { fencing, store, done, context, params }
  }
  const names = startLeaseNames(UUID, [{ pool: 'rbd', image: 'labvm1' }])

  it('holds the VM and its disk through the start, re-checked before each destructive step', async () => {
    const lease = new MemoryLeases()
    const { fencing, store, done, context, params } = fenceJob(lease)
    const result = await fencing.fenceAndStart(params, context)
    expect(result.host).toBe('hv2')
    expect(done).toEqual([`blocklist add ${OWNER}`, 'lock rm auto 140245734', `virsh start ${UUID} on hv2`])
    expect(lease.log).toEqual([
      `take ${names.join(',')}`,
      'check ceph osd blocklist add (hv1)',
      'check rbd lock rm rbd/labvm1',
      'check virsh start labvm1',
      `release ${names.join(',')}`,
    ])
    expect(lease.held.size).toBe(0)
    expect(store.fences()).toEqual([expect.objectContaining({ lostHost: 'hv1', startedOn: 'hv2' })])
  })

  it('stops before cutting anything when its lease was taken over', async () => {
    const lease = new MemoryLeases(/^ceph osd blocklist add/)
    const { fencing, store, done, context, params } = fenceJob(lease)
    await expect(fencing.fenceAndStart(params, context)).rejects.toMatchObject({ code: 'lease.lost' })
    expect(done).toEqual([])
    expect(store.fences()).toEqual([])
    expect(lease.held.size).toBe(0)
  })

  it('a whole-IP fence names its host for the lease to go elsewhere; exact addresses do not', () => {
    const { fencing, store } = fenceJob(new MemoryLeases())
    const record = (lostHost: string, address: string): FenceRecord => ({
      id: lostHost,
      uuid: UUID,
      name: 'labvm1',
      lostHost,
      entries: [{ address }],
      fencedAt: 1,
      admin: 'root',
    })
    store.putFence(record('hv1', OWNER))
    expect(fencing.wholeIpFenced()).toEqual([])
    store.putFence(record('hv3', wholeIpAddress('10.77.0.3')))
    expect(fencing.wholeIpFenced()).toEqual(['hv3'])
  })

  it('is refused at once, with nothing done, while another instance holds the VM', async () => {
    const lease = new MemoryLeases()
    lease.held.set(names[0]!, 'migrate labvm1 to hv3')
    const { fencing, done, context, params } = fenceJob(lease)
    await expect(fencing.fenceAndStart(params, context)).rejects.toMatchObject({ code: 'lease.held' })
    expect(done).toEqual([])
  })
})

describe('the host doctor on client.libvirt’s caps (lock breaking)', () => {
  const pools = ['libvirt-ssd', 'libvirt-sata']
  it('warns with the fix when the runbook’s mon allow r is readable', () => {
    const check = lockBreakCheck('libvirt', pools, {
      exitCode: 0,
      output:
        '[client.libvirt]\n\tcaps mon = "allow r"\n\tcaps osd = "allow class-read object_prefix rbd_children, allow rwx pool=libvirt-ssd"',
    })
    expect(check.level).toBe('warn')
    expect(englishText(check.message)).toMatch(/mon 'allow r'.*cannot break a crashed QEMU’s lock/)
    expect(check.fix?.command).toBe(
      "ceph auth caps client.libvirt mon 'profile rbd' osd 'profile rbd pool=libvirt-ssd, profile rbd pool=libvirt-sata'",
    )
  })
  it('is fine with profile rbd, and says what to check when the caps cannot be read (EACCES, as in the lab)', () => {
    expect(lockBreakCheck('libvirt', pools, { exitCode: 0, output: 'caps mon = "profile rbd"' }).level).toBe(
      'ok',
    )
    const unreadable = lockBreakCheck('libvirt', pools, {
      exitCode: 13,
      output: 'Error EACCES: access denied',
    })
    expect(unreadable.level).toBe('unknown')
    expect(unreadable.message.detail).toBe('Error EACCES: access denied')
    expect(englishText(unreadable.fix!.message!)).toContain('ceph auth get client.libvirt')
    expect(unreadable.fix?.command).toContain("mon 'profile rbd'")
  })
})

describe("error_policy='stop' on RBD disks", () => {
  // Recorded from the lab (libvirt 9.0.0): labvm1's inactive definition, one RBD disk and a CD-ROM.
  const xml = fs.readFileSync(
    path.resolve(__dirname, '../fixtures/libvirt-9.0.0/labvm1-inactive.xml'),
    'utf8',
  )

  it('adds it to the RBD disk’s driver only, keeps everything else, and is idempotent', () => {
    const once = withStopErrorPolicy(xml)
    expect(once.changed).toBe(1)
    expect(once.xml).toContain("<driver name='qemu' type='raw' cache='writeback' error_policy='stop'/>")
    expect(once.xml.replace(" error_policy='stop'", '')).toBe(xml)
    const disks = parseDomainXml(once.xml).disks
    expect(disks.find((disk) => disk.rbd)?.errorPolicy).toBe('stop')
    expect(disks.find((disk) => disk.device === 'cdrom')?.errorPolicy).toBeUndefined()
    expect(withStopErrorPolicy(once.xml)).toEqual({ xml: once.xml, changed: 0 })
  })

  it('replaces another policy, and adds a driver where the disk has none', () => {
    const report = xml.replace("cache='writeback'/>", "cache='writeback' error_policy='report'/>")
    expect(withStopErrorPolicy(report).xml).toContain("cache='writeback' error_policy='stop'/>")
    const bare = xml.replace("<driver name='qemu' type='raw' cache='writeback'/>", '')
    const fixed = withStopErrorPolicy(bare)
    expect(fixed.changed).toBe(1)
    expect(parseDomainXml(fixed.xml).disks.find((disk) => disk.rbd)?.errorPolicy).toBe('stop')
  })
})

/*
 * The fence job's order with its entries added side by side (fence-s41): every add (and its audit
 * line) ends before the blocklist is read back; no lock is released before the read-back confirmed
 * every entry; only a lock an entry covers is released; the start is last. A failed add among
 * parallel ones stops the fence with its address and host named, nothing released, nothing started.
 */
/** A disk lock as `rbd lock ls` reads it. */
type FenceLock = { id: string; locker: string; address?: string }
/** The QEMU on hv1 that owns the boot disk's exclusive lock, and its client of the data disk. */
const PARALLEL_OWNER = '10.77.0.1:0/3091442101'
const WATCHER = '10.77.0.1:0/3091442102'
const DISKS = [
  { target: 'vda', rbd: { pool: 'rbd', image: 'labvm1' } },
  { target: 'vdb', rbd: { pool: 'rbd', image: 'labvm1-data' } },
]

/** labvm1 with both disks, as each host defines it. */
const withBothDisks = (state: DomainOnHost['state']) =>
  domain(state, { definition: { ...DEFINITION, disks: DISKS } as unknown as DomainOnHost['definition'] })

/** What ran from the first add on (the plan, before, reads the disks' locks too). */
const eventsAfterAdds = (events: string[]) => events.slice(events.findIndex((e) => e.startsWith('add+')))

/** What the sheet sends to fence hv1 and start labvm1 on hv2. */
const FENCE_HV1_ON_HV2 = {
  uuid: UUID,
  confirmName: 'labvm1',
  lostHost: 'hv1',
  host: 'hv2',
  confirmHostOff: true as const,
}

/** A step that waits for the test to let it end, to see what ran while it was under way. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {}
  const wait = new Promise<void>((resolve) => (open = resolve))
  return { wait, open }
}

interface Options {
  /** An add of this address fails as Ceph's refusal would (fence.failed). */
  failAdd?: string
  /** An audit line containing this text cannot be written. */
  failAudit?: string
  /** The read-back leaves this address out. */
  notListed?: string
  /** Adds wait for this gate (to see them run side by side). */
  addGate?: Promise<void>
  /** Removals (the fenced copy destroyed) wait for this gate. */
  removeGate?: Promise<void>
  /**
   * No client of hv1 is known (no lock owner, no recorded watcher): only its IP, from the host's
   * last answers, can fence it (the plan needs the whole IP).
   */
  noClientKnown?: boolean
}

/** hv1 lost with labvm1 running (its QEMU owns the boot disk's lock, watches the data disk), hv2 starts it. */
function parallelFenceJob(options: Options = {}) {
  const hosts: HostInventory[] = [
    { ...host('hv1', [withBothDisks('running')], false), unreachableSince: 1 },
    host('hv2', [withBothDisks('shutoff')]),
  ]
  const store = new FenceStore()
  if (options.noClientKnown) store.setHostIps('hv1', ['10.77.0.1'])
  else store.setWatchers({ host: 'hv1', uuid: UUID, seenAt: 1, images: { 'rbd/labvm1-data': [WATCHER] } })
  const isFenced = (h: string, u: string) => isFencedBy(store.fences(), h, u)
  const snapshot = () => ({ hosts, vms: buildVms(hosts, isFenced) })
  const inventory = {
    refreshAll: async () => snapshot(),
    refreshHost: async (name: string) => hosts.find((candidate) => candidate.host === name),
    host: (name: string) => hosts.find((candidate) => candidate.host === name),
    domain: (name: string, uuid: string) =>
      hosts.find((candidate) => candidate.host === name)?.domains.find((d) => d.uuid === uuid),
    vm: (uuid: string) => snapshot().vms.find((vm) => vm.uuid === uuid),
  } as unknown as InventoryService
  /** What ran, in order: "<what> <address or image>" as each ends ("add+" as an add begins). */
  const events: string[] = []
  const counts = { list: 0, watchTimeout: 0 }
  const added: { address: string; until: string }[] = []
  /** The addresses added as whole IPs (blocklist.add's wholeIp option). */
  const wholeIpAdds: string[] = []
  const locks: Record<string, () => FenceLock[]> = {
    labvm1: () =>
      options.noClientKnown ? [] : [{ id: 'auto 140245734', locker: 'client.4235', address: PARALLEL_OWNER }],
    // Another client's lock, taken after the plan read the disk: no entry covers it, never released.
    'labvm1-data': () =>
      added.length > 0 ? [{ id: 'other', locker: 'client.9', address: '10.77.0.3:0/77' }] : [],
  }
  const rbd = {
    watchers: async () => [],
    locks: async (_host: string, image: { image: string }) => {
      events.push(`locks ${image.image}`)
      return locks[image.image]?.() ?? []
    },
    breakLock: async (_host: string, image: { image: string }, lock: FenceLock) => {
      events.push(`lock rm ${image.image} ${lock.address}`)
    },
  } as unknown as Rbd
  const blocklist = {
    watchTimeout: async () => {
      counts.watchTimeout++
      return { seconds: 30 }
    },
    list: async () => {
      counts.list++
      events.push('blocklist ls')
      return added.filter((entry) => entry.address !== options.notListed)
    },
    add: async (host: string, address: string, _seconds: number, how: { wholeIp?: boolean }) => {
      events.push(`add+ ${address}`)
      if (how.wholeIp) wholeIpAdds.push(address)
      await options.addGate
      if (address === options.failAdd) {
        events.push(`add failed ${address}`)
        throw ApiError.of('fence.failed', { code: 'common.untranslated', params: { text: 'EIO' } }, { host })
      }
      added.push({ address, until: '2026-12-13T12:00:00' })
      events.push(`add ${address}`)
    },
    remove: async (_host: string, address: string) => {
      events.push(`rm+ ${address}`)
      await options.removeGate
      events.push(`rm ${address}`)
    },
  } as unknown as Blocklist
  /** The host each start was told it need not read again (HeldStartLease.fencedHost). */
  const keptReads: (string | undefined)[] = []
  const lifecycle = {
    startLocked: async (request: { host: string }, _context: JobContext, held?: HeldStartLease) => {
      events.push(`start on ${request.host}`)
      keptReads.push(held?.fencedHost)
      return { host: request.host }
    },
  } as unknown as Lifecycle
  const lease = new MemoryLeases()
  const fencing = new Fencing({
    runner: {} as RemoteRunner,
    inventory,
    rbd,
    lease,
    vmLocks: new KeyedMutex(),
    hostNames: () => hosts.map((h) => h.host),
    audit: async (host: string, action: string) => {
      if (options.failAudit && action.includes(options.failAudit))
        throw ApiError.of(
          'remote.failed',
          { code: 'common.untranslated', params: { text: 'logger' } },
          { host },
        )
      events.push(`audit ${action}`)
    },
    blocklist,
    store,
    lifecycle,
    recorder: { forget: () => undefined } as unknown as WatcherRecorder,
    changed: () => undefined,
  })
  const log: string[] = []
  const context = {
    step: (text: Message) => log.push(englishText(text)),
    log: (text: Message) => log.push(englishText(text)),
  } as unknown as JobContext
  return {
    fencing,
    store,
    hosts,
    events,
    counts,
    lease,
    log,
    context,
    wholeIpAdds,
    keptReads,
    params: FENCE_HV1_ON_HV2,
  }
}

describe('the fence job’s order, its entries added side by side', () => {
  it('adds both entries at once, reads back after both ended (audited), releases only the covered lock, starts last', async () => {
    const adds = gate()
    const job = parallelFenceJob({ addGate: adds.wait })
    const running = job.fencing.fenceAndStart(job.params, job.context)
    // Both adds are under way before either ends: side by side, not one after the other.
    await expect.poll(() => job.events.filter((e) => e.startsWith('add+')).length).toBe(2)
    expect(job.events.some((e) => e.startsWith('blocklist ls') || e.startsWith('lock rm'))).toBe(false)
    adds.open()
    const result = await running
    expect(result.host).toBe('hv2')
    const at = (event: string) => job.events.findIndex((e) => e.startsWith(event))
    const lastAddOrAudit = Math.max(
      ...job.events.flatMap((e, index) => (/^(add |audit fence hv1: blocklist add)/.test(e) ? [index] : [])),
    )
    // Each entry is audited; every add and its audit line before the read-back.
    expect(job.events.filter((e) => e.startsWith('audit fence hv1: blocklist add'))).toHaveLength(2)
    expect(lastAddOrAudit).toBeLessThan(at('blocklist ls'))
    // The locks are listed after the adds (beside the read-back); released after it and the fence's audit.
    // (the plan, before the adds, listed them too: the listing that counts is the last one)
    expect(job.events.lastIndexOf('locks labvm1')).toBeGreaterThan(lastAddOrAudit)
    expect(at('lock rm')).toBeGreaterThan(at('audit fenced hv1'))
    expect(at('audit fenced hv1')).toBeGreaterThan(at('blocklist ls'))
    expect(job.events.filter((e) => e.startsWith('lock rm'))).toEqual([`lock rm labvm1 ${PARALLEL_OWNER}`])
    expect(job.events.at(-1)).toBe('start on hv2')
    // The start keeps the job's read of hv1 (fenced now): a hung hv1 is not waited for twice.
    expect(job.keptReads).toEqual(['hv1'])
    // The lease is checked before the first entry and before the release.
    expect(job.lease.log).toEqual([
      expect.stringMatching(/^take /),
      'check ceph osd blocklist add (hv1)',
      'check rbd lock rm rbd/labvm1',
      expect.stringMatching(/^release /),
    ])
    // The job reads the blocklist once (the read-back) and not the watch timeout: those are the sheet's.
    expect(job.counts).toEqual({ list: 1, watchTimeout: 0 })
    expect(job.log).toContain('Blocklisting 2 clients of hv1 side by side')
    expect(job.store.fences()).toEqual([
      expect.objectContaining({
        lostHost: 'hv1',
        startedOn: 'hv2',
        entries: [
          expect.objectContaining({ address: PARALLEL_OWNER }),
          expect.objectContaining({ address: WATCHER }),
        ],
      }),
    ])
  })

  it('destroying the fenced copy removes both entries side by side, audited, and forgets the fence after both', async () => {
    const removals = gate()
    const job = parallelFenceJob({ removeGate: removals.wait })
    await job.fencing.fenceAndStart(job.params, job.context)
    // hv1 answers again, its copy already off: nothing to destroy, the entries go.
    job.hosts[0] = host('hv1', [withBothDisks('shutoff')])
    const destroying = job.fencing.destroyFenced(UUID, 'hv1', 'labvm1', job.context)
    await expect.poll(() => job.events.filter((e) => e.startsWith('rm+')).length).toBe(2)
    expect(job.events.some((e) => e.startsWith('rm '))).toBe(false)
    expect(job.store.fences()).toHaveLength(1)
    removals.open()
    await destroying
    expect(job.events.filter((e) => e.startsWith('audit unfence hv1: blocklist rm'))).toHaveLength(2)
    expect(job.store.fences()).toEqual([])
  })

  it('a failed add among parallel ones: the other ends and is audited, nothing released or started, the error names the address and host', async () => {
    const job = parallelFenceJob({ failAdd: WATCHER })
    const error = await job.fencing.fenceAndStart(job.params, job.context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const failure = error as ApiError
    expect(failure.code).toBe('fence.failed')
    expect(failure.host).toBe('hv2')
    expect(failure.message).toBe(
      `${WATCHER} (hv1) could not be blocklisted through hv2: EIO No lock was released and labvm1 was not started. Already in the blocklist: ${PARALLEL_OWNER}.`,
    )
    expect(failure.hint).toBe(
      'Fix what stopped the add, then fence hv1 again: entries already in are added again and recorded with the fence.',
    )
    expect(failure.details).toMatchObject({ address: WATCHER, added: [PARALLEL_OWNER] })
    expect(job.events).toContain(`add ${PARALLEL_OWNER}`)
    expect(job.events).toContain(`audit fence hv1: blocklist add ${PARALLEL_OWNER} 604800s (rbd/labvm1) for`)
    expect(eventsAfterAdds(job.events).some((e) => /^(blocklist ls|locks|lock rm|start)/.test(e))).toBe(false)
    expect(job.store.fences()).toEqual([])
    expect(job.lease.held.size).toBe(0)
  })

  it('every add failing: says no entry was added', async () => {
    const job = parallelFenceJob({ failAdd: PARALLEL_OWNER })
    job.store.setWatchers({ host: 'hv1', uuid: UUID, seenAt: 1, images: {} })
    const error = (await job.fencing
      .fenceAndStart(job.params, job.context)
      .catch((e: unknown) => e)) as ApiError
    expect(error.message).toBe(
      `${PARALLEL_OWNER} (hv1) could not be blocklisted through hv2: EIO No entry was added, no lock released, and labvm1 was not started.`,
    )
    expect(eventsAfterAdds(job.events).some((e) => /^(blocklist ls|lock rm|start)/.test(e))).toBe(false)
  })

  it('an audit line that cannot be written stops the fence as before: nothing released, nothing started', async () => {
    const job = parallelFenceJob({ failAudit: `blocklist add ${WATCHER}` })
    await expect(job.fencing.fenceAndStart(job.params, job.context)).rejects.toMatchObject({
      code: 'remote.failed',
    })
    expect(job.events).toContain(`add ${WATCHER}`)
    expect(eventsAfterAdds(job.events).some((e) => /^(blocklist ls|lock rm|start)/.test(e))).toBe(false)
    expect(job.store.fences()).toEqual([])
  })

  it('an entry the read-back does not list: nothing released, nothing started, named in the error', async () => {
    const job = parallelFenceJob({ notListed: WATCHER })
    await expect(job.fencing.fenceAndStart(job.params, job.context)).rejects.toMatchObject({
      code: 'fence.not-confirmed',
      host: 'hv2',
      message: `The blocklist does not list ${WATCHER} after adding it: labvm1 was not started.`,
    })
    expect(job.events.some((e) => /^(lock rm|start)/.test(e))).toBe(false)
    expect(job.store.fences()).toEqual([])
  })
})

/*
 * Whole-IP entries (`IP:0/0`, every client of the lost host's IP) go through the same side-by-side
 * adds as the exact ones: added as whole IPs, audited, read back and recorded; a failed one named,
 * nothing released or started.
 */
const WHOLE_IP = '10.77.0.1:0/0'

describe('the fence job’s whole-IP entries, added beside the exact ones', () => {
  it('adds the whole IP as such beside both exact entries, audits it, records it and starts last', async () => {
    const adds = gate()
    const job = parallelFenceJob({ addGate: adds.wait })
    const running = job.fencing.fenceAndStart({ ...job.params, wholeIp: true }, job.context)
    // The three adds under way at once: both clients and the whole IP, before any ended.
    await expect.poll(() => job.events.filter((e) => e.startsWith('add+')).length).toBe(3)
    adds.open()
    const result = await running
    expect(result.host).toBe('hv2')
    // Only the whole IP is added as one (blocklist.add's wholeIp option); each entry audited.
    expect(job.wholeIpAdds).toEqual([WHOLE_IP])
    expect(job.events).toContain(`audit fence hv1: blocklist add whole IP ${WHOLE_IP} 604800s for`)
    expect(job.events.filter((e) => e.startsWith('audit fence hv1: blocklist add'))).toHaveLength(3)
    expect(job.log).toContain('Blocklisting 3 clients of hv1 side by side')
    expect(job.log).toContain(`Fencing the whole IP ${WHOLE_IP} of hv1`)
    expect(job.log).toContain(`Blocklisted every client of ${WHOLE_IP} for 604800 s`)
    // Read back once, after every add; only the covered lock released; the start last.
    const lastAudit = job.events.findLastIndex((e) => e.startsWith('audit fence hv1: blocklist add'))
    expect(job.events.indexOf('blocklist ls')).toBeGreaterThan(lastAudit)
    expect(job.events.filter((e) => e.startsWith('lock rm'))).toEqual([`lock rm labvm1 ${PARALLEL_OWNER}`])
    expect(job.events.at(-1)).toBe('start on hv2')
    expect(job.store.fences()[0]?.entries.map((entry) => entry.address)).toEqual([
      PARALLEL_OWNER,
      WATCHER,
      WHOLE_IP,
    ])
  })

  it('a failed whole-IP add: named with its host, the exact entries listed as in, nothing released or started', async () => {
    const job = parallelFenceJob({ failAdd: WHOLE_IP })
    const error = await job.fencing
      .fenceAndStart({ ...job.params, wholeIp: true }, job.context)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const failure = error as ApiError
    expect(failure.code).toBe('fence.failed')
    expect(failure.host).toBe('hv2')
    expect(failure.message).toBe(
      `${WHOLE_IP} (hv1) could not be blocklisted through hv2: EIO No lock was released and labvm1 was not started. Already in the blocklist: ${PARALLEL_OWNER} and ${WATCHER}.`,
    )
    expect(failure.details).toMatchObject({ address: WHOLE_IP, added: [PARALLEL_OWNER, WATCHER] })
    // The exact entries ended and were audited; the failed whole IP was not audited.
    expect(job.events).toContain(`audit fence hv1: blocklist add ${WATCHER} 604800s (rbd/labvm1-data) for`)
    expect(job.events.some((e) => e.includes(`blocklist add whole IP`))).toBe(false)
    expect(eventsAfterAdds(job.events).some((e) => /^(blocklist ls|locks|lock rm|start)/.test(e))).toBe(false)
    expect(job.store.fences()).toEqual([])
    expect(job.lease.held.size).toBe(0)
  })

  it('with no client address known, the whole IP is the only entry; it failing says no entry was added', async () => {
    const refused = parallelFenceJob({ noClientKnown: true })
    // Not chosen explicitly: refused before anything is added.
    await expect(refused.fencing.fenceAndStart(refused.params, refused.context)).rejects.toMatchObject({
      code: 'fence.needs-whole-ip',
    })
    expect(refused.events.some((e) => e.startsWith('add'))).toBe(false)

    const job = parallelFenceJob({ noClientKnown: true, failAdd: WHOLE_IP })
    const error = (await job.fencing
      .fenceAndStart({ ...job.params, wholeIp: true }, job.context)
      .catch((e: unknown) => e)) as ApiError
    expect(job.wholeIpAdds).toEqual([WHOLE_IP])
    expect(error.message).toBe(
      `${WHOLE_IP} (hv1) could not be blocklisted through hv2: EIO No entry was added, no lock released, and labvm1 was not started.`,
    )
    expect(eventsAfterAdds(job.events).some((e) => /^(blocklist ls|lock rm|start)/.test(e))).toBe(false)
    expect(job.store.fences()).toEqual([])
  })

  it('with no client address known, the whole IP alone fences: read back, recorded, then the start', async () => {
    const job = parallelFenceJob({ noClientKnown: true })
    const result = await job.fencing.fenceAndStart({ ...job.params, wholeIp: true }, job.context)
    expect(result.host).toBe('hv2')
    expect(job.wholeIpAdds).toEqual([WHOLE_IP])
    expect(eventsAfterAdds(job.events)).toEqual([
      `add+ ${WHOLE_IP}`,
      `add ${WHOLE_IP}`,
      `audit fence hv1: blocklist add whole IP ${WHOLE_IP} 604800s for`,
      'blocklist ls',
      'locks labvm1',
      'locks labvm1-data',
      'audit fenced hv1 (host confirmed off or isolated) for',
      'start on hv2',
    ])
    expect(job.store.fences()[0]?.entries.map((entry) => entry.address)).toEqual([WHOLE_IP])
  })
})
