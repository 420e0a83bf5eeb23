import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, causeText, commandStep } from '../../src/shared/errors'
import {
  firewallDrift,
  FirewallStateSchema,
  type FirewallChangeResult,
  type HostFirewall,
} from '../../src/shared/firewall'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import { englishText, msg } from '../../src/shared/messages'
import {
  failoverBadges,
  FailoverViewSchema,
  OvhConsumerKeyRequestSchema,
  type BadgeInput,
  type FailoverView,
} from '../../src/shared/ovh'
import { screenshotPath } from '../support/browser'
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
 * The OVH screens (issue 20) in the browser, in English and French: the failover IP view, the hosts'
 * firewall and the OVH credentials dialog. The page talks to a real core whose hosts are on a closed
 * loopback port (nothing reaches OVH or the lab); the real core answers ovh.status (browser mode: no
 * keychain) and firewall.state (every host unreachable, named). To show an OVH account and hosts
 * that answer, ovh.failoverView, firewall.state, firewall.change's job and ovh.requestConsumerKey
 * are answered with values of the contract's shapes, parsed by its schemas; the badges and the
 * drift in them are computed by the app's own pure rules (failoverBadges, firewallDrift) from the
 * facts below — a lab-like account: hv1..hv3 are ns1..ns3.ip-10-77-1x.eu.
 */

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const WEB2 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
const DB1 = '7d1e0c9a-2b3c-4d5e-8f90-a1b2c3d4e5f6'
const DB2 = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
const servers = { hv1: 'ns1.ip-10-77-11.eu', hv2: 'ns2.ip-10-77-12.eu', hv3: 'ns3.ip-10-77-13.eu' }

const cluster = {
  ...sampleCluster,
  hosts: sampleCluster.hosts.map((entry) => ({
    ...entry,
    address: '127.0.0.1',
    port: CLOSED_PORT,
    ...(entry.name === 'hv3' ? {} : { ovhServiceName: servers[entry.name as 'hv1' | 'hv2'] }),
  })),
}

const definition = (name: string, uuid: string, mac: string, failoverIp: string) =>
  DomainDefinitionSchema.parse({
    name,
    uuid,
    type: 'kvm',
    memoryKiB: 1024 * 1024,
    currentMemoryKiB: 1024 * 1024,
    vcpus: 1,
    disks: [],
    nics: [{ mac, type: 'bridge', bridge: 'br0', model: 'virtio' }],
    graphics: [],
    serials: [],
    hyperdesk: { failoverIp },
  })
/** The VMs, their failover IP setting, NIC MAC and where they run. */
const vmFacts = [
  { uuid: WEB1, name: 'web1', ip: '10.77.100.1', mac: '02:00:00:77:01:01', on: 'hv1' },
  { uuid: WEB2, name: 'web2', ip: '10.77.100.9', mac: '52:54:00:aa:bb:cc', on: 'hv2' },
  { uuid: DB1, name: 'db1', ip: '10.77.100.10', mac: '02:00:00:77:0a:0a', on: 'hv1' },
  { uuid: DB2, name: 'db2', ip: '10.77.100.10', mac: '02:00:00:77:0a:0b', on: undefined },
]
const vms: Vm[] = vmFacts.map((vm) => ({
  uuid: vm.uuid,
  name: vm.name,
  runningOn: vm.on ? [vm.on] : [],
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2', 'hv3'],
  missingOn: [],
  unknownOn: [],
  flags: [],
}))
const inventory = {
  hosts: ['hv1', 'hv2', 'hv3'].map((host): HostInventory => ({
    host,
    reachable: true,
    facts: {},
    refreshedAt: Date.now(),
    domains: vmFacts.map((vm) => ({
      uuid: vm.uuid,
      name: vm.name,
      state: vm.on === host ? 'running' : 'shutoff',
      autostart: false,
      managedSave: false,
      definition: definition(vm.name, vm.uuid, vm.mac, vm.ip),
    })),
  })),
  vms,
}
const hostStates: HostState[] = ['hv1', 'hv2', 'hv3'].map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))

const firewallHosts: HostFirewall[] = [
  { host: 'hv1', ips: ['10.77.100.1', '10.77.100.9', '10.77.100.10'] },
  { host: 'hv2', ips: ['10.77.100.1', '10.77.100.9', '10.77.100.10'] },
  { host: 'hv3', ips: ['10.77.100.1', '10.77.100.10'] },
]
const firewallState = FirewallStateSchema.parse({ hosts: firewallHosts, ...firewallDrift(firewallHosts) })

