/**
 * What needs the cluster's VMs while the window has not read them yet (the inventory's answer held,
 * as tree-scale holds it), in English and French. Ctrl+K opens and says only hosts can be found
 * until the VMs are read; the VMs join its matches once they are. The creation wizard opens (the form
 * can be filled), its name field says the name is checked once the VMs are read, the pre-checks
 * wait for them (not asked) and Create stays disabled; once the VMs come, the name of an existing VM
 * is refused as taken. Screenshots: vms-reading-jump-<language>, vms-reading-wizard-<language>.
 */
import { describe, expect, it } from 'vitest'
import { frenchSpacing } from '../../src/renderer/src/i18n/messages'
import { screenshotPath } from '../support/browser'
import { fakeInventory, openFakeInventoryPage, useClosedPortApp } from '../support/fake-inventory'

const app = useClosedPortApp()

const TEXT = {
  'en-US': {
    jumpReading: 'Reading the VMs of each host… until then only hosts can be found.',
    noHost: 'No host matches.',
    nameReading: 'Reading the VMs of each host… the name is checked against theirs once they are read.',
    checksWait: 'The checks run once the VMs of each host are read: the name must not be one of theirs.',
    taken: 'A VM named web1 already exists in this cluster.',
  },
  'fr-FR': {
    jumpReading: 'Lecture des VM de chaque hôte… d’ici là, seuls les hôtes peuvent être trouvés.',
    noHost: 'Aucun hôte ne correspond.',
    nameReading: 'Lecture des VM de chaque hôte… le nom est comparé aux leurs une fois qu’elles sont lues.',
    checksWait:
      'Les vérifications sont faites une fois lues les VM de chaque hôte : le nom ne doit être celui d’aucune.',
    taken: 'Une VM nommée web1 existe déjà dans ce cluster.',
  },
} as const

describe('before the VMs of each host are read', () => {
  for (const language of ['en-US', 'fr-FR'] as const) {
    it(`${language}: Ctrl+K finds hosts only and says so; the wizard waits for the VMs to check the name`, async () => {
      // French puts its no-break spaces before "?", ":"… as the window's catalogue does.
      const spaced = (line: string) => (language === 'fr-FR' ? frenchSpacing(line) : line)
      const text = Object.fromEntries(
        Object.entries(TEXT[language]).map(([key, line]) => [key, spaced(line)]),
      ) as Record<keyof (typeof TEXT)['en-US'], string>
      let release: (value: unknown) => void = () => undefined
      const held = new Promise((resolve) => (release = resolve))
      const plans: unknown[] = []
      const { page, context, errors } = await openFakeInventoryPage(
        app(),
        language,
        {
          answer: ({ method, params }) => {
            if (method === 'inventory.get') return held
            if (method === 'vm.createPlan') plans.push(params)
            return undefined
          },
        },
        { height: 1100, ready: 'open-vm-create' },
      )
      await expect.poll(() => page.getByTestId('tree-loading').count()).toBe(1)

      // Ctrl+K: the box says the VMs are being read; a VM's name finds nothing yet, a host's does.
      await page.keyboard.press('Control+k')
      const reading = page.getByTestId('jump-reading')
      await expect.poll(() => reading.textContent()).toBe(text.jumpReading)
      expect(await reading.getAttribute('role')).toBe('status')
      await page.getByTestId('jump-input').fill('web')
      await expect
        .poll(() => page.getByTestId('jump-dialog').locator('p.muted').last().textContent())
        .toBe(text.noHost)
      await page.screenshot({ path: screenshotPath(`vms-reading-jump-${language}`) })
      await page.getByTestId('jump-input').fill('hv')
      await expect.poll(() => page.getByTestId('jump-host-hv1').count()).toBe(1)
      await page.keyboard.press('Escape')

      // The wizard opens; with a valid name, it says the name waits for the VMs, and nothing is asked.
      await page.getByTestId('open-vm-create').click()
      // RIPE: a network needing nothing typed, so the name is all the form waits for.
      await page.getByTestId('vm-create-network-ripe').check()
      await page.getByTestId('vm-create-name').fill('web1')
      const nameReading = page.getByTestId('vm-create-reading')
      await expect.poll(() => nameReading.textContent()).toBe(text.nameReading)
      expect(await nameReading.getAttribute('role')).toBe('status')
      expect(await page.getByTestId('vm-create-problem').count()).toBe(0)
      expect(await page.getByTestId('vm-create-fill').textContent()).toBe(text.checksWait)
      expect(await page.getByTestId('vm-create-submit').isDisabled()).toBe(true)
      await page.screenshot({ path: screenshotPath(`vms-reading-wizard-${language}`) })
      expect(plans).toEqual([])

      // The VMs come: web1 exists, so its name is refused; the note is gone.
      release(fakeInventory)
      await expect.poll(() => page.getByTestId('vm-create-problem').textContent()).toBe(text.taken)
      expect(await nameReading.count()).toBe(0)
      expect(await page.getByTestId('vm-create-submit').isDisabled()).toBe(true)
      expect(plans).toEqual([])
      // Another name is now checked on every host (the pre-checks are asked).
      await page.getByTestId('vm-create-name').fill('web2')
      await expect.poll(() => plans.length).toBeGreaterThan(0)
      await page.getByTestId('vm-create-close').click()

      // Ctrl+K finds the VM now, with no note.
      await page.keyboard.press('Control+k')
      await page.getByTestId('jump-input').fill('web')
      await expect.poll(() => page.getByTestId('jump-vm-web1').count()).toBe(1)
      expect(await reading.count()).toBe(0)
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
