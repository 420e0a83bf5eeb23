import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { launchChromium, screenshotPath } from '../support/browser'
import { sampleCluster, tempCore } from '../support/core'

const rendererDir = path.resolve(__dirname, '../../out/renderer')

let browser: Browser
let server: BrowserServer
let core: Awaited<ReturnType<typeof tempCore>>

beforeAll(async () => {
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  core = await tempCore(sampleCluster)
  server = await startBrowserServer({ core: core.core, staticDir: rendererDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await core?.cleanup()
})

describe('browser mode shell', () => {
  it('connects with the token, drops it from the URL, shows the cluster, switches language and theme', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 760 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    await page.goto(server.url)

    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Core: connected')
    // replaceState swapped the history entry itself: the token is in neither the address bar nor history.
    expect(page.url()).toBe(`${server.origin}/`)
    await page.goBack()
    expect(page.url()).not.toContain('token')
    await page.goForward()
    // No connection in this test (the lab is not up): each host shows as not connected, with no VMs.
    await expect
      .poll(() =>
        page.locator('[data-host]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-host'))),
      )
      .toEqual(['hv1', 'hv2', 'hv3'])
    expect(await page.locator('[data-host="hv1"] [data-testid="host-status"]').textContent()).toBe(
      'Not connected',
    )
    expect(await page.getByTestId('tree-host-hv1').textContent()).toContain('0 VMs')
    expect(await page.getByTestId('config-status').textContent()).toBe('Cluster file loaded')
    expect(await page.getByTestId('config-hosts').textContent()).toContain('etalab@10.77.11.1:22')
    await page.screenshot({ path: screenshotPath('shell-en-light'), fullPage: true })

    await page.getByTestId('language').selectOption('fr')
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Cœur\u00a0: connecté')
    expect(await page.locator('html').getAttribute('lang')).toBe('fr')
    expect(await page.getByText('Hyperviseurs', { exact: true }).count()).toBe(1)

    await page.getByTestId('theme').selectOption('dark')
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark')
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(background).toBe('rgb(21, 24, 29)')

    // A reload keeps the choices and the session (the token lives in this tab's sessionStorage).
    await page.reload()
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Cœur\u00a0: connecté')
    expect(await page.getByTestId('config-status').textContent()).toBe('Fichier du cluster chargé')
    await page.screenshot({ path: screenshotPath('shell-fr-dark'), fullPage: true })

    expect(errors).toEqual([])
    await context.close()
  })

  it('follows the OS language on first start', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' })
    const page = await context.newPage()
    await page.goto(server.url)
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Cœur\u00a0: connecté')
    await context.close()
  })

  it('shows how to get in when opened without the secret link, and never connects', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.origin}/`)
    expect(await page.getByTestId('no-token').textContent()).toContain('npm run serve')
    await context.close()
  })

  it('shows each problem of an invalid cluster file with its field, after a reload', async () => {
    fs.writeFileSync(
      core.configPath,
      JSON.stringify({ version: 1, hosts: [{ name: 'hv 1', address: '10.77.11.1', gateway: 'x' }] }),
    )
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 700 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Core: connected')
    await page.getByTestId('config-reload').click()
    await expect
      .poll(() => page.getByTestId('config-status').textContent())
      .toBe('The cluster file has problems')
    const problems = await page.getByTestId('config-problems').textContent()
    expect(problems).toContain('hosts[0].name')
    expect(problems).toContain('hosts[0].gateway')
    expect(problems).toContain('must be an IPv4 address')
    await page.screenshot({ path: screenshotPath('shell-invalid-config'), fullPage: true })
    await context.close()
  })
})
