import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultLogDir } from '../../src/main/core/paths'
import { checkNotice } from '../../src/main/ipc-guard'
import { jobEndLine, LogFile } from '../../src/main/log-file'
import { loadWindowState, restoredBounds, saveWindowState } from '../../src/main/window-state'
import { isProjectPage } from '../../src/shared/updates'

/** What a desktop app does (issue 21 item 4), main's side: the log file, the window's place, notices. */

const dirs: string[] = []
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-desktop-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

describe('log file', () => {
  it('appends one line per event and rotates by size, keeping `keep` files', () => {
    const dir = scratch()
    const log = new LogFile({ dir, maxBytes: 200, keep: 3, now: () => new Date('2026-12-03T10:00:00Z') })
    for (let n = 0; n < 20; n += 1) log.info(`event ${n} ${'x'.repeat(40)}`)
    const files = fs.readdirSync(dir).sort()
    expect(files).toEqual(['hyperdesk.1.log', 'hyperdesk.2.log', 'hyperdesk.log'])
    for (const file of files) expect(fs.statSync(path.join(dir, file)).size).toBeLessThanOrEqual(200)
    // The newest events are in hyperdesk.log, the ones before in .1, then .2; the oldest are gone.
    const lines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n')
    expect(lines('hyperdesk.log').at(-1)).toMatch(/^2026-12-03T10:00:00.000Z INFO event 19 x+$/)
    const all = [...lines('hyperdesk.2.log'), ...lines('hyperdesk.1.log'), ...lines('hyperdesk.log')]
    const numbers = all.map((line) => Number(/event (\d+)/.exec(line)![1]))
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(numbers.at(-1)).toBe(19)
    expect(numbers[0]).toBeGreaterThan(0)
  })

  it('goes on from an existing file, keeps one event on one line, and never throws', () => {
    const dir = scratch()
    fs.writeFileSync(path.join(dir, 'hyperdesk.log'), 'x'.repeat(150) + '\n')
    // 151 bytes there, a 44-byte line to add: over 180, so the old file is rotated first.
    const log = new LogFile({ dir, maxBytes: 180 })
    log.warn('two\nlines')
    expect(fs.readFileSync(path.join(dir, 'hyperdesk.1.log'), 'utf8')).toBe('x'.repeat(150) + '\n')
    expect(fs.readFileSync(path.join(dir, 'hyperdesk.log'), 'utf8')).toMatch(/ WARN two ⏎ lines\n$/)
    // A log folder that cannot be made (a file is in the way): remembered, not thrown.
    const blocked = path.join(dir, 'file')
    fs.writeFileSync(blocked, '')
    const broken = new LogFile({ dir: path.join(blocked, 'logs') })
    expect(() => broken.error('lost')).not.toThrow()
    expect(broken.failed).toMatch(/ENOTDIR|EEXIST/)
  })

  it('logs a job when it ends, with its error', () => {
    const job = {
      id: 'j1',
      kind: 'vm.migrate',
      title: 'Migrate web1',
      target: { vm: 'u' },
      state: 'running',
      log: [],
      cancellable: true,
      startedAt: 1,
    }
    expect(jobEndLine(job)).toBeNull()
    expect(jobEndLine({ ...job, state: 'succeeded' })).toBe('job j1 vm.migrate "Migrate web1" succeeded')
    expect(
      jobEndLine({ ...job, state: 'failed', error: { code: 'migration.failed', message: 'hv2 refused' } }),
    ).toBe('job j1 vm.migrate "Migrate web1" failed — migration.failed: hv2 refused')
    expect(jobEndLine({ state: 'succeeded' })).toBeNull()
  })

  it('lives in the platform’s log folder, or HYPERDESK_LOG_DIR', () => {
    expect(defaultLogDir({ HOME: '/home/a' }, 'linux')).toBe('/home/a/.config/hyperdesk/logs')
    expect(defaultLogDir({ HOME: '/home/a', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/hyperdesk/logs')
    expect(defaultLogDir({ HOME: '/Users/a' }, 'darwin')).toBe('/Users/a/Library/Logs/Hyperdesk')
    expect(defaultLogDir({ HOME: 'C:/Users/a', APPDATA: 'C:/AppData' }, 'win32')).toBe(
      path.join('C:/AppData', 'Hyperdesk', 'logs'),
    )
    expect(defaultLogDir({ HOME: '/home/a', HYPERDESK_LOG_DIR: '/var/tmp/hd' }, 'linux')).toBe('/var/tmp/hd')
  })
})

describe('window size and position', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 }

  it('saved and read back; unreadable or odd files give the defaults', () => {
    const file = path.join(scratch(), 'sub', 'window-state.json')
    expect(loadWindowState(file)).toBeNull()
    const state = { x: 100, y: 80, width: 1300, height: 800, maximized: true }
    saveWindowState(file, state)
    expect(loadWindowState(file)).toEqual(state)
    for (const bad of [
      '{',
      '[]',
      '{"x":1}',
      JSON.stringify({ ...state, width: 10 }),
      JSON.stringify({ ...state, x: 1.5 }),
    ]) {
      fs.writeFileSync(file, bad)
      expect(loadWindowState(file)).toBeNull()
    }
  })

  it('reopens where it was when that place is on a screen, never off-screen', () => {
    const state = { x: 100, y: 80, width: 1300, height: 800, maximized: false }
    expect(restoredBounds(state, [screen])).toEqual({ x: 100, y: 80, width: 1300, height: 800 })
    // On the second screen, still plugged in.
    const right = { x: 1920, y: 0, width: 1280, height: 1024 }
    expect(restoredBounds({ ...state, x: 2000 }, [screen, right])).toEqual({
      x: 2000,
      y: 80,
      width: 1280,
      height: 800,
    })
    // That screen is gone: the defaults (Electron centres the window).
    expect(restoredBounds({ ...state, x: 2000 }, [screen])).toBeNull()
    // Only a sliver of the title bar shows, or it is above the screen.
    expect(restoredBounds({ ...state, x: 1860 }, [screen])).toBeNull()
    expect(restoredBounds({ ...state, y: -200 }, [screen])).toBeNull()
    expect(restoredBounds(null, [screen])).toBeNull()
  })
})

describe('desktop notifications and links from the page', () => {
  it('a notice is two short strings; anything else is dropped', () => {
    expect(checkNotice({ title: 'Terminé : Migrer web1', body: 'Hyperdesk — etalab' })).toEqual({
      title: 'Terminé : Migrer web1',
      body: 'Hyperdesk — etalab',
    })
    expect(checkNotice({ title: 'a\u0007b\nc', body: '' })).toEqual({ title: 'a b c', body: '' })
    for (const bad of [
      null,
      'x',
      { title: '' },
      { title: ' ', body: '' },
      { title: 'x'.repeat(121), body: '' },
      { title: 'x', body: 'y'.repeat(501) },
      { title: 1, body: '' },
    ])
      expect(checkNotice(bad)).toBeNull()
  })

  it('About’s links open in the browser only under the project’s own pages', () => {
    expect(isProjectPage('https://github.com/etalab/hyperdesk')).toBe(true)
    expect(isProjectPage('https://github.com/etalab/hyperdesk/issues')).toBe(true)
    expect(isProjectPage('https://github.com/etalab/hyperdesk/releases/tag/v1.0.0')).toBe(true)
    expect(isProjectPage('https://github.com/etalab/hyperdesk-evil')).toBe(false)
    expect(isProjectPage('http://github.com/etalab/hyperdesk')).toBe(false)
    expect(isProjectPage('https://x@github.com/etalab/hyperdesk')).toBe(false)
    expect(isProjectPage('https://github.com/etalab')).toBe(false)
    expect(isProjectPage('javascript:alert(1)')).toBe(false)
  })
})
