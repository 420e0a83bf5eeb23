import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ApiError, commandStep } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import type { Check } from '../../src/shared/messages'
import { msg } from '../../src/shared/messages/message'
import { StorageListingSchema } from '../../src/shared/storage'
import {
  ClonePlanSchema,
  CloneVmParamsSchema,
  CreatePlanSchema,
  CreateVmParamsSchema,
  type ClonePlan,
  type CloneVmResult,
  type CreatePlan,
} from '../../src/shared/vmdef'
import { screenshotPath } from '../support/browser'
import {
  openFakeInventoryPage,
  pushJob,
  useClosedPortApp,
  type FakeInventoryPage,
} from '../support/fake-inventory'

/**
 * The VM creation wizard and the delete dialog (issue 19) in the browser, in English and French.
 * No host is connected: the page's WebSocket goes through Playwright to a real core whose hosts are
 * on a closed loopback port. The real core answers the pre-checks (every host offline), the cleanup
 * of an unknown job and the deletion; only the inventory, and — to show a cluster that answers —
 * `vm.createPlan` and a `vm.create` job's updates, are replaced by values of the contract's shapes
 * (parsed with its schemas below), as the lab's hosts would send them.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const DB1 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'

const web1: Vm = {
  uuid: WEB1,
  name: 'web1',
  runningOn: [],
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2', 'hv3'],
  missingOn: [],
  unknownOn: [],
  flags: [],
}
const db1: Vm = { ...web1, uuid: DB1, name: 'db1', runningOn: ['hv2'] }
/** web1's definition as the inventory parses it: one RBD disk, one failover NIC, VNC, a serial console. */
const web1Definition = DomainDefinitionSchema.parse({
  name: 'web1',
  uuid: WEB1,
  type: 'kvm',
  memoryKiB: 1024 * 1024,
  currentMemoryKiB: 1024 * 1024,
  vcpus: 2,
  disks: [
    {
      device: 'disk',
      target: 'vda',
      bus: 'virtio',
      rbd: { pool: 'libvirt-ssd', image: 'web1' },
      readonly: false,
      errorPolicy: 'stop',
    },
  ],
  nics: [{ mac: '02:00:00:12:34:56', type: 'bridge', bridge: 'br0', model: 'virtio' }],
  graphics: [{ type: 'vnc', autoport: true, listen: '127.0.0.1', keymap: 'fr' }],
  serials: [{ type: 'pty' }],
  hyperdesk: {},
})
const host = (name: string): HostInventory => ({
  host: name,
  reachable: true,
  facts: {},
  refreshedAt: Date.now(),
  domains: [
    {
      uuid: WEB1,
      name: 'web1',
      state: 'shutoff',
      autostart: false,
      managedSave: false,
      definition: web1Definition,
    },
    {
      uuid: DB1,
      name: 'db1',
      state: name === 'hv2' ? 'running' : 'shutoff',
      autostart: false,
      managedSave: false,
    },
  ],
})
const inventory = { hosts: ['hv1', 'hv2', 'hv3'].map(host), vms: [web1, db1] }
const hostStates: HostState[] = ['hv1', 'hv2', 'hv3'].map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))

