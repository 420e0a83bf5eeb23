/**
 * Consoles in browser mode against the real lab: a VNC console that shows the guest's screen, text
 * typed through the app into the AZERTY guest (and a QWERTY one) and checked in the guest's serial
 * log, a shell on a host, and a console that follows its VM through a live migration, where the
 * network helper types the gateway change on the serial console. Screenshots in test-results/screenshots/.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typedCall } from '../support/in-process-core'
import { screenshotPath } from '../support/browser'
import { attachStream } from '../support/core-stream'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { labGuest, labHost, readSerialLog, requireLab, waitForSerial, type LabHostName } from './support/lab'

const LABVM1 = labGuest('labvm1')
const LABVM2 = labGuest('labvm2')
/** What the issue asks to type: shifted and AltGr characters on AZERTY (and a backslash). */
const SPECIALS = `$()>|"@#~'`
/** Prints SPECIALS on the guest's serial port: single quotes, then an escaped one. */
const ECHO_SPECIALS = `echo '$()>|"@#~'\\' > /dev/ttyS0`
let app: LabBrowser
let lab: LabCore

/** Runs a command on a guest's serial console through the core (as the app does) and waits for `expected`. */
async function serialCommand(uuid: string, command: string, expected: RegExp): Promise<string> {
  const opened = await typedCall(lab.core, 'console.openSerial', { uuid, cols: 120, rows: 30 })
  const end = attachStream(lab.core, opened.streamId)
  try {
    const from = end.output().length
    end.write(`${command}\r`)
    return await end.waitFor(expected, 15_000, from)
  } finally {
    end.close()
  }
}

async function runningHostOf(uuid: string): Promise<string | undefined> {
  return lab.context.inventory.snapshot().vms.find((vm) => vm.uuid === uuid)?.runningOn[0]
}

async function migrate(uuid: string, to: LabHostName): Promise<void> {
  const job = await lab.runJob('vm.migrate', { uuid, to, acceptWarnings: true }, 120_000)
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
}

async function openPage(locale: string): Promise<Page> {
  const page = await app.openPage(locale)
  await expect.poll(() => page.getByTestId('tree-vm-labvm1').count(), { timeout: 30_000 }).toBeGreaterThan(0)
  return page
}

/** Share of the VNC canvas's pixels that are not black: a booted guest's text console has some. */
function litPixels(page: Page, uuid: string): Promise<number> {
  return page
    .getByTestId(`vnc-console-${uuid}`)
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d')
      if (!context || canvas.width === 0) return 0
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
      let lit = 0
      for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 60) lit++
      return lit / (data.length / 4)
    })
}

async function openVnc(page: Page, vm: string, uuid: string): Promise<void> {
  await page.getByTestId(`tree-vm-${vm}`).first().click()
  await page.getByTestId('vm-open-console').click()
  const status = page.getByTestId(`vnc-console-${uuid}`).getByTestId('vnc-status')
  await expect.poll(() => status.getAttribute('data-status'), { timeout: 20_000 }).toBe('connected')
}

async function typeInConsole(page: Page, uuid: string, text: string): Promise<void> {
  const console = page.getByTestId(`vnc-console-${uuid}`)
  // Ctrl+C first, from the combos menu: a fresh prompt whatever an earlier run left on the line.
  await console.getByRole('combobox').selectOption('Ctrl+C')
  await console.getByTestId('vnc-type-input').fill(text)
  await console.getByTestId('vnc-type-input').press('Enter')
  await expect.poll(() => console.getByTestId('vnc-type-input').inputValue(), { timeout: 20_000 }).toBe('')
}

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      lab = await labCore()
      await lab.waitForInventory()
      return lab
    })(),
  )
}, 90_000)

