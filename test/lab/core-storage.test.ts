/**
 * The storage view and image/snapshot operations against the real lab: the listing (sizes, users,
 * watchers, orphans), every refusal of create/grow/shrink/delete/rollback, snapshot content checked
 * by writing and reading the image with the lab's admin python3-rbd, a live grow of a running VM
 * and a shrink back, a host that cannot be asked, and a host without its keyring. Temporary images
 * are named hdtest-*; labvm3's image is grown and shrunk back to its size; everything is removed.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import type { Job } from '../../src/shared/jobs'
import type { GrowResult, Image, StorageListing } from '../../src/shared/storage'
import { labCore, type LabCore } from '../support/lab-core'
import {
  asRootOn,
  faults,
  labGuest,
  labCmd,
  labHost,
  labRun,
  LAB_STATE_DIR,
  rbdWatchers,
  requireLab,
  run,
  sshArgs,
  sshAsEtalab,
  virsh,
  waitFor,
} from './support/lab'

const SATA = 'libvirt-sata'
const SSD = 'libvirt-ssd'
const TEMP = `hdtest-${process.pid}`
const MiB = 2 ** 20
const LABVM1 = labGuest('labvm1')
const LABVM3 = labGuest('labvm3')
let lab: LabCore

/** Reads/writes an image's first bytes with the admin python3-rbd of the lab's root namespace. */
async function adminRbd(op: 'read' | 'write' | 'exists', image: string, text = ''): Promise<string> {
  const script = `
import sys, rados, rbd
c = rados.Rados(conffile='${LAB_STATE_DIR}/ceph/ceph.conf'); c.connect()
io = c.open_ioctx(sys.argv[1])
op, name, text = sys.argv[2], sys.argv[3], sys.argv[4]
if op == 'exists':
    print(name in rbd.RBD().list(io))
else:
    with rbd.Image(io, name) as img:
        if op == 'write':
            img.write(text.encode(), 0)
        else:
            print(img.read(0, 16).rstrip(b'\\0').decode())
io.close(); c.shutdown()
`
  const r = await run('/usr/bin/python3', ['-c', script, SATA, op, image, text], { timeoutMs: 30_000 })
  if (r.code !== 0) throw new Error(`python3-rbd ${op} ${image}: ${r.stderr}`)
  return r.stdout.trim()
}

async function list(): Promise<StorageListing> {
  return (await lab.core.call('storage.list', {})) as StorageListing
}
async function image(pool: string, name: string): Promise<Image | undefined> {
  return (await list()).pools.find((p) => p.pool === pool)?.images.find((i) => i.name === name)
}
async function callError(method: string, params: unknown): Promise<ApiError> {
  try {
    await lab.core.call(method, params)
  } catch (error) {
    return ApiError.from(error)
  }
  throw new Error(`${method} did not fail`)
}
const refusalCodes = (job: Job) =>
  ((job.error?.details?.refusals as Array<{ code: string }> | undefined) ?? []).map((r) => r.code).sort()

/** Admin cleanup: whatever a failed test left. */
async function removeTemp(name: string): Promise<void> {
  await labRun('rbd', 'snap', 'purge', `${SATA}/${name}`)
  await labRun('rbd', 'rm', `${SATA}/${name}`)
}

