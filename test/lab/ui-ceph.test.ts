/**
 * The Ceph panel and the maintenance sheet in browser mode against the real lab:
 * - as client.libvirt: health OK with the OSD tree, monitors and pools; a stopped OSD shows as down
 *   with its check in plain words (French UI); "Set noout" is refused with the exact caps;
 * - with client.hyperdesk-maint: the maintenance sheet of hv3 (nothing runs there) shows its
 *   pre-checks and plan, starts, reaches "reboot hv3 now" with noout set, and Abort unsets noout;
 *   hv1's plan shows labvm1 with a destination to choose and the capacity it takes.
 * Screenshots in test-results/screenshots/ceph-*.png and maintenance-*.png. Leaves no flag, every OSD up.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { launchChromium, screenshotPath } from '../support/browser'
import { labCore, type LabCore } from '../support/lab-core'
import { cephCommand, faults, LAB_HOSTS, requireLab, waitForCephWhole } from './support/lab'

const rendererDir = path.resolve(__dirname, '../../out/renderer')
let browser: Browser
let plain: { lab: LabCore; server: BrowserServer }
let privileged: { lab: LabCore; server: BrowserServer }

async function serve(edit?: (cluster: Record<string, unknown>) => void) {
  const lab = await labCore(edit)
  await Promise.all(LAB_HOSTS.map((host) => lab.waitForStatus(host.name, 'online', 30_000)))
  return { lab, server: await startBrowserServer({ core: lab.core, staticDir: rendererDir }) }
}

async function open(url: string, locale = 'en-US'): Promise<Page> {
  const page = await (await browser.newContext({ locale, viewport: { width: 1280, height: 900 } })).newPage()
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
  await page.goto(url)
  return page
}

/** The OSD map's flags as root reads them, through the rados binding (~0.25 s, not the CLI's ~0.7 s). */
async function osdFlags(): Promise<string[]> {
  return (await cephCommand<{ flags_set: string[] }>({ prefix: 'osd dump' })).flags_set
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  // chromium launches while the lab is checked and the two cores connect (2-6 s on a loaded machine)
  const launching = launchChromium()
  launching.catch(() => undefined) // awaited below, or closed if the setup fails
  try {
    await requireLab()
    ;[plain, privileged] = await Promise.all([
      serve(),
      serve((cluster) => {
        ;(cluster.ceph as Record<string, unknown>).privilegedClientId = 'hyperdesk-maint'
      }),
    ])
  } finally {
    browser = await launching
  }
}, 90_000)

afterAll(async () => {
  await browser?.close()
  for (const side of [plain, privileged]) {
    await side?.server.close()
    await side?.lab.cleanup()
  }
  await faults.osd(3, 'start').catch(() => undefined)
  await cephCommand({ prefix: 'osd unset', key: 'noout' }).catch(() => undefined)
})

describe('Ceph panel (browser)', () => {
  it('shows health, OSDs, monitors and pools; noout refused with the caps; a stopped OSD (French)', async () => {
    const page = await open(plain.server.url, 'en-US')
    await page.getByTestId('show-ceph').click()
    await expect
      .poll(() => page.getByTestId('ceph-health').first().getAttribute('data-health'), { timeout: 30_000 })
      .toBe('HEALTH_OK')
    expect(await page.getByTestId('ceph-osds').locator('tr[data-up="true"]').count()).toBe(4)
    expect(await page.getByTestId('ceph-monitors').textContent()).toContain('10.77.0.254:6789')
    expect(await page.getByTestId('ceph-pools').textContent()).toContain('libvirt-sata')
    await page.screenshot({ path: screenshotPath('ceph-panel'), fullPage: true })

    await page.getByTestId('ceph-noout-toggle').click()
    const refusal = page.getByTestId('ceph-refusal')
    await refusal.waitFor({ timeout: 30_000 })
    const text = (await refusal.textContent()) ?? ''
    expect(text).toMatch(/client\.libvirt may not run `ceph osd set noout`/)
    expect(text).toContain('allow command "osd set" with key=noout')
    expect(text).toContain('NOPASSWD: /usr/bin/ceph --connect-timeout 10 osd set noout')
    await refusal.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('ceph-noout-refused'), fullPage: true })
    expect(await osdFlags()).not.toContain('noout')

    // A stopped OSD, in French: the language switched in the header, the panel read again.
    await page.getByTestId('language').selectOption('fr')
    await faults.osd(3, 'stop')
    try {
      await page.getByTestId('ceph-refresh').click()
      await expect
        .poll(() => page.locator('[data-osd="3"]').getAttribute('data-up'), { timeout: 30_000 })
        .toBe('false')
      const check = page.locator('[data-check="OSD_DOWN"]')
      await check.waitFor({ timeout: 30_000 })
      expect(await check.textContent()).toMatch(/Un ou plusieurs OSD sont arrêtés/)
      expect(await page.locator('[data-osd="3"]').textContent()).toContain('arrêté')
      await page.screenshot({ path: screenshotPath('ceph-osd-down-fr'), fullPage: true })
    } finally {
      await faults.osd(3, 'start')
    }
    // Recovery after the OSD returns takes a few seconds: the next test starts from a whole Ceph, by
    // Ceph's own signals (the manager can say HEALTH_OK before PG_DEGRADED shows), not a fixed pause.
    await waitForCephWhole('after osd.3 restarted')
    await page.context().close()
  }, 240_000)
})

