import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { createCore, type Core } from '../../src/main/core/core'
import { launchChromium, screenshotPath } from '../support/browser'
import { newKeyPair, startFakeSshd, type FakeSshd } from '../support/fake-sshd'

/**
 * What the user reads about SSH, in English and French: a refused key (with the fail2ban hint), a
 * host refused because ~/.ssh/config would run "Match exec" for it, and known_hosts lines that are
 * not used. The core runs with its own home: ~/.ssh/config names the hosts by alias.
 */

const rendererDir = path.resolve(__dirname, '../../out/renderer')
let browser: Browser
let server: BrowserServer
let core: Core
let sshd: FakeSshd
let home: string

beforeAll(async () => {
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-sshmsg-'))
  const hostKey = newKeyPair()
  sshd = await startFakeSshd({ hostKey: hostKey.privateKey, clientPublicKey: newKeyPair().publicSSH })
  fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 })
  fs.writeFileSync(path.join(home, '.ssh', 'id_wrong'), newKeyPair().privateKey, { mode: 0o600 })
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    [
      'Host hv1',
      '  hostname 127.0.0.1',
      `  port ${sshd.port}`,
      '  IdentityFile ~/.ssh/id_wrong',
      '  IdentitiesOnly yes',
      `Match originalhost hv2 exec "touch ${path.join(home, 'exec-ran')}"`,
      '  User x',
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(home, '.ssh', 'known_hosts'),
    `[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\nhv9.example ssh-foo AAAAC3NzaC1lZDI1NTE5\n`,
  )
  const configPath = path.join(home, 'cluster.json')
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      name: 'messages',
      hosts: [
        { name: 'hv1', address: 'hv1' },
        { name: 'hv2', address: 'hv2' },
      ],
    }),
  )
  core = await createCore({ configPath, home, version: 'test', globalKnownHostsFiles: [] })
  server = await startBrowserServer({ core, staticDir: rendererDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await core?.close()
  await sshd?.stop()
  fs.rmSync(home, { recursive: true, force: true })
})

describe('SSH messages in the window', () => {
  it('shows the refused key, the Match exec refusal and skipped known_hosts lines in English and French', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(server.url)

    await page.getByTestId('tree-host-hv1').click()
    const hostError = page.getByTestId('host-error')
    await expect.poll(() => hostError.textContent(), { timeout: 15_000 }).toContain('refused every key')
    expect(await hostError.textContent()).toContain(`etalab@127.0.0.1 refused every key offered (1 offered).`)
    expect(await hostError.textContent()).toContain('fail2ban')
    expect(await page.getByTestId('known-hosts-warnings').textContent()).toContain(
      'line 2 is not used: unknown key type ssh-foo.',
    )
    await page.screenshot({ path: screenshotPath('ssh-auth-refused-en'), fullPage: true })

    await page.getByTestId('tree-host-hv2').click()
    await expect
      .poll(() => page.getByTestId('host-error').textContent())
      .toContain(
        '"Match exec" would run a command for hv2. Hyperdesk never runs commands from the SSH config.',
      )
    await page.screenshot({ path: screenshotPath('ssh-match-exec-en'), fullPage: true })

    await page.getByTestId('language').selectOption('fr')
    await expect
      .poll(() => page.getByTestId('host-error').textContent())
      .toContain('«\u00a0Match exec\u00a0» lancerait une commande pour hv2. Hyperdesk ne lance jamais')
    await page.screenshot({ path: screenshotPath('ssh-match-exec-fr'), fullPage: true })

    await page.getByTestId('tree-host-hv1').click()
    await expect
      .poll(() => page.getByTestId('host-error').textContent())
      .toContain('etalab@127.0.0.1 a refusé toutes les clés proposées (clés proposées\u00a0: 1).')
    expect(await page.getByTestId('known-hosts-warnings').textContent()).toContain(
      'ligne 2 ignorée\u00a0: type de clé inconnu ssh-foo.',
    )
    await page.screenshot({ path: screenshotPath('ssh-auth-refused-fr'), fullPage: true })

    expect(fs.existsSync(path.join(home, 'exec-ran'))).toBe(false)
    expect(sshd.keyOffers).toHaveLength(1)
    expect(errors).toEqual([])
    await context.close()
  })
})
