import type { Page, WebSocketRoute } from 'playwright-core'
import type { HostState } from '../../src/shared/hosts'
import { describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, routeInventory, useClosedPortApp } from '../support/fake-inventory'

/**
 * The host prompts (HostPrompts.tsx) never change under the user's pointer: the dialog on screen stays
 * until it is answered or withdrawn, and a prompt arriving meanwhile (even for a host earlier in the
 * cluster's order) waits its turn. The page's socket goes to a real core on closed ports; the hosts'
 * states are pushed here as the core sends them, and the answers (hosts.acceptHostKey,
 * hosts.providePassphrase) are caught here, as the core would receive them.
 */

const app = useClosedPortApp()

const FINGERPRINTS = {
  hv1: 'SHA256:hv1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  hv2: 'SHA256:hv2BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
  hv3: 'SHA256:hv3CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC',
} as const
type Host = keyof typeof FINGERPRINTS
const target = (host: Host) => `etalab@10.77.1${host.slice(2)}.1:22`
const connecting = (host: Host): HostState => ({
  name: host,
  target: target(host),
  status: 'connecting',
  since: new Date().toISOString(),
})
const keyUnknown = (host: Host): HostState => ({
  ...connecting(host),
  status: 'key-unknown',
  hostKey: { type: 'ssh-ed25519', fingerprint: FINGERPRINTS[host] },
})
const KEY_FILE = '/home/etalab/.ssh/id_ed25519'
const passphraseNeeded = (host: Host): HostState => ({
  ...connecting(host),
  status: 'passphrase-needed',
  lockedKeys: [KEY_FILE],
})

/** A page whose three hosts are connecting, the answers it sends to the core, and a way to push states. */
async function openPrompts(locale: string) {
  const answers: Array<{ method?: string; params?: unknown }> = []
  const opened = await openFakeInventoryPage(
    app(),
    locale,
    {
      hostStates: (['hv1', 'hv2', 'hv3'] as const).map(connecting),
      answer: (call) => {
        if (call.method !== 'hosts.acceptHostKey' && call.method !== 'hosts.providePassphrase')
          return undefined
        answers.push({ method: call.method, params: call.params })
        return connecting((call.params as { host: Host }).host)
      },
    },
    { ready: 'tree-host-hv3' },
  )
  return { ...opened, answers, push: (state: HostState) => pushState(opened.socket, opened.page, state) }
}

/** The host's state as the core pushes it, once the page shows it (the store applied it). */
async function pushState(socket: () => WebSocketRoute, page: Page, state: HostState): Promise<void> {
  socket().send(JSON.stringify({ kind: 'event', event: 'hosts.state', payload: state }))
  await expect
    .poll(() =>
      page
        .locator(`[data-testid="tree-host-${state.name}"] [data-testid="host-status"]`)
        .getAttribute('data-status'),
    )
    .toBe(state.status)
}

const shownFingerprint = (page: Page) => page.getByTestId('host-key-fingerprint').textContent()

