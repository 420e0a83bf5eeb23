/**
 * In the window, a start refused because the chosen host lacks the VM's boot file and CD-ROM image
 * shows where every start refusal shows (the VM's job box), in the window's language: the files, the
 * host, what to do.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { awaitNewVmJob, startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { hideOnHv3, KERNEL, LABVM3, labvm3Leases, putBackOnHv3 } from './support/start-files'
import { LAB_ISO, requireLab, runningOn } from './support/lab'

let lab: LabCore
let app: LabBrowser

beforeAll(async () => {
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
      await lab.waitForInventory()
      return lab
    })(),
  )
  expect(await runningOn(LABVM3.name)).toEqual([])
}, 90_000)

afterAll(async () => {
  await putBackOnHv3()
  await app?.close()
  await lab?.cleanup()
})

async function refusedStart(page: Page): Promise<string> {
  await page.getByTestId(`tree-vm-${LABVM3.name}`).waitFor({ timeout: 30_000 })
  await page.getByTestId(`tree-vm-${LABVM3.name}`).click()
  await page.getByTestId('vm-start-host').selectOption('hv3')
  await awaitNewVmJob(page, () => page.getByTestId('vm-start').click(), 'failed')
  // The job box: its heading, then each reason (the operations bar below repeats them).
  return (await page.getByTestId('vm-job').innerText()).replace(/[\s\u202f\u00a0]+/g, ' ')
}

describe('a start refused for a missing boot file, in the window', () => {
  it('names the file and the host and says to copy it, in French and in English', async () => {
    await hideOnHv3()
    try {
      for (const [locale, expected] of [
        [
          'fr-FR',
          [
            'Démarrer labvm3 sur hv3 — échec',
            'Non démarrée :',
            `L’image CD-ROM ${LAB_ISO} manque sur hv3 : copiez-la au même chemin là-bas, ou éjectez-la.`,
            `${KERNEL} manquant sur hv3 : QEMU ouvre le noyau, l’initrd et le firmware de la VM sur le disque de l’hôte en l’y démarrant. Copiez-les d’abord au même chemin sur hv3.`,
          ],
        ],
        [
          'en-US',
          [
            'Start labvm3 on hv3 — failed',
            `The CD-ROM image ${LAB_ISO} is missing on hv3: copy it to the same path there, or eject it.`,
            `${KERNEL} missing on hv3: QEMU opens the VM's kernel, initrd and firmware from the host's own disk as it starts there. Copy them to the same path on hv3 first.`,
          ],
        ],
      ] as const) {
        const page = await app.openPage(locale, { width: 1280, height: 900 })
        const errors = app.errorsOf(page)
        const text = await refusedStart(page)
        await page.screenshot({ path: screenshotPath(`start-files-refused-${locale.slice(0, 2)}`) })
        for (const line of expected) expect(text).toContain(line)
        expect(errors).toEqual([])
        await page.context().close()
      }
    } finally {
      await putBackOnHv3()
    }
    expect(await runningOn(LABVM3.name)).toEqual([])
    expect(await labvm3Leases(lab)).toEqual([])
  })
})
