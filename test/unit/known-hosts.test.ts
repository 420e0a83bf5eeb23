import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  appendKnownHost,
  entryMatches,
  fingerprint,
  hostKeyAlgorithmsFor,
  keyTypeOf,
  lookupHost,
  parseKnownHosts,
  readKnownHosts,
} from '../../src/main/core/ssh/known-hosts'

/** Real keys and real OpenSSH tools (ssh-keygen) as the reference. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-known-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function newKey(name: string, type = 'ed25519'): { line: string; blob: Buffer; type: string } {
  const file = path.join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file])
  const [keyType, base64] = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
  return { line: `${keyType} ${base64}`, blob: Buffer.from(base64!, 'base64'), type: keyType! }
}

const a = newKey('a')
const b = newKey('b')
const c = newKey('c', 'ecdsa')

describe('known_hosts', () => {
  it('computes fingerprints exactly like ssh-keygen -l', () => {
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'a.pub')], {
      encoding: 'utf8',
    }).split(/\s+/)[1]
    expect(fingerprint(a.blob)).toBe(expected)
    expect(fingerprint(a.blob)).not.toMatch(/=$/)
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519')
  })

  it('matches plain names, lists, wildcards, negation and [host]:port', () => {
    expect(entryMatches({ hosts: 'hv1,10.77.11.1' }, '10.77.11.1', 22)).toBe(true)
    expect(entryMatches({ hosts: 'hv1,10.77.11.1' }, '10.77.11.1', 2222)).toBe(false)
    expect(entryMatches({ hosts: '[10.77.11.1]:2222' }, '10.77.11.1', 2222)).toBe(true)
    expect(entryMatches({ hosts: '*.lab' }, 'hv1.lab', 22)).toBe(true)
    expect(entryMatches({ hosts: 'hv?' }, 'hv1', 22)).toBe(true)
    expect(entryMatches({ hosts: '*.lab,!hv2.lab' }, 'hv2.lab', 22)).toBe(false)
    expect(entryMatches({ hosts: 'HV1' }, 'hv1', 22)).toBe(true)
  })

  it('matches entries hashed by ssh-keygen -H (HashKnownHosts), including [host]:port', () => {
    const file = path.join(dir, 'hashed')
    fs.writeFileSync(file, `hv1.lab ${a.line}\n[hv2.lab]:2222 ${b.line}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const text = fs.readFileSync(file, 'utf8')
    expect(text).not.toContain('hv1.lab')
    const { entries } = parseKnownHosts(text)
    expect(entries.every((entry) => entry.hosts.startsWith('|1|'))).toBe(true)
    expect(lookupHost(entries, 'hv1.lab', 22).verify(a.blob)).toEqual({ kind: 'known' })
    expect(lookupHost(entries, 'hv2.lab', 2222).verify(b.blob)).toEqual({ kind: 'known' })
    expect(lookupHost(entries, 'hv2.lab', 22).verify(b.blob)).toEqual({ kind: 'unknown' })
    expect(lookupHost(entries, 'hv3.lab', 22).knownTypes).toEqual([])
  })

  it('says unknown, known or changed (with the known fingerprints), and offers only known key types', () => {
    const { entries } = parseKnownHosts(`hv1 ${a.line}\nhv1 ${c.line}\n`)
    const lookup = lookupHost(entries, 'hv1', 22)
    expect(lookup.knownTypes).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256'])
    expect(hostKeyAlgorithmsFor(lookup.knownTypes)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256'])
    expect(hostKeyAlgorithmsFor(['ssh-rsa'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'])
    expect(lookup.verify(a.blob)).toEqual({ kind: 'known' })
    expect(lookup.verify(b.blob)).toEqual({
      kind: 'changed',
      knownFingerprints: [fingerprint(a.blob), fingerprint(c.blob)],
    })
  })

  it('refuses a @revoked key even where a plain line trusts it, and skips @cert-authority with a reason', () => {
    const parsed = parseKnownHosts(
      `# comment\n\nhv1 ${a.line}\n@revoked * ${a.line}\n@cert-authority *.lab ${b.line}\nbroken-line\n`,
      'kh',
    )
    expect(lookupHost(parsed.entries, 'hv1', 22).verify(a.blob)).toEqual({
      kind: 'revoked',
      file: 'kh',
      line: 4,
    })
    expect(parsed.skipped).toEqual([
      expect.objectContaining({ line: 5, reason: expect.stringContaining('@cert-authority') }),
      expect.objectContaining({ line: 6 }),
    ])
    // Known only through a CA: treated as unknown, so the user sees the key.
    expect(lookupHost(parsed.entries, 'x.lab', 22).verify(b.blob)).toEqual({ kind: 'unknown' })
  })

  it('appends an accepted key that OpenSSH then finds (ssh-keygen -F)', () => {
    const file = path.join(dir, 'sub', 'known_hosts')
    appendKnownHost(file, '10.77.11.1', 22, a.blob)
    appendKnownHost(file, '10.77.12.1', 2222, b.blob)
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600')
    const found = execFileSync('ssh-keygen', ['-F', '[10.77.12.1]:2222', '-f', file], { encoding: 'utf8' })
    expect(found).toContain(b.line)
    const lookup = lookupHost(readKnownHosts([file, path.join(dir, 'missing')]).entries, '10.77.11.1', 22)
    expect(lookup.verify(a.blob)).toEqual({ kind: 'known' })
  })
})