/** Keeps a watch on an image as etalab on hv1 (as a QEMU elsewhere would); stop() ends it cleanly. */
async function watch(spec: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(
    'ssh',
    [
      ...sshArgs(),
      `etalab@${labHost('hv1').address}`,
      `{ sleep 60 & echo "WATCHPID $!" >&2; wait; } | rbd --id libvirt watch ${spec}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const closed = new Promise((resolve) => child.on('close', resolve))
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const pid = await waitFor('the watch session PID', () => /WATCHPID (\d+)/.exec(stderr)?.[1], 15_000)
  await waitFor(
    `a watcher on ${spec}`,
    async () => ((await labRun('rbd', 'status', spec)).stdout.includes('watcher=') ? true : undefined),
    15_000,
  )
  return {
    async stop() {
      // Ending our sleep (by its PID) closes rbd watch's stdin: it unwatches and exits.
      await sshAsEtalab('hv1', `kill ${pid}`)
      await closed
    },
  }
}

beforeAll(async () => {
  await requireLab()
  // The listing below counts labvm1's watchers as Ceph has them: its QEMU on hv1, one. A QEMU an
  // earlier file killed mid-migration (a destination's) keeps its watch until the OSD drops it, after
  // osd_client_watch_timeout (30 s by default): wait for Ceph to say the lab is as this file assumes.
  await waitFor(
    'labvm1’s disk watched by its one QEMU only',
    async () => ((await rbdWatchers(`${SSD}/${LABVM1.name}`)).length === 1 ? true : undefined),
    45_000,
  )
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
  await lab.waitForInventory()
}, 120_000)

afterAll(async () => {
  await lab?.cleanup()
  await removeTemp(TEMP)
  await removeTemp(`${TEMP}-b`)
}, 60_000)

describe('storage view', () => {
  it('lists each pool with sizes, users, watchers, used space, and a new image as an orphan', async () => {
    const created = await lab.core.call('storage.createImage', {
      pool: SATA,
      image: TEMP,
      sizeBytes: 16 * MiB,
    })
    expect(created).toMatchObject({ host: 'hv1', pool: SATA, image: TEMP, sizeBytes: 16 * MiB })
    const listing = await list()
    expect(listing.host).toBe('hv1')
    expect(listing.unknownHosts).toEqual([])
    expect(listing.pools.map((p) => p.pool)).toEqual([SSD, SATA])
    const vm1 = listing.pools[0]?.images.find((i) => i.name === LABVM1.name)
    expect(vm1).toMatchObject({ sizeBytes: 24 * MiB, fastDiff: true, orphan: false })
    expect(vm1?.usedBy).toEqual([
      expect.objectContaining({ uuid: LABVM1.uuid, name: 'labvm1', target: 'vda', runningOn: ['hv1'] }),
    ])
    expect(vm1?.watchers.length).toBe(1)
    expect(vm1?.usedBytes).toBeGreaterThan(0)
    const vm3 = listing.pools[1]?.images.find((i) => i.name === LABVM3.name)
    expect(vm3).toMatchObject({ orphan: false, watchers: [] })
    expect(vm3?.usedBy[0]).toMatchObject({ name: 'labvm3', runningOn: [] })
    const temp = listing.pools[1]?.images.find((i) => i.name === TEMP)
    expect(temp).toMatchObject({ sizeBytes: 16 * MiB, orphan: true, usedBy: [], snapshots: [], watchers: [] })
    expect(temp?.createdAt).toMatch(/\d{4}$/)
  })

  it('without fast-diff, leaves used space to an explicit (cancellable) rbd du job', async () => {
    const name = `${TEMP}-nofd`
    await labCmd('rbd', 'create', '--size', '8M', '--image-feature', 'layering', `${SATA}/${name}`)
    try {
      await adminRbd('write', name, 'DATA')
      const listed = await image(SATA, name)
      expect(listed).toMatchObject({ fastDiff: false, features: ['layering'], orphan: true })
      expect(listed?.usedBytes).toBeUndefined()
      const job = await lab.runJob('storage.du', { pool: SATA, image: name })
      expect(job.cancellable).toBe(true)
      expect(job.result).toMatchObject({ host: 'hv1', pool: SATA, image: name })
      // One 4 MiB object was written to.
      expect((job.result as { usedBytes: number }).usedBytes).toBe(4 * MiB)
    } finally {
      await removeTemp(name)
    }
  })

  it('refuses bad creates: existing name, unknown pool, unsafe name, size not in whole MiB', async () => {
    const exists = await callError('storage.createImage', { pool: SATA, image: TEMP, sizeBytes: MiB })
    expect(exists).toMatchObject({ code: 'storage.image-exists', host: 'hv1' })
    expect(exists.text).toEqual({ code: 'storageErrors.imageExists', params: { image: `${SATA}/${TEMP}` } })
    const pool = await callError('storage.createImage', { pool: 'rbd', image: 'x1', sizeBytes: MiB })
    expect(pool.code).toBe('storage.unknown-pool')
    for (const bad of ['a/b', 'a@b', 'a b', '-a', ''])
      expect((await callError('storage.createImage', { pool: SATA, image: bad, sizeBytes: MiB })).code).toBe(
        'api.invalid-params',
      )
    expect(
      (await callError('storage.createImage', { pool: SATA, image: 'x1', sizeBytes: 1000 })).message,
    ).toMatch(/whole number of MiB/)
    expect((await callError('storage.createImage', { pool: SATA, image: 'x1', sizeBytes: 0 })).code).toBe(
      'api.invalid-params',
    )
  })

  it('snapshot, change, rollback (with a safety snapshot), read back; delete snapshots', async () => {
    await adminRbd('write', TEMP, 'BEFORE')
    await lab.core.call('storage.snapshotCreate', { pool: SATA, image: TEMP, snapshot: 's1' })
    expect(
      (await callError('storage.snapshotCreate', { pool: SATA, image: TEMP, snapshot: 's1' })).code,
    ).toBe('storage.snapshot-exists')
    expect(
      (await callError('storage.snapshotCreate', { pool: SATA, image: TEMP, snapshot: 'a@b' })).code,
    ).toBe('api.invalid-params')
    await adminRbd('write', TEMP, 'AFTER!')

    // The image's name must be typed: its current content is what a rollback replaces.
    const unnamed = await lab.runJob('storage.snapshotRollback', {
      pool: SATA,
      image: TEMP,
      snapshot: 's1',
      confirmName: 's1',
    })
    expect(refusalCodes(unnamed)).toEqual(['confirm-name'])
    expect(await adminRbd('read', TEMP)).toBe('AFTER!')
    const job = await lab.runJob('storage.snapshotRollback', {
      pool: SATA,
      image: TEMP,
      snapshot: 's1',
      confirmName: TEMP,
    })
    expect(job.state).toBe('succeeded')
    expect(job.progress).toBe(1)
    expect(job.log.map((l) => l.text).join('\n')).toMatch(/Safety snapshot hyperdesk-before-rollback-/)
    const safety = (job.result as { safetySnapshot: string }).safetySnapshot
    expect(await adminRbd('read', TEMP)).toBe('BEFORE')

    const snaps = (await image(SATA, TEMP))?.snapshots ?? []
    expect(snaps.map((s) => s.name)).toEqual(['s1', safety])
    expect(snaps[0]?.createdAt).toMatch(/\d\d:\d\d:\d\d \d{4}$/)

    // Back to the safety snapshot, without another one: the change is there again.
    const back = await lab.runJob('storage.snapshotRollback', {
      pool: SATA,
      image: TEMP,
      snapshot: safety,
      safetySnapshot: false,
      confirmName: TEMP,
    })
    expect(back.state).toBe('succeeded')
    expect(back.result).toEqual({ host: 'hv1', snapshot: safety })
    expect(await adminRbd('read', TEMP)).toBe('AFTER!')

    const missing = await lab.runJob('storage.snapshotRollback', {
      pool: SATA,
      image: TEMP,
      snapshot: 'nope',
      confirmName: TEMP,
    })
    expect(missing.error?.code).toBe('storage.no-snapshot')

    const wrong = await callError('storage.snapshotDelete', {
      pool: SATA,
      image: TEMP,
      snapshot: 's1',
      confirmName: TEMP,
    })
    expect(wrong.details?.refusals).toEqual([expect.objectContaining({ code: 'confirm-name' })])
    await lab.core.call('storage.snapshotDelete', {
      pool: SATA,
      image: TEMP,
      snapshot: 's1',
      confirmName: 's1',
    })
    expect((await image(SATA, TEMP))?.snapshots.map((s) => s.name)).toEqual([safety])
  })

  it('refuses deletes (in use by a definition, watchers, snapshots, wrong name), then purges on request', async () => {
    const used = await lab.runJob('storage.deleteImage', {
      pool: SATA,
      image: LABVM3.name,
      confirmName: 'labvm3',
    })
    expect(used.error?.code).toBe('storage.refused')
    expect(refusalCodes(used)).toEqual(['in-use'])
    expect(used.error?.message).toContain("labvm3's definition uses libvirt-sata/labvm3 as its disk vda")

    const watcher = await watch(`${SATA}/${TEMP}`)
    try {
      const job = await lab.runJob('storage.deleteImage', { pool: SATA, image: TEMP, confirmName: 'wrong' })
      expect(refusalCodes(job)).toEqual(['confirm-name', 'snapshots', 'watchers'])
      expect(job.error?.message).toMatch(/is open by 10\.77\.0\.1:/)
      // Shrink and rollback refuse an image someone has open, too.
      const shrink = await lab.runJob('storage.shrinkImage', {
        pool: SATA,
        image: TEMP,
        sizeBytes: 8 * MiB,
        confirmName: TEMP,
        allowShrink: true,
      })
      expect(refusalCodes(shrink)).toEqual(['watchers'])
      const snap = (await image(SATA, TEMP))?.snapshots[0]?.name ?? ''
      const rollback = await lab.runJob('storage.snapshotRollback', {
        pool: SATA,
        image: TEMP,
        snapshot: snap,
        confirmName: TEMP,
      })
      expect(refusalCodes(rollback)).toEqual(['watchers'])
    } finally {
      await watcher.stop()
    }
    await waitFor('the watch to go', async () =>
      (await image(SATA, TEMP))?.watchers.length === 0 ? true : undefined,
    )

    const purged = await lab.runJob('storage.deleteImage', {
      pool: SATA,
      image: TEMP,
      confirmName: TEMP,
      purgeSnapshots: true,
    })
    expect(purged.state).toBe('succeeded')
    expect((purged.result as { purgedSnapshots: string[] }).purgedSnapshots).toHaveLength(1)
    expect(await adminRbd('exists', TEMP)).toBe('False')
  })

  it('refuses to shrink or roll back a running VM’s image, and bad shrink requests', async () => {
    const running = await lab.runJob('storage.shrinkImage', {
      pool: SSD,
      image: LABVM1.name,
      sizeBytes: 16 * MiB,
      confirmName: 'labvm1',
      allowShrink: true,
    })
    expect(refusalCodes(running)).toEqual(['vm-running', 'watchers'])
    expect(running.error?.message).toContain('labvm1 is running on hv1')
    const notSmaller = await lab.runJob('storage.shrinkImage', {
      pool: SATA,
      image: LABVM3.name,
      sizeBytes: 24 * MiB,
      confirmName: 'labvm',
      allowShrink: true,
    })
    expect(refusalCodes(notSmaller)).toEqual(['confirm-name', 'not-smaller'])
    const unsure = await callError('storage.shrinkImage', {
      pool: SATA,
      image: LABVM3.name,
      sizeBytes: 16 * MiB,
      confirmName: 'labvm3',
      allowShrink: false,
    })
    expect(unsure.code).toBe('api.invalid-params')
    expect(unsure.message).toContain('allowShrink')
    const notLarger = await lab.runJob('storage.growImage', {
      pool: SATA,
      image: LABVM3.name,
      sizeBytes: 24 * MiB,
    })
    expect(refusalCodes(notLarger)).toEqual(['not-larger'])
  })

  it('grows a running VM’s disk live (virsh blockresize), then shrinks it back once stopped', async () => {
    const started = await lab.runJob('vm.start', { uuid: LABVM3.uuid, host: 'hv3' })
    expect(started.state).toBe('succeeded')
    try {
      const grow = await lab.runJob('storage.growImage', {
        pool: SATA,
        image: LABVM3.name,
        sizeBytes: 32 * MiB,
      })
      expect(grow.state).toBe('succeeded')
      const result = grow.result as GrowResult
      expect(result).toMatchObject({
        method: 'blockresize',
        host: 'hv3',
        fromBytes: 24 * MiB,
        toBytes: 32 * MiB,
      })
      expect(result.usedBy[0]).toMatchObject({ name: 'labvm3', target: 'vda' })
      // QEMU itself sees the new size: the guest can now grow its partition/PV.
      expect(await virsh('hv3', 'domblkinfo labvm3 vda')).toMatch(/Capacity:\s+33554432/)
      expect((await image(SATA, LABVM3.name))?.sizeBytes).toBe(32 * MiB)
    } finally {
      await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'destroy', LABVM3.name).catch(() => '')
      await lab.core.call('inventory.refresh', {})
    }
    const shrink = await lab.runJob('storage.shrinkImage', {
      pool: SATA,
      image: LABVM3.name,
      sizeBytes: 24 * MiB,
      confirmName: 'labvm3',
      allowShrink: true,
    })
    expect(shrink.state).toBe('succeeded')
    const { snapshot } = shrink.result as { snapshot: string }
    expect(snapshot).toMatch(/^hyperdesk-before-shrink-\d{8}-\d{6}$/)
    const after = await image(SATA, LABVM3.name)
    expect(after?.sizeBytes).toBe(24 * MiB)
    expect(after?.snapshots).toEqual([expect.objectContaining({ name: snapshot, sizeBytes: 32 * MiB })])
    // The safety snapshot holds the cut-off data: typing its name is not enough, a second consent is.
    const once = await callError('storage.snapshotDelete', {
      pool: SATA,
      image: LABVM3.name,
      snapshot,
      confirmName: snapshot,
    })
    expect(once.details?.refusals).toEqual([expect.objectContaining({ code: 'safety-snapshot' })])
    expect(once.message).toMatch(/safety snapshot Hyperdesk took before a shrink of libvirt-sata\/labvm3/)
    expect((await image(SATA, LABVM3.name))?.snapshots).toHaveLength(1)
    await lab.core.call('storage.snapshotDelete', {
      pool: SATA,
      image: LABVM3.name,
      snapshot,
      confirmName: snapshot,
      confirmSafetySnapshot: true,
    })
    expect((await image(SATA, LABVM3.name))?.snapshots).toEqual([])
  }, 120_000)

  it('refuses shrink, rollback and delete while a host cannot be asked', async () => {
    const name = `${TEMP}-b`
    await lab.core.call('storage.createImage', { pool: SATA, image: name, sizeBytes: 8 * MiB })
    await lab.core.call('storage.snapshotCreate', { pool: SATA, image: name, snapshot: 's1' })
    await faults.sshd('hv2', 'kill')
    try {
      await lab.waitForStatus('hv2', 'offline', 60_000)
      await lab.core.call('inventory.refresh', {})
      expect((await list()).unknownHosts).toEqual(['hv2'])
      const shrink = await lab.runJob('storage.shrinkImage', {
        pool: SATA,
        image: name,
        sizeBytes: 4 * MiB,
        confirmName: name,
        allowShrink: true,
      })
      expect(shrink.error?.details?.refusals).toEqual([
        expect.objectContaining({ code: 'host-unknown', host: 'hv2' }),
      ])
      const rollback = await lab.runJob('storage.snapshotRollback', {
        pool: SATA,
        image: name,
        snapshot: 's1',
        confirmName: name,
      })
      expect(refusalCodes(rollback)).toEqual(['host-unknown'])
      const del = await lab.runJob('storage.deleteImage', {
        pool: SATA,
        image: name,
        confirmName: name,
        purgeSnapshots: true,
      })
      expect(refusalCodes(del)).toEqual(['host-unknown'])
    } finally {
      await faults.sshd('hv2', 'start')
      await lab.waitForStatus('hv2', 'online', 60_000)
    }
    await lab.core.call('inventory.refresh', {})
    const del = await lab.runJob('storage.deleteImage', {
      pool: SATA,
      image: name,
      confirmName: name,
      purgeSnapshots: true,
    })
    expect(del.state).toBe('succeeded')
  }, 120_000)

  it('says so when the chosen host has no Ceph keyring', async () => {
    await faults.keyring('hv1', 'off')
    try {
      const error = await callError('storage.list', {})
      expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv1' })
      // The keyring named alone when librados' log line made it to stderr; with the keyring and
      // ceph.conf both when only rbd's own connect failure did (its log thread can lose the race).
      expect(error.text).toMatchObject({
        code: expect.stringMatching(/^cephErrors\.connectNoKeyring(OrConfig)?$/),
        params: { host: 'hv1', client: 'client.libvirt', tool: 'rbd' },
        detail: "rbd: couldn't connect to the cluster!",
      })
      // Once the doctor knows, another host answers.
      await lab.core.call('hosts.doctor', { host: 'hv1' })
      expect((await list()).host).toBe('hv2')
    } finally {
      // This core's doctor report for hv1 stays stale: the core is closed right after this test.
      await faults.keyring('hv1', 'on')
    }
  })
})
