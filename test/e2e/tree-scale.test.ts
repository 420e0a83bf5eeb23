/**
 * The cluster tree with 900 running VMs and 20 stopped ones (issue 23 item 2), in English and French:
 * only the rows on screen are in the page, the host rows say their counts and memory in the window's
 * language, the filter narrows as typed, the keyboard moves the selection (and the view follows), and
 * the last rows are reached by scrolling, a host folds and unfolds by the keyboard, a VM dragged
 * onto another host opens the migration sheet, and the rows follow a change of language. Before the
 * inventory comes, the window shows with the tree saying it reads the VMs. Screenshots:
 * tree-scale-<language>, tree-loading-<language>.
 */
import { describe, expect, it } from 'vitest'
import type { HostInventory, Vm } from '../../src/shared/inventory'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, scaleInventory, useClosedPortApp } from '../support/fake-inventory'

const HOSTS = ['hv1', 'hv2', 'hv3']
const PER_HOST = 300
const STOPPED = 20
const uuidOf = (index: number) => `00000009-0000-4000-8000-${index.toString(16).padStart(12, '0')}`

function bigInventory(): { hosts: HostInventory[]; vms: Vm[] } {
  const { hosts, vms } = scaleInventory(HOSTS, PER_HOST, (vm) => ({
    ...vm,
    definedOn: HOSTS,
    flags: vm.name === 'hv1-app-002' ? ['drift'] : [],
  }))
  // Stopped everywhere: a copy of a running one, renamed.
  for (let i = 0; i < STOPPED; i++)
    vms.push({ ...vms[0]!, uuid: uuidOf(i), name: `spare-${String(i + 1).padStart(2, '0')}`, runningOn: [] })
  return { hosts, vms }
}

const app = useClosedPortApp()
const inventory = bigInventory()
const TEXT = {
  'en-US': { host: /300 VMs · mem\s*75%/, stopped: 'Stopped (20)', loading: 'Reading the VMs of each host…' },
  'fr-FR': {
    host: /300 VM · mém\s*75\u00a0%/,
    stopped: 'Arrêtées (20)',
    loading: 'Lecture des VM de chaque hôte…',
  },
} as const

