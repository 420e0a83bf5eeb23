import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type LaunchOptions } from 'playwright-core'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A chromium the suite's global setup launched for all its files (test/support/chromium-server.ts). */
    chromiumEndpoint?: string
  }
}

/** Debian's chromium; Playwright's own browser download is not possible on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-results/screenshots')

export function chromiumLaunchOptions(): LaunchOptions {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No chromium at ${CHROMIUM_PATH}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`,
    )
  }
  return {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No background traffic: this machine has no network beyond loopback and the lab.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  }
}

/**
 * A chromium for one test file. Where the suite's global setup launched one for all its files, a
 * connection to it: launching and closing chromium took 2-3 s of each e2e file on the two-core CI
 * machine. close() on it closes the contexts this file opened and disconnects; each test's own
 * context keeps its pages, storage and locale apart as before.
 */
export async function launchChromium(): Promise<Browser> {
  const endpoint = inject('chromiumEndpoint')
  if (endpoint) return chromium.connect(endpoint)
  return chromium.launch(chromiumLaunchOptions())
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return path.join(SCREENSHOT_DIR, `${name}.png`)
}
