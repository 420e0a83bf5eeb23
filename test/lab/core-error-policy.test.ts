/**
 * error_policy='stop' on an existing VM's RBD disks (issue 15, item 4): the job writes it in the
 * definition on the reference host and syncs it to every host; the CD-ROM is left alone. labvm3's
 * original definitions are put back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labCore, type LabCore } from '../support/lab-core'
import { labGuest, LAB_HOSTS, requireLab, sshAsEtalab, virsh, type LabHostName } from './support/lab'

const VM = labGuest('labvm3')
let lab: LabCore
const original = new Map<string, string>()

beforeAll(async () => {
  await requireLab()
  await Promise.all(
    LAB_HOSTS.map(async (host) =>
      original.set(host.name, await virsh(host.name, `dumpxml --inactive ${VM.name}`)),
    ),
  )
  lab = await labCore()
  await lab.waitForInventory()
}, 60_000)

afterAll(async () => {
  await lab?.cleanup()
  // The hosts' own definitions, side by side.
  await Promise.all(
    [...original].map(async ([host, xml]) => {
      const r = await sshAsEtalab(host as LabHostName, 'LC_ALL=C virsh -c qemu:///system define /dev/stdin', {
        input: xml,
      })
      if (r.code !== 0) throw new Error(`restoring ${VM.name} on ${host}: ${r.stderr}`)
    }),
  )
}, 60_000)

describe("error_policy='stop'", () => {
  it('is set on the RBD disk on every host, and reads back in the inventory', async () => {
    expect(original.get('hv1')).not.toContain('error_policy')
    const job = await lab.runJob('vm.setErrorPolicy', { uuid: VM.uuid })
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    for (const host of LAB_HOSTS) {
      const xml = await virsh(host.name, `dumpxml --inactive ${VM.name}`)
      expect(xml).toContain("<driver name='qemu' type='raw' cache='writeback' error_policy='stop'/>")
      expect(xml.match(/error_policy=/g)).toHaveLength(1)
    }
    await lab.context.inventory.refreshAll({ definitions: true })
    const disks = lab.context.inventory.domain('hv3', VM.uuid)?.definition?.disks ?? []
    expect(disks.find((disk) => disk.rbd)?.errorPolicy).toBe('stop')
    expect(lab.context.inventory.vm(VM.uuid)?.flags).not.toContain('drift')
  })
})