describe('the cluster tree with 920 VMs', () => {
  for (const language of ['en-US', 'fr-FR'] as const) {
    it(`${language}: the window shows before the inventory, the tree saying it reads the VMs`, async () => {
      // The inventory's answer is held: the cluster file and the hosts come, the VMs not yet.
      let release: (value: unknown) => void = () => undefined
      const held = new Promise((resolve) => (release = resolve))
      const { page, context, errors } = await openFakeInventoryPage(app(), language, {
        inventory,
        answer: ({ method }) => (method === 'inventory.get' ? held : undefined),
      })
      const tree = page.getByTestId('cluster-tree')
      const loading = page.getByTestId('tree-loading')
      await expect.poll(() => loading.textContent()).toBe(TEXT[language].loading)
      expect(await loading.getAttribute('role')).toBe('status')
      expect(await tree.getAttribute('aria-busy')).toBe('true')
      // The shell is there (the filter, the main view), but no host says "0 VMs" before it is known.
      expect(await page.getByTestId('tree-filter').count()).toBe(1)
      expect(await page.getByTestId('config-panel').count()).toBe(1)
      expect(await tree.locator('[role="treeitem"]').count()).toBe(0)
      await page.screenshot({ path: screenshotPath(`tree-loading-${language}`) })

      release(inventory)
      await expect.poll(() => page.getByTestId('tree-host-hv1').textContent()).toMatch(TEXT[language].host)
      expect(await loading.count()).toBe(0)
      expect(await tree.getAttribute('aria-busy')).toBe('false')
      expect(await page.getByTestId('tree-vm-hv1-app-001').count()).toBe(1)
      expect(errors).toEqual([])
      await context.close()
    })
  }

  for (const language of ['en-US', 'fr-FR'] as const) {
    it(`${language}: rows on screen only, filter, keyboard and scroll`, async () => {
      const { page, context, errors, socket } = await openFakeInventoryPage(
        app(),
        language,
        { inventory },
        { ready: 'tree-vm-hv1-app-001' },
      )
      const tree = page.getByTestId('cluster-tree')
      const rows = tree.locator('[role="treeitem"]')
      // A row clicked, then ↓ on the tree: the next row is selected and is the active descendant.
      const clickThenDown = async (from: string, to: string) => {
        await page.getByTestId(from).click()
        await tree.focus()
        await page.keyboard.press('ArrowDown')
        await expect.poll(() => page.getByTestId(to).getAttribute('aria-selected')).toBe('true')
        expect(await tree.getAttribute('aria-activedescendant')).toBe(
          await page.getByTestId(to).getAttribute('id'),
        )
      }
      // Virtualised: a screenful and a few more, not 923 rows.
      expect(await rows.count()).toBeLessThan(60)
      // Drawn as high as the tree places them (ROW_HEIGHT, handed to the CSS as --tree-row-height).
      for (const index of [0, 1, 5]) expect((await rows.nth(index).boundingBox())?.height).toBe(30)
      await expect.poll(() => page.getByTestId('tree-host-hv1').textContent()).toMatch(TEXT[language].host)
      // The drifting VM carries its badge.
      expect(await page.getByTestId('tree-vm-hv1-app-002').locator('.badge-inline.danger').count()).toBe(1)
      await page.screenshot({ path: screenshotPath(`tree-scale-${language}`) })

      // VM names are not words: no spell check (red underlines) and no autocomplete on the filter.
      expect(
        await page
          .getByTestId('tree-filter')
          .evaluate((field: HTMLInputElement) => [field.spellcheck, field.autocomplete]),
      ).toEqual([false, 'off'])
      // The filter narrows as typed: hv2's host row and its ten hv2-app-29x VMs.
      await page.getByTestId('tree-filter').pressSequentially('hv2-app-29')
      await expect.poll(() => rows.count()).toBe(11)
      expect(await rows.first().getAttribute('data-testid')).toBe('tree-host-hv2')
      expect(await rows.nth(1).getAttribute('data-testid')).toBe('tree-vm-hv2-app-290')
      await page.screenshot({ path: screenshotPath(`tree-scale-filtered-${language}`) })
      // The keyboard walks the filtered rows (the field writes them without React; a render reads it).
      await clickThenDown('tree-vm-hv2-app-290', 'tree-vm-hv2-app-291')
      // A host's update while filtered: the tree writes its rows again (no React render), still filtered, with the new VM.
      const hv2 = inventory.hosts.find((host) => host.host === 'hv2')!
      const added = { ...inventory.vms.find((vm) => vm.name === 'hv2-app-290')!, uuid: uuidOf(999) }
      socket().send(
        JSON.stringify({
          kind: 'event',
          event: 'inventory.changed',
          payload: { host: hv2, vms: [...inventory.vms, { ...added, name: 'hv2-app-29x' }] },
        }),
      )
      await expect.poll(() => page.getByTestId('tree-vm-hv2-app-29x').count()).toBe(1)
      expect(await rows.count()).toBe(12)
      // A host folded while filtered (a render) keeps the filter: only the host row, then its 11 VMs.
      await page.getByTestId('tree-host-hv2').click()
      await tree.focus()
      await page.keyboard.press('ArrowLeft')
      await expect.poll(() => rows.count()).toBe(1)
      await page.keyboard.press('ArrowRight')
      await expect.poll(() => rows.count()).toBe(12)
      // The selected host filtered out: the keys act on the first row shown, the active descendant;
      // nothing shown, none.
      await page.getByTestId('tree-filter').fill('hv1-app-00')
      await expect.poll(() => rows.count()).toBe(10)
      expect(await page.getByTestId('tree-host-hv2').count()).toBe(0)
      expect(await tree.getAttribute('aria-activedescendant')).toBe(
        await page.getByTestId('tree-host-hv1').getAttribute('id'),
      )
      await page.getByTestId('tree-filter').fill('hv2')
      await expect
        .poll(() => tree.getAttribute('aria-activedescendant'))
        .toBe(await page.getByTestId('tree-host-hv2').getAttribute('id'))
      // The window's shortcuts still work from the field (it stops its typing events, not keydown).
      await page.getByTestId('tree-filter').press('Control+k')
      await expect.poll(() => page.getByTestId('jump-dialog').isVisible()).toBe(true)
      await page.keyboard.press('Escape')
      await expect.poll(() => page.getByTestId('jump-dialog').count()).toBe(0)
      await page.getByTestId('tree-filter').fill('no such vm')
      await expect.poll(() => rows.count()).toBe(0)
      expect(await tree.getAttribute('aria-activedescendant')).toBe(null)
      // Escape empties the search field (chromium's own): every row is back.
      await page.getByTestId('tree-filter').press('Escape')
      expect(await page.getByTestId('tree-filter').inputValue()).toBe('')
      await expect.poll(() => page.getByTestId('tree-vm-hv1-app-001').count()).toBe(1)

      // The keyboard: the first VM, then the next one; the view follows the selection.
      await clickThenDown('tree-vm-hv1-app-001', 'tree-vm-hv1-app-002')

      // Below the screen: the tree scrolls the least that shows the selected row whole.
      for (let step = 0; step < 40; step++) await page.keyboard.press('ArrowDown')
      const far = page.getByTestId('tree-vm-hv1-app-042')
      await expect.poll(() => far.getAttribute('aria-selected')).toBe('true')
      const [box, frame] = [await far.boundingBox(), await tree.boundingBox()]
      expect(box!.y).toBeGreaterThanOrEqual(frame!.y)
      expect(box!.y + box!.height).toBeLessThanOrEqual(frame!.y + frame!.height + 0.5)
      expect(box!.y + box!.height).toBeGreaterThan(frame!.y + frame!.height - 40)

      // The end of the list by scrolling: the stopped group and its last VM.
      await tree.evaluate((element) => (element.scrollTop = element.scrollHeight))
      await expect.poll(() => page.getByTestId('tree-vm-spare-20').count()).toBe(1)
      expect(await page.getByTestId('tree-group-stopped').textContent()).toContain(TEXT[language].stopped)
      expect(await rows.count()).toBeLessThan(60)
      await page.screenshot({ path: screenshotPath(`tree-scale-end-${language}`) })

      // Back to the top, hv1 folded by the keyboard (←), then a VM of hv2 dragged onto hv1: the
      // migration sheet opens for it (nothing moves before its confirm).
      await tree.evaluate((element) => (element.scrollTop = 0))
      await page.getByTestId('tree-host-hv1').click()
      await tree.focus()
      await page.keyboard.press('ArrowLeft')
      await expect.poll(() => page.getByTestId('tree-host-hv1').getAttribute('aria-expanded')).toBe('false')
      expect(await page.getByTestId('tree-vm-hv1-app-001').count()).toBe(0)
      await page.getByTestId('tree-vm-hv2-app-001').dragTo(page.getByTestId('tree-host-hv1'))
      const sheet = page.getByTestId('migration-sheet')
      await expect.poll(() => sheet.locator('h1').textContent()).toMatch(/hv2-app-001.*hv2.*hv1/)
      await page.keyboard.press('Escape')
      await expect.poll(() => sheet.count()).toBe(0)
      await page.keyboard.press('ArrowRight')
      await expect.poll(() => page.getByTestId('tree-vm-hv1-app-001').count()).toBe(1)

      // The other language from the header: every row on screen is written again in it (the rows are
      // written without React, tree-row-dom.ts), the drifting VM's badge included.
      const other = language === 'en-US' ? 'fr-FR' : 'en-US'
      await page.getByTestId('language').selectOption(other.slice(0, 2))
      await expect.poll(() => page.getByTestId('tree-host-hv1').textContent()).toMatch(TEXT[other].host)
      expect(
        await page.getByTestId('tree-vm-hv1-app-002').locator('.badge-inline.danger').textContent(),
      ).toBe(other === 'fr-FR' ? 'DÉRIVE' : 'DRIFT')
      expect(errors).toEqual([])
      await context.close()
    }, 120_000)
  }
})
