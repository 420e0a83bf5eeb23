import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { buildDomainXml } from '../../src/main/core/vmdef/builder'
import { planEdit, vmeditMsg } from '../../src/main/core/vmdef/edit'
import type { DeleteDeps } from '../../src/main/core/vmdef/delete'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import type { HostInventory, Vm } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import { msg } from '../../src/shared/messages/message'
import {
  VmEditParamsSchema,
  VmEditPlanParamsSchema,
  VmEditResultSchema,
  VmPendingSchema,
  type VmEditChanges,
} from '../../src/shared/vmedit'
import { screenshotPath } from '../support/browser'
import { sessionOverOneShot } from '../support/scripted-virsh'
import { sampleCluster, tempCore } from '../support/core'
import {
  CLOSED_PORT,
  openFakeInventoryPage,
  pushJob,
  type FakeInventoryPage,
  type InventoryRoute,
} from '../support/fake-inventory'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'

/**
 * The edit sheet, the pending marker and the rename dialog (issue 19 items 3–4) in the browser, in
 * English and French. The page's WebSocket goes through Playwright to a real core whose hosts are on
 * a closed port; the inventory is replaced (db1 running on hv2, web1 off), vm.editPlan is answered by
 * the core's own planEdit on a scripted cluster (each host's dumpxml the app's builder's XML), and
 * the edit job's updates are pushed as the core would send them. Rename goes to the real core, which
 * reaches no host and refuses with its reasons.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const DB1 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
const HOSTS = ['hv1', 'hv2', 'hv3']
const ISO = '/var/lib/libvirt/images/debian-12.iso'
const web1: Vm = {
  uuid: WEB1,
  name: 'web1',
  runningOn: [],
  lastKnownRunningOn: [],
  definedOn: HOSTS,
  missingOn: [],
  unknownOn: [],
  flags: [],
}
const db1: Vm = { ...web1, uuid: DB1, name: 'db1', runningOn: ['hv2'] }
const hosts: HostInventory[] = HOSTS.map((name) => ({
  host: name,
  reachable: true,
  facts: {},
  refreshedAt: Date.now(),
  domains: [
    { uuid: WEB1, name: 'web1', state: 'shutoff', autostart: false, managedSave: false },
    {
      uuid: DB1,
      name: 'db1',
      state: name === 'hv2' ? 'running' : 'shutoff',
      autostart: name === 'hv2',
      managedSave: false,
    },
  ],
}))
const inventory = { hosts, vms: [web1, db1] }
const hostStates: HostState[] = HOSTS.map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))
const DB1_XML = buildDomainXml({
  name: 'db1',
  uuid: DB1,
  domainType: 'kvm',
  machine: 'pc-i440fx-7.2',
  vcpus: 2,
  memoryMiB: 2048,
  disk: { pool: 'libvirt-ssd', image: 'db1', cephUser: 'libvirt', secretUuid: DB1 },
  nic: { mac: '02:00:00:12:34:57', bridge: 'br0' },
  keyboardLayout: 'fr',
  iso: ISO,
})

const RBD_INFO_DB1 = JSON.stringify({
  ...JSON.parse(fs.readFileSync(path.join(__dirname, '../unit/fixtures/ceph/pacific/rbd-info.json'), 'utf8')),
  name: 'db1',
  size: 10 * 2 ** 30,
})

/** The core's planEdit on a cluster whose hosts answer `xmlOf(host)` to dumpxml, ISO present everywhere. */
async function realPlan(params: unknown, xmlOf: (host: string) => string = () => DB1_XML) {
  const { uuid, changes, withXml } = VmEditPlanParamsSchema.parse(params)
  const virsh = async (host: string) => ({ stdout: xmlOf(host), stderr: '', exitCode: 0, durationMs: 0 })
  const runner = {
    virsh,
    // Definitions are read in each host's virsh session: the same answer, framed as the session's.
    virshQuery: sessionOverOneShot(virsh),
    // Ceph: db1's disk is 10 GiB (Ceph 16.2.15's rbd info, as the lab prints it); no other image exists.
    rbd: async (_host: string, args: readonly string[]) =>
      args[0] === 'info' && args[1] === 'libvirt-ssd/db1'
        ? { stdout: RBD_INFO_DB1, stderr: '', exitCode: 0 }
        : args[0] === 'status'
          ? { stdout: '{"watchers":[]}', stderr: '', exitCode: 0 }
          : {
              stdout: '',
              stderr: `rbd: error opening image ${args[1]}: (2) No such file or directory`,
              exitCode: 2,
            },
    run: async (host: string, argv: readonly string[], options?: { stdin?: string }) =>
      // libvirt's schema check (expert mode): hv3 refuses an unknown element, as libvirt 9 prints it.
      String(argv[2]).includes('virt-xml-validate')
        ? host === 'hv3' && options?.stdin?.includes('<bogus')
          ? {
              stdout: '',
              stderr:
                '-:40: element bogus: Relax-NG validity error : Element devices has extra content: bogus\n- fails to validate\n',
              exitCode: 3,
            }
          : { stdout: '- validates\n', stderr: '', exitCode: 0 }
        : {
            // Each host has the bridges br0 and br1 (listBridges), and every path asked (pathsArgv).
            stdout:
              argv[0] === 'sh'
                ? ['br0', 'br1']
                    .map((bridge) => `@@hyperdesk-list /sys/class/net/${bridge}/bridge\n`)
                    .join('')
                : argv
                    .slice(4)
                    .map((path) => `@@hyperdesk-path ${path}\n`)
                    .join(''),
            stderr: '',
            exitCode: 0,
          },
  } as unknown as RemoteRunner
  const deps = {
    runner,
    inventory: {
      vm: (id: string) => inventory.vms.find((vm) => vm.uuid === id),
      snapshot: () => inventory,
      // Each host's definitions as the plan reads them for MACs in use: web1's card is 02:00:00:12:34:56.
      host: (name: string) => {
        const found = inventory.hosts.find((host) => host.host === name)
        return (
          found && {
            ...found,
            domains: found.domains.map((domain) => ({
              ...domain,
              definition: { disks: [], nics: domain.uuid === WEB1 ? [{ mac: '02:00:00:12:34:56' }] : [] },
            })),
          }
        )
      },
      refreshHost: async () => undefined,
    } as unknown as InventoryService,
    vmLocks: new KeyedMutex(),
    hostNames: () => HOSTS,
    hostStates: () => hostStates,
    pools: () => ['libvirt-ssd', 'libvirt-sata'],
  } as unknown as DeleteDeps
  return (await planEdit(deps, uuid, changes as VmEditChanges, withXml ? { withXml } : {})).plan
}