describe('Ceph panel, no host with its keyring (browser)', () => {
  it('says so once, naming the hosts it tried, the client, the file and the fix, in English and in French', async () => {
    // A cluster file with hv2 and hv3 only, both without client.libvirt's keyring: the panel has no
    // host left to read through, and tells the one cause they share (cluster.ts everyHostFailed).
    const pair = await labCore((cluster) => {
      cluster.hosts = cluster.hosts.filter((host: { name: string }) => host.name !== 'hv1')
    })
    await Promise.all(['hv2', 'hv3'].map((host) => pair.waitForStatus(host, 'online', 30_000)))
    const server = await startBrowserServer({ core: pair.core, staticDir: rendererDir })
    await Promise.all((['hv2', 'hv3'] as const).map((host) => faults.keyring(host, 'off')))
    try {
      const page = await open(server.url, 'en-US')
      await page.getByTestId('show-ceph').click()
      const error = page.getByTestId('ceph-error')
      await error.waitFor({ timeout: 30_000 })
      expect(await error.getAttribute('data-code')).toBe('ceph.no-keyring')
      const english = (await error.textContent()) ?? ''
      expect(english).toMatch(
        /Ceph could not be read through any host \(hv[23] and hv[23]\), each failing as (hv[23]) did: ceph could not connect to Ceph on \1( \(No such file or directory\))?: (there is no keyring|either)/,
      )
      expect(english).toContain('client.libvirt')
      expect(english).toContain('/etc/ceph/ceph.client.libvirt.keyring')
      expect(english).toContain('ceph auth get client.libvirt')
      // The tool's one line, not librados' log.
      expect(english).toContain('[errno 2] RADOS object not found (error connecting to the cluster)')
      expect(english).not.toMatch(/AuthRegistry|disabling cephx/)
      await page.screenshot({ path: screenshotPath('ceph-no-keyring-en'), fullPage: true })

      await page.getByTestId('language').selectOption('fr')
      await expect
        .poll(() => error.textContent(), { timeout: 30_000 })
        .toMatch(
          /Ceph n’a pu être lu à travers aucun hôte \(hv[23] et hv[23]\), tous pour la même raison que hv[23]\s:\s/,
        )
      const french = (await error.textContent()) ?? ''
      expect(french).toMatch(/n’a pas pu se connecter à Ceph sur hv[23]/)
      expect(french).toContain('/etc/ceph/ceph.client.libvirt.keyring')
      expect(french).toContain('ceph auth get client.libvirt')
      // Every host was tried: no hint to disconnect one so that another is used.
      expect(english).not.toMatch(/disconnect/i)
      expect(french).not.toMatch(/déconnectez/i)
      await page.screenshot({ path: screenshotPath('ceph-no-keyring-fr'), fullPage: true })
      await page.context().close()
    } finally {
      await Promise.all((['hv2', 'hv3'] as const).map((host) => faults.keyring(host, 'on')))
      await server.close()
      await pair.cleanup()
    }
  }, 120_000)
})

describe('maintenance sheet (browser)', () => {
  it('plans hv3, starts, waits for the reboot with noout set, and Abort unsets noout', async () => {
    const page = await open(privileged.server.url, 'en-US')
    await page.getByTestId('tree-host-hv3').click()
    await page.getByTestId('open-maintenance').click()
    const checks = page.getByTestId('maintenance-checks')
    await checks.waitFor({ timeout: 60_000 })
    expect(await checks.locator('[data-check="osds"]').textContent()).toMatch(/hv3 holds no OSDs/)
    expect(await checks.locator('[data-check="privilege"]').getAttribute('data-level')).toBe('ok')
    expect(await page.getByTestId('maintenance-noout').textContent()).toContain('The whole cluster')
    await page.screenshot({ path: screenshotPath('maintenance-plan') })

    await page.getByTestId('maintenance-start').click()
    const reboot = page.getByTestId('maintenance-reboot')
    await reboot.waitFor({ timeout: 60_000 })
    expect(await reboot.textContent()).toContain('Reboot hv3 now')
    expect(await osdFlags()).toContain('noout')
    await page.screenshot({ path: screenshotPath('maintenance-reboot') })

    await page.getByTestId('maintenance-abort').click()
    await page.getByTestId('maintenance-abort-confirm').click()
    await expect
      .poll(() => page.getByTestId('maintenance-progress').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('cancelled')
    expect(await page.getByTestId('maintenance-outcome').textContent()).toMatch(/noout unset/)
    expect(await osdFlags()).not.toContain('noout')
    await page.screenshot({ path: screenshotPath('maintenance-aborted') })
    await page.getByTestId('maintenance-close').click()

    // hv1's plan: labvm1 with its destination to choose and the capacity it takes (not started).
    await page.getByTestId('tree-host-hv1').click()
    await page.getByTestId('open-maintenance').click()
    const destination = page.getByTestId('maintenance-destination-labvm1')
    await destination.waitFor({ timeout: 60_000 })
    const other = (await destination.inputValue()) === 'hv2' ? 'hv3' : 'hv2'
    await destination.selectOption(other)
    await expect
      .poll(() => page.getByTestId('maintenance-capacity').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`${other} — [\\d.]+\\sGiB free, 128\\sMiB planned`))
    await page.screenshot({ path: screenshotPath('maintenance-plan-hv1') })
    await page.context().close()
  }, 120_000)
})
