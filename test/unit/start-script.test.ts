import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * `npm start` (build/start.mjs) on a machine without Electron's binary — this one, or a workstation
 * without network that ran only `npm install`: it must stop within seconds, build nothing, download
 * nothing, and say what to do (install-electron with network, browser mode without). Opening the real
 * window is the Electron smoke test's job (test/electron, on hosted runners).
 */
const root = path.resolve(__dirname, '../..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  allowScripts?: Record<string, boolean>
}

let dir: string
let trap: net.Server
let trapped = 0
let trapUrl: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-start-'))
  // A would-be download server on loopback: any attempt to fetch Electron through the mirror or a
  // proxy lands here and is counted (and left hanging, as a dead network would).
  trap = net.createServer(() => trapped++)
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve))
  trapUrl = `http://127.0.0.1:${(trap.address() as net.AddressInfo).port}/`
})
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true })
  await new Promise((resolve) => trap.close(resolve))
})

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const began = Date.now()
  const child = spawn(process.execPath, [path.join(root, 'build/start.mjs')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ELECTRON_MIRROR: trapUrl,
      HTTPS_PROXY: trapUrl,
      HTTP_PROXY: trapUrl,
      ...env,
    },
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - began })),
  )
}

describe("npm start without Electron's binary", () => {
  it('is the start script', () => {
    expect(pkg.scripts.start).toBe('node build/start.mjs')
  })

  it('stops within seconds, points to install-electron and to browser mode, and downloads nothing', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'dist-'))
    const outBefore = fs.existsSync(path.join(root, 'out')) ? fs.statSync(path.join(root, 'out')).mtimeMs : 0
    const result = await start({ ELECTRON_OVERRIDE_DIST_PATH: empty })
    expect(result.code).toBe(1)
    expect(result.ms).toBeLessThan(5000)
    expect(result.stderr).toContain(
      `Electron's binary is not installed (looked for ${path.join(empty, 'electron')})`,
    )
    expect(result.stderr).toContain('npx install-electron')
    expect(result.stderr).toMatch(/browser mode[\s\S]*npm run serve/)
    expect(trapped).toBe(0)
    // Nothing was built: electron-vite was never started.
    const outAfter = fs.existsSync(path.join(root, 'out')) ? fs.statSync(path.join(root, 'out')).mtimeMs : 0
    expect(outAfter).toBe(outBefore)
  })

  it('names the path electron-vite was told to use when that one is missing', async () => {
    const missing = path.join(dir, 'no-such-electron')
    const result = await start({ ELECTRON_EXEC_PATH: missing })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`looked for ${missing}`)
    expect(trapped).toBe(0)
  })

  it('Electron 45 has no install script any more, so package.json allows none for it', () => {
    const electron = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
    ) as {
      scripts?: Record<string, string>
      bin: Record<string, string>
    }
    expect(electron.scripts?.install ?? electron.scripts?.postinstall).toBeUndefined()
    expect(electron.bin['install-electron']).toBe('install.js')
    expect(pkg.allowScripts?.electron).toBeUndefined()
  })

  it('.npmrc refuses a Node older than engines says, instead of hiding the warning', () => {
    const npmrc = fs.readFileSync(path.join(root, '.npmrc'), 'utf8')
    expect(npmrc).toMatch(/^engine-strict=true$/m)
  })
})
