import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { listPackage } from '@electron/asar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXPECTED_FUSES, readFuses } from '../support/fuses'

/**
 * electron-builder run for real on this machine, as far as it goes without Electron's binary: the
 * Linux app directory (`--linux dir`) from a stand-in Electron that holds only the fuse sentinel and
 * wire, with Electron's documented defaults (electron/electron docs/tutorial/fuses.md: runAsNode,
 * nodeOptions, nodeCliInspect and grantFileProtocolExtraPrivileges on, the others off). This checks
 * what the release workflow's `npm run package` does before the installers: the configuration is
 * accepted, no native module is rebuilt, app.asar holds the build and nothing else, and the fuses are
 * flipped. The real binaries are built and launched by .github/workflows/release.yml.
 */
const root = path.resolve(__dirname, '../..')
const run = promisify(execFile)
let work: string
let output: string
let log = ''

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out/main/index.js'))) {
    throw new Error('out/ is missing: run `npm run build` first (npm test does)')
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-package-'))
  const electronDist = path.join(work, 'electron')
  output = path.join(work, 'dist')
  fs.mkdirSync(electronDist)
  const defaults = Buffer.concat([
    Buffer.from('#!/bin/sh\nexit 1\n'),
    Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1'),
    Buffer.from([1, 8]),
    Buffer.from('10110001', 'latin1'),
  ])
  fs.writeFileSync(path.join(electronDist, 'electron'), defaults, { mode: 0o755 })
  fs.writeFileSync(path.join(electronDist, 'chrome-sandbox'), '', { mode: 0o755 })
  fs.writeFileSync(path.join(electronDist, 'LICENSE'), 'MIT')
  fs.writeFileSync(path.join(electronDist, 'version'), '45.4.1')
  fs.mkdirSync(path.join(electronDist, 'resources'))
  const result = await run(
    process.execPath,
    [
      path.join(root, 'node_modules/electron-builder/cli.js'),
      '--config',
      'build/electron-builder.json',
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    // electron-builder logs nothing when it believes it runs under a test runner (NODE_ENV=test).
    {
      cwd: root,
      env: { ...process.env, CI: 'true', NODE_ENV: 'production', VITEST: '' },
      maxBuffer: 16 * 1024 * 1024,
    },
  )
  log = result.stdout + result.stderr
}, 180_000)

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('electron-builder on this machine (Linux app directory, stand-in Electron)', () => {
  it('packs without rebuilding native modules (ssh2 runs without its optional native parts)', () => {
    expect(log).toContain('skipped dependencies rebuild')
    expect(log).not.toMatch(/node-gyp|⨯/)
  })

  it('flips the fuses in the executable', async () => {
    const app = path.join(output, 'linux-unpacked/hyperdesk')
    expect(fs.statSync(app).mode & 0o111).not.toBe(0)
    const fuses = await readFuses(app)
    expect(fuses).toMatchObject(EXPECTED_FUSES)
    expect(fuses.LoadBrowserProcessSpecificV8Snapshot).toBe('off')
  })

  it('puts the build, package.json and the runtime dependencies in app.asar, and nothing else of the checkout', () => {
    const files = listPackage(path.join(output, 'linux-unpacked/resources/app.asar'), { isPack: false })
    for (const file of [
      '/package.json',
      '/out/main/index.js',
      '/out/main/core-process.js',
      '/out/preload/index.js',
      '/out/renderer/index.html',
      '/node_modules/ssh2/package.json',
      '/node_modules/semver/package.json',
    ]) {
      expect(files).toContain(file)
    }
    const ours = files.filter((file) => file !== '/node_modules' && !file.startsWith('/node_modules/'))
    expect(ours.filter((file) => !/^\/(out|package\.json)/.test(file))).toEqual([])
    expect(ours.filter((file) => file.endsWith('.map'))).toEqual([])
    // Dev-only packages stay out.
    for (const devOnly of ['electron', 'vitest', 'electron-builder', '@resvg']) {
      expect(files).not.toContain(`/node_modules/${devOnly}`)
    }
  })
})
