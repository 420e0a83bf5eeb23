import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { _electron as electron, type ElectronApplication } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HyperdeskBridge } from '../../src/shared/ipc'

declare global {
  interface Window {
    hyperdesk?: HyperdeskBridge
  }
}

/**
 * Smoke test of the real Electron shell. It needs Electron's binary, which cannot be downloaded on
 * this project's CI machines, so it is not part of `.ci/run`; run `npm run test:electron` on a
 * workstation after a plain `npm install`. Without the binary it fails, it never skips.
 */
const root = path.resolve(__dirname, '../..')
let app: ElectronApplication
let configDir: string

beforeAll(async () => {
  // Read the path Electron's installer recorded, rather than importing 'electron', whose index
  // tries to download the binary when it is missing.
  const electronDir = path.join(root, 'node_modules/electron')
  const recorded = path.join(electronDir, 'path.txt')
  const binary = fs.existsSync(recorded)
    ? path.join(electronDir, 'dist', fs.readFileSync(recorded, 'utf8').trim())
    : ''
  if (!binary || !fs.existsSync(binary)) {
    throw new Error('Electron binary missing: run `npm install` without ELECTRON_SKIP_BINARY_DOWNLOAD')
  }
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-electron-'))
  app = await electron.launch({
    executablePath: binary,
    args: [path.join(root, 'out/main/index.js')],
    env: { ...process.env, HYPERDESK_CONFIG: path.join(configDir, 'cluster.json') },
  })
})

afterAll(async () => {
  await app?.close()
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true })
})

describe('Electron shell', () => {
  it('loads the UI from app:// with an isolated, Node-free page and a working bridge', async () => {
    const page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
    expect(page.url()).toBe('app://hyperdesk/index.html')
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
    expect(await page.evaluate(() => Object.keys(window.hyperdesk ?? {}).sort())).toEqual([
      'call',
      'subscribe',
      'transport',
    ])
    const envelope = await page.evaluate(() => window.hyperdesk?.call('app.info', {}))
    expect(envelope).toMatchObject({ ok: true, value: { name: 'Hyperdesk' } })
    await expect(page.evaluate(() => window.hyperdesk?.call('shell.exec', {}))).rejects.toThrow(
      /Unknown method/,
    )
    expect(await page.evaluate(() => window.open('https://example.com'))).toBeNull()
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Connected')
  })
})
