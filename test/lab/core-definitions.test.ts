/**
 * Definition drift and sync against the real lab: a VM edited on one host only shows as a diff
 * against the reference host, blocks a migration to that host, and vm.syncDefinition puts the
 * reference's definition back on every host (same UUID), reporting each host; a host that lost the
 * definition gets it again. Restores the lab's own definitions afterwards.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DefinitionDiff, MigrationPlan, SyncPlan, SyncResult } from '../../src/shared/migration'
import { readDefinition } from '../../src/main/core/definitions/drift'
import { CoreEvents } from '../../src/main/core/events'
import { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { RemoteResult, RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'
import { labCore, type LabCore } from '../support/lab-core'
import {
  asRootOn,
  labGuest,
  LAB_HOSTS,
  LAB_STATE_DIR,
  requireLab,
  virsh,
  waitFor,
  type LabHostName,
} from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const LABVM1 = labGuest('labvm1')
const LABVM3 = labGuest('labvm3')
let lab: LabCore

const rootVirsh = (host: LabHostName, ...args: string[]) =>
  asRootOn(host, 'virsh', '-c', 'qemu:///system', ...args)

/** Defines XML on a host as root, from stdin (as the app does). */
function defineAsRoot(host: LabHostName, xml: string): Promise<string> {
  return asRootOn(host, 'sh', '-c', 'printf "%s" "$1" | virsh -c qemu:///system define /dev/stdin', 'sh', xml)
}

/** Edits a VM's definition on one host only: adds a <description>. */
async function editOn(host: LabHostName, vm: string, text: string): Promise<void> {
  const xml = await rootVirsh(host, 'dumpxml', '--inactive', vm)
  await defineAsRoot(
    host,
    xml.replace(`<name>${vm}</name>`, `<name>${vm}</name>\n  <description>${text}</description>`),
  )
}

/** The lab's own definitions, as `lab up` defined them, on every host. */
async function restoreDefinitions(): Promise<void> {
  const xmls = ['labvm1', 'labvm3'].map((vm) =>
    fs.readFileSync(path.join(LAB_STATE_DIR, 'domains', `${vm}.xml`), 'utf8'),
  )
  // Each host's libvirtd on its own: the hosts in parallel (this runs after every test).
  await Promise.all(
    HOSTS.map(async (host) => {
      for (const xml of xmls) await defineAsRoot(host, xml)
    }),
  )
}

/** The lab's runner, counting its one-shot execs per host (what an inventory refresh costs). */
function countingRunner(inner: RemoteRunner): { runner: RemoteRunner; execs: Map<string, number> } {
  const execs = new Map<string, number>()
  const runner = Object.assign(Object.create(inner) as RemoteRunner, {
    run(host: string, argv: readonly string[], options?: RunOptions): Promise<RemoteResult> {
      execs.set(host, (execs.get(host) ?? 0) + 1)
      return inner.run(host, argv, options)
    },
  })
  return { runner, execs }
}

const diff = async (uuid: string, reference?: string) =>
  (await lab.core.call('vm.definitionDiff', { uuid, ...(reference ? { reference } : {}) })) as DefinitionDiff
const statuses = (d: DefinitionDiff) => d.hosts.map((h) => `${h.host}:${h.status}`)

beforeAll(async () => {
  await requireLab()
  await restoreDefinitions()
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
  await lab.waitForInventory()
}, 180_000)

afterEach(restoreDefinitions, 60_000)

afterAll(async () => {
  await lab?.cleanup()
  await restoreDefinitions()
}, 60_000)

