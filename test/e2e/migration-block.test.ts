import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import { JobSchema, type Job } from '../../src/shared/jobs'
import { MigrationPlanSchema } from '../../src/shared/migration'
import { OvhMoveCheckSchema } from '../../src/shared/ovh'
import { screenshotPath } from '../support/browser'
import { failoverAddress, failoverView, ovhAnswer } from '../support/fake-ovh'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * The migration sheet's first step (issue 20, item 3) in the browser, in French and English: the
 * failover block of web1 with every address and the VMs using them, the neighbour db1 that moves too
 * (an explicit consent), OVH's pre-check, the choice of order, the job started with `blockMove`, OVH's
 * task in the progress with "stop following"; and, OVH not configured, how to configure it with the
 * manual confirmation. The page's WebSocket goes to a real core whose hosts are on a closed port;
 * the inventory and the OVH and migration answers are values of the contract's shapes (parsed with
 * its schemas), as the lab's hosts and OVH's API (through the lab's double) would give them.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const DB1 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
const BLOCK = '203.0.113.8/30'

const vm = (uuid: string, name: string): Vm => ({
  uuid,
  name,
  runningOn: ['hv1'],
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2'],
  missingOn: [],
  unknownOn: [],
  flags: [],
})
const definition = (uuid: string, name: string, ip: string) =>
  DomainDefinitionSchema.parse({
    name,
    uuid,
    type: 'kvm',
    memoryKiB: 1024 * 1024,
    currentMemoryKiB: 1024 * 1024,
    vcpus: 2,
    disks: [],
    nics: [{ mac: '02:00:00:12:34:56', type: 'bridge', bridge: 'br0', model: 'virtio' }],
    graphics: [],
    serials: [{ type: 'pty' }],
    hyperdesk: { failoverIp: ip },
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
      state: name === 'hv1' ? 'running' : 'shutoff',
      autostart: false,
      managedSave: false,
      definition: definition(WEB1, 'web1', '203.0.113.9'),
    },
    {
      uuid: DB1,
      name: 'db1',
      state: name === 'hv1' ? 'running' : 'shutoff',
      autostart: false,
      managedSave: false,
      definition: definition(DB1, 'db1', '203.0.113.10'),
    },
  ],
})
const inventory = { hosts: ['hv1', 'hv2'].map(host), vms: [vm(WEB1, 'web1'), vm(DB1, 'db1')] }
const hostStates: HostState[] = ['hv1', 'hv2'].map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))

const plan = MigrationPlanSchema.parse({
  uuid: WEB1,
  name: 'web1',
  from: 'hv1',
  to: 'hv2',
  checks: [
    {
      id: 'destination-online',
      level: 'ok',
      message: { code: 'migrationChecks.destinationOnline', params: { to: 'hv2' } },
    },
    // as the core's judge adds it for a VM with a failover IP (migration/precheck-judge.ts)
    {
      id: 'failover-ip',
      level: 'warn',
      message: { code: 'migrationChecks.failoverIp', params: { ip: '203.0.113.9', to: 'hv2' } },
    },
  ],
  canStart: true,
  persistent: true,
  followUps: {
    failoverIp: '203.0.113.9',
    gateway: { old: '10.77.11.254', new: '10.77.12.254' },
    interfacesLines: [],
    commands: [],
    notes: [],
  },
})
const view = failoverView(
  [
    { host: 'hv1', serviceName: 'ns3000001.ip-10-77-11.eu' },
    { host: 'hv2', serviceName: 'ns3000002.ip-10-77-12.eu' },
  ],
  [
    {
      block: BLOCK,
      routedTo: 'ns3000001.ip-10-77-11.eu',
      routedHost: 'hv1',
      addresses: [
        failoverAddress('203.0.113.8'),
        failoverAddress('203.0.113.9', { vms: [{ uuid: WEB1, name: 'web1' }] }),
        failoverAddress('203.0.113.10', { vms: [{ uuid: DB1, name: 'db1' }] }),
        failoverAddress('203.0.113.11'),
      ],
    },
  ],
)
const moveCheck = OvhMoveCheckSchema.parse({
  block: BLOCK,
  serviceName: 'ns3000002.ip-10-77-12.eu',
  canMove: true,
  already: false,
})
const job: Job = JobSchema.parse({
  id: '7a0c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  kind: 'vm.migrate',
  title: `Migrate web1 to hv2 with its failover block ${BLOCK}`,
  target: { vm: WEB1, host: 'hv2' },
  state: 'running',
  progress: 0.05,
  step: `Moving ${BLOCK} to ns3000002.ip-10-77-12.eu (hv2)`,
  detail: { taskId: 4242, status: 'doing', seconds: 12 },
  log: [{ at: Date.now(), text: 'OVH task 4242 (genericMoveFloatingIp) started: init' }],
  cancellable: true,
  startedAt: Date.now(),
})

const app = useClosedPortApp()

