import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_CSP, APP_ENTRY_URL, resolveAppRequest } from '../../src/main/app-protocol'
import { checkIpcCall, checkIpcEvent, isTrustedSender } from '../../src/main/ipc-guard'
import { mainWindowOptions } from '../../src/main/window-options'

/**
 * The Electron binary cannot be downloaded here, so the shell's security is pinned by inspecting
 * its options, its guards and the build output: a regression fails CI even without Electron.
 */
const root = path.resolve(__dirname, '../..')
const out = path.join(root, 'out')

function built(file: string): string {
  const full = path.join(out, file)
  if (!fs.existsSync(full)) throw new Error(`${full} is missing: run \`npm run build\` first (npm test does)`)
  return fs.readFileSync(full, 'utf8')
}

describe('BrowserWindow options', () => {
  it('follow the Electron security checklist', () => {
    const options = mainWindowOptions('/app/out/preload/index.js')
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    })
  })
})

describe('IPC guards', () => {
  it('trust only the app:// top frame (and the dev server in development)', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true)).toBe(true)
    expect(isTrustedSender(APP_ENTRY_URL, false)).toBe(false)
    expect(isTrustedSender('app://other/index.html', true)).toBe(false)
    expect(isTrustedSender('file:///etc/passwd', true)).toBe(false)
    expect(isTrustedSender('https://evil.example/', true)).toBe(false)
    expect(isTrustedSender(undefined, true)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', true)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', true, 'http://localhost:5173')).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', true, 'http://localhost:5173')).toBe(false)
  })

  it('validate the method name and its parameters against the contract', () => {
    expect(checkIpcCall('config.get', {})).toMatchObject({ ok: true, method: 'config.get' })
    expect(checkIpcCall('config.get', undefined)).toMatchObject({ ok: true })
    const unknown = checkIpcCall('shell.exec', {})
    expect(unknown.ok).toBe(false)
    if (!unknown.ok) expect(unknown.error.code).toBe('api.unknown-method')
    const bad = checkIpcCall('config.get', { extra: true })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.code).toBe('api.invalid-params')
    expect(checkIpcCall('toString', {}).ok).toBe(false)
    expect(checkIpcEvent('config.changed')).toBe('config.changed')
    expect(checkIpcEvent('constructor')).toBeNull()
  })
})

describe('app:// protocol', () => {
  it('serves files under the renderer only', () => {
    expect(resolveAppRequest('app://hyperdesk/index.html', '/opt/app/renderer')).toBe(
      '/opt/app/renderer/index.html',
    )
    expect(resolveAppRequest('app://hyperdesk/', '/opt/app/renderer')).toBe('/opt/app/renderer/index.html')
    expect(resolveAppRequest('app://hyperdesk/assets/x.js', '/opt/app/renderer')).toBe(
      '/opt/app/renderer/assets/x.js',
    )
    // The URL parser folds %2e%2e segments away: the path stays inside the renderer.
    expect(resolveAppRequest('app://hyperdesk/%2e%2e/%2e%2e/etc/passwd', '/opt/app/renderer')).toBe(
      '/opt/app/renderer/etc/passwd',
    )
    expect(resolveAppRequest('app://hyperdesk/..%2f..%2fetc/passwd', '/opt/app/renderer')).toBeNull()
    expect(resolveAppRequest('app://elsewhere/index.html', '/opt/app/renderer')).toBeNull()
    expect(resolveAppRequest('file:///etc/passwd', '/opt/app/renderer')).toBeNull()
  })

  it('sends a CSP that allows scripts only from the app', () => {
    expect(APP_CSP).toContain("script-src 'self'")
    expect(APP_CSP).toContain("object-src 'none'")
    expect(APP_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/)
  })
})

describe('build output', () => {
  it('preload is CommonJS and requires nothing but electron (sandboxed preloads cannot)', () => {
    const preload = built('preload/index.js')
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
    expect([...new Set(requires)]).toEqual(['electron'])
    expect(preload).toContain('exposeInMainWorld')
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/)
  })

  it('the built HTML carries a strict CSP and loads only local scripts', () => {
    const html = built('renderer/index.html')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(scripts.length).toBeGreaterThan(0)
    for (const src of scripts) expect(src).toMatch(/^\.\//)
  })

  it('the main bundle never lets the page open windows or navigate', () => {
    const main = built('main/index.js')
    expect(main).toContain('setWindowOpenHandler')
    expect(main).toMatch(/action:\s*"deny"/)
    expect(main).toContain('will-navigate')
    expect(main).toContain('utilityProcess')
  })

  it('consoles: a MessagePort pair per stream (no local port), menu shortcuts off while one has the keyboard', () => {
    const main = built('main/index.js')
    expect(main).toContain('MessageChannelMain')
    expect(main).toContain('setIgnoreMenuShortcuts')
    const preload = built('preload/index.js')
    // The port reaches the page by window.postMessage with the port transferred, never through contextBridge.
    expect(preload).toMatch(/postMessage\([^)]*event\.ports\)/)
    expect(built('main/core-process.js')).toContain('attachStream')
  })

  it('the core bundles never import electron', () => {
    for (const file of ['main/serve.js', 'main/core-process.js']) {
      const code = built(file)
      expect(code, file).not.toMatch(/require\(["']electron["']\)/)
    }
  })
})
