import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import { MaintenancePlanSchema, MaintenanceRecordSchema } from '../../src/shared/maintenance'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * The guided maintenance's block moves (issue 20, item 3) in the browser, in French and English:
 * the plan of hv1 shows web1's and db1's failover block as OVH routes it (every address, who uses
 * it, OVH's pre-check), moves it through OVH by default, asks to confirm the other VM that moves
 * with it, hides the "move it in the OVH manager" warnings the job takes care of, and starts with
 * `blockMoves`; once running, the block-move step shows OVH's task and "stop following". The page's
 * WebSocket goes to a real core whose hosts are on a closed port; the inventory and the maintenance
 * answers are values of the contract's shapes (parsed with its schemas), as the core builds them.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const DB1 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
const BLOCK = '203.0.113.8/30'
const HV1 = 'ns3000001.ip-10-77-11.eu'
const HV2 = 'ns3000002.ip-10-77-12.eu'

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
const domain = (uuid: string, name: string, ip: string, running: boolean) => ({
  uuid,
  name,
  state: running ? ('running' as const) : ('shutoff' as const),
  autostart: false,
  managedSave: false,
  definition: DomainDefinitionSchema.parse({
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
  }),
})
const host = (name: string): HostInventory => ({
  host: name,
  reachable: true,
  facts: {},
  refreshedAt: Date.now(),
  domains: [
    domain(WEB1, 'web1', '203.0.113.9', name === 'hv1'),
    domain(DB1, 'db1', '203.0.113.10', name === 'hv1'),
  ],
})
const inventory = { hosts: ['hv1', 'hv2'].map(host), vms: [vm(WEB1, 'web1'), vm(DB1, 'db1')] }
const hostStates: HostState[] = ['hv1', 'hv2'].map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))

const addresses = [
  { ip: '203.0.113.8', vms: [] },
  { ip: '203.0.113.9', vms: ['web1'] },
  { ip: '203.0.113.10', vms: ['db1'] },
  { ip: '203.0.113.11', vms: [] },
]
const blockFor = (other: { uuid: string; name: string; ip: string }) => ({
  block: BLOCK,
  routedTo: HV1,
  routedHost: 'hv1',
  toServer: HV2,
  needed: true,
  addresses,
  others: [{ ...other, runningOn: ['hv1'], to: 'hv2' }],
  canMove: true,
})
/** The failover IP check each migration plan raises, as the maintenance plan carries it. */
const failoverCheck = (name: string, ip: string) => ({
  id: `migration:${name}:failover-ip`,
  level: 'warn',
  message: {
    code: 'maintenanceChecks.migrationCheck',
    params: {
      vm: name,
      to: 'hv2',
      check: { code: 'migrationChecks.failoverIp', params: { ip, to: 'hv2' } },
    },
  },
})
const plan = MaintenancePlanSchema.parse({
  host: 'hv1',
  checks: [
    {
      id: 'host-online',
      level: 'ok',
      message: { code: 'maintenanceChecks.hostOnline', params: { host: 'hv1' } },
    },
    failoverCheck('web1', '203.0.113.9'),
    failoverCheck('db1', '203.0.113.10'),
  ],
  moves: [
    {
      uuid: WEB1,
      name: 'web1',
      memoryKiB: 1048576,
      to: 'hv2',
      failoverIp: '203.0.113.9',
      block: blockFor({ uuid: DB1, name: 'db1', ip: '203.0.113.10' }),
    },
    {
      uuid: DB1,
      name: 'db1',
      memoryKiB: 1048576,
      to: 'hv2',
      failoverIp: '203.0.113.10',
      block: blockFor({ uuid: WEB1, name: 'web1', ip: '203.0.113.9' }),
    },
  ],
  destinations: [{ host: 'hv2', online: true, freeKiB: 8 * 1048576, plannedKiB: 2 * 1048576 }],
  noout: { reason: 'hv1 owns no OSD in the CRUSH map: noout is set for the whole cluster.' },
  canStart: true,
  ovh: { configured: true },
})
const record = (status: 'running') =>
  MaintenanceRecordSchema.parse({
    id: '3d1f0e2c-7b6a-4c59-8e4d-2a1b0c9d8e7f',
    host: 'hv1',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    status,
    jobId: '7a0c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
    plan,
    steps: [
      {
        id: `block:${WEB1}`,
        kind: 'block-move',
        state: 'running',
        uuid: WEB1,
        vm: 'web1',
        to: 'hv2',
        block: BLOCK,
        others: [DB1],
        message: 'OVH task 4242: doing',
        startedAt: Date.now(),
      },
      { id: `migrate:${WEB1}`, kind: 'migrate', state: 'pending', uuid: WEB1, vm: 'web1', to: 'hv2' },
      {
        id: `block:${DB1}`,
        kind: 'block-move',
        state: 'pending',
        uuid: DB1,
        vm: 'db1',
        to: 'hv2',
        block: BLOCK,
      },
      { id: `migrate:${DB1}`, kind: 'migrate', state: 'pending', uuid: DB1, vm: 'db1', to: 'hv2' },
      { id: 'noout-set', kind: 'noout-set', state: 'pending' },
      { id: 'reboot', kind: 'reboot', state: 'pending' },
      { id: 'wait-clean', kind: 'wait-clean', state: 'pending' },
      { id: 'noout-unset', kind: 'noout-unset', state: 'pending' },
    ],
    acceptedWarnings: [],
  })

