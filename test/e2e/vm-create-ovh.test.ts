import { describe, expect, it } from 'vitest'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import { JobSchema, type Job } from '../../src/shared/jobs'
import { msg } from '../../src/shared/messages/message'
import { CreatePlanSchema, CreateVmParamsSchema, type CreatePlan } from '../../src/shared/vmdef'
import { screenshotPath } from '../support/browser'
import { failoverAddress, failoverView, ovhAnswer } from '../support/fake-ovh'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * The creation wizard's OVH failover IP (issue 20 item 4) in the browser, in French and English: with
 * OVH configured the network is "a failover IP of the account", every address listed with the host
 * its block routes to and its virtual MAC, those that cannot be chosen saying why (claimed by web1,
 * routed to another host than the one the VM starts on, routed to a server no host maps, several
 * virtual MACs); the one chosen goes to the pre-checks and the job as `{ kind: 'ovh' }`, and the job's
 * OVH step and task show in the window's language. Without OVH, the typed virtual MAC stays, with how
 * to configure access. The page's WebSocket goes to a real core whose hosts are on a closed port; the
 * inventory and the OVH, plan and job answers are values of the contract's shapes.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const NS1 = 'ns3000001.ip-10-77-11.eu'
const NS2 = 'ns3000002.ip-10-77-12.eu'

const web1: Vm = {
  uuid: WEB1,
  name: 'web1',
  runningOn: ['hv1'],
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2', 'hv3'],
  missingOn: [],
  unknownOn: [],
  flags: [],
}
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
      definition: DomainDefinitionSchema.parse({
        name: 'web1',
        uuid: WEB1,
        type: 'kvm',
        memoryKiB: 1024 * 1024,
        currentMemoryKiB: 1024 * 1024,
        vcpus: 2,
        disks: [],
        nics: [{ mac: '02:00:00:aa:00:01', type: 'bridge', bridge: 'br0', model: 'virtio' }],
        graphics: [],
        serials: [{ type: 'pty' }],
        hyperdesk: { failoverIp: '203.0.113.9' },
      }),
    },
  ],
})
const inventory = { hosts: ['hv1', 'hv2', 'hv3'].map(host), vms: [web1] }
const hostStates: HostState[] = ['hv1', 'hv2', 'hv3'].map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))
const address = (ip: string, macs: string[] = [], vms: string[] = []) =>
  failoverAddress(ip, {
    vms: vms.map((name) => ({ uuid: WEB1, name })),
    macs: macs.map((macAddress) => ({ server: NS1, macAddress })),
    firewallHosts: ['hv1', 'hv2', 'hv3'],
  })
const view = failoverView(
  [{ host: 'hv1', serviceName: NS1 }, { host: 'hv2', serviceName: NS2 }, { host: 'hv3' }],
  [
    {
      block: '203.0.113.8/30',
      routedTo: NS1,
      routedHost: 'hv1',
      addresses: [
        address('203.0.113.8'),
        address('203.0.113.9', ['02:00:00:aa:00:01'], ['web1']),
        address('203.0.113.10', ['02:00:00:aa:00:03']),
        address('203.0.113.11', ['02:00:00:aa:00:04', '02:00:00:aa:00:05']),
      ],
    },
    { block: '198.51.100.7/32', routedTo: NS2, routedHost: 'hv2', addresses: [address('198.51.100.7')] },
    { block: '192.0.2.1/32', routedTo: 'ns9.ip-192-0-2.eu', addresses: [address('192.0.2.1')] },
  ],
)

/** The plan a healthy cluster answers for an OVH failover IP with no virtual MAC yet. */
function ovhPlan(params: unknown): CreatePlan {
  const input = CreateVmParamsSchema.parse(params)
  if (input.network.kind !== 'ovh') throw new Error(`expected the OVH choice, got ${input.network.kind}`)
  const ip = input.network.failoverIp
  return CreatePlanSchema.parse({
    name: input.name,
    checks: [
      { id: 'name', level: 'ok', message: msg('vmdef.nameFree', { name: input.name }) },
      {
        id: 'ovh',
        level: 'ok',
        message: msg('ovhCreate.routed', { ip, block: '203.0.113.8/30', server: NS1, host: 'hv1' }),
      },
      { id: 'ovh', level: 'ok', message: msg('ovhCreate.create', { ip, server: NS1 }) },
    ],
    canCreate: true,
    machine: 'pc-i440fx-7.2',
    domainType: 'kvm',
    virtualMac: { server: NS1, action: 'create' },
    bridges: ['br0'],
    isos: [],
    poolFreeBytes: 412 * 2 ** 30,
  })
}

