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
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'known-hosts')
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

  it('says unknown, known or changed (with the known fingerprints), and offers known key types first', () => {
    const { entries } = parseKnownHosts(`hv1 ${a.line}\nhv1 ${c.line}\n`)
    const lookup = lookupHost(entries, 'hv1', 22)
    expect(lookup.knownTypes).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256'])
    // Then every other type, so a host that lost its known key type presents another key (refused
    // as changed) instead of failing the handshake (read as offline).
    expect(hostKeyAlgorithmsFor(lookup.knownTypes)).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ])
    expect(hostKeyAlgorithmsFor(['ssh-rsa']).slice(0, 4)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ])
    expect(hostKeyAlgorithmsFor([])).toEqual([])
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
      expect.objectContaining({
        line: 5,
        reasonText: 'certAuthority',
        reason: expect.stringContaining('@cert-authority'),
      }),
      expect.objectContaining({ line: 6, reasonText: 'missingFields' }),
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

  it('finds, for every name, the lines `ssh-keygen -l -F` finds for the name ssh looks up (OpenSSH regress data)', () => {
    const file = path.join(FIXTURES, 'openssh-9.2-regress-hostkeys')
    const { entries, skipped } = readKnownHosts([file])
    const names: [string, number][] = [
      ['sisyphus.example.com', 22],
      ['SISYPHUS.Example.COM', 22],
      ['prometheus.example.com', 22],
      ['Prometheus.EXAMPLE.com', 22],
      ['192.0.2.1', 22],
      ['192.0.2.99', 22],
      ['2001:db8::1', 22],
      ['2001:DB8::1', 22],
      ['other.example.com', 22],
      ['example.org', 22],
      ['sisyphus.example.com', 2222],
    ]
    let compared = 0
    for (const [name, port] of names) {
      // ssh lower-cases the host name before looking it up (ssh.c): the oracle is asked that name.
      const token = port === 22 ? name.toLowerCase() : `[${name.toLowerCase()}]:${port}`
      const found = keygenFound(token, file)
      const app = entries.filter((entry) => entryMatches(entry, name, port)).map((entry) => entry.line)
      // @cert-authority lines ssh-keygen lists are skipped by the app (no host certificates), loudly.
      const ca = found.filter((hit) => hit.ca).map((hit) => hit.line)
      expect(app, `${name}:${port}`).toEqual(found.filter((hit) => !hit.ca).map((hit) => hit.line))
      for (const line of ca)
        expect(skipped.find((skip) => skip.line === line)?.reasonText, `${name} line ${line}`).toBe(
          'certAuthority',
        )
      compared += found.length
    }
    expect(compared).toBeGreaterThan(20) // the comparison really ran over the file's entries
    // Every line the regress test calls invalid is skipped with its reason, never trusted.
    expect(skipped.filter((skip) => skip.line >= 45).map((skip) => [skip.line, skip.reasonText])).toEqual([
      [45, 'unknownMarker'],
      [46, 'missingFields'],
      [47, 'missingFields'],
      [48, 'unknownKeyType'],
      [49, 'unknownKeyType'],
      [50, 'typeMismatch'],
    ])
    expect(entries.some((entry) => entry.line >= 45)).toBe(false)
  })

  it('hashes the lower-cased name, as ssh does (an entry written by ssh is found whatever the case typed)', () => {
    const file = path.join(dir, 'hashed-case')
    fs.writeFileSync(file, `hv1.lab ${a.line}\n[hv2.lab]:2222 ${b.line}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const { entries } = parseKnownHosts(fs.readFileSync(file, 'utf8'))
    expect(lookupHost(entries, 'HV1.Lab', 22).verify(a.blob)).toEqual({ kind: 'known' })
    expect(lookupHost(entries, 'Hv2.LAB', 2222).verify(b.blob)).toEqual({ kind: 'known' })
    // The app writes the name as ssh would look it up.
    const written = path.join(dir, 'written-case')
    appendKnownHost(written, 'NS1.Example.NET', 2222, a.blob)
    expect(fs.readFileSync(written, 'utf8')).toBe(`[ns1.example.net]:2222 ${a.line}\n`)
    expect(keygenFound('[ns1.example.net]:2222', written)).toEqual([{ line: 1, ca: false, revoked: false }])
  })

  it('skips lines ssh would not use: bad hash, bad base64, a key of another type', () => {
    const parsed = parseKnownHosts(
      [
        `|1|c2hvcnQ=|AAAA ${a.line}`,
        `hv1 ssh-ed25519 not*base64`,
        `hv1 ecdsa-sha2-nistp256 ${a.line.split(' ')[1]}`,
        `@revoked @revoked hv1 ${a.line}`,
        `hv1 ${a.line} trailing comment is fine`,
      ].join('\n'),
      'kh',
    )
    expect(parsed.skipped.map((skip) => [skip.line, skip.reasonText])).toEqual([
      [1, 'badHash'],
      [2, 'badKey'],
      [3, 'typeMismatch'],
      [4, 'twoMarkers'],
    ])
    expect(parsed.entries.map((entry) => entry.line)).toEqual([5])
    expect(parsed.skipped[2]?.reason).toBe('the key is a ssh-ed25519 key, not ecdsa-sha2-nistp256')
  })
})

/** The lines `ssh-keygen -l -F name -f file` reports (it parses keys, as ssh does when it looks up). */
function keygenFound(name: string, file: string): { line: number; ca: boolean; revoked: boolean }[] {
  let output = ''
  try {
    output = execFileSync('ssh-keygen', ['-l', '-F', name, '-f', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  } catch (error) {
    // Exit status 1: not found.
    output = String((error as { stdout?: string }).stdout ?? '')
  }
  return [...output.matchAll(/^# Host \S+ found: line (\d+)\s*(CA|REVOKED)?/gm)].map((match) => ({
    line: Number(match[1]),
    ca: match[2] === 'CA',
    revoked: match[2] === 'REVOKED',
  }))
}