afterAll(async () => {
  await app?.close()
  // Leave labvm1 where `lab up` put it, with its home gateway and without the layout setting.
  if (lab) {
    if ((await runningHostOf(LABVM1.uuid)) !== 'hv1') await migrate(LABVM1.uuid, 'hv1').catch(() => undefined)
    const gateway = labHost('hv1').gateway
    await serialCommand(
      LABVM1.uuid,
      `ifdown eth0; sed -i -r 's/10\\.77\\.1[0-9]\\.254/${gateway}/g' /etc/network/interfaces; ifup eth0; echo gw-$((40+2))`,
      /gw-42/,
    ).catch((error: unknown) => console.log(`could not restore labvm1's gateway: ${String(error)}`))
    await lab
      .runJob('vm.setSettings', { uuid: LABVM1.uuid, settings: { keyboardLayout: null } })
      .catch(() => undefined)
  }
  await lab?.cleanup()
}, 180_000)

describe('consoles', () => {
  it('shows the AZERTY guest’s screen and types shifted and AltGr characters into it exactly', async () => {
    const page = await openPage('fr-FR')
    await openVnc(page, 'labvm2', LABVM2.uuid)
    const console = page.getByTestId(`vnc-console-${LABVM2.uuid}`)
    expect(await console.getByTestId('vnc-status').textContent()).toMatch(
      /labvm2 sur hv2 \(port VNC 59\d\d, via SSH\)/,
    )
    await expect.poll(() => litPixels(page, LABVM2.uuid), { timeout: 20_000 }).toBeGreaterThan(0.002)
    await page.screenshot({ path: screenshotPath('console-vnc-azerty') })

    // labvm2 has no layout setting: its definition's VNC keymap (fr) says French, and the toolbar says so.
    const layout = console.getByTestId('vnc-layout')
    expect(await layout.getAttribute('data-from')).toBe('vncKeymap')
    expect(await layout.textContent()).toBe(
      'Clavier de l’invité\u00a0: Français (AZERTY), d’après son keymap VNC fr',
    )
    const before = readSerialLog('hv2', 'labvm2').length
    await typeInConsole(page, LABVM2.uuid, ECHO_SPECIALS)
    const log = await waitForSerial('hv2', 'labvm2', /\$\(\)/, 20_000, before)
    expect(log).toContain(SPECIALS)
    await page.screenshot({ path: screenshotPath('console-vnc-azerty-typed') })
    // A character this layout cannot type is refused before anything is sent.
    await console.getByTestId('vnc-type-input').fill('echo ♥')
    await console.getByTestId('vnc-type-input').press('Enter')
    await expect.poll(() => console.textContent()).toContain('Impossible de taper ♥ sur un clavier fr.')
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 90_000)

  it('a QWERTY guest set to "us" in its settings gets the same characters right', async () => {
    const page = await openPage('en-US')
    await page.getByTestId('tree-vm-labvm1').first().click()
    // Nothing in labvm1's definition (no setting, no VNC keymap): the cluster file's default, said as such.
    expect(await page.getByTestId('vm-settings-layout').inputValue()).toBe('fr')
    expect(await page.getByTestId('vm-settings-layout-from').textContent()).toBe(
      'the cluster’s default (nothing in its definition)',
    )
    await page.getByTestId('vm-settings-layout').selectOption('us')
    await page.getByTestId('vm-settings-save').click()
    await expect
      .poll(
        () =>
          lab.context.inventory
            .snapshot()
            .hosts.every(
              (host) =>
                host.domains.find((domain) => domain.uuid === LABVM1.uuid)?.definition?.hyperdesk[
                  'keyboardLayout'
                ] === 'us',
            ),
        { timeout: 20_000 },
      )
      .toBe(true)
    await page.getByTestId('vm-open-console').click()
    const console = page.getByTestId(`vnc-console-${LABVM1.uuid}`)
    await expect
      .poll(() => console.getByTestId('vnc-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('connected')
    expect(await console.getByTestId('vnc-layout').textContent()).toBe(
      'Guest keyboard: US (QWERTY), set for this VM',
    )
    const before = readSerialLog('hv1', 'labvm1').length
    await typeInConsole(page, LABVM1.uuid, ECHO_SPECIALS)
    const log = await waitForSerial('hv1', 'labvm1', /\$\(\)/, 20_000, before)
    expect(log).toContain(SPECIALS)
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 90_000)

  it('opens a shell on a host and runs a command', async () => {
    const page = await openPage('en-US')
    await page.getByTestId('tree-host-hv3').click()
    await page.getByTestId('open-host-shell').click()
    const terminal = page.getByTestId('terminal-shell')
    await expect
      .poll(() => terminal.getByTestId('terminal-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('open')
    await terminal.locator('.xterm').click()
    await page.keyboard.type('echo "$(id -un)@$(hostname) $((6*7))"\n')
    await expect
      .poll(() => terminal.locator('.xterm-rows').textContent(), { timeout: 10_000 })
      .toContain('etalab@hv3 42')
    await page.screenshot({ path: screenshotPath('console-host-shell') })
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 60_000)

  it('follows labvm1 through a live migration, then types the gateway change on its serial console', async () => {
    const page = await openPage('en-US')
    await openVnc(page, 'labvm1', LABVM1.uuid)
    const vnc = page.getByTestId(`vnc-console-${LABVM1.uuid}`)
    expect(await vnc.getByTestId('vnc-status').textContent()).toContain('labvm1 on hv1')

    await migrate(LABVM1.uuid, 'hv2')
    await expect
      .poll(() => vnc.getByTestId('vnc-status').textContent(), { timeout: 30_000 })
      .toMatch(/labvm1 on hv2 \(VNC port 59\d\d/)
    expect(await vnc.getByTestId('vnc-status').getAttribute('data-status')).toBe('connected')
    // Still the right guest: what is typed runs in labvm1, now on hv2.
    const before = readSerialLog('hv2', 'labvm1').length
    await typeInConsole(page, LABVM1.uuid, 'echo followed-$((40+2)) > /dev/ttyS0')
    await waitForSerial('hv2', 'labvm1', /followed-42/, 20_000, before)
    await page.screenshot({ path: screenshotPath('console-after-migration') })

    // The runbook's after-migration step, on the serial console, once a root prompt is confirmed.
    await page.getByTestId('vm-open-serial').click()
    const serial = page.getByTestId('terminal-serial')
    await expect
      .poll(() => serial.getByTestId('terminal-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('open')
    await serial.getByRole('button', { name: 'Network lines' }).click()
    const helper = serial.getByTestId('network-helper')
    await expect
      .poll(() => helper.getByTestId('network-commands').textContent(), { timeout: 10_000 })
      .toContain('ifdown eth0')
    expect(await helper.getByTestId('network-lines').textContent()).toContain(
      'post-up route add default gw 10.77.12.254 dev eth0',
    )
    // labvm1 has no failover IP recorded: said so, with where to record it (not "its failover IP ?").
    expect(await helper.getByTestId('network-summary').textContent()).toBe(
      'labvm1 runs on hv2: its gateway is 10.77.12.254; no failover IP is recorded for it.',
    )
    expect(await helper.getByTestId('network-note').first().textContent()).toContain(
      'record it in the VM view, under Hyperdesk settings (Failover IP)',
    )
    expect(await helper.getByTestId('type-network-commands').isDisabled()).toBe(true)
    await helper.getByTestId('root-prompt-confirm').check()
    await helper.getByTestId('type-network-commands').click()
    await serial.locator('.xterm').click()
    await page.keyboard.type('route -n | grep UG\n')
    await expect
      .poll(() => serial.locator('.xterm-rows').textContent(), { timeout: 20_000 })
      .toMatch(/0\.0\.0\.0\s*10\.77\.12\.254\s*0\.0\.0\.0\s*UG/)
    await page.screenshot({ path: screenshotPath('console-network-helper') })
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 150_000)
})
