import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

/**
 * The build a bench compares the window with (issue 23 item 5: "against the previous build"): the
 * commit named by PREVIOUS_BUILD_REF, else where this branch left main (its merge base), else — on
 * main itself — HEAD's parent. Uncommitted changes count as the current build, never the previous.
 */
export function previousCommit(): { sha: string; how: string } {
  const named = process.env['PREVIOUS_BUILD_REF']
  if (named)
    return { sha: git('rev-parse', '--verify', `${named}^{commit}`), how: `PREVIOUS_BUILD_REF=${named}` }
  const head = git('rev-parse', 'HEAD')
  const base = git('merge-base', 'HEAD', 'main')
  if (base !== head) return { sha: base, how: 'merge base with main' }
  return { sha: git('rev-parse', 'HEAD~1'), how: "HEAD's parent" }
}

/**
 * That commit's renderer, built as `npm run build` builds it: its tree exported with git archive
 * (no worktree left registered) into the temp directory, this checkout's node_modules linked in,
 * electron-vite run there. Kept per commit, so a second run reuses it. Returns its out/renderer.
 */
export function buildPrevious(sha: string): string {
  const dir = path.join(os.tmpdir(), `hyperdesk-build-${sha.slice(0, 12)}`)
  const renderer = path.join(dir, 'out', 'renderer')
  if (fs.existsSync(path.join(renderer, 'index.html'))) return renderer
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const archive = execFileSync('git', ['archive', '--format=tar', sha], { cwd: ROOT, maxBuffer: 1 << 30 })
  execFileSync('tar', ['-xf', '-', '-C', dir], { input: archive })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  if (!fs.existsSync(path.join(renderer, 'index.html')))
    throw new Error(`The build of ${sha} left no ${renderer}/index.html`)
  return renderer
}
