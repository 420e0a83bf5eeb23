import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { HostState } from '../../src/shared/hosts'
import { DomainDefinitionSchema, type HostInventory, type Vm } from '../../src/shared/inventory'
import { EjectMediaParamsSchema, EjectMediaResultSchema } from '../../src/shared/iso'
import { JobSchema, type Job } from '../../src/shared/jobs'
import { msg } from '../../src/shared/messages/message'
import { MigrationPlanSchema } from '../../src/shared/migration'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, pushJob, useClosedPortApp } from '../support/fake-inventory'

/**
 * Ejecting the install CD-ROM (issue 19 item 1) in the browser, in French and English: from the VM
 * view ("Eject the CD-ROM…" where an ISO is loaded) and from the migration sheet, whose pre-check
 * refuses a destination without the ISO and offers the same dialog. The page's WebSocket goes to a
 * real core on closed-port hosts; the inventory, the migration plans and the eject job's updates are
 * values of the contract's shapes (parsed with its schemas), as the core sends them for the lab's
 * labvm3 (its CD-ROM hdc holds the lab's ISO; core-vmedit.test.ts ejects it for real).
 */

const app = useClosedPortApp()

const WEB1 = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
const ISO = '/var/lib/libvirt/images/debian-12.2.0-amd64-netinst.iso'
const HOSTS = ['hv1', 'hv2', 'hv3']

const web1: Vm = {
  uuid: WEB1,
  name: 'web1',
  runningOn: ['hv1'],
  lastKnownRunningOn: [],
  definedOn: HOSTS,
  missingOn: [],
  unknownOn: [],
  flags: [],
}
const definition = (iso: string | undefined) =>
  DomainDefinitionSchema.parse({
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
      },
      { device: 'cdrom', target: 'hdc', bus: 'ide', ...(iso ? { file: iso } : {}), readonly: true },
    ],
    nics: [{ mac: '02:00:00:12:34:56', type: 'bridge', bridge: 'br0', model: 'virtio' }],
    graphics: [],
    serials: [{ type: 'pty' }],
    hyperdesk: {},
  })
const inventory = {
  hosts: HOSTS.map((host): HostInventory => ({
    host,
    reachable: true,
    facts: {},
    refreshedAt: Date.now(),
    domains: [
      {
        uuid: WEB1,
        name: 'web1',
        state: host === 'hv1' ? 'running' : 'shutoff',
        autostart: false,
        managedSave: false,
        definition: definition(ISO),
      },
    ],
  })),
  vms: [web1],
}
const hostStates: HostState[] = HOSTS.map((name, index) => ({
  name,
  target: `etalab@10.77.1${index + 1}.1:22`,
  status: 'online',
  since: new Date().toISOString(),
}))

/** The migration plan to hv2: refused while the ISO is loaded (hv2 lacks it), then ready. */
const migrationPlan = (ejected: boolean) =>
  MigrationPlanSchema.parse({
    uuid: WEB1,
    name: 'web1',
    from: 'hv1',
    to: 'hv2',
    checks: [
      {
        id: 'destination-online',
        level: 'ok',
        message: msg('migrationChecks.destinationOnline', { to: 'hv2' }),
      },
      ejected
        ? { id: 'cdrom', level: 'ok', message: msg('migrationChecks.noCdrom') }
        : {
            id: 'cdrom',
            level: 'fail',
            message: msg('migrationChecks.cdromMissing', { images: ISO, to: 'hv2' }),
          },
    ],
    canStart: ejected,
    persistent: true,
    followUps: {
      gateway: { old: '10.77.11.254', new: '10.77.12.254' },
      interfacesLines: [],
      commands: [],
      notes: [],
    },
  })

const JOB_ID = '6b1d3c2b-6e7f-4a81-9bac-1d2e3f4a5b6c'
const running: Job = JobSchema.parse({
  id: JOB_ID,
  kind: 'vm.ejectMedia',
  title: 'Eject the CD-ROM of web1',
  titleText: msg('jobTitles.eject', { vm: 'web1' }),
  target: { vm: WEB1 },
  state: 'running',
  progress: 0.2,
  step: 'hv1: emptying hdc of web1',
  log: [],
  cancellable: false,
  startedAt: Date.now(),
})
const succeeded: Job = JobSchema.parse({
  ...running,
  state: 'succeeded',
  progress: 1,
  finishedAt: Date.now(),
  result: EjectMediaResultSchema.parse({
    name: 'web1',
    targets: ['hdc'],
    persistentOn: HOSTS,
    liveOn: 'hv1',
  }),
})

