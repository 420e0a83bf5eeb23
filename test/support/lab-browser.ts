import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { launchChromium } from './browser'
import type { LabCore } from './lab-core'
import { noteTiming } from '../lab/support/lab'

/** The built UI that browser mode serves (npm run build). */
export const RENDERER_DIR = path.resolve(__dirname, '../../out/renderer')

/** The app in browser mode on a lab core, and a chromium to drive it: what every UI lab test needs. */
export interface LabBrowser {
  server: BrowserServer
  browser: Browser
  /** A new page (own context) on the app, in that locale and viewport. */
  openPage(locale?: string, viewport?: { width: number; height: number }): Promise<Page>
  /**
   * The one page this browser keeps per locale (opened by openPage the first time), resized to the
   * viewport: for the tests of a file that need no fresh window. A new page costs its own renderer
   * process and a load of the app (2-3.5 s each on the loaded two-core machine).
   */
  pageFor(locale: string, viewport: { width: number; height: number }): Promise<Page>
  /** The uncaught errors of a page opened here, from its first script on (tests expect none). */
  errorsOf(page: Page): string[]
  close(): Promise<void>
}

/**
 * Also for a core without the lab (the e2e tests' temporary core): only its `core` is used. Given the
 * core as a promise (the file's setup still under way: the core connecting, the lab being readied),
 * chromium launches meanwhile: its launch took 2-6 s on the loaded two-core machine, each UI file's
 * setup waited for it after the rest. A chromium launched for a setup that then failed is closed.
 * Given `shared`, a chromium the caller launched for several of these (and closes itself), it is used
 * instead: close() then closes only the pages opened here.
 */
export async function startLabBrowser(
  lab: Pick<LabCore, 'core'> | Promise<Pick<LabCore, 'core'>>,
  shared?: Browser,
): Promise<LabBrowser> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
    throw new Error('Build the renderer first: npm run build')
  const ours = !shared
  const launchedAt = performance.now()
  const launching = shared
    ? Promise.resolve(shared)
    : launchChromium().then((browser) => {
        noteTiming(performance.now() - launchedAt, 'chromium launch')
        return browser
      })
  // Awaited below; until then a failed launch must not count as an unhandled rejection.
  launching.catch(() => undefined)
  let ready: Pick<LabCore, 'core'>
  try {
    ready = await lab
  } catch (error) {
    if (ours) await launching.then((browser) => browser.close()).catch(() => undefined)
    throw error
  }
  const waited = performance.now()
  const browser = await launching
  noteTiming(performance.now() - waited, 'wait chromium launch, left after the setup')
  const server = await startBrowserServer({ core: ready.core, staticDir: RENDERER_DIR }).catch(
    async (error: unknown) => {
      if (ours) await browser.close()
      throw error
    },
  )
  const errors = new WeakMap<Page, string[]>()
  const contexts: BrowserContext[] = []
  const kept = new Map<string, Promise<Page>>()
  const labBrowser: LabBrowser = {
    server,
    browser,
    async pageFor(locale, viewport) {
      if (!kept.has(locale)) kept.set(locale, labBrowser.openPage(locale, viewport))
      const page = await kept.get(locale)!
      await page.setViewportSize(viewport)
      return page
    },
    async openPage(locale = 'en-US', viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ locale, viewport })
      contexts.push(context)
      const page = await context.newPage()
      const seen: string[] = []
      errors.set(page, seen)
      page.on('pageerror', (error) => seen.push(error.message))
      await page.goto(server.url)
      return page
    },
    errorsOf: (page) => errors.get(page) ?? [],
    async close() {
      if (ours) await browser.close()
      else await Promise.all(contexts.map((context) => context.close()))
      await server.close()
    },
  }
  return labBrowser
}

/**
 * Does what starts a job on the open VM (`start`), then waits until the VM's job box shows that new
 * job in `state`. A page opened after an earlier job on the same VM shows that job at once: waiting
 * for the state alone can read the old job's "failed" before the new one replaces it.
 */
export async function awaitNewVmJob(
  page: Page,
  start: () => Promise<void>,
  state: 'failed' | 'succeeded',
  timeout = 30_000,
): Promise<void> {
  const shown = () =>
    page.evaluate(() => {
      const box = document.querySelector('[data-testid="vm-job"]')
      return { id: box?.getAttribute('data-job-id') ?? null, state: box?.getAttribute('data-state') ?? null }
    })
  const before = (await shown()).id
  await start()
  await expect
    .poll(
      async () => {
        const now = await shown()
        return now.id !== null && now.id !== before ? now.state : `still the earlier job (${now.state})`
      },
      { timeout },
    )
    .toBe(state)
}
