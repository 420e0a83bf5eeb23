import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * What a desktop app does (issue 21 item 4), in the window (browser mode; Electron's own part — the
 * menu, one instance, the window's place, notifications — is in the unit tests and test/electron):
 * the help sheet with the shortcuts and About, Ctrl+K to jump to a VM or a host, F5 refreshes
 * instead of reloading, ? opens help but types in a field, and the tree's width is the user's,
 * remembered, with the hosts' statuses whole at 1024 px.
 */
const app = useClosedPortApp()

/** The API calls the page makes, by method name (seen on the routed socket). */
function callsOf(page: Page): string[] {
  const calls: string[] = []
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      const parsed = JSON.parse(String(frame.payload)) as { kind?: string; method?: string }
      if (parsed.kind === 'call' && parsed.method) calls.push(parsed.method)
    }),
  )
  return calls
}

describe('desktop app behaviour in the window', () => {
  for (const [language, locale] of [
    ['en', 'en-US'],
    ['fr', 'fr-FR'],
  ] as const) {
    it(`help sheet, Ctrl+K, F5 and ? (${language})`, async () => {
      const { context, page, errors } = await openFakeInventoryPage(app(), locale)
      const calls = callsOf(page)
      await page.getByTestId('tree-vm-web1').waitFor()

      // ? opens the help sheet: shortcuts and About with the version and the project's links.
      await page.locator('body').press('?')
      const help = page.getByTestId('help-sheet')
      await expect.poll(() => help.isVisible()).toBe(true)
      expect(await help.getByTestId('help-shortcuts').textContent()).toContain('Ctrl+K')
      expect(await help.getByTestId('help-version').textContent()).toMatch(
        /^Hyperdesk test \(linux, Node \d+\.\d+/,
      )
      expect(
        await help.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href'))),
      ).toEqual([
        'https://github.com/etalab/hyperdesk',
        'https://github.com/etalab/hyperdesk/issues',
        'https://github.com/etalab/hyperdesk/releases/',
      ])
      expect(await help.locator('h2').allTextContents()).toEqual(
        language === 'fr' ? ['Raccourcis clavier', 'À propos'] : ['Keyboard shortcuts', 'About'],
      )
      await page.screenshot({ path: screenshotPath(`desktop-help-${language}`) })
      await page.keyboard.press('Escape')
      await expect.poll(() => help.count()).toBe(0)

      // Ctrl+K, type part of a name, Enter: the VM's view.
      await page.keyboard.press('Control+k')
      await expect.poll(() => page.getByTestId('jump-dialog').isVisible()).toBe(true)
      await page.keyboard.type('web')
      await expect.poll(() => page.getByTestId('jump-vm-web1').getAttribute('aria-selected')).toBe('true')
      await page.screenshot({ path: screenshotPath(`desktop-jump-${language}`) })
      await page.keyboard.press('Enter')
      await expect.poll(() => page.getByTestId('vm-state').textContent()).toContain('hv1')
      // …and to a host, with the arrows.
      await page.keyboard.press('Control+k')
      await page.keyboard.type('hv')
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('Enter')
      const hv2 = page.getByTestId('tree-host-hv2')
      await expect.poll(() => hv2.getAttribute('aria-selected')).toBe('true')

      // ? typed in a field is a character, not help.
      await page.getByTestId('tree-filter').fill('')
      await page.getByTestId('tree-filter').press('?')
      expect(await page.getByTestId('tree-filter').inputValue()).toBe('?')
      expect(await page.getByTestId('help-sheet').count()).toBe(0)
      await page.getByTestId('tree-filter').fill('')

      // F5 asks the core to refresh, and the page is not reloaded (the view stays on hv2).
      const before = calls.filter((method) => method === 'inventory.refresh').length
      await page.locator('body').press('F5')
      await expect
        .poll(() => calls.filter((method) => method === 'inventory.refresh').length)
        .toBe(before + 1)
      expect(await hv2.getAttribute('aria-selected')).toBe('true')
      // The host's view is a chunk loaded on first use: React keeps the VM's view hidden in the page
      // until it arrives, then the VM's view is gone.
      expect(await page.getByTestId('vm-state').isVisible()).toBe(false)
      await expect.poll(() => page.getByTestId('vm-state').count()).toBe(0)
      expect(errors).toEqual([])
      await context.close()
    })
  }

  for (const [language, locale] of [
    ['en', 'en-US'],
    ['fr', 'fr-FR'],
  ] as const) {
    it(`small things (${language}): risky actions apart, charts named, bandwidth cap, Ctrl+Alt+Del in the language`, async () => {
      const { context, page, errors } = await openFakeInventoryPage(app(), locale)
      await page.getByTestId('tree-vm-web1').click()
      await expect.poll(() => page.getByTestId('vm-state').textContent()).toContain('hv1')
      // Force off and delete stand in their own labelled group, at the end of the row, apart from the rest.
      const risky = page.getByRole('group', {
        name: language === 'fr' ? 'Actions risquées' : 'Risky actions',
      })
      expect(await risky.getByTestId('vm-force-off').count()).toBe(1)
      expect(await risky.getByTestId('vm-delete').count()).toBe(1)
      const migrate = (await page.getByTestId('vm-migrate').boundingBox())!
      const forceOff = (await page.getByTestId('vm-force-off').boundingBox())!
      expect(forceOff.x - (migrate.x + migrate.width)).toBeGreaterThan(40)
      // The row fits the view in both languages (it wraps): the French one was wider than the view,
      // which then scrolled sideways, the delete button off its edge.
      expect(
        await page
          .getByTestId('vm-actions')
          .evaluate(
            (row) =>
              row.scrollWidth <= row.clientWidth &&
              row.closest('main')!.scrollWidth <= row.closest('main')!.clientWidth,
          ),
      ).toBe(true)
      // The graphs (canvases) are images named by their titles (loaded on first use: wait for them).
      await expect
        .poll(() =>
          page
            .locator('[data-testid="vm-graphs"] [role="img"]')
            .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label'))),
        )
        .toEqual(
          language === 'fr'
            ? ['CPU (tous les vCPU)', 'Mémoire utilisée par QEMU']
            : ['CPU (all vCPUs)', 'Memory used by QEMU'],
        )
      // Its host is not connected here (a closed port): the graphs say so in the window's language.
      await expect
        .poll(() => page.locator('[data-testid="vm-graphs"] .error').textContent())
        .toBe(language === 'fr' ? 'hv1 n’est pas connecté.' : 'hv1 is not connected.')
      await page.screenshot({ path: screenshotPath(`desktop-vm-${language}`) })

      // The migration sheet takes a bandwidth cap, checked as typed.
      await page.getByTestId('vm-migrate').click()
      const cap = page.getByTestId('migration-bandwidth')
      await cap.fill('0')
      await expect.poll(() => page.getByTestId('migration-bandwidth-invalid').count()).toBe(1)
      await cap.fill('250')
      await expect.poll(() => page.getByTestId('migration-bandwidth-invalid').count()).toBe(0)
      await page.screenshot({ path: screenshotPath(`desktop-migration-bandwidth-${language}`) })
      await page.keyboard.press('Escape')

      // The console's Ctrl+Alt+Del button speaks the window's language.
      await page.getByTestId('vm-open-console').click()
      const button = page.getByTestId('console-dock').getByRole('button', { name: /^Ctrl\+Alt\+/ })
      await expect
        .poll(() => button.textContent())
        .toBe(language === 'fr' ? 'Ctrl+Alt+Suppr' : 'Ctrl+Alt+Del')
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('the tree is resizable by drag and keys, remembered after a reload, statuses whole at 1024 px', async () => {
    const context = await app().browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1024, height: 700 },
    })
    const page = await context.newPage()
    await page.goto(app().server.url)
    const status = page.locator('[data-host="hv1"] [data-testid="host-status"]')
    await expect.poll(() => status.count()).toBe(1)
    const sidebar = page.locator('nav.sidebar')
    expect((await sidebar.boundingBox())!.width).toBe(300)
    // At 1024 px the status is not cut: its box is as wide as its text.
    const cut = () => status.evaluate((element) => element.scrollWidth > element.clientWidth + 1)
    expect(await cut()).toBe(false)
    await page.screenshot({ path: screenshotPath('desktop-1024-fr') })

    const handle = page.getByTestId('sidebar-resizer')
    const box = (await handle.boundingBox())!
    await page.mouse.move(box.x + 3, box.y + 200)
    await page.mouse.down()
    await page.mouse.move(box.x + 103, box.y + 200, { steps: 5 })
    await page.mouse.up()
    await expect.poll(async () => (await sidebar.boundingBox())!.width).toBe(403)
    // The keys: ← narrows by 10; it cannot go past the bounds (Home: 240; End: 1024 − 480 here).
    await handle.focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('393')
    await page.keyboard.press('End')
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('544')
    await page.keyboard.press('Home')
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('240')
    await page.keyboard.press('Shift+ArrowRight')
    await expect.poll(() => handle.getAttribute('aria-valuenow')).toBe('290')
    expect(await cut()).toBe(false)

    await page.reload()
    await expect.poll(async () => (await page.locator('nav.sidebar').boundingBox())?.width).toBe(290)
    await page.screenshot({ path: screenshotPath('desktop-resized-fr') })
    await context.close()
  })
})
