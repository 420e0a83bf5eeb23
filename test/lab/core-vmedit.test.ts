import { msg } from '../../src/shared/messages/message'
/**
 * Editing a VM's definition on every host (issue 19 item 3) through the real core on the lab, on
 * labvm3 (off on every host): a persistent edit defined on hv1–hv3 and read back identical; the hash
 * guard refusing when hv2's definition changed underneath (nothing changed, the new diff given);
 * live vCPUs on the running VM (TCG hot-plugs vCPUs up to the maximum) while memory, without a
 * balloon in the lab's VMs, waits for the next start and shows as pending; disks on the running VM —
 * a new RBD image made, defined on every host and hot-plugged (virtio-blk under TCG), grown live through
 * QEMU (blockresize), detached with its image kept; and hv3 refusing the definition: hv1/hv2 put back
 * and the new image removed; network cards on the running VM — a bridge missing on hv3 refused, a
 * MAC labvm1 uses refused, a card added with a drawn MAC (hot-plugged), moved live to another bridge,
 * a MAC change pending, a card removed. labvm3 is powered off again, the lab's own definitions are
 * defined back on every host, and the test's images and bridge removed afterwards.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editVm } from '../../src/main/core/vmdef/edit'
import type { VmEditChanges, VmEditPlan, VmEditResult, VmPending } from '../../src/shared/vmedit'
import { labCore, type LabCore } from '../support/lab-core'
import { refusingDefineOn } from './support/refusing-runner'
import {
  asRootOn,
  labGuest,
  labRun,
  LAB_HOSTS,
  LAB_STATE_DIR,
  requireLab,
  type LabHostName,
} from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const LABVM3 = labGuest('labvm3')
const LAB_XML = () => fs.readFileSync(path.join(LAB_STATE_DIR, 'domains', 'labvm3.xml'), 'utf8')
let lab: LabCore

const rootVirsh = (host: LabHostName, ...args: string[]) =>
  asRootOn(host, 'virsh', '-c', 'qemu:///system', ...args)
/** labvm3's persistent definition on each host, read on all three at once (HOSTS order). */
const inactiveXmls = () =>
  Promise.all(HOSTS.map((host) => rootVirsh(host, 'dumpxml', '--inactive', LABVM3.name)))
const defineAsRoot = (host: LabHostName, xml: string) =>
  asRootOn(host, 'sh', '-c', 'printf "%s" "$1" | virsh -c qemu:///system define /dev/stdin', 'sh', xml)

/** The images the disk tests make (removed afterwards, whatever happened). */
const DATA = { pool: 'libvirt-sata', image: 'labvm3-edit-data' }
const UNDONE = { pool: 'libvirt-sata', image: 'labvm3-edit-undone' }
const MIB = 2 ** 20
const spec = (ref: { pool: string; image: string }) => `${ref.pool}/${ref.image}`
const imageSize = async (ref: { pool: string; image: string }) => {
  const info = await labRun('rbd', 'info', spec(ref), '--format', 'json')
  return info.code === 0 ? (JSON.parse(info.stdout) as { size: number }).size : undefined
}

/** A bridge the NIC test makes on the hosts (removed afterwards). */
const BRIDGE = 'hdedit0'
const addBridge = async (host: LabHostName) => {
  await asRootOn(host, 'ip', 'link', 'add', BRIDGE, 'type', 'bridge')
  await asRootOn(host, 'ip', 'link', 'set', BRIDGE, 'up')
}

/** labvm3 off, the lab's own definition on every host, and no image or bridge of the tests'. */
async function restore(): Promise<void> {
  await rootVirsh('hv3', 'destroy', LABVM3.name).catch(() => undefined)
  await Promise.all(HOSTS.map((host) => defineAsRoot(host, LAB_XML())))
  await Promise.all([
    ...[DATA, UNDONE].map((ref) => labRun('rbd', 'rm', '--no-progress', spec(ref))),
    ...HOSTS.map((host) => asRootOn(host, 'ip', 'link', 'del', BRIDGE).catch(() => undefined)),
  ])
}

const plan = async (changes: Record<string, unknown>) =>
  (await lab.core.call('vm.editPlan', { uuid: LABVM3.uuid, changes })) as VmEditPlan
