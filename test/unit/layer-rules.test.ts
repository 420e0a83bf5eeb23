import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * The layer rules of `npm run lint` (.dependency-cruiser.mjs) against a small tree laid out like src/:
 * the imports the architecture allows pass (the store's type-only circle of zustand's slices pattern
 * included), and each planted violation is refused by its own rule, so a rule whose pattern never
 * matches cannot pass unnoticed.
 */

const root = path.resolve(__dirname, '../..')
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const config = path.join(root, '.dependency-cruiser.mjs')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** What the architecture allows: shared alone, core → shared, shell → core and electron, and so on. */
const allowed: Record<string, string> = {
  'node_modules/electron/package.json': '{ "name": "electron", "main": "index.js" }',
  'node_modules/electron/index.js': 'module.exports = {}\n',
  'src/shared/contract.ts': "export const methods = ['app.info']\n",
  'src/shared/api.ts': "import { methods } from './contract'\nexport const names = methods\n",
  'src/main/core/engine.ts':
    "import { methods } from '../../shared/contract'\nexport const engine = methods\n",
  'src/main/core/uses-node.ts': "import fs from 'node:fs'\nexport const read = fs.readFileSync\n",
  'src/main/index.ts':
    "import { app } from 'electron'\nimport { engine } from './core/engine'\nexport const shell = [app, engine]\n",
  'src/preload/index.ts':
    "import { contextBridge } from 'electron'\nimport { names } from '../shared/api'\nexport const bridge = [contextBridge, names]\n",
  'src/renderer/src/app.tsx': "import { names } from '../../shared/api'\nexport const App = () => names\n",
  // zustand's slices pattern: the store's type is the slices', each slice is typed by the store.
  'src/renderer/src/store/types.ts':
    "import type { ViewSlice } from './view'\nexport type AppState = ViewSlice\n",
  'src/renderer/src/store/view.ts':
    "import type { AppState } from './types'\nexport interface ViewSlice { view: string; all?: AppState }\n",
  'src/renderer/src/store/index.ts':
    "import type { AppState } from './types'\nimport type { ViewSlice } from './view'\nexport type Store = AppState & ViewSlice\n",
  'test/support/helper.ts': 'export const helper = 1\n',
}

/** One import per rule that breaks it (file, import), with the rule that must refuse it. */
const planted: Array<{ rule: string; from: string; imports: string; to: string }> = [
  {
    rule: 'renderer-not-main',
    from: 'src/renderer/src/calls-core.ts',
    imports: '../../main/core/engine',
    to: 'src/main/core/engine.ts',
  },
  {
    rule: 'renderer-not-preload',
    from: 'src/renderer/src/reads-preload.ts',
    imports: '../../preload/index',
    to: 'src/preload/index.ts',
  },
  {
    rule: 'shared-only-shared',
    from: 'src/shared/knows-core.ts',
    imports: '../main/core/engine',
    to: 'src/main/core/engine.ts',
  },
  { rule: 'shared-no-node', from: 'src/shared/uses-node.ts', imports: 'node:fs', to: 'fs' },
  {
    rule: 'core-not-electron',
    from: 'src/main/core/uses-electron.ts',
    imports: 'electron',
    to: 'node_modules/electron/index.js',
  },
  {
    rule: 'core-not-electron',
    from: 'src/shared/uses-electron.ts',
    imports: 'electron',
    to: 'node_modules/electron/index.js',
  },
  {
    rule: 'core-not-shell',
    from: 'src/main/core/knows-shell.ts',
    imports: '../index',
    to: 'src/main/index.ts',
  },
  {
    rule: 'preload-not-core',
    from: 'src/preload/calls-core.ts',
    imports: '../main/core/engine',
    to: 'src/main/core/engine.ts',
  },
  {
    rule: 'production-not-tests',
    from: 'src/main/core/uses-test.ts',
    imports: '../../../test/support/helper',
    to: 'test/support/helper.ts',
  },
]

