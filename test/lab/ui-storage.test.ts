/**
 * The storage view in browser mode against the real lab: each pool's images with sizes, the VMs
 * using them and where they run, watchers, an orphan marked as such; creating an image from the
 * form (bad names refused before sending), a snapshot, a rollback with its safety snapshot, a grow,
 * a shrink refused on a running VM with its reasons in French, and a delete with purge.
 * Screenshots in test-results/screenshots/storage-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { LAB_HOSTS, labRun, requireLab } from './support/lab'

const SATA = 'libvirt-sata'
const TEMP = `hdui-${process.pid}`
let app: LabBrowser
let lab: LabCore

async function removeTemp(): Promise<void> {
  await labRun('rbd', 'snap', 'purge', `${SATA}/${TEMP}`)
  await labRun('rbd', 'rm', `${SATA}/${TEMP}`)
}

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
      await Promise.all(LAB_HOSTS.map((host) => lab.waitForStatus(host.name, 'online', 30_000)))
      await lab.waitForInventory()
      return lab
    })(),
  )
}, 90_000)

afterAll(async () => {
  await app?.close()
  await lab?.cleanup()
  await removeTemp()
})

const row = (page: Page, pool: string, image: string) => page.getByTestId(`storage-image-${pool}-${image}`)

async function jobState(page: Page): Promise<string | null> {
  return page.getByTestId('storage-job').getAttribute('data-state')
}

/** On a failure, what the page showed (the job's outcome says why). */
async function explain<T>(page: Page, errors: string[], step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    await page.screenshot({ path: screenshotPath('storage-failure'), fullPage: true })
    const jobs = await page.getByTestId('storage-job').allTextContents()
    throw new Error(`${String(error)}\nstorage job: ${jobs.join(' | ')}\npage errors: ${errors.join(' | ')}`)
  }
}