const badgeInput: BadgeInput = {
  blocks: [
    { block: '10.77.100.1/32', routedTo: servers.hv1 },
    { block: '10.77.100.8/29', routedTo: servers.hv1 },
    { block: '10.77.101.4/32', routedTo: 'ns9.ip-10-77-19.eu' },
  ],
  hosts: [
    { name: 'hv1', serviceName: servers.hv1 },
    { name: 'hv2', serviceName: servers.hv2 },
    { name: 'hv3' },
  ],
  vms: vmFacts.map((vm) => ({
    name: vm.name,
    failoverIp: vm.ip,
    macs: [vm.mac],
    ...(vm.on ? { runningOn: vm.on } : {}),
  })),
  virtualMacs: [
    {
      server: servers.hv1,
      macAddress: '02:00:00:77:01:01',
      type: 'ovh',
      addresses: [{ ipAddress: '10.77.100.1', virtualMachineName: 'web1' }],
    },
    {
      server: servers.hv1,
      macAddress: '02:00:00:77:09:09',
      type: 'ovh',
      addresses: [{ ipAddress: '10.77.100.9', virtualMachineName: 'web2' }],
    },
    {
      server: servers.hv2,
      macAddress: '02:00:00:77:04:04',
      type: 'ovh',
      addresses: [{ ipAddress: '10.77.101.4', virtualMachineName: 'old' }],
    },
    {
      server: 'ns9.ip-10-77-19.eu',
      macAddress: '02:00:00:77:04:05',
      type: 'ovh',
      addresses: [{ ipAddress: '10.77.101.4', virtualMachineName: 'old' }],
    },
  ],
  firewall: Object.fromEntries(firewallHosts.map((host) => [host.host, host.ips!])),
}

/** The view as the core's failoverView() builds it from the facts above. */
function failoverView(): FailoverView {
  const claim = (ip: string) =>
    vmFacts
      .filter((vm) => vm.ip === ip)
      .map((vm) => ({ uuid: vm.uuid, name: vm.name, runningOn: vm.on ? [vm.on] : [] }))
  const address = (ip: string) => ({
    ip,
    vms: claim(ip),
    virtualMacs: badgeInput.virtualMacs
      .filter((mac) => mac.addresses.some((a) => a.ipAddress === ip))
      .map(({ server, macAddress }) => ({ server, macAddress })),
    firewallHosts: firewallHosts.filter((host) => host.ips!.includes(ip)).map((host) => host.host),
  })
  return FailoverViewSchema.parse({
    endpoint: 'ovh-eu',
    blocks: [
      {
        block: '10.77.100.1/32',
        routedTo: servers.hv1,
        routedHost: 'hv1',
        addresses: [address('10.77.100.1')],
      },
      {
        block: '10.77.100.8/29',
        routedTo: servers.hv1,
        routedHost: 'hv1',
        addresses: [8, 9, 10, 11, 12, 13, 14, 15].map((n) => address(`10.77.100.${n}`)),
      },
      { block: '10.77.101.4/32', routedTo: 'ns9.ip-10-77-19.eu', addresses: [address('10.77.101.4')] },
    ],
    badges: failoverBadges(badgeInput),
    hosts: [
      { host: 'hv1', serviceName: servers.hv1 },
      { host: 'hv2', serviceName: servers.hv2 },
      { host: 'hv3' },
    ],
    firewallUnread: [],
  })
}

/** The text as read, with French spacing's no-break spaces made plain. */
const plain = (text: string | null): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ')

let app: LabBrowser
let core: Awaited<ReturnType<typeof tempCore>>

beforeAll(async () => {
  core = await tempCore(cluster)
  app = await startLabBrowser(core)
})
afterAll(async () => {
  await app?.close()
  await core?.cleanup()
})

interface Opened extends FakeInventoryPage {
  changes: unknown[]
}

