import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * The shared dialog (native <dialog>, components/Dialog.tsx) in the browser: it takes the focus when
 * it opens, keeps it (Tab and Shift+Tab go round its controls), closes with Escape, and gives the
 * focus back to the control that opened it — for a confirmation (force off) and for a sheet
 * (migration). No host is connected here: the page's WebSocket is routed through Playwright to the
 * real core, and only the answer to `inventory.get` is replaced by one running VM, so the VM view
 * and its dialogs can be opened without the lab.
 */

const app = useClosedPortApp()

/** A page on the app whose inventory shows web1 running on hv1, in that locale. */
async function openApp(locale: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const { context, page, errors } = await openFakeInventoryPage(app(), locale)
  await page.getByTestId('tree-vm-web1').click()
  await expect.poll(() => page.getByTestId('vm-state').textContent()).toContain('hv1')
  return { context, page, errors }
}

/** The data-testid (or the tag) of the focused element, and whether it is inside the open dialog. */
function focused(page: Page): Promise<{ id: string; inDialog: boolean }> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null
    return {
      id: active?.dataset['testid'] ?? active?.tagName.toLowerCase() ?? '',
      inDialog: !!active?.closest('dialog[open]'),
    }
  })
}

/** Tab (or Shift+Tab) `times` times, noting each focused element. */
async function tabThrough(
  page: Page,
  times: number,
  key = 'Tab',
): Promise<Array<{ id: string; inDialog: boolean }>> {
  const seen = []
  for (let i = 0; i < times; i += 1) {
    await page.keyboard.press(key)
    seen.push(await focused(page))
  }
  return seen
}

