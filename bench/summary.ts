import fs from 'node:fs'
import path from 'node:path'

/**
 * The bench's one summary table (issue 23 item 8): every figure beside its baseline, the ratio and the
 * target, in test-results/bench/summary.md. A benchmark adds a row with one `figure({...})` call; the
 * rows live in figures.json beside it (one per figure name, replaced when measured again), so running
 * one benchmark file updates its rows and keeps the others' (each row says when it was measured).
 */

/** What "holds" means for a figure: its ratio (or, without a baseline, its value) against a bound. */
export interface Target {
  /** `max`: the figure must be at most `value`; `min`: at least. */
  kind: 'max' | 'min'
  value: number
  /** The target's words in the table when they say more than "≤ 1.5×" (e.g. "< one 60 Hz frame"). */
  text?: string
}

export interface Figure {
  /** Names the row; measuring it again replaces the row. */
  name: string
  /** The benchmark file that measured it (console, inventory, …). */
  bench: string
  /** The app's figure (a median unless `detail` says otherwise). */
  value: number
  unit: string
  /** What the app is compared to, measured in the same run; absent for an absolute figure. */
  baseline?: { name: string; value: number }
  /** Against `ratio` (value / baseline) when there is a baseline, else against `value`. */
  target?: Target
  /** Repetitions, ranges, load: what a reader needs to trust the figure. */
  detail?: string
  /** ISO time of the measure (default: now). */
  at?: string
}

export type Verdict = 'holds' | 'misses' | 'reported'

export function ratioOf(figure: Figure): number | undefined {
  return figure.baseline && figure.baseline.value > 0 ? figure.value / figure.baseline.value : undefined
}

export function verdictOf(figure: Figure): Verdict {
  if (!figure.target) return 'reported'
  const measured = figure.baseline ? ratioOf(figure) : figure.value
  if (measured === undefined || !Number.isFinite(measured)) return 'misses'
  return (figure.target.kind === 'max' ? measured <= figure.target.value : measured >= figure.target.value)
    ? 'holds'
    : 'misses'
}

function number(value: number): string {
  const abs = Math.abs(value)
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2)
}

function targetText(figure: Figure): string {
  const target = figure.target
  if (!target) return '—'
  if (target.text) return target.text
  const sign = target.kind === 'max' ? '≤' : '≥'
  return figure.baseline ? `${sign} ${target.value}×` : `${sign} ${target.value} ${figure.unit}`
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The table, in the order given (pure, for tests). */
export function summaryMarkdown(figures: readonly Figure[]): string {
  const holds = figures.filter((figure) => verdictOf(figure) === 'holds').length
  const misses = figures.filter((figure) => verdictOf(figure) === 'misses').length
  const lines = [
    '# Benchmark summary',
    '',
    `${figures.length} figures: ${holds} hold their target, ${misses} miss it, ${figures.length - holds - misses} reported without a target.`,
    'Ratios are the app over a baseline measured in the same run (`npm run bench`); no timed assertion gates them.',
    '',
    '| | Figure | App | Baseline | Ratio | Target | Bench | Measured | Detail |',
    '|---|---|---:|---|---:|---|---|---|---|',
  ]
  for (const figure of figures) {
    const verdict = verdictOf(figure)
    const mark = verdict === 'holds' ? '✅' : verdict === 'misses' ? '❌' : '·'
    const ratio = ratioOf(figure)
    lines.push(
      `| ${[
        mark,
        figure.name,
        `${number(figure.value)} ${figure.unit}`,
        figure.baseline ? `${figure.baseline.name}: ${number(figure.baseline.value)} ${figure.unit}` : '—',
        ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
        targetText(figure),
        figure.bench,
        (figure.at ?? '').replace('T', ' ').replace(/:\d\d\.\d+Z$/, 'Z'),
        figure.detail ?? '',
      ]
        .map(cell)
        .join(' | ')} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

export const BENCH_RESULTS_DIR = path.resolve(__dirname, '../test-results/bench')

/** Writes a whole file at once (a reader never sees half of it). */
function replaceFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, text)
  fs.renameSync(temporary, file)
}

/**
 * Runs `update` holding figures.json's lock: bench files run apart (a lab file under the lab lock, a
 * browser one beside it) may record a figure at the same moment, and neither may lose the other's row.
 * A lock left by a process that died is taken over after 10 s.
 */
function withFiguresLock(dir: string, update: () => void): void {
  const lock = path.join(dir, 'figures.lock')
  const until = Date.now() + 10_000
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (Date.now() > until) break
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  }
  try {
    update()
  } finally {
    fs.rmSync(lock, { force: true })
  }
}

/** Records one figure and rewrites summary.md with every figure recorded so far. */
export function figure(entry: Figure, dir = BENCH_RESULTS_DIR): void {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'figures.json')
  withFiguresLock(dir, () => {
    const stored: Figure[] = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Figure[])
      : []
    const row = { ...entry, at: entry.at ?? new Date().toISOString() }
    const at = stored.findIndex((old) => old.name === entry.name)
    if (at >= 0) stored[at] = row
    else stored.push(row)
    replaceFile(file, `${JSON.stringify(stored, null, 2)}\n`)
    replaceFile(path.join(dir, 'summary.md'), summaryMarkdown(stored))
  })
}