let app: LabBrowser
let core: Awaited<ReturnType<typeof tempCore>>

beforeAll(async () => {
  core = await tempCore({
    ...sampleCluster,
    hosts: sampleCluster.hosts.map((entry) => ({ ...entry, address: '127.0.0.1', port: CLOSED_PORT })),
  })
  app = await startLabBrowser(core)
})

afterAll(async () => {
  await app?.close()
  await core?.cleanup()
})

interface Opened extends FakeInventoryPage {
  edits: unknown[]
}

const JOB: Job = {
  id: '4a0c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5c',
  kind: 'vm.edit',
  title: 'Edit db1',
  target: { vm: DB1 },
  state: 'running',
  progress: 0.3,
  step: 'hv2: defining the edited db1',
  log: [],
  cancellable: false,
  startedAt: Date.now(),
} as Job

async function openApp(locale: string): Promise<Opened> {
  const edits: unknown[] = []
  const route: InventoryRoute = {
    inventory,
    hostStates,
    dropFakedHostStates: false,
    answer(call) {
      if (call.method === 'vm.editPlan') return realPlan(call.params)
      if (call.method === 'vm.pending')
        return VmPendingSchema.parse({
          host: 'hv2',
          fields: ['maxMemoryMiB', 'cpu'],
          message: vmeditMsg('pendingRestart', {
            parts: [vmeditMsg('partMaxMemoryMiB'), vmeditMsg('partCpu')],
          }),
        })
      if (call.method === 'vm.edit') {
        edits.push(VmEditParamsSchema.parse(call.params))
        return JOB
      }
      return undefined
    },
  }
  const opened = await openFakeInventoryPage(app, locale, route, { height: 1100, ready: 'tree-vm-db1' })
  return { ...opened, edits }
}

