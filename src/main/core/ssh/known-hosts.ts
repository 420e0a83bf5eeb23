import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * OpenSSH's known_hosts, read the way ssh reads it: plain and hashed (`|1|salt|hash`, HashKnownHosts)
 * host patterns, `[host]:port` for other ports, wildcards and negation, `@revoked` keys. `@cert-authority`
 * lines are skipped with a reason (the app does not verify host certificates), so a host known only
 * through a CA is treated as unknown and its key is shown for the user to check.
 */

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority'
  /** The host field as written: comma-separated patterns, or one |1|salt|hash. */
  hosts: string
  keyType: string
  /** The public key blob (SSH wire format), base64 as in the file. */
  keyBase64: string
  file: string
  line: number
}

export interface KnownHostsFile {
  entries: KnownHostEntry[]
  /** Lines that could not be used, with why (shown in diagnostics, never fatal). */
  skipped: { file: string; line: number; reason: string }[]
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsFile {
  const entries: KnownHostEntry[] = []
  const skipped: KnownHostsFile['skipped'] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift()
      if (name === '@revoked') marker = 'revoked'
      else if (name === '@cert-authority') marker = 'cert-authority'
      else {
        skipped.push({ file, line: index + 1, reason: `unknown marker ${name}` })
        return
      }
    }
    const [hosts, keyType, keyBase64] = fields
    if (!hosts || !keyType || !keyBase64) {
      skipped.push({ file, line: index + 1, reason: 'needs hosts, key type and key' })
      return
    }
    if (marker === 'cert-authority') {
      skipped.push({
        file,
        line: index + 1,
        reason: '@cert-authority: host certificates are not supported; the host key itself is checked',
      })
      return
    }
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, keyBase64, file, line: index + 1 })
  })
  return { entries, skipped }
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(hostname: string, port: number): string {
  return port === 22 ? hostname : `[${hostname}]:${port}`
}

function matchesHashed(field: string, token: string): boolean {
  const [, magic, salt, hash] = field.split('|')
  if (magic !== '1' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`, 'i')
}

/** Does this entry's host field name `hostname:port`? A negated pattern that matches wins. */
export function entryMatches(entry: Pick<KnownHostEntry, 'hosts'>, hostname: string, port: number): boolean {
  const token = hostToken(hostname, port)
  if (entry.hosts.startsWith('|')) return matchesHashed(entry.hosts, token)
  let matched = false
  for (const pattern of entry.hosts.split(',')) {
    const negated = pattern.startsWith('!')
    const body = negated ? pattern.slice(1) : pattern
    if (!wildcardToRegExp(body).test(token)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

/** OpenSSH's fingerprint: SHA256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** The key type written at the start of an SSH public key blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown'
  const length = keyBlob.readUInt32BE(0)
  return keyBlob.subarray(4, 4 + length).toString('latin1')
}

export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'changed'; knownFingerprints: string[] }
  | { kind: 'revoked'; file: string; line: number }

export interface HostKeyLookup {
  /** The key types known for this host: offer only those, so the server picks a key we can check. */
  knownTypes: string[]
  verify(keyBlob: Buffer): HostKeyVerdict
}

/** What known_hosts says about one host. */
export function lookupHost(
  entries: readonly KnownHostEntry[],
  hostname: string,
  port: number,
): HostKeyLookup {
  const matching = entries.filter((entry) => entryMatches(entry, hostname, port))
  const revoked = entries.filter((entry) => entry.marker === 'revoked')
  const trusted = matching.filter((entry) => entry.marker === undefined)
  return {
    knownTypes: [...new Set(trusted.map((entry) => entry.keyType))],
    verify(keyBlob) {
      const base64 = keyBlob.toString('base64')
      // @revoked applies whatever host it names, as in OpenSSH.
      const hit = revoked.find((entry) => entry.keyBase64 === base64)
      if (hit) return { kind: 'revoked', file: hit.file, line: hit.line }
      if (trusted.some((entry) => entry.keyBase64 === base64)) return { kind: 'known' }
      if (trusted.length === 0) return { kind: 'unknown' }
      return {
        kind: 'changed',
        knownFingerprints: trusted.map((entry) => fingerprint(Buffer.from(entry.keyBase64, 'base64'))),
      }
    },
  }
}

/** Reads known_hosts files (missing ones are empty), the user's first. */
export function readKnownHosts(files: readonly string[]): KnownHostsFile {
  const all: KnownHostsFile = { entries: [], skipped: [] }
  for (const file of files) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      all.skipped.push({ file, line: 0, reason: `cannot be read: ${(error as Error).message}` })
      continue
    }
    const parsed = parseKnownHosts(text, file)
    all.entries.push(...parsed.entries)
    all.skipped.push(...parsed.skipped)
  }
  return all
}

/** Appends an accepted key like `ssh` does on "yes" (plain host name, so the user can read the file). */
export function appendKnownHost(file: string, hostname: string, port: number, keyBlob: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  let prefix = ''
  try {
    const current = fs.readFileSync(file, 'utf8')
    if (current.length > 0 && !current.endsWith('\n')) prefix = '\n'
  } catch {
    // A new file.
  }
  const line = `${hostToken(hostname, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`
  fs.appendFileSync(file, prefix + line, { mode: 0o600 })
}

/** ssh2's host key algorithm names for a known_hosts key type. */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  const algorithms: string[] = []
  for (const type of keyTypes) {
    if (type === 'ssh-rsa') algorithms.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa')
    else if (
      [
        'ssh-ed25519',
        'ecdsa-sha2-nistp256',
        'ecdsa-sha2-nistp384',
        'ecdsa-sha2-nistp521',
        'ssh-dss',
      ].includes(type)
    )
      algorithms.push(type)
  }
  return [...new Set(algorithms)]
}