const TEXTS = {
  fr: {
    title: 'Éjecter le CD-ROM de web1',
    explain: `Vide son CD-ROM (${ISO}) dans la définition sur chaque hôte qui définit web1 (hv1, hv2, hv3).`,
    done: 'Le CD-ROM de web1 (hdc) est vide dans la définition sur hv1, hv2 et hv3. Il a aussi été éjecté de la VM en marche sur hv1.',
    ready: 'Aucune image CD-ROM insérée.',
  },
  en: {
    title: 'Eject the CD-ROM of web1',
    explain: `Empties its CD-ROM (${ISO}) in the definition on every host that defines web1 (hv1, hv2, hv3).`,
    done: 'The CD-ROM of web1 (hdc) is empty in the definition on hv1, hv2 and hv3. It was also ejected from the running VM on hv1.',
    ready: 'No CD-ROM image inserted.',
  },
} as const

/** Text with French spacing (no-break spaces before ":" and the like) as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ')

async function open(locale: string) {
  const ejects: unknown[] = []
  let plans = 0
  const opened = await openFakeInventoryPage(
    app(),
    locale,
    {
      inventory,
      hostStates,
      answer(call) {
        if (call.method === 'vm.ejectMedia') {
          ejects.push(EjectMediaParamsSchema.parse(call.params))
          return running
        }
        if (call.method === 'vm.migrationPlan') return migrationPlan(plans++ > 0 && ejects.length > 0)
        if (call.method === 'vm.pending') return { host: 'hv1', fields: [] }
        return undefined
      },
    },
    { height: 1000, ready: 'tree-vm-web1' },
  )
  return { ...opened, ejects, plans: () => plans }
}

/** Confirms the open dialog, checks it shows the running job, then pushes its success as the core would. */
async function eject(page: Page, socket: Parameters<typeof pushJob>[0], ejects: unknown[]) {
  await page.getByTestId('vm-eject-confirm').click()
  await expect.poll(() => ejects).toEqual([{ uuid: WEB1 }])
  await expect.poll(() => page.getByTestId('vm-eject-job').getAttribute('data-state')).toBe('running')
  pushJob(socket, succeeded)
  // The dialog closes and says what was done, in the window's language.
  await expect.poll(() => page.getByTestId('vm-eject-dialog').count()).toBe(0)
}

describe('ejecting the CD-ROM', () => {
  for (const [locale, language] of [
    ['fr-FR', 'fr'],
    ['en-US', 'en'],
  ] as const) {
    const texts = TEXTS[language]

    it(`${language}: from the VM view, the dialog names the ISO and the hosts, ejects, and says so`, async () => {
      const { context, page, errors, socket, ejects } = await open(locale)
      await page.getByTestId('tree-vm-web1').first().click()
      expect(plain(await page.getByTestId('vm-cdrom-loaded').textContent())).toContain(ISO)
      await page.getByTestId('vm-eject').click()
      const dialog = page.getByTestId('vm-eject-dialog')
      await dialog.waitFor()
      expect(plain(await dialog.locator('h2, h1').first().textContent())).toBe(texts.title)
      expect(plain(await dialog.textContent())).toContain(texts.explain)
      expect(await page.getByTestId('vm-eject-live').count()).toBe(1)
      await page.screenshot({ path: screenshotPath(`vm-eject-dialog-${language}`) })
      await eject(page, socket, ejects)
      const notice = page.locator('.notification-info').last()
      await expect.poll(async () => plain(await notice.textContent())).toContain(texts.done)
      await page.screenshot({ path: screenshotPath(`vm-eject-done-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    }, 60_000)

    it(`${language}: the migration sheet refused for the ISO offers Eject, then checks again`, async () => {
      const { context, page, errors, socket, ejects, plans } = await open(locale)
      await page.getByTestId('tree-vm-web1').first().click()
      await page.getByTestId('vm-migrate-host').selectOption('hv2')
      await page.getByTestId('vm-migrate').click()
      const cdrom = page.locator('[data-testid="migration-checks"] [data-check="cdrom"]')
      await cdrom.waitFor()
      expect(plain(await cdrom.textContent())).toContain(ISO)
      expect(await page.getByTestId('migration-confirm').isDisabled()).toBe(true)
      await page.getByTestId('migration-eject').click()
      const dialog = page.getByTestId('vm-eject-dialog')
      await dialog.waitFor()
      expect(plain(await dialog.textContent())).toContain(texts.explain)
      await page.screenshot({ path: screenshotPath(`migration-eject-dialog-${language}`) })
      const before = plans()
      await eject(page, socket, ejects)
      // onDone: the pre-checks run again, and the migration can start now.
      await expect.poll(() => plans()).toBeGreaterThan(before)
      await expect.poll(async () => plain(await cdrom.textContent())).toContain(texts.ready)
      await expect.poll(() => page.getByTestId('migration-confirm').isDisabled()).toBe(false)
      await page.screenshot({ path: screenshotPath(`migration-eject-done-${language}`) })
      expect(errors).toEqual([])
      await context.close()
    }, 60_000)
  }
})
