/**
 * The first run, in the window, against the real lab (issue 21 item 2): the app starts with no cluster
 * file and a home with no known_hosts. In English the hosts are imported from an ~/.ssh/config that
 * points at the lab (the app reads it; ssh is never run), in French they are typed into the form with
 * the lab's key file. Each time: the file is written, each host's new key is shown with the
 * fingerprint the lab gave its sshd (ssh-keygen -lf of the host key) and accepted, and every host comes
 * online with its doctor's report. Then a host is removed and added back from the app, no restart.
 * Last, labvm1's console is opened (read only) for the README's picture of the window.
 * Screenshots: test-results/screenshots/setup-{form,done}-{en,fr}.png, readme-window-en.png. Changes
 * nothing on the lab.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../src/main/core/core'
import { launchChromium, screenshotPath } from '../support/browser'
import { createCoreWithContext } from '../support/in-process-core'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { LAB_APP_KEY, LAB_HOSTS, LAB_STATE_DIR, requireLab } from './support/lab'

const fingerprints = new Map(
  LAB_HOSTS.map((host) => {
    const pub = path.join(LAB_STATE_DIR, 'keys', `${host.name}-host_ed25519.pub`)
    const line = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' })
    return [host.name, line.split(' ')[1] ?? '']
  }),
)
const labAddress = (n: number) => `10.77.1${n}.1`

interface Run {
  dir: string
  configPath: string
  core: Core
  ui: LabBrowser
}
const runs: Run[] = []
/** One chromium for both runs (each page in its own context): a launch took 2-6 s on a loaded machine. */
let browser: Browser

/** A core and browser mode with no cluster file, its home a fresh directory (no known_hosts). */
async function firstRun(sshConfig?: string): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-setup-lab-'))
  fs.mkdirSync(path.join(dir, '.ssh'), { mode: 0o700 })
  if (sshConfig) fs.writeFileSync(path.join(dir, '.ssh', 'config'), sshConfig)
  const configPath = path.join(dir, 'config', 'cluster.json')
  const { core } = await createCoreWithContext({
    configPath,
    home: dir,
    sshConfigPath: path.join(dir, '.ssh', 'config'),
    version: 'lab',
    globalKnownHostsFiles: [],
  })
  const run = { dir, configPath, core, ui: await startLabBrowser({ core }, browser) }
  runs.push(run)
  return run
}

async function closeRun(run: Run): Promise<void> {
  await run.ui.close()
  await run.core.close()
  fs.rmSync(run.dir, { recursive: true, force: true })
}

/**
 * Every lab host's key dialog, its fingerprint checked against the lab's own, then accepted. The hosts'
 * prompts arrive in any order, some while a dialog is on screen: that dialog stays until it is answered
 * (HostPrompts.tsx), so the fingerprint read and the host named are the ones the click accepts.
 */
async function confirmHostKeys(page: Page): Promise<void> {
  const confirmed = new Set<string>()
  while (confirmed.size < LAB_HOSTS.length) {
    const dialog = page.getByTestId('host-key-dialog')
    await dialog.waitFor({ timeout: 30_000 })
    const fingerprint = await page.getByTestId('host-key-fingerprint').textContent()
    const host = [...fingerprints].find(([, expected]) => expected === fingerprint)?.[0]
    expect(host, `fingerprint ${fingerprint} is one of the lab's host keys`).toBeDefined()
    expect(confirmed.has(host ?? '')).toBe(false)
    expect(await dialog.textContent()).toContain(host)
    confirmed.add(host ?? '')
    await page.getByTestId('host-key-accept').click()
    // The next host's dialog may follow at once: this one is gone when its fingerprint is.
    await expect
      .poll(
        async () =>
          (await dialog.count()) === 0 ||
          (await page
            .getByTestId('host-key-fingerprint')
            .textContent({ timeout: 1000 })
            .catch(() => null)) !== fingerprint,
        { timeout: 20_000 },
      )
      .toBe(true)
  }
}

