/**
 * A lost host in the window (issue 15, item 1 and the fence sheet), in French and English: hv1's
 * links cut while labvm1 runs there. The tree and the VM view say "last seen running on hv1, hv1
 * unreachable since …", never "stopped"; the fence sheet lists what would be blocklisted (hv1's
 * clients of labvm1's disk, recorded while hv1 answered, and still watching), asks separately about
 * the live watcher, and stays disabled until everything is confirmed. Nothing is fenced: the sheet
 * is closed and hv1 restored. Screenshots in test-results/screenshots/fence-*.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, labCmd, requireLab, waitFor } from './support/lab'

let app: LabBrowser
let lab: LabCore

beforeAll(async () => {
  await requireLab()
  lab = await labCore((cluster) => {
    cluster.ceph.fenceClientId = 'hyperdesk-fence'
  })
  await lab.waitForInventory()
  app = await startLabBrowser(lab)
}, 90_000)

afterAll(async () => {
  await faults.net('hv1', 'restore').catch(() => undefined)
  await app?.close()
  await lab?.cleanup()
}, 60_000)

async function lostHostViews(page: Page, language: 'fr' | 'en'): Promise<void> {
  const lastSeen =
    language === 'fr'
      ? /^vue en marche pour la dernière fois sur hv1, hv1 injoignable depuis \d+ déc\., \d\d:\d\d$/
      : /^last seen running on hv1, hv1 unreachable since Dec \d+, \d{1,2}:\d\d (AM|PM)$/
  const treeText =
    language === 'fr'
      ? /^vue en marche sur hv1, injoignable depuis \d\d:\d\d$/
      : /^last seen running on hv1, unreachable since \d{1,2}:\d\d (AM|PM)$/
  await expect
    .poll(() => page.getByTestId('tree-last-seen').first().textContent(), { timeout: 60_000 })
    .toMatch(treeText)
  // The row still names the VM.
  expect(await page.getByTestId('tree-vm-labvm1').first().textContent()).toContain('labvm1')
  await page.getByTestId('tree-vm-labvm1').first().click()
  await expect.poll(() => page.getByTestId('vm-state').textContent(), { timeout: 30_000 }).toMatch(lastSeen)
  await page.screenshot({ path: screenshotPath(`fence-last-seen-${language}`) })

  await page.getByTestId('vm-fence').click()
  const sheet = page.getByTestId('fence-sheet')
  await expect
    .poll(() => sheet.getByTestId('fence-targets').locator('tbody tr').count(), { timeout: 60_000 })
    .toBeGreaterThan(0)
  const confirm = sheet.getByTestId('fence-confirm-button')
  await sheet.getByTestId('fence-host-off').check()
  await sheet.getByTestId('fence-name').fill('labvm1')
  // The live watcher needs its own consent: without it, nothing can be confirmed.
  expect(await sheet.getByTestId('fence-accept-live').isVisible()).toBe(true)
  expect(await confirm.isDisabled()).toBe(true)
  expect(await sheet.getByTestId('fence-warnings').textContent()).toMatch(
    language === 'fr' ? /coupe le disque d’une VM en marche/ : /cuts the disk of a running VM/,
  )
  expect(await sheet.getByTestId('fence-notes').textContent()).toMatch(
    language === 'fr'
      ? /après 30 s \(osd_client_watch_timeout\).*expire après 7 jours/s
      : /after 30 s \(osd_client_watch_timeout\).*expires after 7 days/s,
  )
  await sheet.getByTestId('fence-accept-live').check()
  expect(await confirm.isDisabled()).toBe(false)
  await page.screenshot({ path: screenshotPath(`fence-sheet-${language}`), fullPage: true })
  await sheet.getByTestId('fence-close').click()
}

describe('a lost host in the window', () => {
  it('says where labvm1 was last seen and shows the fence sheet, in French and English', async () => {
    await faults.net('hv1', 'cut')
    try {
      await waitFor(
        'hv1 unreachable in the app',
        async () => {
          await lab.context.inventory.refreshHost('hv1')
          return lab.context.inventory.host('hv1')?.reachable === false || undefined
        },
        90_000,
        500,
      )
      await lostHostViews(await app.openPage('fr-FR', { width: 1280, height: 900 }), 'fr')
      await lostHostViews(await app.openPage('en-US', { width: 1280, height: 900 }), 'en')
    } finally {
      await faults.net('hv1', 'restore')
    }
    // Nothing was fenced.
    expect(await labCmd('ceph', 'osd', 'blocklist', 'ls')).not.toMatch(/10\.77\.0\.1:/)
  }, 240_000)
})