/** A page on the fake account; `realFirewall`: firewall.state goes to the real (closed-port) core. */
async function openApp(
  locale: string,
  options: { realFirewall?: boolean; realOvh?: boolean; job?: Job } = {},
): Promise<Opened> {
  const changes: unknown[] = []
  const route: InventoryRoute = {
    inventory,
    hostStates,
    answer(call) {
      if (call.method === 'ovh.failoverView' && !options.realOvh) return failoverView()
      if (call.method === 'firewall.state' && !options.realFirewall) return firewallState
      if (call.method === 'firewall.change' && options.job) {
        changes.push(call.params)
        return options.job
      }
      if (call.method === 'ovh.requestConsumerKey')
        return OvhConsumerKeyRequestSchema.parse({
          validationUrl: 'https://eu.api.ovh.com/auth/?credentialToken=Zx8w4tGvP2hQkL9s',
          accessRules: [{ method: 'GET', path: '/ip' }],
        })
      return undefined
    },
  }
  const opened = await openFakeInventoryPage(app, locale, route, { height: 1000 })
  await expect.poll(() => opened.page.getByTestId('show-failoverIps').count(), { timeout: 30_000 }).toBe(1)
  return { ...opened, changes }
}

const texts = {
  en: {
    title: 'Failover IPs (OVH)',
    routed:
      'web2 runs on hv2 but 10.77.100.9 routes to ns1.ip-10-77-11.eu: move the block to ns2.ip-10-77-12.eu or OVH drops its traffic.',
    firewall: "10.77.100.9 is missing from hv3's firewall (IPS_FAILOVER): the VM is unreachable there.",
    drift: 'Drift: 1 address is not listed on every host.',
    browser: 'Browser mode has no OS keychain',
    restored: 'hv3: the change was not confirmed',
    quoted: 'an error, quoted below',
    failedOn: 'Failed on hv3',
  },
  fr: {
    title: 'IP failover (OVH)',
    routed:
      'web2 tourne sur hv2 mais 10.77.100.9 est routée vers ns1.ip-10-77-11.eu : déplacez le bloc vers ns2.ip-10-77-12.eu, sinon OVH coupe son trafic.',
    firewall: '10.77.100.9 manque dans le pare-feu (IPS_FAILOVER) de hv3 : la VM y est injoignable.',
    drift: 'Écart : 1 adresse n’est pas listée sur tous les hôtes.',
    browser: 'Le mode navigateur n’a pas de trousseau',
    restored: 'hv3 : le changement n’a pas été confirmé',
    quoted: 'une erreur, citée ci-dessous',
    failedOn: 'Échec sur hv3',
  },
}