const hashes = (p: VmEditPlan) => Object.fromEntries(p.hosts.map((h) => [h.host, h.hash]))

beforeAll(async () => {
  await requireLab()
  await restore()
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
  await lab.waitForInventory()
}, 180_000)

afterAll(async () => {
  await lab?.cleanup()
  await restore()
}, 60_000)

describe('editing a definition on every host', () => {
  it('a persistent edit is defined on every host and reads back identical', async () => {
    const changes = {
      vcpus: 1,
      maxVcpus: 2,
      memoryMiB: 96,
      description: 'edited by the vmedit lab test',
      bootOrder: ['cdrom', 'hd'],
    }
    const shown = await plan(changes)
    expect(shown.refusals).toEqual([])
    expect(shown.diff).toMatch(/^\+\s*<description>edited by the vmedit lab test<\/description>$/m)
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes, hashes: hashes(shown) })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((job.result as VmEditResult).hosts).toEqual(HOSTS)
    const xmls = await inactiveXmls()
    for (const xml of xmls) {
      expect(xml).toMatch(/<vcpu placement='static' current='1'>2<\/vcpu>/)
      expect(xml).toContain("<currentMemory unit='KiB'>98304</currentMemory>")
      expect(xml).toContain('<description>edited by the vmedit lab test</description>')
      expect(xml.indexOf("<boot dev='cdrom'/>")).toBeLessThan(xml.indexOf("<boot dev='hd'/>"))
    }
    expect(new Set(xmls).size).toBe(1)
    // Every host's hash is the same again, and nothing is left to change.
    expect(new Set((await plan({})).hosts.map((h) => h.hash)).size).toBe(1)
  })

  it('refuses when a host’s definition changed since the diff was shown, and changes nothing', async () => {
    const shown = await plan({ description: 'second edit' })
    const before = await rootVirsh('hv1', 'dumpxml', '--inactive', LABVM3.name)
    // Another admin edits hv2 meanwhile.
    await defineAsRoot(
      'hv2',
      (await rootVirsh('hv2', 'dumpxml', '--inactive', LABVM3.name)).replace(
        /<description>[^<]*<\/description>/,
        '<description>edited by bob on hv2</description>',
      ),
    )
    const job = await lab.runJob('vm.edit', {
      uuid: LABVM3.uuid,
      changes: { description: 'second edit' },
      hashes: hashes(shown),
    })
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({ code: 'vm.edit.changed', host: 'hv2' })
    const fresh = job.error?.details?.['plan'] as VmEditPlan
    expect(fresh.refusals.map((r) => r.code)).toEqual(['vmedit.drift'])
    expect(await rootVirsh('hv1', 'dumpxml', '--inactive', LABVM3.name)).toBe(before)
    // Put hv2 back as the others (the drift is the test's own).
    await defineAsRoot('hv2', before)
  })

  it('on the running VM: vCPUs change live, memory without a balloon waits for the next start and shows as pending', async () => {
    await rootVirsh('hv3', 'start', LABVM3.name)
    await lab.core.call('inventory.refresh', {})
    expect(lab.context.inventory.vm(LABVM3.uuid)?.runningOn).toEqual(['hv3'])
    const changes = { vcpus: 2, memoryMiB: 112 }
    const shown = await plan(changes)
    expect(shown).toMatchObject({ runningOn: 'hv3', live: ['vcpus', 'memory'], canApply: true })
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes, hashes: hashes(shown) })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    const result = job.result as VmEditResult
    expect(result.live.find((l) => l.action === 'vcpus')).toEqual({ action: 'vcpus', ok: true })
    expect(await rootVirsh('hv3', 'vcpucount', LABVM3.name, '--live', '--current')).toMatch(/^\s*2\s*$/)
    // The lab's VMs have <memballoon model='none'/>: libvirt says so, the edit keeps it for the next start.
    const memory = result.live.find((l) => l.action === 'memory')
    expect(memory).toMatchObject({ ok: false, error: expect.stringMatching(/balloon/i) })
    expect(result.pending).toEqual(['memoryMiB'])
    const pending = (await lab.core.call('vm.pending', { uuid: LABVM3.uuid })) as VmPending
    expect(pending).toMatchObject({ host: 'hv3', fields: ['memoryMiB'] })
    expect(pending.message?.code).toBe('vmedit.pendingRestart')
  })

  const edit = async (changes: VmEditChanges) => {
    const shown = await plan(changes)
    expect(shown.refusals).toEqual([])
    // As the sheet does: the changes as the plan resolved them (a new card's drawn MAC).
    const job = await lab.runJob('vm.edit', {
      uuid: LABVM3.uuid,
      changes: shown.changes,
      hashes: hashes(shown),
    })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    return { shown, result: job.result as VmEditResult }
  }
  const liveDisks = async () => rootVirsh('hv3', 'domblklist', LABVM3.name)

  it('disks on the running VM: a new image hot-plugged on hv3 and defined everywhere, grown live, detached with its image kept', async () => {
    // (labvm3 runs on hv3 since the previous test.)
    const attached = await edit({ attachDisks: [{ ...DATA, sizeBytes: 8 * MIB }] })
    expect(attached.shown.attach).toEqual([{ target: 'vdb', ...DATA, sizeBytes: 8 * MIB }])
    expect(attached.result.live).toEqual([{ action: 'diskAttach', target: 'vdb', ok: true }])
    // After each edit, what hv3, every host and Ceph say is read at once (the reads are independent).
    const [plugged, attachedXmls, attachedSize] = await Promise.all([
      liveDisks(),
      inactiveXmls(),
      imageSize(DATA),
    ])
    expect(plugged).toMatch(new RegExp(`^\\s*vdb\\s+${spec(DATA)}\\s*$`, 'm'))
    for (const xml of attachedXmls) expect(xml).toContain(`<source protocol='rbd' name='${spec(DATA)}'>`)
    expect(attachedSize).toBe(8 * MIB)

    const grown = await edit({ growDisks: [{ target: 'vdb', sizeBytes: 16 * MIB }] })
    expect(grown.shown.grow).toEqual([
      { target: 'vdb', image: spec(DATA), fromBytes: 8 * MIB, toBytes: 16 * MIB },
    ])
    const [grownSize, blockInfo, shrinkPlan] = await Promise.all([
      imageSize(DATA),
      rootVirsh('hv3', 'domblkinfo', LABVM3.name, 'vdb'),
      // Never shrink: the plan refuses it.
      plan({ growDisks: [{ target: 'vdb', sizeBytes: 8 * MIB }] }),
    ])
    expect(grownSize).toBe(16 * MIB)
    expect(blockInfo).toMatch(/^Capacity:\s+16777216$/m)
    expect(shrinkPlan.refusals.map((r) => r.code)).toEqual(['vmedit.diskNotLarger'])

    const detached = await edit({ detachDisks: ['vdb'] })
    const [detachedXmls, keptSize, pending, liveAfter] = await Promise.all([
      inactiveXmls(),
      imageSize(DATA),
      lab.core.call('vm.pending', { uuid: LABVM3.uuid }) as Promise<VmPending>,
      liveDisks(),
    ])
    for (const xml of detachedXmls) expect(xml).not.toContain(spec(DATA))
    expect(keptSize).toBe(16 * MIB)
    const stillPlugged = liveAfter.includes(spec(DATA))
    console.log(
      `detach live: ${JSON.stringify(detached.result.live)}; still in the running VM: ${stillPlugged}`,
    )
    expect(detached.result.pending.includes('disks')).toBe(stillPlugged)
    expect(pending.fields.includes('disks')).toBe(stillPlugged)
  }, 120_000)

  it('hv3 refusing the definition: hv1 and hv2 get the previous one back and the new image is removed', async () => {
    const before = await inactiveXmls()
    const real = lab.context.runner
    const refusing = refusingDefineOn(real, 'hv3')
    const changes: VmEditChanges = { attachDisks: [{ ...UNDONE, sizeBytes: 8 * MIB }] }
    const shown = await plan(changes)
    const started = lab.context.jobs.start({
      kind: 'vm.edit',
      title: msg('common.untranslated', { text: 'edit labvm3 (hv3 refuses)' }),
      target: { vm: LABVM3.name },
      run: (job) =>
        editVm(
          { ...lab.context.vmdefs.deleteDeps, runner: refusing },
          { uuid: LABVM3.uuid, changes, hashes: hashes(shown) as Record<string, string> },
          job,
        ),
    })
    await started.done.catch(() => undefined)
    expect(started.job.state).toBe('failed')
    expect(started.job.error).toMatchObject({ code: 'vm.edit.failed', host: 'hv3' })
    expect(started.job.error?.message).toMatch(/put back on hv2 and hv1/)
    const [after, undoneSize] = await Promise.all([inactiveXmls(), imageSize(UNDONE)])
    expect(after).toEqual(before)
    expect(undoneSize).toBeUndefined()
  }, 60_000)

  it('network cards on the running VM: checks on every host, a card hot-plugged, moved live, a MAC pending, removed', async () => {
    const interfaces = async () => rootVirsh('hv3', 'domiflist', LABVM3.name)
    await Promise.all([addBridge('hv1'), addBridge('hv2')])
    const refused = async (changes: VmEditChanges) => (await plan(changes)).refusals.map((r) => r.params)
    expect(await refused({ addNics: [{ bridge: BRIDGE }] })).toEqual([{ bridge: BRIDGE, hosts: ['hv3'] }])
    const labvm1 = labGuest('labvm1')
    expect(await refused({ addNics: [{ bridge: 'br0', mac: labvm1.mac }] })).toEqual([
      { mac: labvm1.mac, vm: 'labvm1', host: 'hv1' },
    ])
    await addBridge('hv3')

    const added = await edit({ addNics: [{ bridge: 'br0' }] })
    const mac = added.shown.addNics[0]!.mac
    expect(mac).toMatch(/^52:54:00:/)
    expect(added.result.live).toEqual([{ action: 'nicAdd', target: mac, ok: true }])
    const [addedLive, addedXmls] = await Promise.all([interfaces(), inactiveXmls()])
    expect(addedLive).toMatch(new RegExp(`\\sbr0\\s+virtio\\s+${mac}`))
    for (const xml of addedXmls) expect(xml).toContain(`<mac address='${mac}'/>`)

    const moved = await edit({ changeNics: [{ mac, bridge: BRIDGE }] })
    expect(moved.result.live).toEqual([{ action: 'nicBridge', target: mac, ok: true }])
    expect(await interfaces()).toMatch(new RegExp(`\\s${BRIDGE}\\s+virtio\\s+${mac}`))

    const removed = await edit({ removeNics: [mac] })
    expect(removed.result.live).toEqual([{ action: 'nicRemove', target: mac, ok: true }])
    const [removedXmls, removedLive] = await Promise.all([inactiveXmls(), interfaces()])
    for (const xml of removedXmls) expect(xml).not.toContain(mac)
    // The guest may not let the card go at once: then the removal shows pending until restart.
    const stillPlugged = removedLive.includes(mac)
    expect(removed.result.pending.includes('nics')).toBe(stillPlugged)

    const renamed = await edit({ changeNics: [{ mac: LABVM3.mac, newMac: '02:00:00:77:01:33' }] })
    expect(renamed.shown.pending).toEqual(['nics'])
    expect(renamed.result.pending).toEqual(['nics'])
    const [renamedXmls, renamedPending] = await Promise.all([
      inactiveXmls(),
      lab.core.call('vm.pending', { uuid: LABVM3.uuid }) as Promise<VmPending>,
    ])
    for (const xml of renamedXmls) expect(xml).toContain("<mac address='02:00:00:77:01:33'/>")
    expect(renamedPending.fields).toContain('nics')
  }, 120_000)
})

