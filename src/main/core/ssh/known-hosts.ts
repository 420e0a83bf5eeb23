import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { utils } from 'ssh2'
import { matchPatternList } from '../config/openssh-config'
import { knownHostsReason, type KnownHostsReason } from '../../../shared/ssh-texts'

/**
 * OpenSSH's known_hosts, read the way ssh reads it (hostfile.c; checked against `ssh-keygen -l -F`):
 * plain and hashed (`|1|salt|hash`, HashKnownHosts) host patterns, `[host]:port` for other ports,
 * wildcards and negation, host names lower-cased before matching and hashing (ssh lower-cases the
 * name it connects to), `@revoked` keys. A line ssh would not use (unknown marker, truncated line,
 * malformed hash, unknown key type, a key that is not valid base64 of its type) is skipped with its
 * reason, never trusted. `@cert-authority` lines are skipped with a reason too (the app does not
 * verify host certificates), so a host known only through a CA is treated as unknown and its key is
 * shown for the user to check.
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

export interface SkippedLine {
  file: string
  line: number
  /** English, for logs and diagnostics. */
  reason: string
  /** A KNOWN_HOSTS_REASONS key and its parameters, for the window's language. */
  reasonText: KnownHostsReason
  params: Record<string, string | number>
}

export interface KnownHostsFile {
  entries: KnownHostEntry[]
  /** Lines that could not be used, with why (shown with the host's state, never fatal). */
  skipped: SkippedLine[]
}

// Keys ssh2 can parse: for these the blob itself is checked too.
const PARSEABLE = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
])
// OpenSSH's key type names (sshkey.c), plain and certificates.
const KEY_TYPES = new Set([
  ...PARSEABLE,
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'ssh-xmss@openssh.com',
  'ssh-rsa-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-xmss-cert-v01@openssh.com',
])
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** What is wrong with a key field, like sshkey_read (undefined: usable). */
function keyProblem(
  keyType: string,
  keyBase64: string,
): [KnownHostsReason, Record<string, string>] | undefined {
  if (!KEY_TYPES.has(keyType)) return ['unknownKeyType', { keyType }]
  if (!BASE64.test(keyBase64) || keyBase64.length % 4 !== 0) return ['badKey', {}]
  const blob = Buffer.from(keyBase64, 'base64')
  const actual = keyTypeOf(blob)
  if (actual !== keyType) return ['typeMismatch', { keyType, actual }]
  if (PARSEABLE.has(keyType) && utils.parseKey(`${keyType} ${keyBase64}`) instanceof Error)
    return ['badKey', {}]
  return undefined
}

/** A hashed host field must be |1|<base64 of 20 bytes>|… (extract_salt). */
function hashProblem(hosts: string): boolean {
  const [empty, magic, salt] = hosts.split('|')
  if (empty !== '' || magic !== '1' || !salt || !BASE64.test(salt)) return true
  return Buffer.from(salt, 'base64').length !== 20
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsFile {
  const entries: KnownHostEntry[] = []
  const skipped: KnownHostsFile['skipped'] = []
  const skip = (line: number, reasonText: KnownHostsReason, params: Record<string, string> = {}) =>
    skipped.push({ file, line, reason: knownHostsReason(reasonText, params), reasonText, params })
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '')
    const number = index + 1
    if (line === '' || line.startsWith('#')) return
    const fields = line.split(/[ \t]+/)
    let marker: KnownHostEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift()!
      if (name === '@revoked') marker = 'revoked'
      else if (name === '@cert-authority') marker = 'cert-authority'
      else return skip(number, 'unknownMarker', { marker: name })
      if (fields[0]?.startsWith('@')) return skip(number, 'twoMarkers')
    }
    const [hosts, keyType, keyBase64] = fields
    if (!hosts || !keyType || !keyBase64 || keyType.startsWith('#') || keyBase64.startsWith('#'))
      return skip(number, 'missingFields')
    if (hosts.startsWith('|') && hashProblem(hosts)) return skip(number, 'badHash')
    const problem = keyProblem(keyType, keyBase64)
    if (problem) return skip(number, problem[0], problem[1])
    if (marker === 'cert-authority') return skip(number, 'certAuthority')
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, keyBase64, file, line: number })
  })
  return { entries, skipped }
}

/** The name ssh looks up: the host lower-cased (ssh lower-cases it), `[host]:port` off port 22. */
export function hostToken(hostname: string, port: number): string {
  const host = hostname.toLowerCase()
  return port === 22 ? host : `[${host}]:${port}`
}

function matchesHashed(field: string, token: string): boolean {
  const [, magic, salt, hash] = field.split('|')
  if (magic !== '1' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** Does this entry's host field name `hostname:port`? (match_hostname: a negated pattern wins.) */
export function entryMatches(entry: Pick<KnownHostEntry, 'hosts'>, hostname: string, port: number): boolean {
  const token = hostToken(hostname, port)
  if (entry.hosts.startsWith('|')) return matchesHashed(entry.hosts, token)
  return matchPatternList(token, entry.hosts, true)
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
  /** The key types known for this host: offered first, so the server picks a key we can check. */
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
      // @revoked applies whatever host it names: stricter than ssh, which applies it to the hosts the
      // line names; a key revoked anywhere is never trusted here.
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
      const params = { error: (error as Error).message }
      all.skipped.push({
        file,
        line: 0,
        reason: knownHostsReason('unreadable', params),
        reasonText: 'unreadable',
        params,
      })
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

/** Every host key algorithm Hyperdesk accepts, in ssh2's order of preference. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]

/**
 * ssh2's host key algorithms for a host: those of the key types known_hosts has for it first (so a
 * host that still has that key presents it), then every other one, as OpenSSH orders them. Offering
 * only the known types made a host whose known key type it no longer has fail the handshake ("no
 * matching host key format"), read as "offline" and retried forever; now it presents another key,
 * which the check refuses as a changed key naming both fingerprints.
 */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  const algorithms: string[] = []
  for (const type of keyTypes) {
    if (type === 'ssh-rsa') algorithms.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa')
    else if (HOST_KEY_ALGORITHMS.includes(type) || type === 'ssh-dss') algorithms.push(type)
  }
  if (algorithms.length > 0) algorithms.push(...HOST_KEY_ALGORITHMS)
  return [...new Set(algorithms)]
}