describe('storage view', () => {
  it('lists images with their VMs, creates, snapshots, rolls back, grows, refuses and deletes', async () => {
    const page = await app.openPage('fr-FR')
    const errors = app.errorsOf(page)
    // From a VM's disk to its image in the storage view.
    await page.getByTestId('tree-vm-labvm3').click()
    await page.getByTestId('vm-disk-storage-labvm3').click()
    await expect
      .poll(() => page.getByTestId('storage-image-panel').locator('h2').textContent(), { timeout: 30_000 })
      .toBe('Image libvirt-sata/labvm3')
    await page.getByTestId('storage-image-panel').getByRole('button', { name: 'Fermer' }).click()

    const vm1 = row(page, 'libvirt-ssd', 'labvm1')
    await expect
      .poll(() => vm1.getByTestId('storage-vms').textContent(), { timeout: 30_000 })
      .toBe('labvm1 en marche sur hv1')
    // Sizes are written by Intl with a no-break space before the catalog's unit ("24 Mio").
    expect(await vm1.getByTestId('storage-size').textContent()).toBe('24\u00a0Mio')
    expect(await vm1.getByTestId('storage-used').textContent()).toMatch(/^\d+(,\d)?\u00a0Mio$/)
    expect(await vm1.getByTestId('storage-watchers').textContent()).toBe('1 client')
    expect(await row(page, SATA, 'labvm3').getByTestId('storage-vms').textContent()).toBe('labvm3 arrêtée')
    expect(await page.getByTestId('storage-via').textContent()).toMatch(/^rbd exécuté sur hv1/)

    // A name rbd would misread is refused before anything is sent.
    await page.getByTestId('storage-create-pool').selectOption(SATA)
    await page.getByTestId('storage-create-name').fill('mauvais nom/@')
    await page.getByTestId('storage-create-size').fill('16 Mio')
    expect(await page.getByTestId('storage-create-invalid').textContent()).toContain(
      'ni «\u00a0/\u00a0», ni «\u00a0@\u00a0»',
    )
    expect(await page.getByTestId('storage-create-submit').isDisabled()).toBe(true)
    await page.getByTestId('storage-create-name').fill(TEMP)
    await page.getByTestId('storage-create-submit').click()
    const temp = row(page, SATA, TEMP)
    await expect.poll(() => temp.getAttribute('data-orphan'), { timeout: 20_000 }).toBe('true')
    expect(await temp.getByTestId('storage-orphan').textContent()).toBe('orpheline')
    expect(await temp.getByTestId('storage-size').textContent()).toBe('16\u00a0Mio')
    await page.screenshot({ path: screenshotPath('storage-view'), fullPage: true })

    // Snapshot, then roll back to it (with the default safety snapshot).
    await temp.getByTestId('storage-manage').click()
    const panel = page.getByTestId('storage-image-panel')
    await panel.getByTestId('storage-snapshot-name').fill('avant')
    await panel.getByTestId('storage-snapshot-create').click()
    await expect.poll(() => panel.getByTestId('storage-snapshot-avant').count(), { timeout: 20_000 }).toBe(1)
    expect(await panel.getByTestId('storage-snapshot-avant').textContent()).toMatch(/\d\d:\d\d:\d\d \d{4}/)
    await panel.getByTestId('storage-rollback').click()
    expect(await panel.getByTestId('storage-rollback-safety').isChecked()).toBe(true)
    // Rolling back replaces the image's content: the image's name must be typed first.
    expect(await panel.getByTestId('storage-rollback-confirm').isDisabled()).toBe(true)
    await panel.getByTestId('storage-rollback-name').fill(TEMP)
    await panel.getByTestId('storage-rollback-confirm').click()
    await expect.poll(() => jobState(page), { timeout: 60_000 }).toBe('succeeded')
    await expect
      .poll(() => temp.getByTestId('storage-snapshots').textContent(), { timeout: 20_000 })
      .toMatch(/^avant, hyperdesk-before-rollback-\d{8}-\d{6}$/)

    // The safety snapshot: its name typed is not enough, a second consent says what it holds.
    const safetyRow = panel.locator('[data-testid^="storage-snapshot-hyperdesk-before-rollback-"]')
    const safetyName = ((await safetyRow.getAttribute('data-testid')) ?? '').replace('storage-snapshot-', '')
    await safetyRow.getByTestId('storage-snapshot-delete').click()
    const dialog = panel.getByTestId('storage-snapshot-delete-dialog')
    expect(await dialog.getByTestId('storage-snapshot-safety-explain').textContent()).toMatch(
      new RegExp(
        `^${safetyName} est l’instantané de sécurité pris par Hyperdesk avant un retour arrière de ${SATA}/${TEMP} le \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d`,
      ),
    )
    await dialog.getByTestId('storage-snapshot-delete-name').fill(safetyName)
    expect(await dialog.getByTestId('storage-snapshot-delete-confirm').isDisabled()).toBe(true)
    await dialog.getByTestId('storage-snapshot-delete-safety').check()
    expect(await dialog.getByTestId('storage-snapshot-delete-confirm').isDisabled()).toBe(false)
    await dialog.screenshot({ path: screenshotPath('storage-safety-snapshot-delete-fr') })
    await dialog.getByRole('button', { name: 'Annuler' }).click()

    // Grow: a stopped image grows with rbd resize.
    await panel.getByTestId('storage-grow-size').fill('32 Mio')
    await panel.getByTestId('storage-grow-submit').click()
    await explain(page, errors, () =>
      expect
        .poll(() => temp.getByTestId('storage-size').textContent(), { timeout: 60_000 })
        .toBe('32\u00a0Mio'),
    )
    expect(await page.getByTestId('storage-job-result').textContent()).toContain(
      `${TEMP} fait maintenant 32\u00a0Mio`,
    )
    // The jobs panel names storage jobs in the user's language too.
    expect(await page.getByTestId('job-list').textContent()).toContain(`Agrandir ${SATA}/${TEMP}`)
    await page.screenshot({ path: screenshotPath('storage-image'), fullPage: true })

    // Delete with its snapshots: needs the typed name, then the purge.
    await panel.getByTestId('storage-delete-name').fill(TEMP)
    await panel.getByTestId('storage-delete-purge').check()
    await panel.getByTestId('storage-delete-submit').click()
    await expect.poll(() => temp.count(), { timeout: 60_000 }).toBe(0)

    // A running VM's disk: the shrink is refused with each reason, in French.
    await vm1.getByTestId('storage-manage').click()
    await panel.getByTestId('storage-shrink-size').fill('16 Mio')
    await panel.getByTestId('storage-shrink-name').fill('labvm1')
    expect(await panel.getByTestId('storage-shrink-submit').isDisabled()).toBe(true)
    await panel.getByTestId('storage-shrink-allow').check()
    await panel.getByTestId('storage-shrink-submit').click()
    await expect.poll(() => jobState(page), { timeout: 60_000 }).toBe('failed')
    expect(await page.locator('[data-refusal="vm-running"]').textContent()).toBe(
      'Une VM qui l’utilise tourne sur hv1\u00a0: arrêtez-la d’abord.',
    )
    expect(await page.locator('[data-refusal="watchers"]').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('storage-refused'), fullPage: true })
    expect((await labRun('rbd', 'info', 'libvirt-ssd/labvm1')).stdout).toContain('size 24 MiB')
    expect(errors).toEqual([])
  }, 150_000)
})