const ok = (id: string, code: Parameters<typeof msg>[0], params: Record<string, unknown>): Check => ({
  id,
  level: 'ok',
  message: { code, params } as Check['message'],
})
/** A plan as vm.createPlan answers on a healthy 3-host cluster, for the form's values. */
function healthyPlan(params: unknown): CreatePlan {
  const input = CreateVmParamsSchema.parse(params)
  const isoMissing = input.iso === '/var/lib/libvirt/images/debian-13.iso'
  const checks: Check[] = [
    ...['hv1', 'hv2', 'hv3'].map((name) => ok(`host:${name}`, 'vmdef.hostOnline', { host: name })),
    ok('pool', 'vmdef.poolSpace', { pool: input.pool, free: 412 * 2 ** 30, size: input.sizeBytes }),
    ok('name', 'vmdef.nameFree', { name: input.name }),
    ok('image', 'vmdef.imageFree', { pool: input.pool, name: input.name }),
    input.network.kind === 'failover'
      ? ok('mac', 'vmdef.macFree', { mac: input.network.mac })
      : ok('mac', 'vmdef.macGenerated', { mac: '52:54:00:3a:7c:01' }),
    ok('bridge', 'vmdef.bridgePresent', { bridge: input.bridge }),
    isoMissing
      ? {
          id: 'iso',
          level: 'fail',
          message: { code: 'vmdef.isoMissing', params: { iso: input.iso!, hosts: ['hv3'] } },
        }
      : input.iso
        ? ok('iso', 'vmdef.isoPresent', { iso: input.iso })
        : { id: 'iso', level: 'info', message: { code: 'vmdef.noIso' } },
    ok('secret', 'vmdef.secretSame', { uuid: 'a1b2c3d4-0000-4000-8000-0000000000c1' }),
    ok('machine', 'vmdef.machine', { machine: 'pc-i440fx-7.2', pcs: 'pc-i440fx-7.2' }),
  ]
  return CreatePlanSchema.parse({
    name: input.name,
    checks,
    canCreate: !checks.some((check) => check.level === 'fail'),
    machine: 'pc-i440fx-7.2',
    domainType: input.domainType ?? 'kvm',
    mac: input.network.kind === 'failover' ? input.network.mac : '52:54:00:3a:7c:01',
    bridges: ['br0', 'br1'],
    isos: ['/var/lib/libvirt/images/debian-12.iso', '/var/lib/libvirt/images/lab.iso'],
    poolFreeBytes: 412 * 2 ** 30,
  })
}

/**
 * A plan as vm.clonePlan answers on a healthy cluster: web1 (off, one RBD disk in libvirt-ssd) or the
 * template libvirt-ssd/debian12@golden, the clone's own checks, then creation's for the new VM.
 */
function healthyClonePlan(params: unknown): ClonePlan {
  const input = CloneVmParamsSchema.parse(params)
  const fromVm = input.source.kind === 'vm'
  const parent = fromVm ? 'libvirt-ssd/web1' : 'libvirt-ssd/debian12'
  const snapshot = fromVm ? `clone-${input.name}` : 'golden'
  const pool = input.pool ?? 'libvirt-ssd'
  const created = healthyPlan({
    name: input.name,
    pool,
    sizeBytes: 20 * 2 ** 30,
    network: input.network,
    ...(input.startOn ? { startOn: input.startOn } : {}),
  })
  const checks: Check[] = [
    fromVm
      ? ok('source', 'vmdef.cloneSourceOff', { name: 'web1' })
      : ok('snapshot', 'vmdef.cloneTemplate', { parent, snapshot }),
    ok('clone', 'vmdef.cloneDisk', { pool, name: input.name, parent, snapshot }),
    ...created.checks.filter((check) => !fromVm || (check.id !== 'iso' && check.id !== 'machine')),
    ...(fromVm ? [ok('machine', 'vmdef.cloneMachineKept', { name: 'web1', machine: 'pc-i440fx-7.2' })] : []),
  ]
  return ClonePlanSchema.parse({
    ...created,
    checks,
    canCreate: true,
    parent,
    snapshot,
    makesSnapshot: fromVm,
    sizeBytes: 20 * 2 ** 30,
    vcpus: fromVm ? 2 : input.vcpus,
    memoryMiB: fromVm ? 1024 : input.memoryMiB,
  })
}

