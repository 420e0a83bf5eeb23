import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { figure, summaryMarkdown, verdictOf, type Figure } from '../../bench/summary'

const steady: Figure = {
  name: 'inventory steady refresh, +0 ms',
  bench: 'inventory',
  value: 120,
  unit: 'ms',
  baseline: { name: 'hand batch', value: 100 },
  target: { kind: 'max', value: 1.5 },
  detail: 'median of 5',
}

describe('the bench summary table', () => {
  it('judges the ratio against a baseline, the value without one, and nothing without a target', () => {
    expect(verdictOf(steady)).toBe('holds')
    expect(verdictOf({ ...steady, value: 151 })).toBe('misses')
    expect(verdictOf({ ...steady, target: { kind: 'min', value: 25 } })).toBe('misses')
    const absolute: Figure = {
      name: 'event → core store',
      bench: 'inventory',
      value: 16,
      unit: 'ms',
      target: { kind: 'max', value: 100 },
    }
    expect(verdictOf(absolute)).toBe('holds')
    expect(verdictOf({ ...absolute, value: 140 })).toBe('misses')
    expect(verdictOf({ ...absolute, target: undefined })).toBe('reported')
    // A baseline of 0 gives no ratio: never a silent "holds".
    expect(verdictOf({ ...steady, baseline: { name: 'hand batch', value: 0 } })).toBe('misses')
  })

  it('writes one row per figure: its value, baseline, ratio, target and verdict', () => {
    const table = summaryMarkdown([
      { ...steady, at: '2026-12-03T18:00:00.000Z' },
      { ...steady, name: 'naive / app', value: 2000, target: { kind: 'min', value: 25 }, detail: 'a|b' },
    ])
    expect(table).toContain('2 figures: 1 hold their target, 1 miss it, 0 reported without a target.')
    expect(table).toContain(
      '| ✅ | inventory steady refresh, +0 ms | 120 ms | hand batch: 100 ms | 1.20× | ≤ 1.5× | inventory | 2026-12-03 18:00Z | median of 5 |',
    )
    expect(table).toMatch(
      /\| ❌ \| naive \/ app \| 2000 ms \| hand batch: 100 ms \| 20\.00× \| ≥ 25× \|.*\| a\\\|b \|/,
    )
  })

  it('adds a row with one call, replaces it when measured again and keeps the other benches’ rows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-summary-'))
    figure({ ...steady, value: 180 }, dir)
    figure({ name: 'console open', bench: 'console', value: 50, unit: 'ms' }, dir)
    figure({ ...steady, value: 110 }, dir)
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'figures.json'), 'utf8')) as Figure[]
    expect(stored.map((row) => [row.name, row.value])).toEqual([
      [steady.name, 110],
      ['console open', 50],
    ])
    const table = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')
    expect(table).toContain('| ✅ | inventory steady refresh, +0 ms | 110 ms |')
    expect(table).toContain('| · | console open | 50.0 ms | — | — | — | console |')
    fs.rmSync(dir, { recursive: true })
  })

  it('waits for another bench file recording at the same moment, and keeps its row', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-summary-'))
    const lock = path.join(dir, 'figures.lock')
    fs.writeFileSync(lock, '')
    // Another process holds the lock, writes its row, then lets go.
    const other = { name: 'render', bench: 'render', value: 9, unit: 'ms' }
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs');
         setTimeout(() => {
           fs.writeFileSync(process.argv[1], JSON.stringify([${JSON.stringify(other)}]));
           fs.rmSync(process.argv[2]);
         }, 300)`,
        path.join(dir, 'figures.json'),
        lock,
      ],
      { stdio: 'ignore' },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await new Promise((resolve) => child.once('spawn', resolve))
    figure({ ...steady, value: 110 }, dir)
    await exited
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'figures.json'), 'utf8')) as Figure[]
    expect(stored.map((row) => row.name)).toEqual(['render', steady.name])
    expect(fs.existsSync(lock)).toBe(false)
    fs.rmSync(dir, { recursive: true })
  })
})
