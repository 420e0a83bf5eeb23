/**
 * The hosts UI in browser mode against the real lab: states in the sidebar, the doctor's report,
 * the unknown-host-key dialog (accept → online). Screenshots in test-results/screenshots/.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { requireLab } from './support/lab'

let app: LabBrowser
let lab: LabCore

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      // hv3 is missing from known_hosts: the UI must ask about its key.
      lab = await labCore()
      fs.writeFileSync(
        lab.knownHostsFile,
        fs
          .readFileSync(lab.knownHostsFile, 'utf8')
          .split('\n')
          .filter((line) => !line.startsWith('10.77.13.1 '))
          .join('\n'),
      )
      await lab.core.call('hosts.disconnect', { host: 'hv3' })
      await lab.core.call('hosts.connect', { host: 'hv3' })
      return lab
    })(),
  )
}, 90_000)
afterAll(async () => {
  await app?.close()
  await lab?.cleanup()
})

describe('hosts in the UI', () => {
  it('shows each host’s state, asks about an unknown key, and shows the doctor', async () => {
    const page = await app.openPage('fr-FR', { width: 1280, height: 800 })
    const errors = app.errorsOf(page)
    await page.getByTestId('language').selectOption('fr')

    const status = (host: string) => page.locator(`[data-host="${host}"] [data-testid="host-status"]`)
    await expect.poll(() => status('hv1').getAttribute('data-status'), { timeout: 30_000 }).toBe('online')
    await expect
      .poll(() => status('hv3').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('key-unknown')
    const dialog = page.getByTestId('host-key-dialog')
    await dialog.waitFor()
    const fingerprint = await page.getByTestId('host-key-fingerprint').textContent()
    expect(fingerprint).toBe(lab.states.get('hv3')?.hostKey?.fingerprint)
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(await dialog.textContent()).toContain('ssh-ed25519')
    await page.screenshot({ path: screenshotPath('hosts-key-dialog-fr') })

    await page.getByTestId('host-key-accept').click()
    await expect.poll(() => status('hv3').getAttribute('data-status'), { timeout: 30_000 }).toBe('online')
    expect(await status('hv3').textContent()).toBe('En ligne')

    await page.locator('[data-host="hv1"]').click()
    const checks = page.getByTestId('doctor-checks')
    await checks.waitFor({ timeout: 60_000 })
    await expect.poll(() => page.locator('[data-check="ceph-keyring"]').getAttribute('data-level')).toBe('ok')
    expect(await page.getByTestId('doctor-versions').textContent()).toMatch(/libvirt \d+\.\d+.*Ceph \d+/)
    await page.screenshot({ path: screenshotPath('hosts-doctor-fr'), fullPage: true })

    await page.getByTestId('language').selectOption('en')
    await expect.poll(() => status('hv1').textContent()).toBe('Online')
    await page.screenshot({ path: screenshotPath('hosts-doctor-en'), fullPage: true })
    expect(errors).toEqual([])
  }, 120_000)
})
