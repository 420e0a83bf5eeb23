/**
 * A start on a host that lacks a boot file or CD-ROM image the VM opens from that host's own disk is refused before
 * anything is done, naming the files and the host (the migration pre-check's probe and judge:
 * vm/host-files.ts, judgeHostFiles): the VM stays off everywhere and no lease is left. With the files
 * back, the same start works. The path probe costs one exec on the chosen host, counted here.
 * A VM whose disks are files on a host's own disk (defined here on every host, its files on hv1 only)
 * is refused on hv3 the same way, and starts on hv1: a raw file missing on hv3, a qcow2 overlay
 * there whose backing file is not (the chain read by qemu-img in the same exec), and a volume of the
 * local pool `default` that hv3's libvirt does not have (`virsh vol-path`, in the same probe). On hv1,
 * with that volume's file removed behind libvirt's back (the pool not refreshed: libvirt still lists
 * it), the start is refused too, naming the file, before QEMU would fail on it; no exec more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { englishText, type Message } from '../../src/shared/messages'
import { startLeaseNames } from '../../src/main/core/vm/lifecycle'
import type { LeaseHolder } from '../../src/shared/lease'
import { labCore, type LabCore } from '../support/lab-core'
import { hideOnHv3, KERNEL, LABVM3, labvm3Leases, putBackOnHv3 } from './support/start-files'
import { asRootOn, LAB_HOSTS, LAB_ISO, requireLab, runningOn, waitFor } from './support/lab'

let lab: LabCore

/** Counts the runner's one-shot execs per host (the core's own runner: the lifecycle holds it). */
function countExecs(runner: RemoteRunner): { execs: Map<string, string[]>; stop: () => void } {
  const execs = new Map<string, string[]>()
  const run = runner.run
  runner.run = (host, argv, options) => {
    execs.set(host, [...(execs.get(host) ?? []), argv.slice(0, 4).join(' ')])
    return run.call(runner, host, argv, options)
  }
  return { execs, stop: () => void (runner.run = run) }
}

const counts = (execs: Map<string, string[]>) =>
  JSON.stringify(Object.fromEntries([...execs].map(([host, argvs]) => [host, argvs.length])))

beforeAll(async () => {
  await requireLab()
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
  await lab.waitForInventory()
  // The lab leaves labvm3 off everywhere; this file starts it on hv3 and leaves it off again.
  expect(await runningOn(LABVM3.name)).toEqual([])
}, 90_000)

/**
 * A VM whose disks are files on the host's own disk, defined on every host: a raw file (on hv1 only)
 * and a qcow2 overlay on a qcow2 base (on hv1; on hv3 the overlay without its base).
 */
const LOCAL = {
  name: 'hyperdesk-local-disk',
  uuid: '1ab0c0de-5f11-4e00-8000-00000000d15c',
  file: '/var/lib/libvirt/images/hyperdesk-local-disk.img',
  overlay: '/var/lib/libvirt/images/hyperdesk-local-overlay.qcow2',
  base: '/var/lib/libvirt/images/hyperdesk-local-base.qcow2',
  /** A volume of each host's own dir pool `default` (/var/lib/libvirt/images), made on hv1 only. */
  volume: 'hyperdesk-local-vol.img',
}
const LOCAL_XML = `<domain type='qemu'>
  <name>${LOCAL.name}</name>
  <uuid>${LOCAL.uuid}</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${LOCAL.file}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${LOCAL.overlay}'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='default' volume='${LOCAL.volume}'/>
      <target dev='vdc' bus='virtio'/>
    </disk>
  </devices>
</domain>
`

/** argv as root on every lab host at once. */
const onEveryHost = (...argv: string[]) => Promise.all(LAB_HOSTS.map((host) => asRootOn(host.name, ...argv)))

/** The local-disk VM gone from every host, its file too (also after a run that died half way). */
async function removeLocalVm(): Promise<void> {
  const virsh = 'virsh -c qemu:///system'
  await onEveryHost(
    'sh',
    '-c',
    // The pool refreshed last: a volume whose file a failed run left removed is listed no more.
    `${virsh} destroy ${LOCAL.uuid} >/dev/null 2>&1; ${virsh} undefine ${LOCAL.uuid} >/dev/null 2>&1; ${virsh} vol-delete --pool default ${LOCAL.volume} >/dev/null 2>&1; rm -f ${LOCAL.file} ${LOCAL.overlay} ${LOCAL.base}; ${virsh} pool-refresh default >/dev/null 2>&1; true`,
  )
}

