/**
 * The creation wizard and the delete dialog (issue 19) in browser mode against the real lab: a VM
 * created from the form (RIPE MAC, the lab's ISO, TCG as the lab needs, started on hv2 with its
 * console opened), defined on every host with one UUID; then, in French, the delete dialog refused
 * while it runs, and once it is off, deleted with its disk behind the typed name. Whatever the test
 * made is removed in afterAll with the lab's tools. Screenshots in test-results/screenshots/vmdef-ui-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { LAB_HOSTS, LAB_ISO, labRun, requireLab, sshAsEtalab, virsh, type LabHostName } from './support/lab'

const POOL = 'libvirt-sata'
const NAME = 'hdui-vmdef-1'
const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
let app: LabBrowser
let lab: LabCore

async function removeEverything(): Promise<void> {
  // Side by side on the three hosts.
  await Promise.all(
    HOSTS.map((host) =>
      sshAsEtalab(
        host,
        `virsh -c qemu:///system destroy ${NAME} >/dev/null 2>&1; virsh -c qemu:///system undefine --managed-save --snapshots-metadata ${NAME} >/dev/null 2>&1; true`,
      ),
    ),
  )
  if ((await labRun('rbd', 'info', `${POOL}/${NAME}`)).code === 0)
    await labRun('rbd', 'rm', '--no-progress', `${POOL}/${NAME}`)
}

async function uuidOn(host: LabHostName): Promise<string | null> {
  const out = await virsh(host, `domuuid ${NAME}`).catch(() => '')
  return out.trim() || null
}

/** On a failure, what the page showed. */
async function explain<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    await page.screenshot({ path: screenshotPath(`vmdef-ui-failure-${name}`) })
    throw error
  }
}

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      await removeEverything()
      lab = await labCore()
      await Promise.all(HOSTS.map((host) => lab.waitForStatus(host, 'online', 30_000)))
      await lab.waitForInventory()
      return lab
    })(),
  )
}, 120_000)

afterAll(async () => {
  await app?.close()
  await lab?.cleanup()
  await removeEverything()
}, 90_000)

describe('VM definitions in the browser, on the lab', () => {
  it('creates a VM from the wizard (English), defined on every host, started on hv2 with its console', async () => {
    const page = await app.openPage('en-US', { width: 1280, height: 1000 })
    await explain(page, 'create', async () => {
      await page.getByTestId('open-vm-create').click()
      await page.getByTestId('vm-create-name').fill(NAME)
      await page.getByTestId('vm-create-pool').selectOption(POOL)
      await page.getByTestId('vm-create-size').fill('64 MiB')
      await page.getByTestId('vm-create-vcpus').fill('1')
      await page.getByTestId('vm-create-memory').fill('64')
      await page.getByTestId('vm-create-network-ripe').check()
      // The lab's KVM cannot boot guests (test/lab/README.md): TCG, as the lab's own VMs.
      await page.getByTestId('vm-create-domain-type').selectOption('qemu')
      await page.getByTestId('vm-create-start-on').selectOption('hv2')
      // The pre-checks list the ISOs every host has: the lab's is among them.
      await expect
        .poll(
          () =>
            page
              .locator('#vm-create-isos option')
              .evaluateAll((options) => options.map((o) => o.getAttribute('value'))),
          {
            timeout: 30_000,
          },
        )
        .toContain(LAB_ISO)
      await page.getByTestId('vm-create-iso').fill(LAB_ISO)
      const submit = page.getByTestId('vm-create-submit')
      await expect.poll(() => submit.isDisabled(), { timeout: 30_000 }).toBe(false)
      expect(await page.getByTestId('vm-create-machine').textContent()).toMatch(/pc-i440fx-\d+\.\d+/)
      await submit.scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath('vmdef-ui-plan-en') })
      await submit.click()
      const job = page.getByTestId('vm-create-job')
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 120_000 }).toBe('succeeded')
      expect(await page.getByTestId('vm-create-started').textContent()).toBe('Started on hv2.')
      await page.screenshot({ path: screenshotPath('vmdef-ui-created-en') })
      // The form still shows what was sent: the new VM does not make its own name "taken".
      expect(await page.getByTestId('vm-create-problem').count()).toBe(0)
      // Its console was opened.
      const uuid = (await uuidOn('hv1'))!
      await expect.poll(() => page.getByTestId(`console-tab-vnc:${uuid}`).count()).toBe(1)
      await page.getByTestId('vm-create-show').click()
      await expect
        .poll(() => page.getByTestId('vm-state').textContent(), { timeout: 30_000 })
        .toContain('hv2')
    })
    // One UUID on every host, running on hv2 only.
    const uuids = await Promise.all(HOSTS.map(uuidOn))
    expect(new Set(uuids).size).toBe(1)
    expect(uuids[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect((await virsh('hv2', `domstate ${NAME}`)).trim()).toBe('running')
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 180_000)

  it('deletes it (French): refused while it runs, then with its disk behind the typed name', async () => {
    const page = await app.openPage('fr-FR', { width: 1280, height: 1000 })
    await explain(page, 'delete', async () => {
      await page.getByTestId(`tree-vm-${NAME}`).first().click()
      await page.getByTestId('vm-delete').click()
      expect(await page.getByTestId('vm-delete-running').textContent()).toContain('hv2')
      await page.getByTestId('vm-delete-name').fill(NAME)
      expect(await page.getByTestId('vm-delete-confirm').isDisabled()).toBe(true)
      await page.screenshot({ path: screenshotPath('vmdef-ui-delete-running-fr') })
      // Stopped behind the app's back: the dialog follows the inventory.
      await virsh('hv2', `destroy ${NAME}`)
      await expect.poll(() => page.getByTestId('vm-delete-running').count(), { timeout: 60_000 }).toBe(0)
      await page.getByTestId('vm-delete-images').check()
      expect(await page.getByTestId('vm-delete-dialog').textContent()).toContain(`${POOL}/${NAME}`)
      expect(await page.getByTestId('vm-delete-confirm').isDisabled()).toBe(false)
      await page.screenshot({ path: screenshotPath('vmdef-ui-delete-fr') })
      await page.getByTestId('vm-delete-confirm').click()
      // Done: the dialog closes and the VM is gone from the window.
      await expect.poll(() => page.getByTestId('vm-delete-dialog').count(), { timeout: 90_000 }).toBe(0)
      await expect.poll(() => page.getByTestId(`tree-vm-${NAME}`).count(), { timeout: 30_000 }).toBe(0)
      await page.screenshot({ path: screenshotPath('vmdef-ui-deleted-fr') })
    })
    for (const host of HOSTS) expect(await uuidOn(host), host).toBeNull()
    expect((await labRun('rbd', 'info', `${POOL}/${NAME}`)).code).not.toBe(0)
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 180_000)
})