describe.each([
  ['en', 'en-US'],
  ['fr', 'fr-FR'],
] as const)('OVH screens in %s', (language, locale) => {
  const said = texts[language]

  it('the failover IP view shows each block, its server, MACs, VMs, firewall hosts and every badge', async () => {
    const { context, page, errors } = await openApp(locale)
    await page.getByTestId('show-failoverIps').click()
    const view = page.getByTestId('failover-view')
    await view.getByTestId('ovh-host-servers').waitFor()
    expect(await view.locator('h1').textContent()).toBe(said.title)
    // Each badge the rules gave, once in the summary.
    const codes = await view
      .getByTestId('failover-badges')
      .locator('li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-badge')))
    expect(new Set(codes)).toEqual(
      new Set([
        'routedElsewhere',
        'claimedTwice',
        'macMismatch',
        'noVirtualMac',
        'firewallMissing',
        'duplicateMac',
        'unmappedServer',
      ]),
    )
    expect(codes).toHaveLength(failoverView().badges.length)
    const summary = plain(await view.getByTestId('failover-badges').textContent())
    expect(summary).toContain(said.routed)
    expect(summary).toContain(said.firewall)
    // The healthy address has no badge; web2's row names its VM, its MAC and the hosts that list it.
    const healthy = view.locator('[data-testid="failover-address"][data-ip="10.77.100.1"]')
    expect(await healthy.getAttribute('data-level')).toBe('ok')
    const web2 = view.locator('[data-testid="failover-address"][data-ip="10.77.100.9"]')
    expect(await web2.getAttribute('data-level')).toBe('fail')
    const row = await web2.textContent()
    for (const part of ['web2', '52:54:00:aa:bb:cc', '02:00:00:77:09:09', 'hv1, hv2'])
      expect(row).toContain(part)
    // The /29: only its used addresses (.9 and .10) are rows, the six others counted.
    const block = view.locator('[data-testid="failover-block"][data-block="10.77.100.8/29"]')
    expect(await block.getByTestId('failover-address').count()).toBe(2)
    expect(await block.getByTestId('failover-unused').textContent()).toMatch(/^6 /)
    // hv3 has no OVH service name: said in the hosts' table.
    expect(
      await view
        .locator('[data-testid="ovh-host-servers"] tr[data-host="hv3"] td')
        .nth(1)
        .getAttribute('class'),
    ).toBe('ovh-warn')
    await page.screenshot({ path: screenshotPath(`ovh-failover-${language}`), fullPage: true })
    // A VM's name opens the VM.
    await web2.getByTestId('failover-vm').click()
    await page.getByTestId('vm-view').first().waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  it('the credentials dialog: sources without secrets, browser mode refuses the keychain, the guided key', async () => {
    const { context, page, errors } = await openApp(locale)
    await page.getByTestId('show-failoverIps').click()
    await page.getByTestId('ovh-credentials-open').click()
    const dialog = page.getByTestId('ovh-credentials')
    await dialog.getByTestId('ovh-rules').waitFor()
    // The real core: browser mode has no keychain; saving is off and says why.
    expect(await dialog.getByTestId('ovh-keychain').getAttribute('data-state')).toBe('browserMode')
    expect(await dialog.getByTestId('ovh-save').isDisabled()).toBe(true)
    expect(plain(await dialog.getByTestId('ovh-save-off').textContent())).toContain(said.browser)
    expect(await dialog.getByTestId('ovh-files').locator('li').count()).toBeGreaterThanOrEqual(3)
    // The access rules the core asks for: never /*.
    const rules = await dialog.locator('.ovh-rules li').allTextContents()
    expect(rules.length).toBeGreaterThan(0)
    expect(rules.some((rule) => rule.endsWith(' /*'))).toBe(false)
    // Hosts and their servers.
    expect(
      await dialog.locator('[data-testid="ovh-host-servers"] tr[data-host="hv1"]').textContent(),
    ).toContain(servers.hv1)
    // The guided consumer key (OVH's answer faked: nothing leaves the machine).
    await dialog.getByTestId('ovh-application-key').fill('7kbG7Bk7S9Nt7ZSV')
    await dialog.getByTestId('ovh-request-key').click()
    const link = dialog.getByTestId('ovh-validation-link')
    expect(await link.getAttribute('href')).toBe(
      'https://eu.api.ovh.com/auth/?credentialToken=Zx8w4tGvP2hQkL9s',
    )
    expect(await link.getAttribute('target')).toBe('_blank')
    await page.screenshot({ path: screenshotPath(`ovh-credentials-${language}`), fullPage: true })
    await dialog.getByTestId('ovh-credentials-close').click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('the firewall view: drift side by side, one change on every host, the dead-man outcome and the failed host named', async () => {
    const job: Job = {
      id: 'job-fw-1',
      kind: 'firewall.change',
      title: "Add 10.77.100.9 to every host's firewall",
      target: {},
      state: 'running',
      progress: 0,
      step: 'add 10.77.100.9 on hv1',
      log: [],
      cancellable: false,
      startedAt: Date.now(),
    }
    const { context, page, errors, changes, socket } = await openApp(locale, { job })
    await page.getByTestId('show-hostFirewall').click()
    const view = page.getByTestId('firewall-view')
    await view.getByTestId('firewall-table').waitFor()
    expect(plain(await view.getByTestId('firewall-drift-summary').textContent())).toBe(said.drift)
    const drifting = view.locator('[data-testid="firewall-ip"][data-drift="yes"]')
    expect(await drifting.count()).toBe(1)
    expect(await drifting.getAttribute('data-ip')).toBe('10.77.100.9')
    expect(await drifting.locator('td[data-host="hv3"]').getAttribute('data-listed')).toBe('no')
    // A typo is said before anything runs.
    await view.getByTestId('firewall-ip-input').fill('10.77.100.256')
    await view.getByTestId('firewall-add').click()
    expect(await view.getByTestId('firewall-form-problem').count()).toBe(1)
    expect(changes).toEqual([])
    // "Add on every host" from the drifting row, then the job.
    await drifting.getByTestId('firewall-pick').click()
    expect(await view.getByTestId('firewall-ip-input').inputValue()).toBe('10.77.100.9')
    await view.getByTestId('firewall-add').click()
    await expect.poll(() => changes.length).toBe(1)
    expect(changes[0]).toEqual({ action: 'add', ip: '10.77.100.9', confirmWithinSeconds: 45 })
    const status = view.getByTestId('firewall-job')
    await expect.poll(() => status.getAttribute('data-state')).toBe('running')
    expect(await view.getByTestId('firewall-job-step').textContent()).toContain('add 10.77.100.9 on hv1')
    await page.screenshot({ path: screenshotPath(`ovh-firewall-running-${language}`), fullPage: true })

    // hv1 and hv2 list it already; hv3's change was not confirmed and its dead-man put the file back.
    // ssh2's own words are the detail, shown under the sentence, never inside it.
    const reason = msg('firewall.reasonNewSsh', {
      host: 'hv3',
      why: causeText(new Error('connect ETIMEDOUT 10.77.13.1:22')),
    })
    const result: FirewallChangeResult = {
      action: 'add',
      ip: '10.77.100.9',
      hosts: [
        {
          host: 'hv1',
          outcome: 'unchanged',
          message: msg('firewall.alreadyListed', { host: 'hv1', ip: '10.77.100.9' }),
        },
        {
          host: 'hv2',
          outcome: 'unchanged',
          message: msg('firewall.alreadyListed', { host: 'hv2', ip: '10.77.100.9' }),
        },
        { host: 'hv3', outcome: 'restored', message: msg('firewall.restored', { host: 'hv3', reason }) },
      ],
    }
    const restored = result.hosts[2]!.message
    const error = ApiError.of('firewall.restored', restored, {
      host: 'hv3',
      step: commandStep('add 10.77.100.9 in IPS_FAILOVER'),
      details: { result },
    }).toData()
    pushJob(socket, {
      ...job,
      state: 'failed',
      endedAt: Date.now(),
      error,
      log: result.hosts.map((host) => ({ at: Date.now(), text: englishText(host.message) })),
    })
    await expect.poll(() => status.getAttribute('data-state')).toBe('failed')
    expect(await view.getByTestId('firewall-failed-host').textContent()).toBe(said.failedOn)
    const outcomes = view.getByTestId('firewall-outcomes').locator('li')
    expect(
      await outcomes.evaluateAll((items) => items.map((item) => item.getAttribute('data-outcome'))),
    ).toEqual(['unchanged', 'unchanged', 'restored'])
    expect(plain(await outcomes.nth(2).textContent())).toContain(said.restored)
    const sentence = plain(await outcomes.nth(2).locator('[data-message]').textContent())
    expect(sentence).toContain(said.quoted)
    expect(sentence).not.toContain('ETIMEDOUT')
    expect(await outcomes.nth(2).locator('[data-said="local"] pre').textContent()).toBe(
      'connect ETIMEDOUT 10.77.13.1:22',
    )
    expect(await outcomes.nth(2).locator('[data-said="local"] pre').getAttribute('lang')).toBe('en')
    await page.screenshot({ path: screenshotPath(`ovh-firewall-restored-${language}`), fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('the real core, without OVH credentials or hosts that answer', () => {
  it('the failover IP view says what to do and opens the credentials dialog', async () => {
    const { context, page, errors } = await openApp('fr-FR', { realOvh: true })
    await page.getByTestId('show-failoverIps').click()
    const box = page.getByTestId('failover-error')
    expect(await box.getAttribute('data-code')).toBe('ovh.not-configured')
    expect(plain(await box.textContent())).toContain('Pas encore d’identifiants OVH.')
    await page.getByTestId('ovh-credentials-fix').click()
    expect(
      await page.getByTestId('ovh-credentials').getByTestId('ovh-in-use').getAttribute('data-configured'),
    ).toBe('no')
    await page.screenshot({ path: screenshotPath('ovh-not-configured-fr') })
    expect(errors).toEqual([])
    await context.close()
  })

  it('names each host whose IPS_FAILOVER could not be read', async () => {
    const { context, page, errors } = await openApp('en-US', { realFirewall: true })
    await page.getByTestId('show-hostFirewall').click()
    const view = page.getByTestId('firewall-view')
    await view.getByTestId('firewall-table').waitFor({ timeout: 30_000 })
    const unread = view.getByTestId('firewall-host-error')
    expect(await unread.count()).toBe(3)
    expect(await unread.nth(2).textContent()).toBe(
      'hv3 did not answer over SSH: its firewall could not be read (Hyperdesk retries by itself; the host’s state is in the cluster tree).',
    )
    expect(await view.getByTestId('firewall-drift-summary').textContent()).toBe(
      'No host lists a failover IP.',
    )
    expect(errors).toEqual([])
    await context.close()
  })
})