/** storage.list as the core answers it: web1's disk, and a template image with a protected snapshot. */
const listing = StorageListingSchema.parse({
  host: 'hv1',
  unknownHosts: [],
  at: Date.now(),
  pools: [
    {
      pool: 'libvirt-ssd',
      images: [
        {
          pool: 'libvirt-ssd',
          name: 'debian12',
          sizeBytes: 20 * 2 ** 30,
          fastDiff: true,
          usedBytes: 2 * 2 ** 30,
          features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff'],
          watchers: [],
          snapshots: [
            {
              name: 'golden',
              sizeBytes: 20 * 2 ** 30,
              protected: true,
              createdAt: 'Wed Dec  2 09:04:21 2026',
            },
            { name: 'before-upgrade', sizeBytes: 20 * 2 ** 30, protected: false },
          ],
          usedBy: [],
          orphan: true,
        },
        {
          pool: 'libvirt-ssd',
          name: 'web1',
          sizeBytes: 20 * 2 ** 30,
          fastDiff: true,
          features: ['layering'],
          watchers: [],
          snapshots: [],
          usedBy: [{ uuid: WEB1, name: 'web1', target: 'vda', runningOn: [], lastKnownRunningOn: [] }],
          orphan: false,
        },
      ],
    },
    { pool: 'libvirt-sata', images: [] },
  ],
})

/** Text with French spacing (narrow no-break spaces before ":") as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ')

const app = useClosedPortApp()

interface Opened extends FakeInventoryPage {
  /** The create (or clone) calls the page made (their params). */
  creates: unknown[]
  /** The clone plans the page asked for (their params). */
  clonePlans: unknown[]
}

/**
 * A page whose inventory shows web1 (stopped, one RBD disk) and db1 (running on hv2). With
 * `healthy`, the pre-checks answer as a healthy cluster would and vm.create starts `fakeJob`.
 */
async function openApp(locale: string, healthy: boolean, fakeJob?: Job): Promise<Opened> {
  const creates: unknown[] = []
  const clonePlans: unknown[] = []
  const opened = await openFakeInventoryPage(
    app(),
    locale,
    {
      inventory,
      hostStates,
      // The real core's states of its closed-port hosts reach the page.
      dropFakedHostStates: false,
      answer(call) {
        if (healthy && call.method === 'vm.createPlan') return healthyPlan(call.params)
        if (call.method === 'vm.clonePlan') clonePlans.push(call.params)
        if (healthy && call.method === 'vm.clonePlan') return healthyClonePlan(call.params)
        if (healthy && call.method === 'storage.list') return listing
        if (fakeJob && (call.method === 'vm.create' || call.method === 'vm.clone')) {
          creates.push(call.params)
          return fakeJob
        }
        return undefined
      },
    },
    { height: 1000, ready: 'open-vm-create' },
  )
  return { ...opened, creates, clonePlans }
}

const problem = (page: Page) => page.getByTestId('vm-create-sheet').getByTestId('vm-create-problem')

