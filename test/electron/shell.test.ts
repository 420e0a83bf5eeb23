import path from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_CSP } from '../../src/main/app-protocol'
import type { HyperdeskBridge } from '../../src/shared/ipc'
import { STREAM_PORT_MESSAGE } from '../../src/shared/ipc'
import { appEnv, electronBinary, pkg, root, startOneHostCluster, startReleaseFeed } from './support'

declare global {
  interface Window {
    hyperdesk?: HyperdeskBridge
  }
}

/**
 * Smoke test of the real Electron shell (the development build, out/main/index.js): what only Electron
 * can show — the app:// page and its CSP, the preload's one object, IPC through the core's utility
 * process, a console over a MessagePort, the guards, the Help menu's release check. It needs Electron's
 * binary (`npx install-electron`), which cannot be downloaded on this project's CI machines: the
 * release workflow runs it (under xvfb-run on Linux). Without the binary it fails, it never skips.
 * The packaged app is checked by package.test.ts.
 */
let app: ElectronApplication
let page: Page
let cluster: Awaited<ReturnType<typeof startOneHostCluster>>
let feed: Awaited<ReturnType<typeof startReleaseFeed>>

beforeAll(async () => {
  const binary = electronBinary()
  cluster = await startOneHostCluster()
  feed = await startReleaseFeed('v99.0.0')
  app = await electron.launch({
    executablePath: binary,
    args: [path.join(root, 'out/main/index.js')],
    env: appEnv(cluster.configPath, cluster.dir, feed.url),
  })
  page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
})

afterAll(async () => {
  await app?.close()
  await cluster?.close()
  await feed?.close()
})

describe('Electron shell', () => {
  it('opens the window from app:// with the CSP header, no Node in the page, and inline scripts refused', async () => {
    expect(page.url()).toBe('app://hyperdesk/index.html')
    expect(await page.title()).toBe('Hyperdesk')
    const header = await page.evaluate(async () =>
      (await fetch('app://hyperdesk/index.html')).headers.get('content-security-policy'),
    )
    expect(header).toBe(APP_CSP)
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
    const inlineRan = await page.evaluate(async () => {
      const script = document.createElement('script')
      script.textContent = 'window.__inlineRan = true'
      document.head.append(script)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return (window as { __inlineRan?: boolean }).__inlineRan === true
    })
    expect(inlineRan).toBe(false)
  })

  it('the preload exposes exactly the allow-listed object', async () => {
    expect(await page.evaluate(() => Object.keys(window).filter((key) => key === 'hyperdesk'))).toEqual([
      'hyperdesk',
    ])
    expect(await page.evaluate(() => Object.keys(window.hyperdesk ?? {}).sort())).toEqual([
      'call',
      'notify',
      'onMenuCommand',
      'openStream',
      'setConsoleFocus',
      'setLanguage',
      'subscribe',
      'transport',
    ])
    expect(await page.evaluate(() => window.hyperdesk?.transport)).toBe('electron')
    await expect(page.evaluate(() => window.hyperdesk?.call('shell.exec', {}))).rejects.toThrow(
      /Unknown method/,
    )
    await expect(
      page.evaluate(() => window.hyperdesk?.subscribe('shell.output', () => undefined)),
    ).rejects.toThrow(/Unknown event/)
  })

  it('an API call and an event subscription round-trip through the core’s utility process', async () => {
    const utility = await app.evaluate(({ app: electronApp }) =>
      electronApp
        .getAppMetrics()
        .filter((metric) => metric.type === 'Utility')
        .map((metric) => metric.name),
    )
    expect(utility).toContain('Hyperdesk core')
    const info = await page.evaluate(() => window.hyperdesk?.call('app.info', {}))
    expect(info).toMatchObject({ ok: true, value: { name: 'Hyperdesk', version: pkg.version } })
    const event = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const stop = window.hyperdesk!.subscribe('config.changed', (payload) => {
            stop()
            resolve(payload)
          })
          void window.hyperdesk!.call('config.reload', {})
        }),
    )
    expect(event).toMatchObject({ status: 'ok', hosts: [{ name: 'hv1', hostname: '127.0.0.1' }] })
    const invalid = await page.evaluate(() => window.hyperdesk?.call('hosts.connect', { host: 1 }))
    expect(invalid).toMatchObject({ ok: false, error: { code: 'api.invalid-params' } })
  })

  it('a console’s bytes go both ways over a MessagePort', async () => {
    await expect
      .poll(
        async () => {
          const hosts = (await page.evaluate(() => window.hyperdesk?.call('hosts.list', {}))) as {
            value: { name: string; status: string }[]
          }
          return hosts.value.find((host) => host.name === 'hv1')?.status
        },
        { timeout: 20_000 },
      )
      .toBe('online')
    const echoed = await page.evaluate(async (portMessage) => {
      const opened = (await window.hyperdesk!.call('console.openShell', {
        host: 'hv1',
        cols: 80,
        rows: 24,
      })) as {
        ok: boolean
        value: { streamId: string }
      }
      const streamId = opened.value.streamId
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000)
        window.addEventListener('message', (event: MessageEvent) => {
          const data = event.data as { type?: string; streamId?: string } | null
          if (data?.type !== portMessage || data.streamId !== streamId) return
          const port = event.ports[0]!
          let received = ''
          port.onmessage = (message: MessageEvent) => {
            if (message.data instanceof Uint8Array || message.data instanceof ArrayBuffer)
              received += new TextDecoder().decode(message.data)
            if (received.includes('PING FROM THE PAGE')) {
              clearTimeout(timer)
              port.postMessage(new TextEncoder().encode('\u0004'))
              resolve(received)
            }
          }
          port.start()
          port.postMessage(new TextEncoder().encode('ping from the page\n'))
        })
        window.hyperdesk!.openStream(streamId)
      })
    }, STREAM_PORT_MESSAGE)
    expect(echoed).toContain('PING FROM THE PAGE')
    expect(cluster.shells).toBe(1)
  })

  it('refuses navigation, window.open and permission requests', async () => {
    // Loopback addresses only: nothing leaves the machine even if a guard failed.
    await page.evaluate(() => {
      window.location.href = 'http://127.0.0.1:9/'
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(page.url()).toBe('app://hyperdesk/index.html')
    expect(await page.evaluate(() => window.open('http://127.0.0.1:9/'))).toBeNull()
    expect(app.windows()).toHaveLength(1)
    const geolocation = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          navigator.geolocation.getCurrentPosition(
            () => resolve(0),
            (error) => resolve(error.code),
          ),
        ),
    )
    expect(geolocation).toBe(1) // PERMISSION_DENIED, not POSITION_UNAVAILABLE: the request itself was refused
  })

  it('tells about a newer release at start, and again from Help › Check for Updates', async () => {
    const notice = page.getByTestId('update-notice')
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/99\.0\.0/)
    await notice.getByRole('button').click()
    expect(await notice.count()).toBe(0)
    const before = feed.requests
    const label = await app.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById('check-for-updates')
      item?.click()
      return item?.label
    })
    expect(label).toMatch(/Check for Updates…|Rechercher une nouvelle version…/)
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/99\.0\.0/)
    expect(feed.requests).toBe(before + 1)
  })
})