afterAll(async () => {
  await putBackOnHv3()
  await asRootOn('hv3', 'sh', '-c', `virsh -c qemu:///system destroy ${LABVM3.name} >/dev/null 2>&1; true`)
  await removeLocalVm()
  await lab?.cleanup()
})

describe('a start on a host without the VM’s boot file and CD-ROM image', () => {
  it('is refused naming the files and the host, nothing changed; with the files back it starts', async () => {
    const xml = await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'dumpxml', LABVM3.name)
    expect(xml).toContain(`<kernel>${KERNEL}</kernel>`)
    expect(xml).toContain(`<source file='${LAB_ISO}'`)
    await hideOnHv3()
    const counting = countExecs(lab.context.runner)
    let refused
    try {
      // Only hv3 lacks them: hv1 keeps its own copies.
      expect(await asRootOn('hv1', 'sh', '-c', `ls ${KERNEL} ${LAB_ISO} | wc -l`)).toBe('2\n')
      refused = await lab.runJob('vm.start', { uuid: LABVM3.uuid, host: 'hv3' })
    } finally {
      counting.stop()
      await putBackOnHv3()
    }
    expect(refused.state).toBe('failed')
    expect(refused.error?.code).toBe('vm.start.refused')
    expect(refused.error?.host).toBe('hv3')
    expect(refused.error?.details?.refusals).toEqual([
      expect.objectContaining({ code: 'cdrom-missing', host: 'hv3' }),
      expect.objectContaining({ code: 'boot-files-missing', host: 'hv3' }),
    ])
    const iso = `The CD-ROM image ${LAB_ISO} is missing on hv3: copy it to the same path there, or eject it.`
    const kernel = `${KERNEL} missing on hv3: QEMU opens the VM's kernel, initrd and firmware from the host's own disk as it starts there. Copy them to the same path on hv3 first.`
    expect(englishText(refused.error!.text as Message)).toBe(
      `labvm3 was not started on hv3: ${iso} ${kernel}`,
    )
    // Nothing changed: off everywhere (virsh as root says so), no lease held.
    expect(await runningOn(LABVM3.name)).toEqual([])
    expect(await labvm3Leases(lab)).toEqual([])
    // One existence check on hv3 for the VM's files, and no virsh start.
    const hv3 = counting.execs.get('hv3') ?? []
    expect(hv3.filter((argv) => argv.includes('hyperdesk-start-files'))).toHaveLength(1)
    expect(hv3.filter((argv) => argv.startsWith('virsh -c qemu:///system start'))).toEqual([])
    console.log(`execs of the refused start, per host: ${counts(counting.execs)}`)

    const again = countExecs(lab.context.runner)
    let started
    try {
      started = await lab.runJob('vm.start', { uuid: LABVM3.uuid, host: 'hv3' })
    } finally {
      again.stop()
    }
    expect(started.error).toBeUndefined()
    expect(started.state).toBe('succeeded')
    expect(await runningOn(LABVM3.name)).toEqual(['hv3'])
    console.log(`execs of the start, per host: ${counts(again.execs)}`)

    const off = await lab.runJob('vm.forceOff', { uuid: LABVM3.uuid, host: 'hv3', confirmName: LABVM3.name })
    expect(off.state).toBe('succeeded')
    await waitFor('labvm3 off everywhere', async () => (await runningOn(LABVM3.name)).length === 0, 15_000)
    expect(await labvm3Leases(lab)).toEqual([])
  })
})

