/**
 * Issue 18, item 1: the core sends messages, never sentences meant for the window. An ApiError made
 * in src/main is ApiError.of(code, message, { hint: message }) (its English is rendered from the
 * messages) or ApiError.from(…) (wrapping what was thrown); `new ApiError({ message: '…' })` with
 * English prose is refused here, except in the files still listed below, whose counts may only go
 * down (a converted file must leave the list: the test fails when a count is higher than needed).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')

/**
 * Files whose English-only errors are not converted yet (issue 18 item 1, to be converted; none is
 * an internal programmer error kept on purpose). The number is how many `new ApiError(` each has.
 */
const NOT_CONVERTED_YET: Record<string, number> = {
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    return /\.tsx?$/.test(entry.name) ? [full] : []
  })
}

describe('errors from the core are messages', () => {
  it('builds no ApiError from English prose in src/main outside the files not converted yet', () => {
    const found: Record<string, number> = {}
    for (const file of sources(path.join(ROOT, 'src/main'))) {
      const text = fs.readFileSync(file, 'utf8')
      const count = text.match(/\bnew ApiError\s*\(/g)?.length ?? 0
      if (count > 0) found[path.relative(ROOT, file).split(path.sep).join('/')] = count
    }
    const tooMany = Object.entries(found).filter(([file, count]) => count > (NOT_CONVERTED_YET[file] ?? 0))
    expect(
      tooMany,
      'use ApiError.of(code, msg(…), { hint: msg(…) }); the host’s output goes in withDetail',
    ).toEqual([])
    // Converted: take the file off the list (or lower its count), so the list only shrinks.
    const stale = Object.entries(NOT_CONVERTED_YET).filter(([file, count]) => (found[file] ?? 0) < count)
    expect(stale, 'NOT_CONVERTED_YET names errors that are gone: update it').toEqual([])
  })
})