/** Text with French spacing (narrow no-break spaces before ":") as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ')

describe('VM edit sheet', () => {
  it('English: the settings as every host has them, the diff with live and pending, then a host changed meanwhile', async () => {
    const { context, page, errors, edits, socket } = await openApp('en-US')
    await page.getByTestId('tree-vm-db1').first().click()
    // The VM view marks what the running VM has not taken yet.
    await expect
      .poll(() => page.getByTestId('vm-pending').textContent())
      .toBe('Pending until restart: maximum memory and CPU model.')
    await page.getByTestId('vm-edit').click()
    const sheet = page.getByTestId('vm-edit-sheet')
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    expect(await sheet.locator('h1').textContent()).toBe('Edit db1')
    expect(await page.getByTestId('vm-edit-vcpus').inputValue()).toBe('2')
    expect(await page.getByTestId('vm-edit-memoryMiB').inputValue()).toBe('2048')
    expect(await page.getByTestId('vm-edit-cdrom-hdc').inputValue()).toBe(ISO)
    expect(await page.getByTestId('vm-edit-autostart').inputValue()).toBe('hv2')
    // Nothing applies before the changes were shown.
    expect(await page.getByTestId('vm-edit-apply').isDisabled()).toBe(true)
    await page.getByTestId('vm-edit-vcpus').fill('1')
    await page.getByTestId('vm-edit-maxMemoryMiB').fill('4096')
    await page.getByTestId('vm-edit-eject-hdc').click()
    await page.getByTestId('vm-edit-description').fill('database, primary')
    await page.getByTestId('vm-edit-preview').click()
    const diff = page.getByTestId('vm-edit-diff')
    await expect.poll(() => diff.count(), { timeout: 10_000 }).toBe(1)
    expect(await diff.textContent()).toMatch(/\+\s*<description>database, primary<\/description>/)
    expect(await page.getByTestId('vm-edit-live').textContent()).toBe(
      'Applied at once to the running VM on hv2: vCPUs, CD-ROM media.',
    )
    expect(await page.getByTestId('vm-edit-pending').textContent()).toBe(
      'Pending until its next power-off and start: maximum memory.',
    )
    // A change after the preview must be shown again before it applies.
    await page.getByTestId('vm-edit-vcpus').fill('')
    expect(await page.getByTestId('vm-edit-apply').isDisabled()).toBe(true)
    expect(await sheet.textContent()).toContain('Type a whole number.')
    await page.getByTestId('vm-edit-vcpus').fill('1')
    await page.getByTestId('vm-edit-apply').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-diff-en') })
    await page.getByTestId('vm-edit-apply').click()
    await expect.poll(() => edits.length).toBe(1)
    // The changes sent are exactly the ones shown, with each host's hash from the plan.
    expect(edits[0]).toMatchObject({
      uuid: DB1,
      changes: {
        vcpus: 1,
        maxMemoryMiB: 4096,
        description: 'database, primary',
        cdrom: { target: 'hdc', iso: null },
      },
    })
    expect(Object.keys((edits[0] as { hashes: object }).hashes)).toEqual(HOSTS)
    // Meanwhile another admin edited hv3: the core refuses with the new plan.
    const fresh = await realPlan({ uuid: DB1, changes: { vcpus: 1 } }, (host) =>
      host === 'hv3' ? DB1_XML.replace('<vcpu', '<description>bob</description><vcpu') : DB1_XML,
    )
    const error = ApiError.of('vm.edit.changed', msg('vmedit.changed', { name: 'db1', hosts: ['hv3'] }), {
      host: 'hv3',
      step: msg('errorSteps.compareHashes'),
      details: { plan: fresh },
    }).toData()
    pushJob(socket, { ...JOB, state: 'failed', endedAt: Date.now(), error } as Job)
    const status = page.getByTestId('vm-edit-job')
    await expect.poll(() => status.getAttribute('data-state')).toBe('failed')
    expect(await page.getByTestId('vm-edit-job-error').textContent()).toContain(
      'The definition of db1 changed on hv3 since the diff was shown (another admin?): nothing was changed.',
    )
    expect(await status.textContent()).toContain(
      'The definition of db1 differs between hv2 and hv3: sync the definitions first',
    )
    await status.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-changed-en') })
    expect(errors).toEqual([])
    await context.close()
  })

  it('French: refusals in French, then an edit applied with what waits for the restart', async () => {
    const { context, page, errors, socket } = await openApp('fr-FR')
    await page.getByTestId('tree-vm-db1').first().click()
    await expect
      .poll(async () => plain(await page.getByTestId('vm-pending').textContent()))
      .toBe('En attente du redémarrage : mémoire maximale et modèle de CPU.')
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.getByTestId('vm-edit-sheet').locator('h1').textContent()).toBe('Modifier db1')
    // More vCPUs than the maximum: the core's refusal, in French.
    await page.getByTestId('vm-edit-vcpus').fill('4')
    await page.getByTestId('vm-edit-maxVcpus').fill('3')
    await page.getByTestId('vm-edit-preview').click()
    const refusals = page.getByTestId('vm-edit-refusals')
    await expect.poll(() => refusals.count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await refusals.textContent())).toContain(
      'Les vCPU (4) ne peuvent pas dépasser le maximum (3).',
    )
    expect(await page.getByTestId('vm-edit-apply').isDisabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('vm-edit-refused-fr') })
    await page.getByTestId('vm-edit-maxVcpus').fill('4')
    await page.getByTestId('vm-edit-boot').selectOption('cdrom,hd')
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(plain(await page.getByTestId('vm-edit-pending').textContent())).toBe(
      'En attente de son prochain arrêt et démarrage : vCPU maximum, vCPU, ordre de démarrage.',
    )
    await page.getByTestId('vm-edit-apply').click()
    const result = VmEditResultSchema.parse({
      name: 'db1',
      hosts: HOSTS,
      live: [],
      pending: ['maxVcpus', 'vcpus', 'bootOrder'],
    })
    await expect.poll(() => page.getByTestId('vm-edit-job').count()).toBe(1)
    pushJob(socket, { ...JOB, state: 'succeeded', endedAt: Date.now(), result } as Job)
    const status = page.getByTestId('vm-edit-job')
    await expect.poll(() => status.getAttribute('data-state')).toBe('succeeded')
    expect(plain(await status.textContent())).toContain('Modifiée sur hv1, hv2, hv3.')
    await status.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-done-fr') })
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('VM edit sheet: disks', () => {
  it('English: sizes from Ceph, a grow and a new image shown with their targets, then sent as typed', async () => {
    const { context, page, errors, edits } = await openApp('en-US')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await page.getByTestId('vm-edit-disk-vda').textContent())).toContain(
      'vdalibvirt-ssd/db110 GiB',
    )
    // A size that is not one: said at once, nothing can be shown.
    await page.getByTestId('vm-edit-grow-vda').fill('big')
    expect(await page.getByTestId('vm-edit-disks').textContent()).toContain(
      'Size: a positive number with a unit, e.g. 512 MiB or 20 GiB.',
    )
    expect(await page.getByTestId('vm-edit-preview').isDisabled()).toBe(true)
    // Smaller than now: the core refuses (never shrink).
    await page.getByTestId('vm-edit-grow-vda').fill('8 GiB')
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-refusals').count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await page.getByTestId('vm-edit-refusals').textContent())).toContain(
      'vda (libvirt-ssd/db1) is 10 GiB: 8 GiB is not larger.',
    )
    await page.getByTestId('vm-edit-grow-vda').fill('12')
    await page.getByTestId('vm-edit-attach-image').fill('db1-data')
    await page.getByTestId('vm-edit-attach-size').fill('2 GiB')
    await page.getByTestId('vm-edit-attach-add').click()
    expect(plain(await page.getByTestId('vm-edit-attach-list').textContent())).toContain(
      'To attach, new (2 GiB): libvirt-ssd/db1-data',
    )
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    const summary = plain(await page.getByTestId('vm-edit-disk-plan').textContent())
    expect(summary).toContain('New image (2 GiB) attached: libvirt-ssd/db1-data → vdb')
    expect(summary).toContain('Grown from 10 GiB to 12 GiB: vda (libvirt-ssd/db1)')
    expect(await page.getByTestId('vm-edit-live').textContent()).toBe(
      'Applied at once to the running VM on hv2: new disks.',
    )
    expect(await page.getByTestId('vm-edit-diff').textContent()).toMatch(
      /\+\s*<source name="libvirt-ssd\/db1-data" protocol="rbd"\/>\n\+\s*<target bus="virtio" dev="vdb"\/>/,
    )
    await page.getByTestId('vm-edit-disk-plan').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-disks-en'), fullPage: true })
    await page.getByTestId('vm-edit-apply').click()
    await expect.poll(() => edits.length).toBe(1)
    expect(edits[0]).toMatchObject({
      changes: {
        attachDisks: [{ pool: 'libvirt-ssd', image: 'db1-data', sizeBytes: 2 * 2 ** 30 }],
        growDisks: [{ target: 'vda', sizeBytes: 12 * 2 ** 30 }],
      },
    })
    expect(errors).toEqual([])
    await context.close()
  })

  it('French: an existing image that does not exist is refused in French; a detach is shown live', async () => {
    const { context, page, errors } = await openApp('fr-FR')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await page.getByTestId('vm-edit-disk-vda').textContent())).toContain('10 Gio')
    await page.getByTestId('vm-edit-attach-kind').selectOption('existing')
    expect(await page.getByTestId('vm-edit-attach-size').count()).toBe(0)
    await page.getByTestId('vm-edit-attach-pool').selectOption('libvirt-sata')
    await page.getByTestId('vm-edit-attach-image').fill('ancien/disque')
    expect(await page.getByTestId('vm-edit-attach-add').isDisabled()).toBe(true)
    await page.getByTestId('vm-edit-attach-image').fill('ancien-disque')
    await page.getByTestId('vm-edit-attach-add').click()
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-refusals').count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await page.getByTestId('vm-edit-refusals').textContent())).toContain(
      'libvirt-sata/ancien-disque n’existe pas : donnez une taille pour la créer, ou vérifiez son nom dans la vue Stockage.',
    )
    await page.getByTestId('vm-edit-refusals').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-disks-refused-fr'), fullPage: true })
    await page.getByTestId('vm-edit-attach-list').getByRole('button').click()
    await page.getByTestId('vm-edit-detach-vda').check()
    expect(await page.getByTestId('vm-edit-grow-vda').isDisabled()).toBe(true)
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(plain(await page.getByTestId('vm-edit-live').textContent())).toBe(
      'Appliqué tout de suite à la VM en marche sur hv2 : disques détachés.',
    )
    await page.screenshot({ path: screenshotPath('vm-edit-disks-fr'), fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('VM edit sheet: network cards', () => {
  const MAC = '02:00:00:12:34:57'

  it('English: a bridge moved and a card added with a MAC the core draws, sent as shown', async () => {
    const { context, page, errors, edits } = await openApp('en-US')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.getByTestId(`vm-edit-nic-mac-${MAC}`).inputValue()).toBe(MAC)
    expect(await page.getByTestId(`vm-edit-nic-bridge-${MAC}`).inputValue()).toBe('br0')
    await page.getByTestId(`vm-edit-nic-bridge-${MAC}`).selectOption('br1')
    await page.getByTestId('vm-edit-nic-add-button').click()
    expect(await page.getByTestId('vm-edit-nic-add-list').textContent()).toContain(
      'To add, MAC drawn by the app: br0 (virtio)',
    )
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(await page.getByTestId('vm-edit-live').textContent()).toBe(
      'Applied at once to the running VM on hv2: new network cards, bridges.',
    )
    const added = /52:54:00(:[0-9a-f]{2}){3}/.exec(
      (await page.getByTestId('vm-edit-nic-plan').textContent()) ?? '',
    )
    expect(added).not.toBeNull()
    expect(await page.getByTestId('vm-edit-nic-plan').textContent()).toBe(
      `New network card: ${added![0]} → br0 (virtio)`,
    )
    expect(await page.getByTestId('vm-edit-diff').textContent()).toContain(
      `+      <mac address="${added![0]}"/>`,
    )
    await page.getByTestId('vm-edit-nic-plan').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-nics-en'), fullPage: true })
    await page.getByTestId('vm-edit-apply').click()
    await expect.poll(() => edits.length).toBe(1)
    // The MAC the plan drew is the one sent: the job defines the diff that was shown.
    expect(edits[0]).toMatchObject({
      changes: { addNics: [{ bridge: 'br0', mac: added![0] }], changeNics: [{ mac: MAC, bridge: 'br1' }] },
    })
    expect(errors).toEqual([])
    await context.close()
  })

  it('French: a MAC that is not one said at once; a MAC change waits for the restart', async () => {
    const { context, page, errors } = await openApp('fr-FR')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    const mac = page.getByTestId(`vm-edit-nic-mac-${MAC}`)
    await mac.fill('03:00:00:12:34:57')
    expect(plain(await page.getByTestId('vm-edit-nics').textContent())).toContain('multicast')
    expect(await page.getByTestId('vm-edit-preview').isDisabled()).toBe(true)
    // web1's MAC: refused by the core, in French.
    await mac.fill('02:00:00:12:34:56')
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-refusals').count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await page.getByTestId('vm-edit-refusals').textContent())).toContain(
      'La MAC 02:00:00:12:34:56 est déjà utilisée par web1 sur hv1 : une MAC est unique parmi toutes les définitions de tous les hôtes.',
    )
    await page.getByTestId('vm-edit-refusals').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-nics-refused-fr'), fullPage: true })
    await mac.fill('02-00-00-12-34-99')
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(plain(await page.getByTestId('vm-edit-pending').textContent())).toBe(
      'En attente de son prochain arrêt et démarrage : cartes réseau.',
    )
    expect(await page.getByTestId('vm-edit-diff').textContent()).toContain(
      '+      <mac address="02:00:00:12:34:99"/>',
    )
    await page.getByTestId('vm-edit-pending').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-nics-fr'), fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('VM rename dialog', () => {
  for (const [locale, language] of [
    ['en-US', 'en'],
    ['fr-FR', 'fr'],
  ] as const) {
    it(`${language}: refused while running; the name checked live; the core's refusals listed`, async () => {
      const { context, page, errors } = await openApp(locale)
      await page.getByTestId('tree-vm-db1').first().click()
      await page.getByTestId('vm-rename').click()
      expect(await page.getByTestId('vm-rename-running').textContent()).toContain('hv2')
      await page.getByTestId('vm-rename-name').fill('db2')
      expect(await page.getByTestId('vm-rename-confirm').isDisabled()).toBe(true)
      await page.keyboard.press('Escape')
      await expect.poll(() => page.getByTestId('vm-rename-dialog').count()).toBe(0)

      await page.getByTestId('tree-vm-web1').first().click()
      await page.getByTestId('vm-rename').click()
      expect(await page.getByTestId('vm-rename-running').count()).toBe(0)
      const name = page.getByTestId('vm-rename-name')
      await name.fill('web 2')
      expect(await page.getByTestId('vm-rename-problem').textContent()).toContain('␠')
      expect(await page.getByTestId('vm-rename-confirm').isDisabled()).toBe(true)
      await name.fill('db1')
      expect(await page.getByTestId('vm-rename-problem').textContent()).toContain('db1')
      await name.fill('web2')
      expect(await page.getByTestId('vm-rename-problem').count()).toBe(0)
      await page.screenshot({ path: screenshotPath(`vm-rename-${language}`) })
      // The real core reads every host first: none answers, so nothing is renamed and each reason is listed.
      await page.getByTestId('vm-rename-confirm').click()
      const job = page.getByTestId('vm-rename-job')
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed')
      // In the page's language: the core's reason is a message.
      expect(plain(await page.getByTestId('vm-rename-job-error').textContent())).toContain(
        language === 'fr'
          ? `Aucun hôte qui répond ne définit de VM d’UUID ${WEB1}`
          : `No host that answers defines a VM with UUID ${WEB1}`,
      )
      await page.screenshot({ path: screenshotPath(`vm-rename-failed-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })
  }
})

describe('VM edit sheet: XML (expert)', () => {
  const edited = (xml: string) => xml.replace('</uuid>', '</uuid>\n  <description>expert</description>')

  it('English: the definition as XML, a rename refused, hv3’s validator output shown, then the XML applied with the hashes it was read with', async () => {
    const { context, page, errors, edits } = await openApp('en-US')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    await page.getByTestId('vm-edit-mode-xml').check()
    const area = page.getByTestId('vm-edit-xml')
    await expect.poll(() => area.count(), { timeout: 10_000 }).toBe(1)
    const xml = await area.inputValue()
    expect(xml).toBe(DB1_XML)
    await area.fill(xml.replace('<name>db1</name>', '<name>db2</name>'))
    await page.getByTestId('vm-edit-preview').click()
    const refusals = page.getByTestId('vm-edit-refusals')
    await expect.poll(() => refusals.count(), { timeout: 10_000 }).toBe(1)
    expect(await refusals.textContent()).toContain(
      'The XML renames db1 to db2: expert mode does not rename. Put the name back, and use Rename (VM off).',
    )
    await area.fill(xml.replace('</devices>', '<bogus/></devices>'))
    await page.getByTestId('vm-edit-preview').click()
    await expect
      .poll(async () => (await refusals.textContent()) ?? '', { timeout: 10_000 })
      .toContain('libvirt’s schema refuses the XML on hv3 (virt-xml-validate): nothing was changed.')
    expect(await refusals.textContent()).toContain('Element devices has extra content: bogus')
    expect(await page.getByTestId('vm-edit-apply').isDisabled()).toBe(true)
    await refusals.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-xml-invalid-en') })
    await area.fill(edited(xml))
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(await page.getByTestId('vm-edit-diff').textContent()).toMatch(
      /\+\s*<description>expert<\/description>/,
    )
    expect(await page.getByTestId('vm-edit-pending').textContent()).toBe(
      'Pending until its next power-off and start: description, the edited XML.',
    )
    await page.getByTestId('vm-edit-apply').click()
    await expect.poll(() => edits.length).toBe(1)
    expect(edits[0]).toMatchObject({ uuid: DB1, changes: { xml: edited(xml) } })
    expect(Object.keys((edits[0] as { hashes: object }).hashes)).toEqual(HOSTS)
    await page.screenshot({ path: screenshotPath('vm-edit-xml-en') })
    expect(errors).toEqual([])
    await context.close()
  })

  it('French: the validator’s refusal in French, then a host changed since the XML was read', async () => {
    const { context, page, errors, socket } = await openApp('fr-FR')
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-edit').click()
    await expect.poll(() => page.getByTestId('vm-edit-form').count(), { timeout: 10_000 }).toBe(1)
    await page.getByTestId('vm-edit-mode-xml').check()
    const area = page.getByTestId('vm-edit-xml')
    await expect.poll(() => area.count(), { timeout: 10_000 }).toBe(1)
    const xml = await area.inputValue()
    await area.fill(xml.replace('</devices>', '<bogus/></devices>'))
    await page.getByTestId('vm-edit-preview').click()
    const refusals = page.getByTestId('vm-edit-refusals')
    await expect.poll(() => refusals.count(), { timeout: 10_000 }).toBe(1)
    expect(plain(await refusals.textContent())).toContain(
      'Le schéma de libvirt refuse le XML sur hv3 (virt-xml-validate) : rien n’a été modifié.',
    )
    await area.fill(edited(xml))
    await page.getByTestId('vm-edit-preview').click()
    await expect.poll(() => page.getByTestId('vm-edit-apply').isDisabled(), { timeout: 10_000 }).toBe(false)
    await page.getByTestId('vm-edit-apply').click()
    await expect.poll(() => page.getByTestId('vm-edit-job').count()).toBe(1)
    const fresh = await realPlan({ uuid: DB1, changes: { xml: edited(xml) } }, (host) =>
      host === 'hv3' ? DB1_XML.replace('</uuid>', '</uuid><title>bob</title>') : DB1_XML,
    )
    const error = ApiError.of('vm.edit.changed', msg('vmedit.changed', { name: 'db1', hosts: ['hv3'] }), {
      host: 'hv3',
      step: msg('errorSteps.compareHashes'),
      details: { plan: fresh },
    }).toData()
    pushJob(socket, { ...JOB, state: 'failed', endedAt: Date.now(), error } as Job)
    const status = page.getByTestId('vm-edit-job')
    await expect.poll(() => status.getAttribute('data-state')).toBe('failed')
    expect(plain(await status.textContent())).toContain('Une autre modification a eu lieu entre-temps')
    expect(await page.getByTestId('vm-edit-new-diff').count()).toBe(1)
    await status.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-edit-xml-changed-fr') })
    expect(errors).toEqual([])
    await context.close()
  })
})