describe('VM creation wizard', () => {
  it('English, real core: the name rule is said live, then every host is checked and creation stays refused', async () => {
    const { context, page, errors } = await openApp('en-US', false)
    await page.getByTestId('open-vm-create').click()
    const sheet = page.getByTestId('vm-create-sheet')
    expect(await sheet.locator('h1').textContent()).toBe('Create a VM')
    // The runbook's defaults.
    expect(await page.getByTestId('vm-create-vcpus').inputValue()).toBe('2')
    expect(await page.getByTestId('vm-create-memory').inputValue()).toBe('1024')
    expect(await page.getByTestId('vm-create-pool').locator('option').allTextContents()).toEqual([
      'libvirt-ssd',
      'libvirt-sata',
    ])
    const name = page.getByTestId('vm-create-name')
    for (const [typed, said] of [
      ['web 1', 'The name contains “␠”: only ASCII letters, digits, “.”, “_” and “-” are allowed.'],
      ['-web', 'The name must start with a letter or a digit.'],
      ['wéb', 'The name contains “é”: only ASCII letters, digits, “.”, “_” and “-” are allowed.'],
      ['web1', 'A VM named web1 already exists in this cluster.'],
      ['a'.repeat(65), 'The name is longer than 64 characters.'],
    ] as const) {
      await name.fill(typed)
      expect(await problem(page).first().textContent()).toBe(said)
      expect(await name.getAttribute('aria-invalid')).toBe('true')
      expect(await page.getByTestId('vm-create-fill').count()).toBe(1)
    }
    await name.fill('web2')
    // Failover: the MAC is checked as typed, and normalised (capitals, dashes).
    await page.getByTestId('vm-create-mac').fill('01:00:00:12:34:56')
    expect(await problem(page).first().textContent()).toBe(
      'This is a multicast address (its first byte is odd): a VM cannot use it.',
    )
    await page.getByTestId('vm-create-mac').fill('02-00-00-AB-CD-EF')
    await page.getByTestId('vm-create-size').fill('12 parsecs')
    expect(await problem(page).first().textContent()).toBe(
      'Size: a positive number with a unit, e.g. 512 MiB or 20 GiB.',
    )
    await page.getByTestId('vm-create-size').fill('20')
    expect(await problem(page).count()).toBe(0)
    // The real core checks every host: none answers, so each says so and creating is refused.
    const checks = page.getByTestId('vm-create-checks')
    await expect.poll(() => checks.count(), { timeout: 30_000 }).toBe(1)
    const failed = checks.locator('[data-level="fail"]')
    expect(await failed.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('vm-create-submit').isDisabled()).toBe(true)
    await page.getByTestId('vm-create-submit').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('vm-create-offline-en') })
    // Escape closes the wizard, the focus returns to its link.
    await page.keyboard.press('Escape')
    await expect.poll(() => sheet.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [locale, language] of [
    ['fr-FR', 'fr'],
    ['en-US', 'en'],
  ] as const) {
    it(`${language}: a healthy plan, a missing ISO named, creation as a job, what remains listed and the cleanup`, async () => {
      const job: Job = {
        id: '3f0c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
        kind: 'vm.create',
        title: 'Create web2',
        target: { vm: 'web2', image: 'libvirt-ssd/web2' },
        state: 'running',
        progress: 0.4,
        step: 'Defining web2 on hv2',
        log: [{ at: Date.now(), text: 'Image libvirt-ssd/web2 created and tagged with this job' }],
        cancellable: true,
        startedAt: Date.now(),
      }
      const { context, page, errors, creates, socket } = await openApp(locale, true, job)
      await page.getByTestId('open-vm-create').click()
      await page.getByTestId('vm-create-name').fill('web2')
      await page.getByTestId('vm-create-mac').fill('02:00:00:ab:cd:ef')
      await page.getByTestId('vm-create-failover-ip').fill('203.0.113.7')
      await page.getByTestId('vm-create-memory').fill('2048')
      // An ISO that one host lacks: the check names it, and creating is refused.
      await page.getByTestId('vm-create-iso').fill('/var/lib/libvirt/images/debian-13.iso')
      const isoCheck = page.getByTestId('vm-create-checks').locator('[data-check="iso"]')
      await expect.poll(() => isoCheck.getAttribute('data-level'), { timeout: 10_000 }).toBe('fail')
      expect(await isoCheck.textContent()).toContain('hv3')
      expect(await page.getByTestId('vm-create-submit').isDisabled()).toBe(true)
      // One every host has: the plan passes, the machine type and the pool's space are shown.
      await page.getByTestId('vm-create-iso').fill('/var/lib/libvirt/images/debian-12.iso')
      await page.getByTestId('vm-create-start-on').selectOption('hv2')
      await expect.poll(() => isoCheck.getAttribute('data-level'), { timeout: 10_000 }).toBe('ok')
      await expect.poll(() => page.getByTestId('vm-create-submit').isDisabled()).toBe(false)
      expect(await page.getByTestId('vm-create-machine').textContent()).toContain('pc-i440fx-7.2')
      expect(await page.getByTestId('vm-create-bridge').locator('option').allTextContents()).toEqual([
        'br0',
        'br1',
      ])
      await page.screenshot({ path: screenshotPath(`vm-create-form-${language}`) })
      await page.getByTestId('vm-create-submit').scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath(`vm-create-plan-${language}`) })

      await page.getByTestId('vm-create-submit').click()
      await expect.poll(() => creates.length).toBe(1)
      expect(creates[0]).toEqual({
        name: 'web2',
        pool: 'libvirt-ssd',
        sizeBytes: 20 * 2 ** 30,
        vcpus: 2,
        memoryMiB: 2048,
        network: { kind: 'failover', mac: '02:00:00:ab:cd:ef', failoverIp: '203.0.113.7' },
        bridge: 'br0',
        iso: '/var/lib/libvirt/images/debian-12.iso',
        keyboardLayout: 'fr',
        domainType: 'kvm',
        startOn: 'hv2',
      })
      const status = page.getByTestId('vm-create-job')
      await expect.poll(() => status.getAttribute('data-state')).toBe('running')
      // While the job runs the sheet cannot be closed.
      expect(await page.getByTestId('vm-create-close').isDisabled()).toBe(true)
      await page.screenshot({ path: screenshotPath(`vm-create-running-${language}`) })

      // hv3's libvirtd stopped answering while defining; the undo could not reach it.
      const remains = [
        { kind: 'definition', host: 'hv3', uuid: '7d1e0c9a-2b3c-4d5e-8f90-a1b2c3d4e5f6', error: 'timed out' },
      ]
      const cause = msg('vmdef.stepFailed', { step: 'define', host: 'hv3' })
      const error = ApiError.of(
        'vm.create.remains',
        msg('vmdef.failedRemains', { name: 'web2', cause, hosts: ['hv3'], images: ['—'] }),
        { host: 'hv3', step: commandStep('virsh define'), details: { remains, job: job.id } },
      ).toData()
      pushJob(socket, { ...job, state: 'failed', endedAt: Date.now(), error })
      await expect.poll(() => status.getAttribute('data-state')).toBe('failed')
      const listed = page.getByTestId('vm-create-remains').locator('li')
      expect(await listed.count()).toBe(1)
      expect(await listed.textContent()).toContain('hv3')
      expect(await page.getByTestId('vm-create-error').getAttribute('data-code')).toBe('vm.create.remains')
      await page.getByTestId('vm-create-retry').scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath(`vm-create-remains-${language}`) })

      // The cleanup goes to the real core, which knows no such job (it was never its own): it says so.
      await page.getByTestId('vm-create-cleanup').click()
      const cleanupError = page.getByTestId('vm-create-cleanup-error')
      await expect.poll(() => cleanupError.count(), { timeout: 10_000 }).toBe(1)
      expect(await cleanupError.getAttribute('data-code')).toBe('vm.cleanup.unknown-job')
      expect(await cleanupError.textContent()).toContain(job.id)
      // "Change and try again" gives the form back, its values kept.
      await page.getByTestId('vm-create-retry').click()
      expect(await page.getByTestId('vm-create-name').inputValue()).toBe('web2')
      expect(await page.getByTestId('vm-create-name').isDisabled()).toBe(false)
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('RIPE: the generated MAC is shown and no MAC is asked', async () => {
    const { context, page, errors } = await openApp('fr-FR', true)
    await page.getByTestId('open-vm-create').click()
    await page.getByTestId('vm-create-name').fill('ns3')
    await page.getByTestId('vm-create-network-ripe').check()
    expect(await page.getByTestId('vm-create-mac').count()).toBe(0)
    await expect
      .poll(() => page.getByTestId('vm-create-submit').isDisabled(), { timeout: 10_000 })
      .toBe(false)
    expect(await page.getByTestId('vm-create-sheet').textContent()).toContain('52:54:00:3a:7c:01')
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('VM delete dialog', () => {
  for (const [locale, language] of [
    ['en-US', 'en'],
    ['fr-FR', 'fr'],
  ] as const) {
    it(`${language}: refused while running; disks behind the typed name; purge explicit`, async () => {
      const { context, page, errors } = await openApp(locale, false)
      await page.getByTestId('tree-vm-db1').first().click()
      await page.getByTestId('vm-delete').click()
      const dialog = page.getByTestId('vm-delete-dialog')
      expect(await page.getByTestId('vm-delete-running').textContent()).toContain('hv2')
      await page.getByTestId('vm-delete-name').fill('db1')
      expect(await page.getByTestId('vm-delete-confirm').isDisabled()).toBe(true)
      await page.screenshot({ path: screenshotPath(`vm-delete-running-${language}`) })
      await page.keyboard.press('Escape')
      await expect.poll(() => dialog.count()).toBe(0)

      await page.getByTestId('tree-vm-web1').first().click()
      await page.getByTestId('vm-delete').click()
      expect(await page.getByTestId('vm-delete-running').count()).toBe(0)
      // The purge is offered only once the disks are to be deleted.
      expect(await page.getByTestId('vm-delete-purge').count()).toBe(0)
      await page.getByTestId('vm-delete-images').check()
      expect(await dialog.textContent()).toContain('libvirt-ssd/web1')
      await page.getByTestId('vm-delete-purge').check()
      await page.getByTestId('vm-delete-name').fill('Web1')
      expect(await page.getByTestId('vm-delete-confirm').isDisabled()).toBe(true)
      await page.getByTestId('vm-delete-name').fill('web1')
      expect(await page.getByTestId('vm-delete-confirm').isDisabled()).toBe(false)
      await page.screenshot({ path: screenshotPath(`vm-delete-${language}`) })
      // The real core reads every host first: none answers, so nothing is deleted and the dialog says why.
      await page.getByTestId('vm-delete-confirm').click()
      const job = page.getByTestId('vm-delete-job')
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed')
      expect(await page.getByTestId('vm-delete-job-error').count()).toBe(1)
      await page.screenshot({ path: screenshotPath(`vm-delete-failed-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })
  }
})

describe('VM clone dialog', () => {
  it('English, real core: the new name is refused inline before anything runs; a running source is said', async () => {
    const { context, page, errors, clonePlans } = await openApp('en-US', false)
    await page.getByTestId('tree-vm-db1').first().click()
    await page.getByTestId('vm-clone').click()
    const sheet = page.getByTestId('vm-clone-sheet')
    expect(await sheet.locator('h1').textContent()).toBe('Clone db1')
    expect(await page.getByTestId('vm-clone-running').textContent()).toBe(
      'db1 runs on hv2: a VM is cloned while it is off. Shut it down first.',
    )
    const name = page.getByTestId('vm-clone-name')
    const problem = sheet.getByTestId('vm-clone-problem')
    for (const [typed, said] of [
      ['db 2', 'The name contains “␠”: only ASCII letters, digits, “.”, “_” and “-” are allowed.'],
      ['_db2', 'The name must start with a letter or a digit.'],
      ['web1', 'A VM named web1 already exists in this cluster.'],
      ['db2;reboot', 'The name contains “;”: only ASCII letters, digits, “.”, “_” and “-” are allowed.'],
    ] as const) {
      await name.fill(typed)
      expect(await problem.first().textContent()).toBe(said)
      expect(await name.getAttribute('aria-invalid')).toBe('true')
      expect(await page.getByTestId('vm-clone-fill').count()).toBe(1)
    }
    // Nothing was asked of the core while the name broke the rule.
    await page.waitForTimeout(800)
    expect(clonePlans).toEqual([])
    await name.fill('db2')
    await page.getByTestId('vm-clone-network-ripe').check()
    // Now the real core is asked: none of its hosts answers (a closed port), so it says why; refused.
    const planError = page.getByTestId('vm-clone-plan-error')
    await expect.poll(() => planError.count(), { timeout: 30_000 }).toBe(1)
    expect(clonePlans).toHaveLength(1)
    expect(await planError.textContent()).toContain('No host is online')
    expect(await page.getByTestId('vm-clone-submit').isDisabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('vm-clone-refused-en') })
    await page.keyboard.press('Escape')
    await expect.poll(() => sheet.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [locale, language, texts] of [
    [
      'fr-FR',
      'fr',
      {
        title: 'Cloner web1',
        same: 'celui de la source (libvirt-ssd)',
        kept: '2 vCPU, 1 024 Mio, machine pc-i440fx-7.2 : ceux de web1',
        flattened:
          'Son disque libvirt-sata/web3 a été aplati : il ne dépend plus de libvirt-ssd/web1@clone-web3.',
      },
    ],
    [
      'en-US',
      'en',
      {
        title: 'Clone web1',
        same: 'the source’s (libvirt-ssd)',
        kept: '2 vCPU, 1,024 MiB, machine pc-i440fx-7.2: web1’s',
        flattened:
          'Its disk libvirt-sata/web3 was flattened: it no longer depends on libvirt-ssd/web1@clone-web3.',
      },
    ],
  ] as const) {
    it(`${language}: from web1 (off): pool, RIPE MAC, flatten and start; the plan's checks, then the job to its end`, async () => {
      const job: Job = {
        id: '6b1d3c2a-5d6e-4f70-8a9b-0c1d2e3f4a60',
        kind: 'vm.clone',
        title: 'Clone web1 to web3',
        target: { vm: 'web3', image: 'libvirt-sata/web3' },
        state: 'running',
        progress: 0.5,
        step: 'Defining web3 on hv2',
        log: [{ at: Date.now(), text: 'ok: web1 is off on every host' }],
        cancellable: true,
        startedAt: Date.now(),
      }
      const { context, page, errors, creates, socket } = await openApp(locale, true, job)
      await page.getByTestId('tree-vm-web1').first().click()
      await page.getByTestId('vm-clone').click()
      const sheet = page.getByTestId('vm-clone-sheet')
      expect(plain(await sheet.locator('h1').textContent())).toBe(texts.title)
      expect(await page.getByTestId('vm-clone-running').count()).toBe(0)
      // The source's pool first, the cluster's others after; a VM's clone keeps its sizes (no fields).
      expect(await page.getByTestId('vm-clone-pool').locator('option').allTextContents()).toEqual([
        texts.same,
        'libvirt-sata',
      ])
      expect(await page.getByTestId('vm-clone-vcpus').count()).toBe(0)
      await page.getByTestId('vm-clone-name').fill('web3')
      await page.getByTestId('vm-clone-pool').selectOption('libvirt-sata')
      await page.getByTestId('vm-clone-network-ripe').check()
      await page.getByTestId('vm-clone-flatten').check()
      await page.getByTestId('vm-clone-start-on').selectOption('hv2')
      await expect
        .poll(() => page.getByTestId('vm-clone-submit').isDisabled(), { timeout: 10_000 })
        .toBe(false)
      const checks = page.getByTestId('vm-clone-checks')
      expect(await checks.locator('[data-check="source"]').getAttribute('data-level')).toBe('ok')
      expect(await checks.locator('[data-check="clone"]').textContent()).toContain('libvirt-sata/web3')
      expect(plain(await page.getByTestId('vm-clone-kept').textContent())).toBe(texts.kept)
      expect(await sheet.textContent()).toContain('52:54:00:3a:7c:01')
      await page.screenshot({ path: screenshotPath(`vm-clone-form-${language}`) })
      await page.getByTestId('vm-clone-submit').scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath(`vm-clone-plan-${language}`) })

      await page.getByTestId('vm-clone-submit').click()
      await expect.poll(() => creates.length).toBe(1)
      expect(creates[0]).toEqual({
        source: { kind: 'vm', uuid: WEB1 },
        name: 'web3',
        pool: 'libvirt-sata',
        network: { kind: 'ripe' },
        flatten: true,
        startOn: 'hv2',
      })
      const status = page.getByTestId('vm-clone-job')
      await expect.poll(() => status.getAttribute('data-state')).toBe('running')
      expect(await page.getByTestId('vm-clone-close').isDisabled()).toBe(true)
      expect(await page.getByTestId('vm-clone-name').isDisabled()).toBe(true)
      await page.screenshot({ path: screenshotPath(`vm-clone-running-${language}`) })

      const result: CloneVmResult = {
        uuid: '7e2f1d0b-3c4d-4e5f-8a9b-b2c3d4e5f607',
        name: 'web3',
        mac: '52:54:00:3a:7c:01',
        machine: 'pc-i440fx-7.2',
        image: 'libvirt-sata/web3',
        hosts: ['hv1', 'hv2', 'hv3'],
        started: { host: 'hv2', ok: false, error: 'the lab has no KVM' },
        parent: 'libvirt-ssd/web1@clone-web3',
        flattened: true,
      }
      pushJob(socket, { ...job, state: 'succeeded', endedAt: Date.now(), progress: 1, result })
      await expect.poll(() => status.getAttribute('data-state')).toBe('succeeded')
      expect(plain(await page.getByTestId('vm-clone-flatten-result').textContent())).toBe(texts.flattened)
      expect(await page.getByTestId('vm-clone-started').textContent()).toContain('hv2')
      await page.screenshot({ path: screenshotPath(`vm-clone-done-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })
  }

  for (const [locale, language, badge] of [
    ['en-US', 'en', 'template'],
    ['fr-FR', 'fr', 'modèle'],
  ] as const) {
    it(`${language}: the storage view marks a protected snapshot as a template and clones from it`, async () => {
      const { context, page, errors, creates } = await openApp(locale, true, {
        id: '8c2e4d3b-5d6e-4f70-8a9b-0c1d2e3f4a61',
        kind: 'vm.clone',
        title: 'Clone debian12@golden to ns4',
        target: { vm: 'ns4' },
        state: 'running',
        log: [],
        cancellable: true,
        startedAt: Date.now(),
      })
      await page.getByTestId('tree-vm-web1').first().click()
      await page.getByTestId('vm-disk-storage-web1').click()
      // In the list: golden is a template, before-upgrade is not.
      const row = page.getByTestId('storage-image-libvirt-ssd-debian12')
      await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1)
      expect(await row.getByTestId('storage-template').allTextContents()).toEqual([badge])
      await row.getByTestId('storage-manage').click()
      const golden = page.getByTestId('storage-snapshot-golden')
      expect(await golden.getByTestId('storage-template').textContent()).toBe(badge)
      expect(
        await page
          .getByTestId('storage-snapshot-before-upgrade')
          .getByTestId('storage-template-clone')
          .count(),
      ).toBe(0)
      await golden.scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath(`storage-template-${language}`) })
      await golden.getByTestId('storage-template-clone').click()
      const sheet = page.getByTestId('vm-clone-sheet')
      expect(await sheet.locator('h1').textContent()).toContain('libvirt-ssd/debian12@golden')
      // A template's clone takes its sizes and acceleration.
      await page.getByTestId('vm-clone-name').fill('ns4')
      await page.getByTestId('vm-clone-vcpus').fill('0')
      expect(await sheet.getByTestId('vm-clone-problem').count()).toBe(1)
      await page.getByTestId('vm-clone-vcpus').fill('1')
      await page.getByTestId('vm-clone-memory').fill('512')
      await page.getByTestId('vm-clone-domain-type').selectOption('qemu')
      await page.getByTestId('vm-clone-mac').fill('02:00:00:AB:CD:10')
      await expect
        .poll(() => page.getByTestId('vm-clone-submit').isDisabled(), { timeout: 10_000 })
        .toBe(false)
      expect(
        await page.getByTestId('vm-clone-checks').locator('[data-check="snapshot"]').textContent(),
      ).toContain('libvirt-ssd/debian12@golden')
      await page.screenshot({ path: screenshotPath(`vm-clone-template-${language}`) })
      await page.getByTestId('vm-clone-submit').click()
      await expect.poll(() => creates.length).toBe(1)
      expect(creates[0]).toEqual({
        source: { kind: 'snapshot', pool: 'libvirt-ssd', image: 'debian12', snapshot: 'golden' },
        name: 'ns4',
        network: { kind: 'failover', mac: '02:00:00:ab:cd:10' },
        vcpus: 1,
        memoryMiB: 512,
        domainType: 'qemu',
        flatten: false,
      })
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