interface Violation {
  rule: { name: string; severity: string }
  from: string
  to: string
  /** For a circle: the modules around it, from `to` back to `from`. */
  cycle?: Array<{ name: string }>
}

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-layers-'))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
  }
  return dir
}

/** The lint's layer check on a tree's src/, as `npm run lint` runs it (its exit code is its error count). */
function lint(dir: string, outputType: 'err' | 'json') {
  const run = spawnSync(
    process.execPath,
    [depcruise, '--config', config, '--output-type', outputType, 'src'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    },
  )
  if (run.error) throw run.error
  return run
}

/** The violations found in a tree, and how many of them are errors. */
function cruise(files: Record<string, string>) {
  const dir = tree(files)
  const output = JSON.parse(lint(dir, 'json').stdout) as {
    summary: { error: number; violations: Violation[] }
  }
  return { dir, errors: output.summary.error, violations: output.summary.violations }
}

describe('layer rules', () => {
  // Each check starts dependency-cruiser and TypeScript once or twice: seconds, more on a busy machine.
  const slow = { timeout: 90_000 }

  it('let the imports the architecture allows pass', slow, () => {
    const { dir, errors, violations } = cruise(allowed)
    expect(violations).toEqual([])
    expect(errors).toBe(0)
    expect(lint(dir, 'err').status).toBe(0)
  })

  it('refuse each planted import with its own rule, and fail the lint', slow, async () => {
    const files = { ...allowed }
    for (const plant of planted)
      files[plant.from] = `import * as planted from '${plant.imports}'\nexport { planted }\n`
    const { dir, errors, violations } = cruise(files)
    expect(errors).toBe(planted.length)
    // What `npm run lint` sees: the same check with its own reporter fails.
    expect(lint(dir, 'err').status).toBe(planted.length)
    const found = violations.map((violation) => ({
      rule: violation.rule.name,
      severity: violation.rule.severity,
      from: violation.from,
      to: violation.to,
    }))
    const expected = planted.map(({ rule, from, to }) => ({ rule, severity: 'error', from, to }))
    const byPair = (a: { from: string; to: string }, b: { from: string; to: string }) =>
      `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`)
    expect(found.sort(byPair)).toEqual(expected.sort(byPair))
    // Every rule of the config has a plant: a new rule without one fails here.
    const { default: ruleSet } = (await import(config)) as { default: { forbidden: Array<{ name: string }> } }
    const rules = ruleSet.forbidden.map((rule) => rule.name)
    const circles = ['no-cycle', 'store-no-runtime-cycle']
    expect(new Set([...planted.map((plant) => plant.rule), ...circles])).toEqual(new Set(rules))
  })

  it('refuse an import circle, a type-only import included, and a runtime circle in the store', slow, () => {
    const { errors, violations } = cruise({
      ...allowed,
      'src/main/core/jobs.ts': "import type { Plan } from './plan'\nexport interface Job { plan: Plan }\n",
      'src/main/core/plan.ts':
        "import { engine } from './engine'\nimport type { Job } from './jobs'\nexport interface Plan { job?: Job; engine: typeof engine }\n",
      'src/renderer/src/store/a.ts': "import { b } from './b'\nexport const a = () => b\n",
      'src/renderer/src/store/b.ts': "import { a } from './a'\nexport const b = () => a\n",
    })
    // One violation per circle, named from the first module that closes it.
    const circles = violations.map((violation) => ({
      rule: violation.rule.name,
      modules: new Set([violation.from, ...(violation.cycle ?? []).map((step) => step.name)]),
    }))
    expect(errors).toBe(2)
    expect(circles).toEqual([
      { rule: 'no-cycle', modules: new Set(['src/main/core/jobs.ts', 'src/main/core/plan.ts']) },
      {
        rule: 'store-no-runtime-cycle',
        modules: new Set(['src/renderer/src/store/a.ts', 'src/renderer/src/store/b.ts']),
      },
    ])
  })
})
