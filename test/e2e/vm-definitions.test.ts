import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import type { Check } from '../../src/shared/messages'
import { msg } from '../../src/shared/messages/message'
import { CreatePlanSchema, CreateVmParamsSchema, type CreatePlan } from '../../src/shared/vmdef'
import { screenshotPath } from '../support/browser'
import { sampleCluster, tempCore } from '../support/core'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { routeInventory } from '../support/fake-inventory'

/**
 * The VM creation wizard and the delete dialog (issue 19) in the browser, in English and French.
 * No host is connected: the page's WebSocket goes through Playwright to a real core whose hosts are
 * on a closed loopback port. The real core answers the pre-checks (every host offline), the cleanup
 * of an unknown job and the deletion; only the inventory, and — to show a cluster that answers —
 * `vm.createPlan` and a `vm.create` job's updates, are replaced by values of the contract's shapes
 * (parsed with its schemas below), as the lab's hosts would send them.
 */

const CLOSED_PORT = 9
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
    input.network.kind === 'ripe'
      ? ok('mac', 'vmdef.macGenerated', { mac: '52:54:00:3a:7c:01' })
      : ok('mac', 'vmdef.macFree', { mac: input.network.mac }),
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
    mac: input.network.kind === 'ripe' ? '52:54:00:3a:7c:01' : input.network.mac,
    bridges: ['br0', 'br1'],
    isos: ['/var/lib/libvirt/images/debian-12.iso', '/var/lib/libvirt/images/lab.iso'],
    poolFreeBytes: 412 * 2 ** 30,
  })
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

interface Opened {
  context: BrowserContext
  page: Page
  errors: string[]
  /** The create calls the page made (their params), and the socket to push job updates on. */
  creates: unknown[]
  socket: () => WebSocketRoute
}

/**
 * A page whose inventory shows web1 (stopped, one RBD disk) and db1 (running on hv2). With
 * `healthy`, the pre-checks answer as a healthy cluster would and vm.create starts `fakeJob`.
 */
async function openApp(locale: string, healthy: boolean, fakeJob?: Job): Promise<Opened> {
  const context = await app.browser.newContext({ locale, viewport: { width: 1280, height: 1000 } })
  const creates: unknown[] = []
  const socket = await routeInventory(context, {
    inventory,
    hostStates,
    // The real core's states of its closed-port hosts reach the page.
    dropFakedHostStates: false,
    answer(call) {
      if (healthy && call.method === 'vm.createPlan') return healthyPlan(call.params)
      if (fakeJob && call.method === 'vm.create') {
        creates.push(call.params)
        return fakeJob
      }
      return undefined
    },
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(app.server.url)
  await expect.poll(() => page.getByTestId('open-vm-create').count(), { timeout: 30_000 }).toBe(1)
  return { context, page, errors, creates, socket }
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
        { host: 'hv3', step: 'define', details: { remains, job: job.id } },
      ).toData()
      socket().send(
        JSON.stringify({
          kind: 'event',
          event: 'jobs.update',
          payload: { ...job, state: 'failed', endedAt: Date.now(), error },
        }),
      )
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