const app = useClosedPortApp()

async function openSheet(
  locale: string,
  running: boolean,
): Promise<{
  context: BrowserContext
  page: Page
  calls: { method: string; params: unknown }[]
  errors: string[]
}> {
  const calls: { method: string; params: unknown }[] = []
  const { context, page, errors } = await openFakeInventoryPage(
    app(),
    locale,
    {
      inventory,
      hostStates,
      answer(call) {
        if (call.method === 'maintenance.current') return { record: running ? record('running') : null }
        if (call.method === 'maintenance.plan') return plan
        if (call.method === 'maintenance.start' || call.method === 'jobs.cancel') {
          calls.push({ method: call.method, params: call.params })
          return new Promise(() => undefined)
        }
        return undefined
      },
    },
    { height: 1300 },
  )
  await page.getByTestId('tree-host-hv1').click()
  await page.getByTestId('open-maintenance').click()
  return { context, page, calls, errors }
}

describe('maintenance sheet: each VM’s failover block moved through OVH', () => {
  for (const [locale, language, texts] of [
    [
      'fr-FR',
      'fr',
      {
        block: /web1\s:\s203\.0\.113\.8\/30 est routé vers hv1\. OVH déplace le bloc entier vers hv2/,
        others:
          /Je sais que déplacer 203\.0\.113\.8\/30 déplace aussi\s:\sdb1 \(203\.0\.113\.10, tourne sur hv1/,
        stop: 'Arrêter de suivre la tâche OVH',
      },
    ],
    [
      'en-US',
      'en',
      {
        block: /web1: 203\.0\.113\.8\/30 routes to hv1\. OVH moves the whole block to hv2/,
        others: /I know moving 203\.0\.113\.8\/30 also moves: db1 \(203\.0\.113\.10, runs on hv1/,
        stop: 'Stop following OVH’s task',
      },
    ],
  ] as const) {
    it(`${language}: the plan offers each block's move, its addresses and neighbours; the job starts with blockMoves`, async () => {
      const { context, page, calls, errors } = await openSheet(locale, false)
      const web1 = page.getByTestId('maintenance-block-web1')
      await web1.waitFor()
      expect(await web1.textContent()).toMatch(texts.block)
      expect(await web1.locator('li').allTextContents()).toEqual([
        '203.0.113.8 — —',
        '203.0.113.9 — web1',
        '203.0.113.10 — db1',
        '203.0.113.11 — —',
      ])
      expect(await page.getByTestId('maintenance-block-move-web1').isChecked()).toBe(true)
      // moved by the app: no "move it in the OVH manager" warning, nor the manual acknowledgement
      const manualCheck = page.locator('[data-testid="maintenance-checks"] [data-check$=":failover-ip"]')
      expect(await manualCheck.count()).toBe(0)
      expect(await page.getByTestId('maintenance-failover-ack').count()).toBe(0)
      expect(await page.getByTestId('maintenance-accept-warnings').count()).toBe(0)
      // db1's address moves with web1's: confirmed before the start
      const start = page.getByTestId('maintenance-start')
      expect(await start.isDisabled()).toBe(true)
      expect(await web1.textContent()).toMatch(texts.others)
      await page.getByTestId('maintenance-block-others-web1').check()
      await page.getByTestId('maintenance-block-others-db1').check()
      await expect.poll(() => start.isDisabled()).toBe(false)
      await page.screenshot({ path: screenshotPath(`maintenance-block-${language}`), fullPage: true })
      // left to the user for db1: its warning and the manual acknowledgement come back
      await page.getByTestId('maintenance-block-move-db1').uncheck()
      await expect.poll(() => manualCheck.count()).toBe(1)
      expect(await page.getByTestId('maintenance-failover-ack').count()).toBe(1)
      expect(await start.isDisabled()).toBe(true)
      await page.getByTestId('maintenance-block-move-db1').check()
      await expect.poll(() => start.isDisabled()).toBe(false)
      await start.click()
      await expect.poll(() => calls.length).toBe(1)
      expect(calls[0]).toEqual({
        method: 'maintenance.start',
        params: {
          host: 'hv1',
          destinations: {},
          acceptWarnings: false,
          blockMoves: {
            [WEB1]: { block: BLOCK, others: [DB1] },
            [DB1]: { block: BLOCK, others: [WEB1] },
          },
        },
      })
      expect(errors).toEqual([])
      await context.close()
    })

    it(`${language}: the running block move shows OVH's task and "stop following"`, async () => {
      const { context, page, calls, errors } = await openSheet(locale, true)
      const step = page.locator(`[data-step="block:${WEB1}"]`)
      await step.waitFor()
      expect(await step.textContent()).toContain('OVH task 4242: doing')
      const stop = page.getByTestId('maintenance-stop-following')
      expect(await stop.textContent()).toBe(texts.stop)
      await page.screenshot({ path: screenshotPath(`maintenance-block-task-${language}`), fullPage: true })
      await stop.click()
      await expect.poll(() => calls.map((call) => call.method)).toEqual(['jobs.cancel'])
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