/** Every lab host online in the progress list, with its doctor's checks shown. */
async function expectHostsOnlineWithDoctor(page: Page): Promise<void> {
  for (const host of LAB_HOSTS) {
    const row = page.locator(`[data-testid="setup-progress-host"][data-host="${host.name}"]`)
    await expect
      .poll(() => row.getByTestId('host-status').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('online')
    await row.getByTestId('doctor-checks').waitFor({ timeout: 60_000 })
    expect(await row.locator('[data-check]').count()).toBeGreaterThan(3)
    expect(await row.locator('[data-check][data-level="fail"]').count()).toBe(0)
  }
}

async function fillRow(page: Page, index: number, values: Record<string, string>): Promise<void> {
  const row = page.getByTestId('setup-host-row').nth(index)
  for (const [key, value] of Object.entries(values)) await row.getByTestId(`setup-host-${key}`).fill(value)
}

beforeAll(async () => {
  const launching = launchChromium() // while the lab is checked
  launching.catch(() => undefined) // awaited below
  try {
    await requireLab()
  } finally {
    browser = await launching
  }
  delete process.env.SSH_AUTH_SOCK
}, 30_000)

afterAll(async () => {
  for (const run of runs.splice(0)) await closeRun(run)
  await browser?.close()
})

describe('first run on the lab', () => {
  it('English: imports the hosts from ~/.ssh/config, confirms their keys, shows them online with their doctor', async () => {
    const sshConfig = LAB_HOSTS.map((host, i) =>
      [
        `Host ${host.name}`,
        `  HostName ${labAddress(i + 1)}`,
        '  User etalab',
        `  IdentityFile ${LAB_APP_KEY}`,
      ].join('\n'),
    ).join('\n')
    const run = await firstRun(`${sshConfig}\nHost *\n  ServerAliveInterval 15\n`)
    const page = await run.ui.openPage('en-US')
    await page.getByTestId('setup-form').waitFor({ timeout: 20_000 })
    expect(fs.existsSync(run.configPath)).toBe(false)

    await page.getByTestId('setup-name').fill('lab')
    await page.locator('[data-testid="setup-import"] summary').click()
    await page.getByTestId('setup-import-read').click()
    await expect.poll(() => page.getByTestId('setup-import-host').count()).toBe(3)
    expect(await page.getByTestId('setup-import-list').textContent()).toContain(`etalab@${labAddress(1)}:22`)
    await page.getByTestId('setup-import-add').click()
    expect(await page.getByTestId('setup-host-row').count()).toBe(3)
    for (const n of [1, 2, 3])
      await fillRow(page, n - 1, { migrationAddress: `10.77.0.${n}`, gateway: `10.77.1${n}.254` })

    // A mistake first: shown by field, nothing written.
    await fillRow(page, 2, { gateway: '10.77.13' })
    await page.getByTestId('setup-save').click()
    expect(await page.getByTestId('setup-problems').textContent()).toContain('hosts[2].gateway')
    expect(fs.existsSync(run.configPath)).toBe(false)
    await fillRow(page, 2, { gateway: '10.77.13.254' })
    // The lab's guests are QWERTY but for labvm2, whose VNC keymap says fr: the cluster's default is US.
    expect(await page.getByTestId('setup-guest-layout').inputValue()).toBe('fr')
    await page.getByTestId('setup-guest-layout').selectOption('us')
    await page.screenshot({ path: screenshotPath('setup-form-en'), fullPage: true })
    await page.getByTestId('setup-save').click()

    await confirmHostKeys(page)
    await expectHostsOnlineWithDoctor(page)
    const written = JSON.parse(fs.readFileSync(run.configPath, 'utf8'))
    expect(written.hosts.map((host: { address: string }) => host.address)).toEqual(['hv1', 'hv2', 'hv3'])
    expect(written.ssh.useSshConfig).toBe(true)
    expect(written.guestKeyboardLayout).toBe('us')
    await page.screenshot({ path: screenshotPath('setup-done-en'), fullPage: true })

    // Editable afterwards: hv3 removed then added back, the tree following, no restart.
    const inTree = (host: string) => page.locator(`.sidebar [data-host="${host}"]`).count()
    await page.getByTestId('setup-edit').click()
    await page.getByTestId('setup-remove-host').nth(2).click()
    await page.getByTestId('setup-save').click()
    await expect.poll(() => inTree('hv3'), { timeout: 15_000 }).toBe(0)
    expect(await inTree('hv2')).toBe(1)
    expect(fs.existsSync(`${run.configPath}.previous`)).toBe(true)
    await page.getByTestId('setup-edit').click()
    await page.getByTestId('setup-add-host').click()
    await fillRow(page, 2, {
      name: 'hv3',
      address: 'hv3',
      migrationAddress: '10.77.0.3',
      gateway: '10.77.13.254',
    })
    await page.getByTestId('setup-save').click()
    await expect.poll(() => inTree('hv3'), { timeout: 15_000 }).toBe(1)
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="setup-progress-host"][data-host="hv3"] [data-testid="host-status"]')
            .getAttribute('data-status'),
        {
          timeout: 60_000,
        },
      )
      .toBe('online')

    // The README's picture of the window (docs/screenshots/window.png is this file): the tree, a VM, its console.
    await page.getByTestId('tree-vm-labvm1').first().click({ timeout: 30_000 })
    await page.getByTestId('vm-open-console').click()
    const vnc = page.locator('[data-testid^="vnc-console-"]').first()
    await expect
      .poll(() => vnc.getByTestId('vnc-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('connected')
    const dismiss = page.getByRole('button', { name: 'Dismiss' })
    while ((await dismiss.count()) > 0) await dismiss.first().click()
    // labvm1's definition names no layout: the file's guestKeyboardLayout (US), and the toolbar says so.
    expect(await vnc.getByTestId('vnc-layout').textContent()).toBe(
      'Guest keyboard: US (QWERTY), the cluster’s default (nothing in its definition)',
    )
    // The console docks under the VM's view, beside the tree: the tree keeps its width and its height
    // (issue 21 item 5), at a small laptop's width and at a large screen's.
    for (const size of [
      { width: 1024, height: 768 },
      { width: 1440, height: 900 },
    ]) {
      await page.setViewportSize(size)
      await expect.poll(() => vnc.getByTestId('vnc-status').getAttribute('data-status')).toBe('connected')
      const box = async (selector: string) => {
        const found = await page.locator(selector).first().boundingBox()
        if (!found) throw new Error(`${selector} is not shown at ${size.width}×${size.height}`)
        return found
      }
      const [tree, body, dock, screen, view] = await Promise.all([
        box('.sidebar'),
        box('.body'),
        box('[data-testid="console-dock"]'),
        box('[data-testid="vnc-screen"]'),
        box('.main'),
      ])
      expect(tree.width, `tree width at ${size.width} px`).toBeGreaterThanOrEqual(240)
      expect(tree.height, `tree height at ${size.width} px`).toBeGreaterThanOrEqual(body.height - 1)
      expect(dock.x, 'the console is right of the tree').toBeGreaterThanOrEqual(tree.x + tree.width)
      expect(screen.height).toBeGreaterThanOrEqual(180)
      expect(view.height, 'the VM view keeps a strip above the console').toBeGreaterThanOrEqual(140)
      // Every host and VM row of the tree is still there to click, statuses included.
      for (const row of ['tree-vm-labvm1', 'tree-vm-labvm2'])
        expect(await page.getByTestId(row).first().isVisible()).toBe(true)
      await page.screenshot({ path: screenshotPath(`window-console-${size.width}-en`) })
    }
    await page.setViewportSize({ width: 1400, height: 1050 })
    await page.screenshot({ path: screenshotPath('readme-window-en') })
    expect(run.ui.errorsOf(page)).toEqual([])
    await closeRun(runs.splice(runs.indexOf(run), 1)[0] ?? run)
  }, 240_000)

  it('French: the form typed by hand with a key file, keys confirmed, hosts online with their doctor', async () => {
    const run = await firstRun()
    const page = await run.ui.openPage('fr-FR')
    await page.getByTestId('setup-form').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('config-panel').textContent()).toContain('Décrivez votre cluster')

    await page.getByTestId('setup-name').fill('lab')
    await page.getByTestId('setup-auth-key').check()
    await page.getByTestId('setup-key').fill(LAB_APP_KEY)
    await page.getByTestId('setup-use-ssh-config').uncheck()
    for (const n of [1, 2, 3]) {
      if (n > 1) await page.getByTestId('setup-add-host').click()
      await fillRow(page, n - 1, {
        name: `hv${n}`,
        address: labAddress(n),
        migrationAddress: `10.77.0.${n}`,
        gateway: `10.77.1${n}.254`,
      })
    }
    await page.screenshot({ path: screenshotPath('setup-form-fr'), fullPage: true })
    await page.getByTestId('setup-save').click()

    await confirmHostKeys(page)
    await expectHostsOnlineWithDoctor(page)
    expect(await page.getByTestId('setup-progress').textContent()).toContain('Connexion à vos hôtes')
    const written = JSON.parse(fs.readFileSync(run.configPath, 'utf8'))
    expect(written.ssh).toMatchObject({ identityFile: LAB_APP_KEY, useSshConfig: false })
    // The form's default for the guests' keyboard: French, today's behaviour, written out.
    expect(written.guestKeyboardLayout).toBe('fr')
    await page.screenshot({ path: screenshotPath('setup-done-fr'), fullPage: true })
    expect(run.ui.errorsOf(page)).toEqual([])
  }, 240_000)
})
