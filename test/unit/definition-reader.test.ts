/**
 * A batch's definitions read while its output arrives (host-inventory.ts: definitionReader): each
 * complete `xml:` section is read once, into the cache the batch's own reading then finds it in.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DefinitionCache,
  definitionReader,
  readHostBatch,
} from '../../src/main/core/inventory/host-inventory'

const reads = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/main/core/inventory/domain-xml', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/main/core/inventory/domain-xml')>()
  return {
    ...real,
    readDomainXml: (...args: Parameters<typeof real.readDomainXml>) => {
      reads.count++
      return real.readDomainXml(...args)
    },
  }
})

const RECORDING = path.resolve(__dirname, '../fixtures/libvirt-9.0.0/batch-hv1.txt')

/** The recorded batch with definitions never read before (a fresh description in each). */
function freshBatch(): string {
  const tag = crypto.randomBytes(6).toString('hex')
  return fs
    .readFileSync(RECORDING, 'utf8')
    .replaceAll('</name>\n', `</name>\n  <description>été ☃ ${tag}</description>\n`)
}

/** Feeds the output in pieces of `size` bytes (cutting characters and lines anywhere). */
function feed(output: Buffer, size: number, onStdout: (chunk: Buffer) => void): void {
  for (let at = 0; at < output.length; at += size) onStdout(output.subarray(at, at + size))
}

beforeEach(() => {
  reads.count = 0
})

describe('definitions read as the batch arrives', () => {
  it('reads each complete definition once; the batch’s reading then finds them all read', () => {
    const output = freshBatch()
    const definitions = new DefinitionCache()
    feed(Buffer.from(output), 7, definitionReader('hv1', definitions))
    expect(reads.count).toBe(3)
    const inventory = readHostBatch('hv1', output, undefined, Date.now(), undefined, definitions)
    expect(reads.count).toBe(3)
    expect(inventory.domains.map((domain) => domain.definition?.name)).toEqual(['labvm1', 'labvm2', 'labvm3'])
  })

  it('leaves a section the output has not finished yet to the batch’s reading', () => {
    const output = Buffer.from(freshBatch())
    const cut = output.indexOf('@@hyperdesk-section display:1ab0c0de-0000-4000-8000-000000000002')
    feed(output.subarray(0, cut - 40), 64, definitionReader('hv1', new DefinitionCache()))
    // labvm1's definition was complete (the marker after it came); labvm2's was not.
    expect(reads.count).toBe(1)
  })

  it('keeps what it read to its own cache: another (a freshly started core’s) reads it again', () => {
    const output = freshBatch()
    feed(Buffer.from(output), 7, definitionReader('hv1', new DefinitionCache()))
    expect(reads.count).toBe(3)
    readHostBatch('hv1', output, undefined, Date.now(), undefined, new DefinitionCache())
    expect(reads.count).toBe(6)
  })
})
