/**
 * Editing a VM's definition on every host (issue 19 item 3) through the real core on the lab, on
 * labvm3 (off on every host): a persistent edit defined on hv1–hv3 and read back identical; the hash
 * guard refusing when hv2's definition changed underneath (nothing changed, the new diff given);
 * live vCPUs on the running VM (TCG hot-plugs vCPUs up to the maximum) while memory, without a
 * balloon in the lab's VMs, waits for the next start and shows as pending. labvm3 is powered off again
 * and the lab's own definitions are defined back on every host afterwards.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VmEditPlan, VmEditResult, VmPending } from '../../src/shared/vmedit'
import { labCore, type LabCore } from '../support/lab-core'
import { asRootOn, labGuest, LAB_HOSTS, LAB_STATE_DIR, requireLab, type LabHostName } from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const LABVM3 = labGuest('labvm3')
const LAB_XML = () => fs.readFileSync(path.join(LAB_STATE_DIR, 'domains', 'labvm3.xml'), 'utf8')
let lab: LabCore

const rootVirsh = (host: LabHostName, ...args: string[]) =>
  asRootOn(host, 'virsh', '-c', 'qemu:///system', ...args)
const defineAsRoot = (host: LabHostName, xml: string) =>
  asRootOn(host, 'sh', '-c', 'printf "%s" "$1" | virsh -c qemu:///system define /dev/stdin', 'sh', xml)

/** labvm3 off and the lab's own definition on every host. */
async function restore(): Promise<void> {
  await rootVirsh('hv3', 'destroy', LABVM3.name).catch(() => undefined)
  await Promise.all(HOSTS.map((host) => defineAsRoot(host, LAB_XML())))
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
    const xmls = await Promise.all(HOSTS.map((host) => rootVirsh(host, 'dumpxml', '--inactive', LABVM3.name)))
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
    expect(pending).toEqual({ host: 'hv3', fields: ['memoryMiB'] })
  })
})