const job: Job = JobSchema.parse({
  id: '3f0c2b1a-5d6e-4f70-8a9b-0c1d2e3f4a5c',
  kind: 'vm.create',
  title: 'Create web2',
  target: { vm: 'web2', image: 'libvirt-ssd/web2' },
  state: 'running',
  progress: 0.05,
  step: `Asking OVH for a virtual MAC for 203.0.113.8 on ${NS1}`,
  stepText: msg('ovhCreate.creating', { ip: '203.0.113.8', server: NS1 }),
  detail: { taskId: 4200001, status: 'doing', seconds: 3 },
  log: [{ at: Date.now(), text: 'OVH task 4200001 (virtualMacAdd) started: init' }],
  cancellable: true,
  startedAt: Date.now(),
})

/** Text with French spacing (narrow no-break spaces before ":") as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ')

const app = useClosedPortApp()

async function openWizard(locale: string, configured: boolean) {
  const creates: unknown[] = []
  const opened = await openFakeInventoryPage(
    app(),
    locale,
    {
      inventory,
      hostStates,
      dropFakedHostStates: false,
      answer(call) {
        if (call.method === 'vm.createPlan' && configured) return ovhPlan(call.params)
        if (call.method === 'vm.create') {
          creates.push(call.params)
          return job
        }
        return ovhAnswer(call, { configured, view })
      },
    },
    { height: 1300, ready: 'open-vm-create' },
  )
  await opened.page.getByTestId('open-vm-create').click()
  return { ...opened, creates }
}

describe('creation wizard: a failover IP of the OVH account', () => {
  for (const [locale, language, texts] of [
    [
      'fr-FR',
      'fr',
      {
        states: [
          'aucune pour l’instant : la tâche la crée',
          'Déjà revendiquée par web1',
          '02:00:00:aa:00:03, réutilisée',
          'Plusieurs MAC virtuelles (02:00:00:aa:00:04, 02:00:00:aa:00:05) : supprimez celles en trop dans le manager OVH',
          'Routée vers hv2, pas vers hv1 où la VM démarre',
          'Routée vers ns9.ip-192-0-2.eu, qu’aucun hôte du fichier du cluster ne désigne',
        ],
        check: `203.0.113.8 n’a pas de MAC virtuelle sur ${NS1} : la tâche en crée une (type ovh) et suit la tâche OVH.`,
        step: `Demande à OVH d’une MAC virtuelle pour 203.0.113.8 sur ${NS1}`,
        task: /^Tâche OVH 4200001 : doing \(3 s\)$/,
        unconfigured: 'L’accès à OVH n’est pas configuré dans Hyperdesk',
      },
    ],
    [
      'en-US',
      'en',
      {
        states: [
          'none yet: the job creates it',
          'Already claimed by web1',
          '02:00:00:aa:00:03, reused',
          'Several virtual MACs (02:00:00:aa:00:04, 02:00:00:aa:00:05): remove the extra ones in the OVH manager',
          'Routes to hv2, not to hv1 where the VM starts',
          'Routes to ns9.ip-192-0-2.eu, which no host of the cluster file maps to',
        ],
        check: `203.0.113.8 has no virtual MAC on ${NS1}: the job creates one (type ovh) and follows OVH’s task.`,
        step: `Asking OVH for a virtual MAC for 203.0.113.8 on ${NS1}`,
        task: /^OVH task 4200001: doing \(3 s\)$/,
        unconfigured: 'OVH access is not configured in Hyperdesk',
      },
    ],
  ] as const) {
    it(`${language}: the account's addresses, why some cannot be chosen, the chosen one created by the job with OVH's task`, async () => {
      const { context, page, errors, creates } = await openWizard(locale, true)
      const sheet = page.getByTestId('vm-create-sheet')
      // OVH configured: its failover IPs are the network's default
      await expect.poll(() => page.getByTestId('vm-create-network-ovh').isChecked()).toBe(true)
      await sheet.getByTestId('vm-create-ovh-ips').waitFor()
      expect(await page.getByTestId('vm-create-mac').count()).toBe(0)
      await page.getByTestId('vm-create-name').fill('web2')
      await page.getByTestId('vm-create-start-on').selectOption('hv1')
      const rows = sheet.getByTestId('vm-create-ovh-ips').locator('tbody tr')
      await expect
        .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-state'))))
        .toEqual(['create', 'claimed', 'reuse', 'duplicate', 'elsewhere', 'unmapped'])
      expect((await sheet.getByTestId('vm-create-ovh-state').allTextContents()).map(plain)).toEqual(
        texts.states,
      )
      // only the free ones can be chosen
      for (const ip of ['203.0.113.9', '203.0.113.11', '198.51.100.7', '192.0.2.1'])
        expect(await page.getByTestId(`vm-create-ovh-ip-${ip}`).isDisabled()).toBe(true)
      // nothing chosen yet: said, and creating is not offered
      expect(await sheet.getByTestId('vm-create-problem').count()).toBe(1)
      await page.getByTestId('vm-create-ovh-ip-203.0.113.8').check()
      const check = page.getByTestId('vm-create-checks').locator('[data-check="ovh"]').last()
      await expect
        .poll(async () => plain(await check.textContent()), { timeout: 10_000 })
        .toContain(texts.check)
      await expect.poll(() => page.getByTestId('vm-create-submit').isDisabled()).toBe(false)
      await page.getByTestId('vm-create-ovh-ips').scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath(`vm-create-ovh-${language}`), fullPage: true })

      // starting it on hv2, where 203.0.113.8 does not route: the choice is undone and it says why
      await page.getByTestId('vm-create-start-on').selectOption('hv2')
      await expect.poll(() => page.getByTestId('vm-create-ovh-ip-203.0.113.8').isDisabled()).toBe(true)
      expect(await page.getByTestId('vm-create-ovh-ip-198.51.100.7').isDisabled()).toBe(false)
      await expect.poll(() => page.getByTestId('vm-create-submit').isDisabled()).toBe(true)
      await page.getByTestId('vm-create-start-on').selectOption('hv1')
      await page.getByTestId('vm-create-ovh-ip-203.0.113.8').check()
      await expect.poll(() => page.getByTestId('vm-create-submit').isDisabled()).toBe(false)

      await page.getByTestId('vm-create-submit').click()
      await expect.poll(() => creates.length).toBe(1)
      expect(creates[0]).toMatchObject({
        name: 'web2',
        network: { kind: 'ovh', failoverIp: '203.0.113.8', host: 'hv1' },
        startOn: 'hv1',
      })
      const running = page.getByTestId('vm-create-job')
      await expect.poll(() => running.getAttribute('data-state')).toBe('running')
      expect(plain(await page.getByTestId('vm-create-step').textContent()).trim()).toBe(`· ${texts.step}`)
      expect(
        plain(await page.getByTestId('vm-create-ovh-task').textContent()).replace(/^\s*·\s*/, ''),
      ).toMatch(texts.task)
      await page.screenshot({ path: screenshotPath(`vm-create-ovh-task-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })

    it(`${language}: OVH not configured: the typed virtual MAC, with how to configure access`, async () => {
      const { context, page, errors } = await openWizard(locale, false)
      const note = page.getByTestId('vm-create-ovh-unconfigured')
      await note.waitFor()
      expect(plain(await note.textContent())).toContain(texts.unconfigured)
      expect(await note.textContent()).toContain('~/.ovh.conf')
      expect(await page.getByTestId('vm-create-network-ovh').count()).toBe(0)
      expect(await page.getByTestId('vm-create-network-failover').isChecked()).toBe(true)
      expect(await page.getByTestId('vm-create-mac').count()).toBe(1)
      await page.screenshot({ path: screenshotPath(`vm-create-ovh-unconfigured-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