describe('host prompts', () => {
  for (const locale of ['en-US', 'fr-FR'])
    it(`${locale}: hv2's key dialog stays while hv1's prompt arrives; accepting answers hv2, then hv1's dialog opens afresh`, async () => {
      const { context, page, errors, answers, push } = await openPrompts(locale)
      await push(keyUnknown('hv2'))
      const dialog = page.getByTestId('host-key-dialog')
      await expect.poll(() => shownFingerprint(page)).toBe(FINGERPRINTS.hv2)
      const hv2Dialog = await dialog.elementHandle()

      // hv1 comes first in the cluster's order, but hv2's dialog is the one the user is reading.
      await push(keyUnknown('hv1'))
      expect(await dialog.count()).toBe(1)
      expect(await shownFingerprint(page)).toBe(FINGERPRINTS.hv2)
      expect(await dialog.textContent()).toContain(`hv2 (${target('hv2')})`)
      await page.screenshot({ path: screenshotPath(`host-prompts-key-kept-${locale}`) })

      await page.getByTestId('host-key-accept').click()
      await expect
        .poll(() => answers)
        .toEqual([{ method: 'hosts.acceptHostKey', params: { host: 'hv2', fingerprint: FINGERPRINTS.hv2 } }])
      await push(connecting('hv2'))

      // Then hv1's, in a new dialog (the old one left the page): focus and reading start over.
      await expect.poll(() => shownFingerprint(page)).toBe(FINGERPRINTS.hv1)
      expect(await dialog.textContent()).toContain(`hv1 (${target('hv1')})`)
      expect(await hv2Dialog?.evaluate((element) => element.isConnected)).toBe(false)
      await page.screenshot({ path: screenshotPath(`host-prompts-key-next-${locale}`) })
      expect(errors).toEqual([])
      await context.close()
    })

  it('the core withdrawing the prompt on screen closes its dialog; the next opens in a new one, and refusing asks nothing', async () => {
    const { context, page, errors, answers, push } = await openPrompts('en-US')
    await push(keyUnknown('hv3'))
    await expect.poll(() => shownFingerprint(page)).toBe(FINGERPRINTS.hv3)
    const hv3Dialog = await page.getByTestId('host-key-dialog').elementHandle()
    await push(keyUnknown('hv2'))
    expect(await shownFingerprint(page)).toBe(FINGERPRINTS.hv3)

    // hv3's connection is gone (or the host removed): its question is no longer asked.
    await push({ ...connecting('hv3'), status: 'offline' })
    await expect.poll(() => shownFingerprint(page)).toBe(FINGERPRINTS.hv2)
    expect(await hv3Dialog?.evaluate((element) => element.isConnected)).toBe(false)

    await page.getByRole('button', { name: 'Refuse' }).click()
    await expect.poll(() => page.getByTestId('host-key-dialog').count()).toBe(0)
    expect(answers).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it("a new key dialog's Accept is armed one second after it opens, so a click meant for the previous dialog cannot accept it", async () => {
    const context = await app().browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 800 },
    })
    const socket = await routeInventory(context, {
      hostStates: (['hv1', 'hv2', 'hv3'] as const).map(connecting),
    })
    const page = await context.newPage()
    // The page's clock stands still once the app is in: only runFor moves it.
    await page.clock.install()
    await page.goto(app().server.url)
    await page.getByTestId('tree-host-hv3').waitFor({ timeout: 30_000 })
    await page.clock.pauseAt(Date.now() + 60_000)
    await pushState(socket, page, keyUnknown('hv2'))
    const accept = page.getByTestId('host-key-accept')
    await accept.waitFor()
    expect(await accept.isDisabled()).toBe(true)
    await page.clock.runFor(999)
    expect(await accept.isDisabled()).toBe(true)
    await page.clock.runFor(1)
    await expect.poll(() => accept.isEnabled()).toBe(true)
    await context.close()
  })

  it('a passphrase being typed stays on screen when a host key prompt arrives; the key dialog comes after', async () => {
    const { context, page, errors, answers, push } = await openPrompts('en-US')
    await push(passphraseNeeded('hv2'))
    const passphrase = page.getByTestId('passphrase-dialog')
    await passphrase.waitFor()
    await passphrase.locator('input[type="password"]').fill('correct horse')

    await push(keyUnknown('hv1'))
    expect(await page.getByTestId('host-key-dialog').count()).toBe(0)
    expect(await passphrase.locator('input[type="password"]').inputValue()).toBe('correct horse')

    await passphrase.locator('input[type="password"]').press('Enter')
    await expect
      .poll(() => answers)
      .toEqual([
        {
          method: 'hosts.providePassphrase',
          params: { host: 'hv2', keyPath: KEY_FILE, passphrase: 'correct horse' },
        },
      ])
    await push(connecting('hv2'))
    await expect.poll(() => shownFingerprint(page)).toBe(FINGERPRINTS.hv1)
    expect(errors).toEqual([])
    await context.close()
  })
})
