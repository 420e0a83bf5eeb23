import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ApiError } from '../../../shared/errors'
import { englishText, msg, type Message } from '../../../shared/messages/message'

/**
 * OVH credentials, read the way OVH's own tools read them (python-ovh's ovh/config.py, also used by
 * the Ansible modules): each key from the environment first (`OVH_ENDPOINT`, `OVH_APPLICATION_KEY`,
 * `OVH_APPLICATION_SECRET`, `OVH_CONSUMER_KEY`), else from the INI files `/etc/ovh.conf`,
 * `~/.ovh.conf` and `./ovh.conf` (a later file overrides an earlier one), in the section named after
 * the endpoint; `[default] endpoint=` names it. Stricter than python-ovh: a file holding a secret that
 * its group or others may read is refused (like ssh with a private key), naming the fix.
 *
 * The secrets never leave the core: `describe()` is what the window may see.
 */

/** python-ovh's endpoints (ovh/client.py ENDPOINTS). */
export const OVH_ENDPOINTS: Readonly<Record<string, string>> = {
  'ovh-eu': 'https://eu.api.ovh.com/1.0',
  'ovh-us': 'https://api.us.ovhcloud.com/1.0',
  'ovh-ca': 'https://ca.api.ovh.com/1.0',
  'kimsufi-eu': 'https://eu.api.kimsufi.com/1.0',
  'kimsufi-ca': 'https://ca.api.kimsufi.com/1.0',
  'soyoustart-eu': 'https://eu.api.soyoustart.com/1.0',
  'soyoustart-ca': 'https://ca.api.soyoustart.com/1.0',
}

export interface OvhCredentials {
  /** The endpoint's name (ovh-eu…) or, for a local test double, its loopback URL. */
  endpoint: string
  /** Base URL of API v1, without a trailing slash. */
  baseUrl: string
  applicationKey: string
  applicationSecret: string
  consumerKey: string
  /** Where each came from, for the window: "environment", a file path, or "keychain". */
  source: string
}

export interface CredentialProblem {
  code: 'ovh.conf.permissions' | 'ovh.conf.unreadable' | 'ovh.endpoint.unknown' | 'ovh.credentials.incomplete'
  /** English, for the logs; `text` is the same as a message. */
  message: string
  text: Message
  file?: string
}

function problem(code: CredentialProblem['code'], text: Message, file?: string): CredentialProblem {
  return { code, message: englishText(text), text, ...(file !== undefined ? { file } : {}) }
}

export interface ReadResult {
  credentials?: OvhCredentials
  problems: CredentialProblem[]
  /** The files looked at, in order (found or not). */
  files: string[]
}

export interface ReadOptions {
  env?: NodeJS.ProcessEnv
  home?: string
  cwd?: string
  /** Override the file list (tests). */
  files?: readonly string[]
}

const KEYS = ['application_key', 'application_secret', 'consumer_key'] as const
type Key = (typeof KEYS)[number]

/** An INI file as RawConfigParser reads it: [section], key = value or key: value, ; and # comments. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue
    const header = /^\[([^\]]+)\]$/.exec(line)
    if (header) {
      const name = header[1]!.trim()
      current = sections.get(name) ?? new Map()
      sections.set(name, current)
      continue
    }
    const separator = line.search(/[=:]/)
    if (separator <= 0 || !current) continue
    current.set(line.slice(0, separator).trim().toLowerCase(), line.slice(separator + 1).trim())
  }
  return sections
}

/** The base URL of an endpoint name, or of a loopback URL (a local test double); undefined otherwise. */
export function endpointUrl(endpoint: string): string | undefined {
  const named = OVH_ENDPOINTS[endpoint]
  if (named) return named
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return undefined
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost'
  if (!loopback || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined
  if (url.search || url.hash || url.username || url.password) return undefined
  return url.href.replace(/\/+$/, '')
}

/** endpointUrl, or an ApiError naming the endpoints (what the user typed in the app). */
export function checkedEndpointUrl(endpoint: string): string {
  const url = endpointUrl(endpoint)
  if (url) return url
  throw ApiError.of('ovh.endpoint.unknown', endpointUnknown(endpoint), {
    hint: msg('ovhErrors.endpointUnknownHint'),
  })
}

function endpointUnknown(endpoint: string): Message {
  return msg('ovhErrors.endpointUnknown', {
    endpoint: JSON.stringify(endpoint),
    endpoints: Object.keys(OVH_ENDPOINTS),
  })
}

export function defaultFiles(home: string, cwd: string): string[] {
  return ['/etc/ovh.conf', path.join(home, '.ovh.conf'), path.resolve(cwd, 'ovh.conf')]
}

// Over ~80 lines on purpose: OVH's lookup order as one list.
export function readOvhCredentials(options: ReadOptions = {}): ReadResult {
  const env = options.env ?? process.env
  const files = [
    ...(options.files ?? defaultFiles(options.home ?? os.homedir(), options.cwd ?? process.cwd())),
  ]
  const problems: CredentialProblem[] = []
  const merged = new Map<string, Map<string, { value: string; file: string }>>()
  for (const file of files) {
    let stat: fs.Stats
    try {
      stat = fs.statSync(file)
    } catch {
      continue
    }
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      problems.push(
        problem(
          'ovh.conf.unreadable',
          msg('ovhErrors.confUnreadable', { file, reason: (error as NodeJS.ErrnoException).code ?? 'error' }),
          file,
        ),
      )
      continue
    }
    const sections = parseIni(text)
    const holdsSecret = [...sections.values()].some(
      (section) => section.has('application_secret') || section.has('consumer_key'),
    )
    if (holdsSecret && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
      problems.push(problem('ovh.conf.permissions', msg('ovhErrors.confPermissions', { file, mode }), file))
      continue
    }
    for (const [name, section] of sections) {
      const into = merged.get(name) ?? new Map()
      for (const [key, value] of section) into.set(key, { value, file })
      merged.set(name, into)
    }
  }
  const endpoint = env['OVH_ENDPOINT'] || merged.get('default')?.get('endpoint')?.value
  if (!endpoint) return { problems, files }
  const baseUrl = endpointUrl(endpoint)
  if (!baseUrl) {
    problems.push(problem('ovh.endpoint.unknown', endpointUnknown(endpoint)))
    return { problems, files }
  }
  const values: Partial<Record<Key, string>> = {}
  const sources = new Set<string>()
  for (const key of KEYS) {
    const fromEnv = env[`OVH_${key.toUpperCase()}`]
    if (fromEnv) {
      values[key] = fromEnv
      sources.add('environment')
      continue
    }
    const fromFile = merged.get(endpoint)?.get(key)
    if (fromFile && fromFile.value !== '') {
      values[key] = fromFile.value
      sources.add(fromFile.file)
    }
  }
  const missing = KEYS.filter((key) => !values[key])
  if (missing.length > 0) {
    if (missing.length < KEYS.length)
      problems.push(
        problem(
          'ovh.credentials.incomplete',
          msg('ovhErrors.credentialsIncomplete', { endpoint, missing, files }),
        ),
      )
    return { problems, files }
  }
  return {
    credentials: {
      endpoint,
      baseUrl,
      applicationKey: values.application_key!,
      applicationSecret: values.application_secret!,
      consumerKey: values.consumer_key!,
      source: [...sources].join(', '),
    },
    problems,
    files,
  }
}
