import { msg } from '../../src/shared/messages/message'
/**
 * Cloning (issue 19 item 2) through the real core on the lab, kept lean: labvm3 (off) cloned — a new
 * UUID and MAC on all three hosts, its disk a copy-on-write child of the job's protected snapshot,
 * labvm3 itself untouched; a template (a protected snapshot) cloned into the other pool and flattened; a failure injected
 * mid-clone (libvirt refusing the definition on hv3) leaving nothing behind. Everything made is removed
 * again (the clones through vm.delete, the snapshots with the lab's admin rbd), also in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VmCloner } from '../../src/main/core/vmdef/clone'
import { VmCreator } from '../../src/main/core/vmdef/create'
import type { CloneVmResult } from '../../src/shared/vmdef'
import { CloneVmParamsSchema } from '../../src/shared/vmdef'
import { typedCall } from '../support/in-process-core'
import { labCore, type LabCore } from '../support/lab-core'
import { refusingDefineOn } from './support/refusing-runner'
import { labRun, LAB_HOSTS, requireLab, sshAsEtalab, virsh, type LabHostName } from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const POOL = 'libvirt-sata'
/** Where the template's clone goes: an RBD clone may live in another pool than its parent. */
const OTHER_POOL = 'libvirt-ssd'
const SOURCE = 'labvm3'
const SOURCE_UUID = '1ab0c0de-0000-4000-8000-000000000003'
const CLONE = 'hd-clone-1'
const FROM_TEMPLATE = 'hd-clone-t'
const FAILED = 'hd-clone-fail'
const TEMPLATE = 'hd-template'
const NAMES = [CLONE, FROM_TEMPLATE, FAILED]
const SNAPSHOTS = [`clone-${CLONE}`, `clone-${FAILED}`, TEMPLATE]
let lab: LabCore
let sourceXml: string[]

async function definedNames(host: LabHostName): Promise<string[]> {
  return (await virsh(host, 'list --all --name')).split('\n').map((line) => line.trim())
}
async function rbd(...args: string[]): Promise<string> {
  const result = await labRun('rbd', ...args)
  return result.code === 0 ? result.stdout : ''
}
async function imageExists(name: string, pool = POOL): Promise<boolean> {
  return (await labRun('rbd', 'info', `${pool}/${name}`)).code === 0
}
async function sourceSnapshots(): Promise<string[]> {
  const listed = JSON.parse((await rbd('snap', 'ls', '--format', 'json', `${POOL}/${SOURCE}`)) || '[]') as {
    name: string
  }[]
  return listed.map((snapshot) => snapshot.name)
}

/** Removes whatever a test made, even after a failure (by name, with the lab's admin tools). */
async function removeEverything(): Promise<void> {
  const names = NAMES.join(' ')
  // What to remove is read while the hosts drop the domains (each rbd call is a new Ceph client, ~1 s
  // on a loaded machine): the images once no QEMU has them open, then the snapshots they were cloned
  // from; each step's objects side by side.
  const [pools, snapshots] = await Promise.all([
    Promise.all(
      [POOL, OTHER_POOL].map(async (pool) => ({ pool, images: (await rbd('ls', pool)).split('\n') })),
    ),
    sourceSnapshots(),
    ...HOSTS.map((host) =>
      sshAsEtalab(
        host,
        `for n in ${names}; do virsh -c qemu:///system destroy $n >/dev/null 2>&1; virsh -c qemu:///system undefine --managed-save --snapshots-metadata $n >/dev/null 2>&1; done; true`,
      ),
    ),
  ])
  await Promise.all(
    pools.flatMap(({ pool, images }) =>
      NAMES.filter((name) => images.includes(name)).map((name) =>
        labRun('rbd', 'rm', '--no-progress', `${pool}/${name}`),
      ),
    ),
  )
  await Promise.all(
    snapshots
      .filter((snapshot) => SNAPSHOTS.includes(snapshot))
      .map(async (snapshot) => {
        await labRun('rbd', 'snap', 'unprotect', `${POOL}/${SOURCE}@${snapshot}`)
        await labRun('rbd', 'snap', 'rm', '--no-progress', `${POOL}/${SOURCE}@${snapshot}`)
      }),
  )
}

