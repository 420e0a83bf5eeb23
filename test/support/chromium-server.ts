import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { chromiumLaunchOptions } from './browser'

/**
 * Global setup of the browser-mode e2e suite: one chromium for all its files, which connect to it
 * (launchChromium). Closed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await chromium.launchServer(chromiumLaunchOptions())
  project.provide('chromiumEndpoint', server.wsEndpoint())
  return () => server.close()
}