describe('a start on a host without the VM’s local disk file', () => {
  it('is refused naming the disk, its file and the host, nothing changed; on the host holding it, it starts', async () => {
    await removeLocalVm()
    await onEveryHost(
      'sh',
      '-c',
      'printf "%s" "$1" | virsh -c qemu:///system define /dev/stdin',
      'sh',
      LOCAL_XML,
    )
    // The overlay on both hosts, made over its base; hv3's base then removed.
    const overlay = `qemu-img create -q -f qcow2 ${LOCAL.base} 1M && qemu-img create -q -f qcow2 -b ${LOCAL.base} -F qcow2 ${LOCAL.overlay}`
    await Promise.all([
      asRootOn(
        'hv1',
        'sh',
        '-c',
        `truncate -s 1M ${LOCAL.file} && ${overlay} && virsh -c qemu:///system vol-create-as default ${LOCAL.volume} 1M --format raw >/dev/null`,
      ),
      asRootOn('hv3', 'sh', '-c', `${overlay} && rm ${LOCAL.base}`),
    ])
    // The core reads the new definitions now (its poll is long): a start needs the VM known.
    await lab.context.inventory.refreshAll()
    const leases = async () => {
      const held = (await lab.core.call('lease.list', {})) as LeaseHolder[]
      return held.filter((lease) => startLeaseNames(LOCAL.uuid, []).includes(lease.name))
    }

    const refused = await lab.runJob('vm.start', { uuid: LOCAL.uuid, host: 'hv3' })
    expect(refused.state).toBe('failed')
    expect(refused.error?.code).toBe('vm.start.refused')
    expect(refused.error?.details?.refusals).toEqual([
      expect.objectContaining({ code: 'local-volume-missing', host: 'hv3' }),
      expect.objectContaining({ code: 'local-disk-missing', host: 'hv3' }),
      expect.objectContaining({ code: 'backing-file-missing', host: 'hv3' }),
    ])
    expect(englishText(refused.error!.text as Message)).toBe(
      `${LOCAL.name} was not started on hv3: ${LOCAL.name}’s disk vdc is the volume ${LOCAL.volume} of the local storage pool default, which hv3 cannot find there: a local pool is each host’s own. Create the volume there (or start the pool and refresh it: virsh pool-refresh default), or start ${LOCAL.name} on the host that holds it. ` +
        `${LOCAL.name}’s disk vda (${LOCAL.file}) is missing on hv3: it is a file on a host’s own disk, not on Ceph, and each host has its own. Start ${LOCAL.name} on the host that holds it, or move the file to the same path on hv3 first. ` +
        `${LOCAL.name}’s disk vdb (${LOCAL.overlay}) is built on the backing file ${LOCAL.base}, which is missing on hv3: QEMU opens every file of a disk’s backing chain, and each host has its own. Copy it to the same path on hv3 first, or start ${LOCAL.name} on the host that holds the whole chain.`,
    )
    expect(await runningOn(LOCAL.name)).toEqual([])
    expect(await leases()).toEqual([])

    const started = await lab.runJob('vm.start', { uuid: LOCAL.uuid, host: 'hv1' })
    expect(started.error).toBeUndefined()
    expect(started.state).toBe('succeeded')
    expect(await runningOn(LOCAL.name)).toEqual(['hv1'])
    const off = await lab.runJob('vm.forceOff', { uuid: LOCAL.uuid, host: 'hv1', confirmName: LOCAL.name })
    expect(off.state).toBe('succeeded')
    await waitFor(
      'the local-disk VM off everywhere',
      async () => (await runningOn(LOCAL.name)).length === 0,
      15_000,
    )
    expect(await leases()).toEqual([])

    // The volume's file removed on hv1 by hand, the pool not refreshed: libvirt still lists it.
    const volumeFile = (
      await asRootOn('hv1', 'virsh', '-c', 'qemu:///system', 'vol-path', '--pool', 'default', LOCAL.volume)
    ).trim()
    expect(volumeFile).toBe(`/var/lib/libvirt/images/${LOCAL.volume}`)
    const stale = countExecs(lab.context.runner)
    let staleStart
    try {
      await asRootOn('hv1', 'rm', volumeFile)
      staleStart = await lab.runJob('vm.start', { uuid: LOCAL.uuid, host: 'hv1' })
    } finally {
      stale.stop()
      // The file back (a VM's disk never stays removed by a test); the volume listed all along.
      await asRootOn('hv1', 'truncate', '-s', '1M', volumeFile)
    }
    expect(staleStart.state).toBe('failed')
    expect(staleStart.error?.code).toBe('vm.start.refused')
    expect(staleStart.error?.details?.refusals).toEqual([
      expect.objectContaining({ code: 'local-volume-file-missing', host: 'hv1' }),
    ])
    expect(englishText(staleStart.error!.text as Message)).toBe(
      `${LOCAL.name} was not started on hv1: ${LOCAL.name}’s disk vdc is the volume ${LOCAL.volume} of the local storage pool default, whose file ${volumeFile} is missing on hv1: libvirt still lists the volume (the pool was not refreshed since the file went), but QEMU cannot open it. Put the file back at ${volumeFile} on hv1, or run virsh pool-refresh default there and create the volume again, or start ${LOCAL.name} on the host that holds it.`,
    )
    expect(await runningOn(LOCAL.name)).toEqual([])
    expect(await leases()).toEqual([])
    // The file's absence found by the files' probe: on hv1, that probe and the pool's read, nothing more.
    const hv1 = stale.execs.get('hv1') ?? []
    expect(hv1.filter((argv) => argv.includes('hyperdesk-start-files'))).toHaveLength(1)
    // (no vol-path of its own, no virsh start).
    expect(hv1.filter((argv) => argv.startsWith('virsh'))).toEqual(['virsh -c qemu:///system pool-dumpxml'])
    console.log(`execs of the start refused for the volume's file, per host: ${counts(stale.execs)}`)
  })
})