beforeAll(async () => {
  await requireLab()
  await removeEverything()
  sourceXml = await Promise.all(
    HOSTS.map((host) => virsh(host, `dumpxml --inactive --security-info ${SOURCE}`)),
  )
  lab = await labCore(undefined, { vmdef: { defineTimeoutSeconds: 10 } })
  await lab.waitForInventory()
}, 90_000)

afterAll(async () => {
  await lab?.cleanup()
  await removeEverything()
  // The source is as it was: same definition on every host, no snapshot left.
  const after = await Promise.all(
    HOSTS.map((host) => virsh(host, `dumpxml --inactive --security-info ${SOURCE}`)),
  )
  expect(after).toEqual(sourceXml)
  expect(await sourceSnapshots()).toEqual([])
}, 90_000)

describe('clone (issue 19 item 2)', () => {
  it('clones labvm3 (off): new UUID and MAC on every host, its disk a COW child of the job’s snapshot', async () => {
    const params = {
      source: { kind: 'vm' as const, uuid: SOURCE_UUID },
      name: CLONE,
      network: { kind: 'ripe' as const },
    }
    const plan = await typedCall(lab.core, 'vm.clonePlan', params)
    expect(plan.canCreate, JSON.stringify(plan.checks.filter((check) => check.level !== 'ok'))).toBe(true)
    expect(plan).toMatchObject({
      parent: `${POOL}/${SOURCE}`,
      snapshot: `clone-${CLONE}`,
      makesSnapshot: true,
    })
    const job = await lab.runJob('vm.clone', params, 60_000)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    const result = job.result as CloneVmResult
    expect(result).toMatchObject({ name: CLONE, image: `${POOL}/${CLONE}`, hosts: HOSTS, flattened: false })
    expect(result.parent).toBe(`${POOL}/${SOURCE}@clone-${CLONE}`)
    expect(result.uuid).not.toBe(SOURCE_UUID)
    expect(result.mac).toMatch(/^52:54:00:/)
    const xmls = await Promise.all(HOSTS.map((host) => virsh(host, `dumpxml --inactive ${CLONE}`)))
    for (const xml of xmls) {
      expect(xml).toContain(`<uuid>${result.uuid}</uuid>`)
      expect(xml).toContain(`<mac address='${result.mac}'/>`)
      expect(xml).not.toContain('02:00:00:77:01:03')
      expect(xml).toContain(`name='${POOL}/${CLONE}'`)
      expect(xml).toContain(`/var/log/libvirt/qemu/${CLONE}-serial.log`)
      expect(xml).toContain("machine='pc-i440fx-7.2'")
    }
    expect(new Set(xmls).size).toBe(1)
    const info = JSON.parse(await rbd('info', '--format', 'json', `${POOL}/${CLONE}`)) as {
      parent?: { pool: string; image: string; snapshot: string }
    }
    expect(info.parent).toMatchObject({ pool: POOL, image: SOURCE, snapshot: `clone-${CLONE}` })
    expect((await rbd('image-meta', 'get', `${POOL}/${CLONE}`, 'hyperdesk.create-job')).trim()).toBe(job.id)
    expect((await rbd('children', `${POOL}/${SOURCE}@clone-${CLONE}`)).trim()).toBe(`${POOL}/${CLONE}`)
    // The source: same definition everywhere.
    expect(
      await Promise.all(HOSTS.map((host) => virsh(host, `dumpxml --inactive --security-info ${SOURCE}`))),
    ).toEqual(sourceXml)
    const deleted = await lab.runJob('vm.delete', {
      uuid: result.uuid,
      confirmName: CLONE,
      deleteImages: true,
    })
    expect(deleted.state, JSON.stringify(deleted.error)).toBe('succeeded')
    expect(await imageExists(CLONE)).toBe(false)
    // Nothing hangs from the job's snapshot now: it goes (the lab as it was).
    await rbd('snap', 'unprotect', `${POOL}/${SOURCE}@clone-${CLONE}`)
    await rbd('snap', 'rm', '--no-progress', `${POOL}/${SOURCE}@clone-${CLONE}`)
    expect(await sourceSnapshots()).toEqual([])
  }, 90_000)

  it('clones a template (a protected snapshot) into the other pool and flattens it: no parent left', async () => {
    await rbd('snap', 'create', `${POOL}/${SOURCE}@${TEMPLATE}`)
    const unprotected = await typedCall(lab.core, 'vm.clonePlan', {
      source: { kind: 'snapshot', pool: POOL, image: SOURCE, snapshot: TEMPLATE },
      name: FROM_TEMPLATE,
      network: { kind: 'ripe' },
      domainType: 'qemu',
    })
    expect(
      unprotected.checks.filter((check) => check.level === 'fail').map((check) => check.message.code),
    ).toEqual(['vmdef.cloneTemplateUnprotected'])
    await rbd('snap', 'protect', `${POOL}/${SOURCE}@${TEMPLATE}`)
    const job = await lab.runJob(
      'vm.clone',
      {
        source: { kind: 'snapshot', pool: POOL, image: SOURCE, snapshot: TEMPLATE },
        name: FROM_TEMPLATE,
        pool: OTHER_POOL,
        network: { kind: 'ripe' },
        vcpus: 1,
        memoryMiB: 64,
        domainType: 'qemu',
        flatten: true,
      },
      60_000,
    )
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    const result = job.result as CloneVmResult
    expect(result.flattened).toBe(true)
    expect(result.image).toBe(`${OTHER_POOL}/${FROM_TEMPLATE}`)
    expect(result.parent).toBe(`${POOL}/${SOURCE}@${TEMPLATE}`)
    expect(await imageExists(FROM_TEMPLATE)).toBe(false)
    const info = JSON.parse(await rbd('info', '--format', 'json', `${OTHER_POOL}/${FROM_TEMPLATE}`)) as {
      parent?: unknown
    }
    expect(info.parent).toBeUndefined()
    for (const host of HOSTS) {
      expect(await definedNames(host)).toContain(FROM_TEMPLATE)
      expect(await virsh(host, `dumpxml --inactive ${FROM_TEMPLATE}`)).toContain(
        `name='${OTHER_POOL}/${FROM_TEMPLATE}'`,
      )
    }
    // The template is not the job's: it stays, protected.
    expect(await sourceSnapshots()).toEqual([TEMPLATE])
    const deleted = await lab.runJob('vm.delete', {
      uuid: result.uuid,
      confirmName: FROM_TEMPLATE,
      deleteImages: true,
    })
    expect(deleted.state, JSON.stringify(deleted.error)).toBe('succeeded')
  }, 90_000)

  it('libvirt refusing the definition on hv3 mid-clone: everything undone, the source untouched', async () => {
    const context = lab.context
    const real = context.runner
    const refusing = refusingDefineOn(real, 'hv3')
    const deps = { ...context.vmdefs.deleteDeps, runner: refusing }
    const cloner = new VmCloner(deps, new VmCreator(deps))
    const params = CloneVmParamsSchema.parse({
      source: { kind: 'vm', uuid: SOURCE_UUID },
      name: FAILED,
      network: { kind: 'ripe' },
    })
    const started = context.jobs.start({
      kind: 'vm.clone',
      title: msg('common.untranslated', { text: `Clone ${SOURCE} to ${FAILED}` }),
      target: { vm: FAILED },
      run: (jobContext) => cloner.clone(params, jobContext),
    })
    await started.done.catch(() => undefined)
    const job = started.job
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({ code: 'vm.clone.failed', host: 'hv3' })
    expect(job.error?.message).toContain('Everything this job had made was removed again')
    for (const host of HOSTS) expect(await definedNames(host)).not.toContain(FAILED)
    expect(await imageExists(FAILED)).toBe(false)
    expect(await sourceSnapshots()).toEqual([TEMPLATE])
  }, 90_000)
})
