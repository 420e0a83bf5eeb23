/**
 * Issue 18, item 1: the core sends messages, never sentences meant for the window. An ApiError made
 * in src/main is ApiError.of(code, message, { step: message, hint: message }) (its English is rendered
 * from the messages) or ApiError.from(…) (wrapping what was thrown); `new ApiError({ message: '…' })`
 * with English prose is refused everywhere in src/main. (A step written as an English string does not
 * compile: ApiError.of, the runner and the lease take only a message.)
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    return /\.tsx?$/.test(entry.name) ? [full] : []
  })
}

describe('errors from the core are messages', () => {
  it('builds no ApiError from English prose anywhere in src/main', () => {
    const sources_ = sources(path.join(ROOT, 'src/main'))
    // The walk must have found the core, or the test would pass on nothing.
    expect(sources_.length).toBeGreaterThan(100)
    const found = sources_
      .filter((file) => /\bnew ApiError\s*\(/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file).split(path.sep).join('/'))
    expect(
      found,
      'use ApiError.of(code, msg(…), { hint: msg(…) }); the host’s output goes in withDetail',
    ).toEqual([])
  })
})