describe('definition drift and sync', () => {
  it('shows a VM edited on one host as a diff, and sync from the reference puts it back everywhere', async () => {
    await editOn('hv2', LABVM3.name, 'edited on hv2 only')
    const before = await diff(LABVM3.uuid, 'hv1')
    expect(statuses(before)).toEqual(['hv1:reference', 'hv2:different', 'hv3:same'])
    const hv2 = before.hosts.find((h) => h.host === 'hv2')?.diff ?? ''
    expect(hv2).toContain('--- hv1/labvm3.xml')
    expect(hv2).toMatch(/^\+\s*<description>edited on hv2 only<\/description>$/m)
    // The inventory flags it too (from its definition hashes).
    await lab.core.call('inventory.refresh', {})
    expect(lab.context.inventory.snapshot().vms.find((v) => v.uuid === LABVM3.uuid)?.flags).toContain('drift')

    const job = await lab.runJob('vm.syncDefinition', { uuid: LABVM3.uuid, from: 'hv1' })
    expect(job.state).toBe('succeeded')
    expect((job.result as SyncResult).hosts).toEqual([
      { host: 'hv1', outcome: 'source' },
      { host: 'hv2', outcome: 'defined' },
      { host: 'hv3', outcome: 'unchanged' },
    ])
    expect(job.log.map((l) => l.text)).toEqual(expect.arrayContaining(['hv2: defined', 'hv3: unchanged']))
    expect(statuses(await diff(LABVM3.uuid, 'hv1'))).toEqual(['hv1:reference', 'hv2:same', 'hv3:same'])
    expect(await rootVirsh('hv2', 'dumpxml', '--inactive', LABVM3.name)).not.toContain('<description>')
    expect(lab.context.inventory.snapshot().vms.find((v) => v.uuid === LABVM3.uuid)?.flags).not.toContain(
      'drift',
    )
  })

  it('keeps a VNC password on the other hosts after a sync (dumpxml --security-info), and never shows it', async () => {
    const lab3 = fs.readFileSync(path.join(LAB_STATE_DIR, 'domains', 'labvm3.xml'), 'utf8')
    await defineAsRoot('hv1', lab3.replace("<graphics type='vnc'", "<graphics type='vnc' passwd='vnc-lab7'"))
    // The plain dump leaves it out: the hosts differ only by the password, which the diff hides.
    const before = await diff(LABVM3.uuid, 'hv1')
    expect(statuses(before)).toEqual(['hv1:reference', 'hv2:different', 'hv3:different'])
    expect(JSON.stringify(before)).not.toContain('vnc-lab7')
    expect(before.hosts[1]?.diff).toMatch(/^-.*passwd="\(hidden [0-9a-f]{12}\)"/m)
    const job = await lab.runJob('vm.syncDefinition', { uuid: LABVM3.uuid, from: 'hv1' })
    expect(job.state).toBe('succeeded')
    for (const host of ['hv2', 'hv3'] as const)
      expect(await rootVirsh(host, 'dumpxml', '--inactive', '--security-info', LABVM3.name)).toContain(
        "passwd='vnc-lab7'",
      )
    expect(statuses(await diff(LABVM3.uuid, 'hv1'))).toEqual(['hv1:reference', 'hv2:same', 'hv3:same'])
    // afterEach defines the lab's own XML (no password) on every host again.
  })

  it("reads a definition in the host's virsh session as one-shot virsh prints it, a big one too", async () => {
    // One-shot virsh (as etalab, like the app) prints libvirt's document, then an empty line.
    const oneShot = (host: LabHostName, uuid: string) =>
      virsh(host, `dumpxml --inactive --security-info ${uuid}`)
    const lab1 = await readDefinition(lab.context.runner, 'hv1', LABVM1.uuid)
    expect(lab1.status).toBe('defined')
    expect(lab1.status === 'defined' && `${lab1.xml}\n`).toBe(await oneShot('hv1', LABVM1.uuid))

    // Tens of KB: 40 disks, 16 cards, a VNC password, and a description whose lines look like
    // virsh's errors and prompt (the session merges virsh's stderr into its output).
    const uuid = '1ab0c0de-0000-4000-8000-00000000b16d'
    const disk = (n: number) =>
      `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>` +
      `<source file='/var/lib/libvirt/images/readback-${n}.qcow2'/>` +
      `<target dev='vd${String.fromCharCode(97 + (n % 26))}${n >= 26 ? 'a' : ''}' bus='virtio'/></disk>`
    const card = (n: number) =>
      `<interface type='bridge'><mac address='52:54:00:b1:6d:${n.toString(16).padStart(2, '0')}'/>` +
      `<source bridge='br0'/><model type='virtio'/></interface>`
    const description = Array.from(
      { length: 400 },
      (_, n) => `line ${n}: error: failed to get domain 'readback-big' virsh # dumpxml`,
    ).join("\nerror: failed to get domain 'readback-big'\n")
    await defineAsRoot(
      'hv1',
      `<domain type='qemu'><name>readback-big</name><uuid>${uuid}</uuid>` +
        `<description>${description}</description>` +
        `<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>` +
        Array.from({ length: 40 }, (_, n) => disk(n)).join('') +
        Array.from({ length: 16 }, (_, n) => card(n)).join('') +
        `<graphics type='vnc' autoport='yes' passwd='rb-s3crt'/></devices></domain>`,
    )
    try {
      const big = await readDefinition(lab.context.runner, 'hv1', uuid)
      const printed = await oneShot('hv1', uuid)
      expect(printed.length).toBeGreaterThan(30_000)
      expect(printed).toContain("passwd='rb-s3crt'")
      expect(printed).toMatch(/^error: failed to get domain /m)
      expect(big.status === 'defined' && `${big.xml}\n`).toBe(printed)
    } finally {
      await rootVirsh('hv1', 'undefine', uuid)
    }
    // Gone: libvirt's no-domain answer, not an error.
    expect(await readDefinition(lab.context.runner, 'hv1', uuid)).toEqual({ host: 'hv1', status: 'missing' })
  })

  it('a host that lost the definition shows it as missing and gets it back with the same UUID', async () => {
    await rootVirsh('hv3', 'undefine', LABVM3.name)
    expect(statuses(await diff(LABVM3.uuid))).toEqual(['hv1:reference', 'hv2:same', 'hv3:missing'])
    const job = await lab.runJob('vm.syncDefinition', { uuid: LABVM3.uuid, from: 'hv2' })
    expect(job.state).toBe('succeeded')
    expect((job.result as SyncResult).hosts.find((h) => h.host === 'hv3')?.outcome).toBe('defined')
    expect(await rootVirsh('hv3', 'domuuid', LABVM3.name)).toContain(LABVM3.uuid)
  })

  it('drift blocks a migration to that host until synced', async () => {
    await editOn('hv3', LABVM1.name, 'edited on hv3 only')
    const plan = (await lab.core.call('vm.migrationPlan', { uuid: LABVM1.uuid, to: 'hv3' })) as MigrationPlan
    expect(plan.canStart).toBe(false)
    expect(plan.persistent).toBe(false)
    expect(plan.checks.find((c) => c.id === 'drift')).toMatchObject({ level: 'fail' })
    expect((await lab.runJob('vm.syncDefinition', { uuid: LABVM1.uuid, from: 'hv1' })).state).toBe(
      'succeeded',
    )
    const after = (await lab.core.call('vm.migrationPlan', { uuid: LABVM1.uuid, to: 'hv3' })) as MigrationPlan
    expect(after.checks.find((c) => c.id === 'drift')).toMatchObject({ level: 'ok' })
    expect(after.canStart).toBe(true)
  })

  it('never redefines the host where the VM runs without that host named; then says it applies at the next start', async () => {
    // labvm1 runs on hv1; an edit made on hv2, then synced from hv2, would change hv1's definition.
    await editOn('hv2', LABVM1.name, 'edited on hv2')
    const plan = (await lab.core.call('vm.syncPlan', { uuid: LABVM1.uuid, from: 'hv2' })) as SyncPlan
    expect(plan.confirmHosts).toEqual(['hv1'])
    const hv1 = plan.hosts.find((h) => h.host === 'hv1')
    expect(hv1).toMatchObject({ status: 'different', running: true })
    // The diff is hv1's own dumpxml --inactive → what it would get.
    expect(hv1?.diff).toContain('--- hv1/labvm1.xml')
    expect(hv1?.diff).toMatch(/^\+\s*<description>edited on hv2<\/description>$/m)
    expect(plan.hosts.find((h) => h.host === 'hv3')).toMatchObject({ status: 'different', running: false })

    const refused = await lab.runJob('vm.syncDefinition', { uuid: LABVM1.uuid, from: 'hv2' })
    expect(refused.error).toMatchObject({ code: 'vm.sync.confirm-running-host', host: 'hv1' })
    expect(refused.error?.message).toBe(
      'labvm1 runs on hv1: its definition there changes only at its next power-off and start. Confirm by naming hv1.',
    )
    // Nothing changed anywhere, hv3 included.
    expect(await rootVirsh('hv1', 'dumpxml', '--inactive', LABVM1.name)).not.toContain('<description>')
    expect(await rootVirsh('hv3', 'dumpxml', '--inactive', LABVM1.name)).not.toContain('<description>')
    const wrongName = await lab.runJob('vm.syncDefinition', {
      uuid: LABVM1.uuid,
      from: 'hv2',
      confirmRunningHosts: ['hv3'],
    })
    expect(wrongName.error?.code).toBe('vm.sync.confirm-running-host')

    const job = await lab.runJob('vm.syncDefinition', {
      uuid: LABVM1.uuid,
      from: 'hv2',
      confirmRunningHosts: ['hv1'],
    })
    expect(job.state).toBe('succeeded')
    expect((job.result as SyncResult).hosts).toEqual([
      { host: 'hv2', outcome: 'source' },
      { host: 'hv1', outcome: 'defined', running: true },
      { host: 'hv3', outcome: 'defined' },
    ])
    expect(job.log.map((l) => l.text)).toContain(
      'hv1: defined (labvm1 runs there: applies at its next power-off and start)',
    )
    // The persistent definition changed; the running QEMU's did not.
    expect(await rootVirsh('hv1', 'dumpxml', '--inactive', LABVM1.name)).toContain(
      '<description>edited on hv2</description>',
    )
    expect(await rootVirsh('hv1', 'dumpxml', LABVM1.name)).not.toContain('<description>')
  })

  it('shows a change that raises no libvirt event (setmaxmem --config) by the next refresh, at one exec per host at rest', async () => {
    const { runner, execs } = countingRunner(lab.context.runner)
    const inventory = new InventoryService({
      runner,
      events: new CoreEvents(),
      hostNames: () => HOSTS,
      hasDomstats: () => true,
    })
    const drift = (snapshot: { vms: { uuid: string; flags: string[] }[] }) =>
      snapshot.vms.find((vm) => vm.uuid === LABVM3.uuid)?.flags.includes('drift')
    expect(drift(await inventory.refreshAll())).toBe(false)
    execs.clear()
    await inventory.refreshAll()
    expect(Object.fromEntries(execs)).toEqual({ hv1: 1, hv2: 1, hv3: 1 })

    const maxMemory = /<memory unit='KiB'>(\d+)</.exec(
      await rootVirsh('hv3', 'dumpxml', '--inactive', LABVM3.name),
    )?.[1]
    await rootVirsh('hv3', 'setmaxmem', LABVM3.name, String(Number(maxMemory) + 1024), '--config')
    execs.clear()
    expect(drift(await inventory.refreshAll())).toBe(true)
    // The changed host read that one definition in a follow-up; the others, one exec as always.
    expect(Object.fromEntries(execs)).toEqual({ hv1: 1, hv2: 1, hv3: 2 })
    execs.clear()
    expect(drift(await inventory.refreshAll())).toBe(true)
    expect(Object.fromEntries(execs)).toEqual({ hv1: 1, hv2: 1, hv3: 1 })

    // The app's own core refreshes every 10 minutes here: its event stream's watch of the definition
    // files is what shows the undoing, with no refresh asked.
    await rootVirsh('hv3', 'setmaxmem', LABVM3.name, String(maxMemory), '--config')
    await waitFor(
      'the undone change to show',
      () => drift(lab.context.inventory.snapshot()) === false,
      20_000,
      50,
    )
    await rootVirsh('hv3', 'setmaxmem', LABVM3.name, String(Number(maxMemory) + 2048), '--config')
    await waitFor('the change to show', () => drift(lab.context.inventory.snapshot()), 20_000, 50)
  })

  it('refuses a source that does not define the VM, and bad input', async () => {
    await rootVirsh('hv3', 'undefine', LABVM3.name)
    const job = await lab.runJob('vm.syncDefinition', { uuid: LABVM3.uuid, from: 'hv3' })
    expect(job.state).toBe('failed')
    expect(job.error).toMatchObject({ code: 'vm.not-defined', host: 'hv3' })
    await expect(lab.core.call('vm.syncDefinition', { uuid: 'labvm3', from: 'hv1' })).rejects.toMatchObject({
      code: 'api.invalid-params',
    })
    await expect(
      lab.core.call('vm.definitionDiff', { uuid: LABVM3.uuid, reference: 'hv9' }),
    ).rejects.toMatchObject({
      code: 'host.unknown',
    })
  })
})
