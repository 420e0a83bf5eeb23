import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { launchChromium } from './browser'
import type { LabCore } from './lab-core'

/** The built UI that browser mode serves (npm run build). */
export const RENDERER_DIR = path.resolve(__dirname, '../../out/renderer')

/** The app in browser mode on a lab core, and a chromium to drive it: what every UI lab test needs. */
export interface LabBrowser {
  server: BrowserServer
  browser: Browser
  /** A new page (own context) on the app, in that locale and viewport. */
  openPage(locale?: string, viewport?: { width: number; height: number }): Promise<Page>
  /** The uncaught errors of a page opened here, from its first script on (tests expect none). */
  errorsOf(page: Page): string[]
  close(): Promise<void>
}

/** Also for a core without the lab (the e2e tests' temporary core): only its `core` is used. */
export async function startLabBrowser(lab: Pick<LabCore, 'core'>): Promise<LabBrowser> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  const server = await startBrowserServer({ core: lab.core, staticDir: RENDERER_DIR })
  const browser = await launchChromium()
  const errors = new WeakMap<Page, string[]>()
  return {
    server,
    browser,
    async openPage(locale = 'en-US', viewport = { width: 1280, height: 900 }) {
      const page = await (await browser.newContext({ locale, viewport })).newPage()
      const seen: string[] = []
      errors.set(page, seen)
      page.on('pageerror', (error) => seen.push(error.message))
      await page.goto(server.url)
      return page
    },
    errorsOf: (page) => errors.get(page) ?? [],
    async close() {
      await browser.close()
      await server.close()
    },
  }
}
