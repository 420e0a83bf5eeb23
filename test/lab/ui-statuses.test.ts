/**
 * Statuses tell the truth, against the real lab (issue 21, item 3): hv1 has no key to offer (its only
 * identity file does not exist, no agent) and says "No key offered", never "Key refused"; hv2 and hv3
 * are reached over SSH but the cluster file names a Ceph client that has no keyring there, so their
 * doctor finds Ceph unusable and the tree shows them as a warning, not a plain green "Online"; the
 * header counts 2 of 3 hosts reachable, 2 with problems, apart from the link to the core.
 * Screenshots: test-results/screenshots/statuses-lab-{en,fr}.png. Changes nothing on the lab.
 */
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { LAB_APP_KEY, requireLab } from './support/lab'

let lab: LabCore
let ui: LabBrowser

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  ui = await startLabBrowser(
    (async () => {
      await requireLab()
      lab = await labCore((cluster) => {
        // The key moves from the file's defaults to hv2 and hv3; hv1 gets a key file that is not there.
        delete cluster.ssh.identityFile
        cluster.hosts[0].identityFile = path.join('/nonexistent', 'id_ed25519')
        cluster.hosts[1].identityFile = LAB_APP_KEY
        cluster.hosts[2].identityFile = LAB_APP_KEY
        cluster.ceph.clientId = 'nokeyring'
      })
      return lab
    })(),
  )
}, 60_000)

afterAll(async () => {
  await ui?.close()
  await lab?.cleanup()
})

const status = (page: Page, host: string) => page.locator(`[data-host="${host}"] [data-testid="host-status"]`)

describe('host statuses on the lab', () => {
  it('no key is not "key refused"; SSH up with Ceph unusable is a warning; the header counts hosts', async () => {
    const noKey = await lab.waitForStatus('hv1', 'no-key', 20_000)
    expect(noKey.error?.message).toContain('No SSH key to offer to hv1')
    await Promise.all(['hv2', 'hv3'].map((host) => lab.waitForStatus(host, 'online', 30_000)))

    const page = await ui.openPage('en-US')
    await expect.poll(() => status(page, 'hv1').textContent(), { timeout: 20_000 }).toBe('No key offered')
    for (const host of ['hv2', 'hv3']) {
      await expect
        .poll(() => status(page, host).getAttribute('data-status'), { timeout: 60_000 })
        .toBe('degraded')
      expect(await status(page, host).textContent()).toBe('Reachable, Ceph unusable')
    }
    expect(lab.states.get('hv2')?.doctor?.capabilities).toMatchObject({
      canUseLibvirt: true,
      cephReachable: false,
    })
    expect(await page.getByTestId('host-count').textContent()).toBe('2/3 hosts reachable, 2 with problems')
    expect(await page.getByTestId('connection').textContent()).toBe('Core: connected')
    expect(lab.history.some((state) => state.name === 'hv1' && state.status === 'auth-failed')).toBe(false)
    await page.getByTestId('tree-host-hv1').click()
    expect(await page.getByTestId('host-error').textContent()).toContain(
      'Set identityFile in the cluster file',
    )
    await page.screenshot({ path: screenshotPath('statuses-lab-en'), fullPage: true })

    await page.getByTestId('language').selectOption('fr')
    expect(await status(page, 'hv2').textContent()).toBe('Joignable, Ceph inutilisable')
    expect(await status(page, 'hv1').textContent()).toBe('Aucune clé proposée')
    expect(await page.getByTestId('host-count').textContent()).toBe(
      '2/3 hôtes joignables, dont 2 avec des problèmes',
    )
    await page.getByTestId('tree-host-hv2').click()
    await page.screenshot({ path: screenshotPath('statuses-lab-fr'), fullPage: true })
    expect(ui.errorsOf(page)).toEqual([])
  }, 120_000)
})
