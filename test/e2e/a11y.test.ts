import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

/**
 * Accessibility checked by a tool (issue 21 item 6): axe-core, injected into the page, runs on each
 * main screen in English and French and finds no serious or critical violation. A planted unlabeled
 * control proves the check would catch one. The screens with VMs come from the fake inventory path
 * (no lab): the tree, the file, a host, storage, Ceph, a VM, its migration sheet, its force-off
 * confirmation, a host's maintenance sheet, the fence sheet and the jobs panel; and the window
 * before the inventory comes (the tree busy, reading the VMs).
 */

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; html: string }>
}

/**
 * axe on the whole document; page.evaluate goes through DevTools, so the app's CSP does not block it.
 * Injected once per document: the test walks its screens in one page (no navigation), and parsing
 * axe's 500 kB again for each of the 11 screens cost the file seconds on the CI machine.
 */
async function axe(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const run = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> }
      }
    ).axe.run
    const result = await run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((node) => ({ target: node.target, html: node.html })),
    }))
  })
}

const serious = (violations: Violation[]): Violation[] =>
  violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')

/** Each screen: how to reach it from the previous one. */
const SCREENS: Array<{ name: string; open(page: Page): Promise<void> }> = [
  {
    name: 'cluster-file',
    open: async (page) => {
      await expect.poll(() => page.getByTestId('config-status').count()).toBe(1)
    },
  },
  {
    name: 'vm',
    open: async (page) => {
      await page.getByTestId('tree-vm-web1').click()
      await expect.poll(() => page.getByTestId('vm-state').textContent()).toContain('hv1')
    },
  },
  {
    name: 'migration-sheet',
    open: async (page) => {
      await page.getByTestId('vm-migrate').click()
      await expect
        .poll(() => page.getByTestId('migration-sheet').getByTestId('migration-error').count(), {
          timeout: 30_000,
        })
        .toBe(1)
    },
  },
  {
    name: 'force-off',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByTestId('vm-force-off').click()
      await expect.poll(() => page.getByTestId('force-off-dialog').isVisible()).toBe(true)
    },
  },
  {
    name: 'fence-sheet',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByTestId('tree-vm-db1').click()
      await page.getByTestId('vm-fence').click()
      await expect.poll(() => page.getByTestId('fence-sheet').isVisible()).toBe(true)
    },
  },
  {
    name: 'host',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByTestId('tree-host-hv1').click()
      await expect.poll(() => page.getByTestId('open-maintenance').count()).toBe(1)
    },
  },
  {
    name: 'maintenance-sheet',
    open: async (page) => {
      await page.getByTestId('open-maintenance').click()
      await expect.poll(() => page.getByTestId('maintenance-sheet').isVisible()).toBe(true)
    },
  },
  {
    name: 'storage',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByTestId('show-storage').click()
      await expect.poll(() => page.locator('main h1, main h2').count()).toBeGreaterThan(0)
    },
  },
  {
    name: 'help-sheet',
    open: async (page) => {
      await page.getByTestId('open-help').click()
      await expect.poll(() => page.getByTestId('help-sheet').isVisible()).toBe(true)
    },
  },
  {
    name: 'jump',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.keyboard.press('Control+k')
      await expect.poll(() => page.getByTestId('jump-dialog').isVisible()).toBe(true)
      await page.getByTestId('jump-input').fill('hv')
    },
  },
  {
    name: 'ceph',
    open: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByTestId('show-ceph').click()
      await expect.poll(() => page.locator('main h1, main h2').count()).toBeGreaterThan(0)
    },
  },
]

const app = useClosedPortApp()

describe('accessibility (axe-core)', () => {
  for (const [language, locale] of [
    ['en', 'en-US'],
    ['fr', 'fr-FR'],
  ] as const) {
    it(`every main screen in ${language}: no serious or critical violation`, async () => {
      const { context, page, errors } = await openFakeInventoryPage(app(), locale)
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language)
      const found: Record<string, Violation[]> = {}
      for (const screen of SCREENS) {
        await screen.open(page)
        await page.screenshot({ path: screenshotPath(`a11y-${screen.name}-${language}`) })
        const bad = serious(await axe(page))
        if (bad.length > 0) found[screen.name] = bad
      }
      expect(found).toEqual({})
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('the window before the inventory (the tree reading the VMs), in en and fr: no serious or critical violation', async () => {
    for (const locale of ['en-US', 'fr-FR']) {
      // The inventory's answer never comes: the tree stays busy, with no row.
      const { context, page, errors } = await openFakeInventoryPage(app(), locale, {
        answer: ({ method }) => (method === 'inventory.get' ? new Promise(() => undefined) : undefined),
      })
      await expect.poll(() => page.getByTestId('tree-loading').count()).toBe(1)
      expect(serious(await axe(page))).toEqual([])
      expect(errors).toEqual([])
      await context.close()
    }
  })

  it('catches a planted unlabeled control', async () => {
    const context = await app().browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
    })
    const page = await context.newPage()
    await page.goto(app().server.url)
    await expect.poll(() => page.getByTestId('config-status').count()).toBe(1)
    expect(serious(await axe(page))).toEqual([])
    await page.evaluate(() => {
      const input = document.createElement('input')
      input.type = 'text'
      input.id = 'planted-unlabeled'
      document.querySelector('main')!.append(input)
    })
    const caught = serious(await axe(page))
    expect(caught.map((violation) => violation.id)).toContain('label')
    expect(caught.find((violation) => violation.id === 'label')!.nodes.map((node) => node.target)).toEqual([
      ['#planted-unlabeled'],
    ])
    await context.close()
  })
})
