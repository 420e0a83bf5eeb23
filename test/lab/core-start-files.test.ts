/**
 * A start on a host that lacks a boot file or CD-ROM image the VM opens from that host's own disk is refused before
 * anything is done, naming the files and the host (the migration pre-check's probe and judge:
 * vm/host-files.ts, judgeHostFiles): the VM stays off everywhere and no lease is left. With the files
 * back, the same start works. The path probe costs one exec on the chosen host, counted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { englishText, type Message } from '../../src/shared/messages'
import { labCore, type LabCore } from '../support/lab-core'
import { hideOnHv3, KERNEL, LABVM3, labvm3Leases, putBackOnHv3 } from './support/start-files'
import { asRootOn, LAB_ISO, requireLab, runningOn, waitFor } from './support/lab'

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

afterAll(async () => {
  await putBackOnHv3()
  await asRootOn('hv3', 'sh', '-c', `virsh -c qemu:///system destroy ${LABVM3.name} >/dev/null 2>&1; true`)
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
    expect(hv3.filter((argv) => argv.includes('hyperdesk-paths'))).toHaveLength(1)
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
