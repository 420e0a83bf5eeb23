import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { createCore, type Core } from '../../src/main/core/core'
import { startReleaseFeed } from '../electron/support'
import { launchChromium, screenshotPath } from '../support/browser'
import { sampleCluster } from '../support/core'

/** The release notice in the window (browser mode), fed by a local release feed on 127.0.0.1. */
const rendererDir = path.resolve(__dirname, '../../out/renderer')

let browser: Browser
let server: BrowserServer
let core: Core
let dir: string
let feed: Awaited<ReturnType<typeof startReleaseFeed>>

beforeAll(async () => {
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-notice-'))
  fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(sampleCluster))
  feed = await startReleaseFeed('v0.2.0')
  core = await createCore({
    configPath: path.join(dir, 'cluster.json'),
    home: dir,
    version: '0.1.0',
    autoConnect: false,
    updateFeedUrl: feed.url,
  })
  server = await startBrowserServer({ core, staticDir: rendererDir })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await core?.close()
  await feed?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('release notice', () => {
  it('says a newer release exists, in English and French, links to its page, and can be dismissed', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 } })
    const page = await context.newPage()
    await page.goto(server.url)
    const notice = page.getByTestId('update-notice')
    await expect
      .poll(() => notice.textContent())
      .toContain(
        'Hyperdesk 0.2.0 is available (this is 0.1.0). Download it from the release page: the app never installs updates by itself.',
      )
    const link = notice.getByRole('link')
    expect(await link.getAttribute('href')).toBe('https://github.com/etalab/hyperdesk/releases/tag/v0.2.0')
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')
    await page.screenshot({ path: screenshotPath('update-notice-en') })

    await page.getByTestId('language').selectOption('fr')
    await expect
      .poll(() => notice.textContent())
      .toContain('Hyperdesk 0.2.0 est disponible (vous avez la version 0.1.0).')
    expect(await link.textContent()).toBe('Ouvrir la page de la version')
    await page.screenshot({ path: screenshotPath('update-notice-fr') })

    // One request for the start check; reloading the page reuses the core's recent answer.
    expect(feed.requests).toBe(1)
    await notice.getByRole('button', { name: 'Fermer' }).click()
    expect(await notice.count()).toBe(0)
    await page.reload()
    await expect.poll(() => notice.count()).toBe(1)
    expect(feed.requests).toBe(1)
    await context.close()
  })
})