async function openSheet(
  locale: string,
  configured: boolean,
): Promise<{ context: BrowserContext; page: Page; migrates: unknown[]; errors: string[] }> {
  const migrates: unknown[] = []
  const { context, page, errors } = await openFakeInventoryPage(
    app(),
    locale,
    {
      inventory,
      hostStates,
      answer(call) {
        if (call.method === 'vm.migrationPlan') return plan
        if (call.method === 'vm.migrate') {
          migrates.push(call.params)
          return job
        }
        return ovhAnswer(call, { configured, view, moveCheck })
      },
    },
    { height: 1100 },
  )
  await page.getByTestId('tree-vm-web1').click()
  await page.getByTestId('vm-migrate-host').selectOption('hv2')
  await page.getByTestId('vm-migrate').click()
  await page.getByTestId('migration-block').waitFor()
  return { context, page, migrates, errors }
}

describe('migration sheet: the failover block moved through OVH', () => {
  for (const [locale, language, texts] of [
    [
      'fr-FR',
      'fr',
      {
        block: 'OVH déplace des blocs entiers',
        canMove: 'OVH indique que 203.0.113.8/30 peut être déplacé vers ns3000002.ip-10-77-12.eu.',
        stop: 'Arrêter de suivre la tâche OVH',
        task: /^Tâche OVH 4242\s:\sdoing \(12\ss\)$/,
        unconfigured: 'OVH n’est pas configuré dans Hyperdesk',
      },
    ],
    [
      'en-US',
      'en',
      {
        block: 'OVH moves whole blocks',
        canMove: 'OVH says 203.0.113.8/30 can move to ns3000002.ip-10-77-12.eu.',
        stop: 'Stop following OVH’s task',
        task: /^OVH task 4242: doing \(12 s\)$/,
        unconfigured: 'OVH is not configured in Hyperdesk',
      },
    ],
  ] as const) {
    it(`${language}: every address of the block and its VMs, the neighbour confirmed, moved first, OVH's task followed`, async () => {
      const { context, page, migrates, errors } = await openSheet(locale, true)
      const step = page.getByTestId('migration-block')
      await step.getByTestId('migration-block-can-move').waitFor()
      expect(await step.textContent()).toContain(texts.block)
      expect(await step.getByTestId('migration-block-can-move').textContent()).toBe(texts.canMove)
      const rows = await step.getByTestId('migration-block-addresses').locator('tbody tr').allTextContents()
      expect(rows).toEqual(['203.0.113.8—', '203.0.113.9web1', '203.0.113.10db1', '203.0.113.11—'])
      // db1 moves too: the migration waits for an explicit consent
      const confirm = page.getByTestId('migration-confirm')
      expect(await confirm.isDisabled()).toBe(true)
      await step.getByTestId('migration-block-others').check()
      expect(await step.getByTestId('migration-block-first').isChecked()).toBe(true)
      // the app moves the block: no "move it in the OVH manager" warning to accept
      const manualCheck = page.locator('[data-testid="migration-checks"] [data-check="failover-ip"]')
      expect(await manualCheck.count()).toBe(0)
      expect(await page.getByTestId('migration-accept-warnings').count()).toBe(0)
      await expect.poll(() => confirm.isDisabled()).toBe(false)
      // moving it by hand brings the warning back, with its acceptance
      await step.getByTestId('migration-block-manual').check()
      await expect.poll(() => manualCheck.count()).toBe(1)
      expect(await page.getByTestId('migration-accept-warnings').count()).toBe(1)
      await step.getByTestId('migration-block-first').check()
      await expect.poll(() => manualCheck.count()).toBe(0)
      await expect.poll(() => confirm.isDisabled()).toBe(false)
      await page.screenshot({ path: screenshotPath(`migration-block-${language}`), fullPage: true })
      await confirm.click()
      await page.getByTestId('migration-progress').waitFor()
      expect(migrates).toEqual([
        { uuid: WEB1, to: 'hv2', blockMove: { block: BLOCK, when: 'first', others: [DB1] } },
      ])
      expect(await page.getByTestId('migration-ovh-task').textContent()).toMatch(texts.task)
      expect(await page.getByTestId('migration-cancel').textContent()).toBe(texts.stop)
      await page.screenshot({ path: screenshotPath(`migration-block-task-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })

    it(`${language}: OVH not configured: how to configure it, and the manual confirmation as before`, async () => {
      const { context, page, migrates, errors } = await openSheet(locale, false)
      const said = page.getByTestId('migration-ovh-unconfigured')
      await said.waitFor()
      expect(await said.textContent()).toContain(texts.unconfigured)
      expect(await said.textContent()).toContain('~/.ovh.conf')
      const confirm = page.getByTestId('migration-confirm')
      expect(await confirm.isDisabled()).toBe(true)
      await page.getByTestId('migration-failover-done').check()
      // moved by hand: the plan's warning stays, to accept
      expect(await page.locator('[data-testid="migration-checks"] [data-check="failover-ip"]').count()).toBe(
        1,
      )
      expect(await confirm.isDisabled()).toBe(true)
      await page.getByTestId('migration-accept-warnings').check()
      await expect.poll(() => confirm.isDisabled()).toBe(false)
      await page.screenshot({
        path: screenshotPath(`migration-block-unconfigured-${language}`),
        fullPage: true,
      })
      await confirm.click()
      await page.getByTestId('migration-progress').waitFor()
      expect(migrates).toEqual([{ uuid: WEB1, to: 'hv2', acceptWarnings: true }])
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