describe('the shared dialog', () => {
  it('force off: focus moves into the dialog, stays there, Escape closes it and the focus returns to its button', async () => {
    const { context, page, errors } = await openApp('en-US')
    const opener = page.getByTestId('vm-force-off')
    await opener.click()
    const dialog = page.getByTestId('force-off-dialog')
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(true)
    expect(await dialog.getAttribute('role')).toBe('alertdialog')
    // The name field has the focus at once: the user can type the VM's name.
    expect(await focused(page)).toEqual({ id: 'force-off-name', inDialog: true })
    await page.keyboard.type('web')
    expect(await page.getByTestId('force-off-confirm').isDisabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('dialog-force-off-en') })

    // Trapped: name field → cancel (the confirm is disabled) → name field again, both ways.
    const forward = await tabThrough(page, 4)
    expect(forward.every((step) => step.inDialog)).toBe(true)
    expect(forward.map((step) => step.id)).toEqual([
      'force-off-dialog-cancel',
      'force-off-name',
      'force-off-dialog-cancel',
      'force-off-name',
    ])
    const backward = await tabThrough(page, 3, 'Shift+Tab')
    expect(backward.every((step) => step.inDialog)).toBe(true)
    expect(backward.map((step) => step.id)).toEqual([
      'force-off-dialog-cancel',
      'force-off-name',
      'force-off-dialog-cancel',
    ])
    // With the name typed, the confirm joins the round.
    await page.getByTestId('force-off-name').fill('web1')
    const round = await tabThrough(page, 3)
    expect(round.map((step) => step.id)).toEqual([
      'force-off-dialog-cancel',
      'force-off-confirm',
      'force-off-name',
    ])

    // The page behind is out of reach while the dialog is open: a click anywhere lands on its backdrop.
    expect(await page.evaluate(() => document.elementFromPoint(5, 5)?.tagName)).toBe('DIALOG')
    await expect(opener.click({ timeout: 1_000 })).rejects.toThrow()

    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(await focused(page)).toEqual({ id: 'vm-force-off', inDialog: false })

    // Cancel closes it too, and the focus goes back again.
    await opener.press('Enter')
    await expect.poll(() => dialog.count()).toBe(1)
    await page.getByTestId('force-off-dialog-cancel').click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await focused(page)).id).toBe('vm-force-off')
    expect(errors).toEqual([])
    await context.close()
  })

  it('migration sheet: opened from the keyboard, Escape closes it and the focus returns to "Migrate"', async () => {
    const { context, page, errors } = await openApp('fr-FR')
    const opener = page.getByTestId('vm-migrate')
    await opener.focus()
    await page.keyboard.press('Enter')
    const sheet = page.getByTestId('migration-sheet')
    await expect.poll(() => sheet.count()).toBe(1)
    expect(await sheet.locator('h1').textContent()).toBe('Migrer web1 de hv1 vers hv2')
    expect((await focused(page)).inDialog).toBe(true)
    // No host is connected: the pre-checks cannot be read, and the sheet says why.
    await expect.poll(() => sheet.getByTestId('migration-error').count(), { timeout: 30_000 }).toBe(1)
    await page.screenshot({ path: screenshotPath('dialog-migration-sheet-fr') })
    const steps = await tabThrough(page, 6)
    expect(steps.every((step) => step.inDialog)).toBe(true)

    await page.keyboard.press('Escape')
    await expect.poll(() => sheet.count()).toBe(0)
    expect(await focused(page)).toEqual({ id: 'vm-migrate', inDialog: false })

    // The force off dialog in French, for the screenshot.
    await page.getByTestId('vm-force-off').click()
    await page.getByTestId('force-off-name').fill('web1')
    await page.screenshot({ path: screenshotPath('dialog-force-off-fr') })
    await page.keyboard.press('Escape')
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [locale, language] of [
    ['en-US', 'en'],
    ['fr-FR', 'fr'],
  ] as const) {
    it(`maintenance and fence sheets (${language}): Escape closes each, the focus returns to its button`, async () => {
      const { context, page, errors } = await openApp(locale)
      await page.getByTestId('tree-host-hv1').click()
      const maintenance = page.getByTestId('open-maintenance')
      await maintenance.click()
      const sheet = page.getByTestId('maintenance-sheet')
      await expect.poll(() => sheet.count()).toBe(1)
      expect((await focused(page)).inDialog).toBe(true)
      // No host answers: the plan's pre-checks say so (or the plan cannot be read, and the sheet says why).
      await expect
        .poll(
          () =>
            sheet.locator('[data-testid="maintenance-checks"], [data-testid="maintenance-error"]').count(),
          {
            timeout: 30_000,
          },
        )
        .toBe(1)
      await page.screenshot({ path: screenshotPath(`dialog-maintenance-sheet-${language}`) })
      await page.keyboard.press('Escape')
      await expect.poll(() => sheet.count()).toBe(0)
      expect(await focused(page)).toEqual({ id: 'open-maintenance', inDialog: false })

      await page.getByTestId('tree-vm-db1').first().click()
      const fence = page.getByTestId('vm-fence')
      await fence.click()
      const fenceSheet = page.getByTestId('fence-sheet')
      await expect.poll(() => fenceSheet.count()).toBe(1)
      await expect
        .poll(() => fenceSheet.locator('[data-testid="fence-error"], [data-testid="fence-notes"]').count(), {
          timeout: 30_000,
        })
        .toBe(1)
      await page.screenshot({ path: screenshotPath(`dialog-fence-sheet-${language}`) })
      expect((await tabThrough(page, 4)).every((step) => step.inDialog)).toBe(true)
      await page.keyboard.press('Escape')
      await expect.poll(() => fenceSheet.count()).toBe(0)
      expect(await focused(page)).toEqual({ id: 'vm-fence', inDialog: false })
      if (language === 'en') {
        await page.getByTestId('tree-vm-web1').click()
        await page.getByTestId('vm-migrate').click()
        await expect.poll(() => page.getByTestId('migration-error').count(), { timeout: 30_000 }).toBe(1)
        await page.screenshot({ path: screenshotPath('dialog-migration-sheet-en') })
        await page.keyboard.press('Escape')
      }
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