describe('expert mode (the XML itself) and ejecting the CD-ROM', () => {
  const PASSWORD = "passwd='labvncpw'"
  const withPassword = () => LAB_XML().replace("<graphics type='vnc'", `<graphics type='vnc' ${PASSWORD}`)
  const secured = (host: LabHostName) =>
    rootVirsh(host, 'dumpxml', '--inactive', '--security-info', LABVM3.name)
  const loadXml = async () =>
    (await lab.core.call('vm.editPlan', { uuid: LABVM3.uuid, changes: {}, withXml: true })) as VmEditPlan

  beforeAll(async () => {
    await restore()
    // A VNC password on every host: an expert edit must keep it (dumpxml --security-info).
    await Promise.all(HOSTS.map((host) => defineAsRoot(host, withPassword())))
    await lab.core.call('inventory.refresh', {})
  }, 120_000)

  it('a valid XML edit is validated on every host, defined on all three and read back identical, password kept', async () => {
    const loaded = await loadXml()
    // The window gets the password hidden; the core puts it back.
    expect(loaded.xml).not.toContain('labvncpw')
    expect(loaded.xml).toMatch(/passwd='\(hidden [0-9a-f]{12}\)'/)
    const xml = loaded
      .xml!.replace('</uuid>', '</uuid>\n  <description>expert edit on the lab</description>')
      .replace('<on_crash>destroy</on_crash>', '<on_crash>restart</on_crash>')
    const shown = await plan({ xml })
    expect(shown.refusals).toEqual([])
    expect(shown.diff).toMatch(/^\+\s*<on_crash>restart<\/on_crash>$/m)
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes: { xml }, hashes: hashes(loaded) })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((job.result as VmEditResult).hosts).toEqual(HOSTS)
    const xmls = await Promise.all(HOSTS.map(secured))
    for (const read of xmls) {
      expect(read).toContain('<description>expert edit on the lab</description>')
      expect(read).toContain('<on_crash>restart</on_crash>')
      expect(read).toContain(PASSWORD)
    }
    expect(new Set(xmls).size).toBe(1)
  }, 60_000)

  it('an invalid XML is refused naming each host with virt-xml-validate’s output; a rename too; nothing changes', async () => {
    const before = await Promise.all(HOSTS.map(secured))
    const loaded = await loadXml()
    const invalid = loaded.xml!.replace('</devices>', '  <bogus/>\n  </devices>')
    const shown = await plan({ xml: invalid })
    expect(shown.canApply).toBe(false)
    expect(shown.refusals.map((r) => [r.code, r.params?.['host']])).toEqual(
      HOSTS.map((host) => ['vmedit.expertInvalid', host]),
    )
    for (const refusal of shown.refusals)
      expect(refusal.detail).toMatch(/Relax-NG validity error[\s\S]*fails to validate/)
    const job = await lab.runJob('vm.edit', {
      uuid: LABVM3.uuid,
      changes: { xml: invalid },
      hashes: hashes(loaded),
    })
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('vm.edit.refused')
    const renamed = await plan({ xml: loaded.xml!.replace('<name>labvm3</name>', '<name>labvm3b</name>') })
    expect(renamed.refusals.map((r) => r.code)).toEqual(['vmedit.expertRename'])
    expect(await Promise.all(HOSTS.map(secured))).toEqual(before)
  }, 60_000)

  it('refuses when hv2’s definition changed since the XML was loaded, with the new diff, and defines nothing', async () => {
    const loaded = await loadXml()
    const xml = loaded.xml!.replace(/<description>[^<]*<\/description>/, '<description>mine</description>')
    const before = await secured('hv1')
    await defineAsRoot(
      'hv2',
      before.replace(/<description>[^<]*<\/description>/, '<description>edited by bob on hv2</description>'),
    )
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes: { xml }, hashes: hashes(loaded) })
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({ code: 'vm.edit.changed', host: 'hv2' })
    const fresh = job.error?.details?.['plan'] as VmEditPlan
    expect(fresh.refusals.map((r) => r.code)).toEqual(['vmedit.drift'])
    expect(await secured('hv1')).toBe(before)
    expect(await secured('hv2')).toContain('edited by bob on hv2')
    await defineAsRoot('hv2', before)
  }, 60_000)

  it('ejects the install CD-ROM: live on the running VM and in the definition on every host', async () => {
    await rootVirsh('hv3', 'start', LABVM3.name)
    await lab.core.call('inventory.refresh', {})
    const job = await lab.runJob('vm.ejectMedia', { uuid: LABVM3.uuid })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect(job.result).toMatchObject({ name: 'labvm3', targets: ['hdc'], persistentOn: HOSTS, liveOn: 'hv3' })
    for (const read of await Promise.all(HOSTS.map(secured))) {
      expect(read).not.toContain('netinst.iso')
      // The password survives the eject too.
      expect(read).toContain(PASSWORD)
    }
    expect(await rootVirsh('hv3', 'dumpxml', LABVM3.name)).not.toContain('netinst.iso')
    await lab.core.call('inventory.refresh', {})
    await expect(lab.runJob('vm.ejectMedia', { uuid: LABVM3.uuid })).resolves.toMatchObject({
      state: 'failed',
      error: { code: 'vm.eject.nothing' },
    })
  }, 90_000)

  const pendingOf = async () => (await lab.core.call('vm.pending', { uuid: LABVM3.uuid })) as VmPending

  it('a new VNC password alone is an edit: defined on every host, pending on the running VM; over 8 characters refused', async () => {
    // (labvm3 runs on hv3 since the eject test.)
    const loaded = await loadXml()
    const long = await plan({ xml: loaded.xml!.replace(/passwd='[^']*'/, "passwd='toolong99'") })
    expect(long.refusals.map((r) => r.code)).toEqual(['vmedit.vncPasswordLong'])
    const xml = loaded.xml!.replace(/passwd='[^']*'/, "passwd='n3wpass1'")
    const shown = await plan({ xml })
    expect(shown).toMatchObject({ diff: '', refusals: [], canApply: true })
    expect(shown.passwords.map((m) => m.code)).toEqual(['vmedit.displayPasswordChanged'])
    expect(JSON.stringify(shown)).not.toContain('labvncpw')
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes: { xml }, hashes: hashes(loaded) })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    for (const read of await Promise.all(HOSTS.map(secured))) {
      expect(read).toContain("passwd='n3wpass1'")
      expect(read).not.toContain('labvncpw')
    }
    // The running QEMU still has the old one until its next start.
    expect(await pendingOf()).toMatchObject({ host: 'hv3', fields: ['displayPassword'] })
  }, 90_000)

  it('an expert edit of the running VM’s CPU model and features shows pending in its view, gone after a stop and start', async () => {
    const loaded = await loadXml()
    const model = /<model[^>]*>qemu64<\/model>/.test(loaded.xml!) ? 'kvm64' : 'qemu64'
    const cpu = `<cpu mode='custom' match='exact' check='partial'>\n    <model fallback='allow'>${model}</model>\n  </cpu>\n  `
    const xml = (
      /<cpu\b[\s\S]*?(<\/cpu>|\/>)\s*/.test(loaded.xml!)
        ? loaded.xml!.replace(/<cpu\b[\s\S]*?(<\/cpu>|\/>)\s*/, cpu)
        : loaded.xml!.replace('<clock', `${cpu}<clock`)
    ).replace('<acpi/>', '<acpi/>\n    <pae/>')
    const shown = await plan({ xml })
    expect(shown.refusals).toEqual([])
    const job = await lab.runJob('vm.edit', { uuid: LABVM3.uuid, changes: { xml }, hashes: hashes(loaded) })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    await lab.core.call('inventory.refresh', {})
    expect(lab.context.inventory.vm(LABVM3.uuid)?.runningOn).toEqual(['hv3'])
    const pending = await pendingOf()
    expect(pending).toMatchObject({ host: 'hv3', fields: ['cpu', 'features', 'displayPassword'] })
    expect(pending.message).toEqual({
      code: 'vmedit.pendingRestart',
      params: {
        parts: [
          { code: 'vmedit.partCpu' },
          { code: 'vmedit.partFeatures' },
          { code: 'vmedit.partDisplayPassword' },
        ],
      },
    })
    // A stop and start: the running VM takes the definition (libvirt completes its CPU: no change).
    await rootVirsh('hv3', 'destroy', LABVM3.name)
    await rootVirsh('hv3', 'start', LABVM3.name)
    await lab.core.call('inventory.refresh', {})
    const live = await rootVirsh('hv3', 'dumpxml', LABVM3.name)
    expect(live).toContain(`>${model}</model>`)
    expect(live).toContain('<pae/>')
    expect(await pendingOf()).toEqual({ host: 'hv3', fields: [] })
  }, 120_000)
})
