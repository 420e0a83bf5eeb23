import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {
  configProblem,
  sshMessage,
  type ConfigProblem,
  type SshText,
  type SshTextParams,
} from '../../../shared/ssh-texts'

/**
 * The user's ssh_config read the way OpenSSH's client reads it (readconf.c, ssh.c; checked against
 * `ssh -G` of OpenSSH 9.2 by test/unit/openssh-config.test.ts). What this reader follows:
 * - keywords are case-insensitive, `Keyword value`, `Keyword=value` and quoted arguments;
 * - `Host` patterns (`*`, `?`, `!`, matched against the name as typed) and `Match` with `all`, `host`,
 *   `originalhost`, `user`, `localuser`, `canonical` and `final` (a second pass, as `Match final` asks);
 *   `Match exec` is never run: a host for which OpenSSH would run it is refused;
 * - `Include` (globs; relative paths under ~/.ssh) applies only where it stands, and an included file's
 *   Host/Match lines do not leak into the file that includes it;
 * - the first value obtained wins; IdentityFile, CertificateFile and the forwardings accumulate;
 * - %-tokens (`%C %d %h %i %k %L %l %n %p %r %u %%`), `~/` and `${VAR}` in the paths where ssh
 *   expands them; `%h` in HostName; the final host name lower-cased (unless it is an address);
 * - OpenSSH's defaults (port 22, the local user, ~/.ssh/id_*, ~/.ssh/known_hosts{,2}).
 * Anything OpenSSH would refuse, and anything the app cannot reproduce, becomes a refusal that names
 * the file and line: never a silent guess.
 */

/** OpenSSH 9.2's identity files when none is configured (ssh -G lists them; ssh uses those that exist). */
export const OPENSSH_DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
] as const
export const OPENSSH_DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'] as const
export const OPENSSH_DEFAULT_GLOBAL_KNOWN_HOSTS = [
  '/etc/ssh/ssh_known_hosts',
  '/etc/ssh/ssh_known_hosts2',
] as const

// Every keyword of OpenSSH's client (readconf.c's table, OpenSSH 9.2 and openssh-portable 0ef0f5a of
// 2026-08-21), Debian's GSSAPI patch, and Apple's UseKeychain. Another word is reported per host.
const KNOWN_KEYWORDS = new Set(
  (
    'addkeystoagent addressfamily afstokenpassing batchmode bindaddress bindinterface canonicaldomains ' +
    'canonicalizefallbacklocal canonicalizehostname canonicalizemaxdots canonicalizepermittedcnames ' +
    'casignaturealgorithms certificatefile challengeresponseauthentication channeltimeout checkhostip ' +
    'cipher ciphers clearallforwardings compression compressionlevel connectionattempts connecttimeout ' +
    'controlmaster controlpath controlpersist dsaauthentication dynamicforward enableescapecommandline ' +
    'enablesshkeysign escapechar exitonforwardfailure fallbacktorsh fingerprinthash ' +
    'forkafterauthentication forwardagent forwardx11 forwardx11timeout forwardx11trusted gatewayports ' +
    'globalknownhostsfile globalknownhostsfile2 gssapiauthentication gssapidelegatecredentials ' +
    'gssapikeyexchange gssapiclientidentity gssapiserveridentity gssapirenewalforcesrekey ' +
    'gssapitrustdns gssapikexalgorithms hashknownhosts host hostbasedacceptedalgorithms ' +
    'hostbasedauthentication hostbasedkeytypes hostkeyalgorithms hostkeyalias hostname identitiesonly ' +
    'identityagent identityfile identityfile2 ignoreunknown include ipqos kbdinteractiveauthentication ' +
    'kbdinteractivedevices keepalive kerberosauthentication kerberostgtpassing kexalgorithms ' +
    'knownhostscommand localcommand localforward loglevel logverbose macs match ' +
    'nohostauthenticationforlocalhost numberofpasswordprompts obscurekeystroketiming ' +
    'passwordauthentication permitlocalcommand permitremoteopen pkcs11provider port ' +
    'preferredauthentications protocol proxycommand proxyjump proxyusefdpass pubkeyacceptedalgorithms ' +
    'pubkeyacceptedkeytypes pubkeyauthentication refuseconnection rekeylimit remotecommand ' +
    'remoteforward requesttty requiredrsasize revokedhostkeys rhostsauthentication ' +
    'rhostsrsaauthentication rsaauthentication securitykeyprovider sendenv serveralivecountmax ' +
    'serveraliveinterval sessiontype setenv skeyauthentication smartcarddevice stdinnull ' +
    'streamlocalbindmask streamlocalbindunlink stricthostkeychecking syslogfacility tag tcpkeepalive ' +
    'tisauthentication tunnel tunneldevice updatehostkeys useprivilegedport user userknownhostsfile ' +
    'userknownhostsfile2 useroaming usersh verifyhostkeydns versionaddendum visualhostkey ' +
    'warnweakcrypto xauthlocation usekeychain'
  ).split(' '),
)

const MAX_INCLUDE_DEPTH = 16 // READCONF_MAX_DEPTH

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new'

/** Who runs ssh: what `~`, `%d`, `%u`, `%l`, `%i` and `${VAR}` stand for. */
export interface SshEnvironment {
  /** The passwd entry's home: `~` and %d in values (ssh uses getpwuid, not $HOME). */
  home: string
  /** $HOME: `~` in Include, and relative Includes (~/.ssh/…), which ssh expands with glob(3). */
  includeHome: string
  localUser: string
  /** gethostname(): %l, and %L is its first label. */
  thisHost: string
  uid: number
  env: Record<string, string | undefined>
}

/** Values given before the config is read, like ssh's -p, -l and -i: they win over the config. */
export interface SshPreset {
  port?: number
  user?: string
  identityFiles?: readonly string[]
}

/** Why a host cannot be reached as configured: a sentence key, its parameters, where. */
export interface SshConfigRefusal {
  text: SshText
  params: SshTextParams
  /** For configInvalid: which problem (a CONFIG_PROBLEMS key). */
  problemText?: ConfigProblem
  hintText: SshText
  message: string
  hint: string
}

/** What `ssh -G <alias>` would print for the values the app uses. */
export interface OpenSshHost {
  alias: string
  hostname: string
  port: number
  user: string
  /** As written (OpenSSH 9.2's `ssh -G` prints them so), defaults included when none is set. */
  identityFilesRaw: string[]
  /** After `~`, %-token and ${VAR} expansion, as ssh opens them. */
  identityFiles: string[]
  /** True when no IdentityFile was set (the list is OpenSSH's defaults). */
  defaultIdentityFiles: boolean
  certificateFiles: string[]
  identitiesOnly: boolean
  identityAgent?: string
  proxyJump?: string
  proxyCommand?: string
  /** Expanded, as ssh -G prints them; empty for `none`. */
  userKnownHostsFiles: string[]
  userKnownHostsSet: boolean
  globalKnownHostsFiles: string[]
  globalKnownHostsSet: boolean
  strictHostKeyChecking: StrictHostKeyChecking
  localForwards: string[]
  /** Keywords that applied to this host, lower-case → as first written (for "ignored" lists). */
  applied: Map<string, string>
  /** Words OpenSSH itself does not know (it refuses the file unless IgnoreUnknown lists them). */
  unknownKeywords: string[]
  refusal?: SshConfigRefusal
}

interface ConfigLine {
  file: string
  line: number
  /** lower-case */
  keyword: string
  written: string
  args: string[]
  /** The text after the keyword (ProxyCommand, ProxyJump keep it whole). */
  rest: string
}

class Refused extends Error {
  constructor(readonly refusal: SshConfigRefusal) {
    super(refusal.message)
  }
}

function refusal(
  text: SshText,
  params: SshTextParams,
  hintText: SshText = 'configFixHint',
  problemText?: ConfigProblem,
): Refused {
  const all = problemText ? { ...params, problem: configProblem(problemText, params) } : params
  return new Refused({
    text,
    params: all,
    hintText,
    message: sshMessage(text, all),
    hint: sshMessage(hintText, all),
    ...(problemText ? { problemText } : {}),
  })
}

function invalid(at: { file: string; line: number }, problem: ConfigProblem, params: SshTextParams = {}) {
  return refusal('configInvalid', { file: at.file, line: at.line, ...params }, 'configFixHint', problem)
}

/** OpenSSH's argv_split: whitespace-separated, '…' and "…" quotes, \\ \' \" and "\ " escapes, # ends. */
export function splitArguments(text: string): string[] | undefined {
  const args: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === ' ' || c === '\t') {
      i++
      continue
    }
    if (c === '#') break
    let quote = ''
    let arg = ''
    for (; i < text.length; i++) {
      const ch = text[i]!
      const next = text[i + 1]
      if (ch === '\\') {
        if (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' ')) {
          arg += next
          i++
        } else arg += ch
      } else if (quote === '' && (ch === ' ' || ch === '\t')) break
      else if (quote === '' && (ch === '"' || ch === "'")) quote = ch
      else if (quote !== '' && ch === quote) quote = ''
      else arg += ch
    }
    if (quote !== '') return undefined
    args.push(arg)
  }
  return args
}

/** Splits one line into keyword and arguments, like process_config_line (undefined: nothing there). */
function parseLine(raw: string, file: string, line: number): ConfigLine | undefined {
  const text = raw.replace(/[ \t\r\n\f]+$/, '').replace(/^[ \t]+/, '')
  if (text === '' || text.startsWith('#')) return undefined
  const match = /^([^ \t"=]+)(?:[ \t]*=[ \t]*|[ \t]+|$)([\s\S]*)$/.exec(text)
  if (!match) throw invalid({ file, line }, 'badQuotes')
  const written = match[1]!
  const rest = match[2]!
  if (rest === '') throw invalid({ file, line }, 'noArgument', { keyword: written })
  const args = splitArguments(rest)
  if (!args) throw invalid({ file, line }, 'badQuotes')
  return { file, line, keyword: written.toLowerCase(), written, args, rest }
}

/** OpenSSH's match_pattern: `*` and `?`, case-sensitive. */
export function matchPattern(value: string, pattern: string): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]')
  return new RegExp(`^${body}$`).test(value)
}

/** OpenSSH's match_pattern_list: comma-separated, `!` negates and a negated match wins. */
export function matchPatternList(value: string, list: string, lower: boolean): boolean {
  let positive = false
  for (const item of list.split(',')) {
    const negated = item.startsWith('!')
    let pattern = negated ? item.slice(1) : item
    if (lower) pattern = pattern.toLowerCase()
    if (!matchPattern(value, pattern)) continue
    if (negated) return false
    positive = true
  }
  return positive
}

function isAddress(host: string): boolean {
  return net.isIP(host) !== 0
}

/** A relative Include is under ~/.ssh (the user's config; the app reads no system-wide file). */
function includePath(pattern: string): string {
  return pattern.startsWith('/') || pattern.startsWith('~') ? pattern : `~/.ssh/${pattern}`
}

/** glob(3) with GLOB_TILDE, enough for Include: wildcards in any component, sorted, no dot files. */
function glob(pattern: string, env: SshEnvironment): string[] {
  const expanded = pattern === '~' || pattern.startsWith('~/') ? env.includeHome + pattern.slice(1) : pattern
  const parts = expanded.split('/')
  let paths = [parts[0] === '' ? '/' : '.']
  for (const part of parts.slice(parts[0] === '' ? 1 : 0)) {
    if (part === '') continue
    const next: string[] = []
    for (const base of paths) {
      if (!/[*?[]/.test(part)) {
        next.push(path.join(base, part))
        continue
      }
      let entries: string[]
      try {
        entries = fs.readdirSync(base)
      } catch {
        continue
      }
      const regex = globRegExp(part)
      for (const entry of entries.sort()) {
        if (entry.startsWith('.') && !part.startsWith('.')) continue
        if (regex.test(entry)) next.push(path.join(base, entry))
      }
    }
    paths = next
  }
  return paths.filter((file) => fs.existsSync(file))
}

function globRegExp(part: string): RegExp {
  let body = ''
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!
    if (c === '*') body += '[^/]*'
    else if (c === '?') body += '[^/]'
    else if (c === '[') {
      const end = part.indexOf(']', i + 2)
      if (end < 0) body += '\\['
      else {
        const set = part
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')
        body += `[${set}]`
        i = end
      }
    } else body += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${body}$`)
}

interface Pass {
  /** The name Host lines match: as typed (first pass) or the final host name (final pass). */
  host: string
  final: boolean
}

/** The options being filled, first value wins. */
interface Options {
  hostname?: string
  port?: number
  user?: string
  identityFiles: string[]
  certificateFiles: string[]
  identitiesOnly?: boolean
  identityAgent?: string
  proxyJump?: string
  proxyCommand?: string
  userKnownHostsFiles?: string[]
  globalKnownHostsFiles?: string[]
  strictHostKeyChecking?: StrictHostKeyChecking
  hostKeyAlias?: string
  localForwards: string[]
  ignoreUnknown?: string
  wantFinal: boolean
  applied: Map<string, string>
  unknownKeywords: string[]
  /** Where each expandable value came from, for error messages. */
  origin: Map<string, { file: string; line: number; keyword: string }>
}

// One-argument strings whose first value wins (parse_string).
const FIRST_STRING: Partial<
  Record<string, 'hostname' | 'user' | 'identityAgent' | 'hostKeyAlias' | 'ignoreUnknown'>
> = {
  hostname: 'hostname',
  user: 'user',
  identityagent: 'identityAgent',
  hostkeyalias: 'hostKeyAlias',
  ignoreunknown: 'ignoreUnknown',
}

const FLAG_VALUES: Record<string, boolean> = { yes: true, true: true, no: false, false: false }
const STRICT_VALUES: Record<string, StrictHostKeyChecking> = {
  yes: 'yes',
  true: 'yes',
  no: 'no',
  false: 'no',
  off: 'no',
  ask: 'ask',
  'accept-new': 'accept-new',
}

class Reader {
  private readonly cache = new Map<string, ConfigLine[] | null>()

  constructor(
    private readonly env: SshEnvironment,
    private readonly alias: string,
  ) {}

  /** Lines of a file; null when it does not exist (a missing Include is no error, as in OpenSSH). */
  lines(file: string, from?: { file: string; line: number }): ConfigLine[] | null {
    const cached = this.cache.get(file)
    if (cached !== undefined) return cached
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        this.cache.set(file, null)
        return null
      }
      throw invalid(from ?? { file, line: 0 }, 'unreadable', {
        path: file,
        error: (error as Error).message,
      })
    }
    const parsed = text
      .split('\n')
      .map((raw, index) => parseLine(raw, file, index + 1))
      .filter((line): line is ConfigLine => line !== undefined)
    this.cache.set(file, parsed)
    return parsed
  }

  /** Reads one file into the options; `active` is the Host/Match state it starts with. */
  readFile(
    file: string,
    options: Options,
    pass: Pass,
    start: { active: boolean; neverMatch: boolean },
    depth: number,
    from?: { file: string; line: number },
  ): boolean {
    const lines = this.lines(file, from)
    if (!lines) return false
    let active = start.active
    for (const line of lines) {
      switch (line.keyword) {
        case 'host':
          active = start.neverMatch ? false : this.hostMatches(line.args, pass.host)
          continue
        case 'match':
          active = this.matchLine(line, options, pass) && !start.neverMatch
          continue
        case 'include':
          for (const pattern of line.args) {
            if (depth + 1 > MAX_INCLUDE_DEPTH)
              throw refusal('configIncludeLoop', { file, line: line.line, depth: MAX_INCLUDE_DEPTH })
            for (const included of glob(includePath(pattern), this.env)) {
              this.readFile(
                included,
                options,
                pass,
                { active, neverMatch: start.neverMatch || !active },
                depth + 1,
                line,
              )
            }
          }
          continue
      }
      this.apply(line, options, active)
    }
    return true
  }

  private hostMatches(patterns: string[], host: string): boolean {
    let matched = false
    for (const item of patterns) {
      const negated = item.startsWith('!')
      if (!matchPattern(host, negated ? item.slice(1) : item)) continue
      if (negated) return false
      matched = true
    }
    return matched
  }

  /** match_cfg_line: every criterion must hold; `exec` is refused where OpenSSH would run it. */
  private matchLine(line: ConfigLine, options: Options, pass: Pass): boolean {
    const args = line.args
    if (args.length === 0) throw invalid(line, 'badMatch')
    const user = options.user ?? this.env.localUser
    const host = pass.final
      ? (options.hostname ?? pass.host)
      : options.hostname !== undefined
        ? expandTokens(options.hostname, { h: this.alias }, line)
        : this.alias
    let result = true
    let attributes = 0
    for (let i = 0; i < args.length; i++) {
      const written = args[i]!
      const negate = written.startsWith('!')
      const attribute = (negate ? written.slice(1) : written).toLowerCase()
      if (attribute === 'all') {
        if (attributes > 0 || i + 1 < args.length) throw invalid(line, 'badMatch')
        return result ? !negate : false
      }
      attributes++
      if (attribute === 'canonical' || attribute === 'final') {
        if (attribute === 'final') options.wantFinal = true
        if (pass.final === negate) result = false
        continue
      }
      const value = args[++i]
      if (value === undefined || value === '') throw invalid(line, 'badMatch')
      let matched: boolean
      switch (attribute) {
        case 'host':
          matched = matchPatternList(host.toLowerCase(), value, true)
          break
        case 'originalhost':
          matched = matchPatternList(this.alias.toLowerCase(), value, true)
          break
        case 'user':
          matched = matchPatternList(user, value, false)
          break
        case 'localuser':
          matched = matchPatternList(this.env.localUser, value, false)
          break
        case 'exec':
          // OpenSSH skips the command once an earlier criterion failed; otherwise it would run it.
          if (!result) continue
          throw refusal(
            'configMatchExec',
            { file: line.file, line: line.line, alias: this.alias },
            'configMatchExecHint',
          )
        default:
          throw refusal('configMatchUnsupported', {
            file: line.file,
            line: line.line,
            criterion: attribute,
            alias: this.alias,
          })
      }
      if (matched === negate) result = false
    }
    return result
  }

  // Over ~80 lines on purpose: one case per keyword, as OpenSSH's own.
  private apply(line: ConfigLine, options: Options, active: boolean): void {
    const { keyword, args } = line
    const one = (): string => {
      if (args.length > 1) throw invalid(line, 'extraArguments', { keyword: line.written })
      const value = args[0]
      if (value === undefined || value === '') throw invalid(line, 'noArgument', { keyword: line.written })
      return value
    }
    const remember = (name: string) => options.origin.set(name, { ...line, keyword: line.written })
    if (!KNOWN_KEYWORDS.has(keyword)) {
      // OpenSSH refuses the file unless IgnoreUnknown names the word; another build may know it.
      if (options.ignoreUnknown === undefined || !matchPatternList(keyword, options.ignoreUnknown, true))
        if (!options.unknownKeywords.includes(line.written)) options.unknownKeywords.push(line.written)
      return
    }
    // Values are checked even in blocks that do not apply, as OpenSSH does.
    const field = FIRST_STRING[keyword]
    if (field) {
      const value = one()
      if (active && options[field] === undefined) {
        options[field] = value
        remember(keyword)
      }
    }
    switch (keyword) {
      case 'port': {
        const value = one()
        const port = /^\d+$/.test(value) ? Number(value) : Number.NaN
        if (!(port >= 1 && port <= 65535)) throw invalid(line, 'badPort', { value })
        if (active && options.port === undefined) options.port = port
        break
      }
      case 'identityfile':
      case 'certificatefile': {
        const value = one()
        const list = keyword === 'identityfile' ? options.identityFiles : options.certificateFiles
        if (active && !list.includes(value)) {
          list.push(value)
          options.origin.set(`${keyword}:${value}`, { ...line, keyword: line.written })
        }
        break
      }
      case 'identitiesonly': {
        const value = FLAG_VALUES[one().toLowerCase()]
        if (value === undefined) throw invalid(line, 'badValue', { keyword: line.written, value: args[0]! })
        if (active && options.identitiesOnly === undefined) options.identitiesOnly = value
        break
      }
      case 'stricthostkeychecking': {
        const value = STRICT_VALUES[one().toLowerCase()]
        if (value === undefined) throw invalid(line, 'badValue', { keyword: line.written, value: args[0]! })
        if (active && options.strictHostKeyChecking === undefined) options.strictHostKeyChecking = value
        break
      }
      case 'userknownhostsfile':
      case 'globalknownhostsfile': {
        if (args.some((arg) => arg === '')) throw invalid(line, 'noArgument', { keyword: line.written })
        if (args.length > 1 && args.some((arg) => arg.toLowerCase() === 'none'))
          throw invalid(line, 'badValue', { keyword: line.written, value: 'none' })
        const field = keyword === 'userknownhostsfile' ? 'userKnownHostsFiles' : 'globalKnownHostsFiles'
        if (active && options[field] === undefined) {
          options[field] = [...args]
          remember(keyword)
        }
        break
      }
      case 'proxyjump': {
        const value = line.rest.trim()
        if (active && options.proxyJump === undefined) options.proxyJump = value
        break
      }
      case 'proxycommand': {
        // Ignored once ProxyJump is set, as in OpenSSH.
        if (active && options.proxyCommand === undefined && options.proxyJump === undefined)
          options.proxyCommand = line.rest.trim()
        break
      }
      case 'localforward':
      case 'remoteforward':
      case 'dynamicforward': {
        const value = `${line.written} ${args.join(' ')}`
        if (active && !options.localForwards.includes(value)) options.localForwards.push(value)
        break
      }
    }
    if (active && !options.applied.has(keyword)) options.applied.set(keyword, line.written)
  }
}

/** OpenSSH's percent_expand: `%%` and the given keys; anything else is refused, as ssh does. */
function expandTokens(
  value: string,
  tokens: Record<string, string>,
  at: { file: string; line: number; keyword?: string; written?: string },
): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c !== '%') {
      out += c
      continue
    }
    const key = value[i + 1]
    i++
    if (key === '%') out += '%'
    else if (key !== undefined && tokens[key] !== undefined) out += tokens[key]
    else
      throw refusal('configToken', {
        file: at.file,
        line: at.line,
        keyword: at.keyword ?? at.written ?? '',
        token: `%${key ?? ''}`,
      })
  }
  return out
}

/** `${VAR}` from the environment (percent_dollar_expand); an unset variable is refused, as ssh does. */
function expandEnv(
  value: string,
  env: SshEnvironment['env'],
  at: { file: string; line: number; keyword: string },
): string {
  return value.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const found = env[name]
    if (found === undefined) throw refusal('configEnv', { ...at, name })
    return found
  })
}

function expandTilde(value: string, home: string, at: { file: string; line: number; keyword: string }) {
  // tilde_expand_filename: "~" is the home directory with a slash, "~/x" is home/x.
  if (value === '~') return `${home}/`
  if (value.startsWith('~/')) return home + value.slice(1)
  if (value.startsWith('~')) throw refusal('configTildeUser', { ...at, path: value })
  return value
}

/** A `Host` line's literal name: no wildcard, no negation (those are patterns, not hosts). */
export interface SshConfigAlias {
  alias: string
  file: string
  line: number
}

/**
 * The host names written on `Host` lines, in the order ssh reads them (Includes followed where
 * they stand), without patterns: what a user can pick to import. The same line reader as
 * readOpenSshConfig, so a file ssh refuses is refused here too (Refused → its refusal).
 */
export function listHostAliases(
  files: readonly string[],
  env: SshEnvironment,
): { aliases: SshConfigAlias[]; refusal?: SshConfigRefusal } {
  const reader = new Reader(env, '')
  const aliases: SshConfigAlias[] = []
  const seen = new Set<string>()
  const visit = (file: string, depth: number, from?: { file: string; line: number }): void => {
    for (const line of reader.lines(file, from) ?? []) {
      if (line.keyword === 'host') {
        for (const alias of line.args) {
          if (/[*?!]/.test(alias) || seen.has(alias)) continue
          seen.add(alias)
          aliases.push({ alias, file, line: line.line })
        }
      } else if (line.keyword === 'include') {
        if (depth + 1 > MAX_INCLUDE_DEPTH)
          throw refusal('configIncludeLoop', { file, line: line.line, depth: MAX_INCLUDE_DEPTH })
        for (const pattern of line.args) {
          for (const included of glob(includePath(pattern), env)) visit(included, depth + 1, line)
        }
      }
    }
  }
  try {
    for (const file of files) visit(file, 0)
    return { aliases }
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return { aliases, refusal: error.refusal }
  }
}

/** The options, then the values ssh computes from them (defaults, expansions). */
export function readOpenSshConfig(
  files: readonly string[],
  alias: string,
  env: SshEnvironment,
  preset: SshPreset = {},
): OpenSshHost {
  const options: Options = {
    identityFiles: [...(preset.identityFiles ?? [])],
    certificateFiles: [],
    localForwards: [],
    wantFinal: false,
    applied: new Map(),
    unknownKeywords: [],
    origin: new Map(),
    ...(preset.port !== undefined ? { port: preset.port } : {}),
    ...(preset.user !== undefined ? { user: preset.user } : {}),
  }
  const reader = new Reader(env, alias)
  try {
    for (const file of files)
      reader.readFile(file, options, { host: alias, final: false }, { active: true, neverMatch: false }, 0)
    let host =
      options.hostname !== undefined
        ? expandTokens(
            options.hostname,
            { h: alias },
            options.origin.get('hostname') ?? { file: '', line: 0 },
          )
        : alias
    if (!isAddress(host)) host = host.toLowerCase()
    if (options.wantFinal) {
      options.hostname = host
      for (const file of files)
        reader.readFile(file, options, { host, final: true }, { active: true, neverMatch: false }, 0)
    }
    return finish(alias, host, options, env)
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    // Nothing of a refused host is used: its values are shown unexpanded.
    const bare = finish(alias, alias.toLowerCase(), options, env, false)
    return { ...bare, refusal: error.refusal }
  }
}

function finish(
  alias: string,
  host: string,
  options: Options,
  env: SshEnvironment,
  expand = true,
): OpenSshHost {
  const port = options.port ?? 22
  const user = options.user ?? env.localUser
  const thisHost = env.thisHost
  const tokens: Record<string, string> = {
    C: createHash('sha1').update(`${thisHost}${host}${port}${user}`).digest('hex'),
    L: thisHost.split('.')[0] ?? thisHost,
    i: String(env.uid),
    k: options.hostKeyAlias ?? alias,
    l: thisHost,
    n: alias,
    p: String(port),
    d: env.home,
    h: host,
    r: user,
    u: env.localUser,
  }
  const expandPath = (value: string, origin: { file: string; line: number; keyword: string }) =>
    expand
      ? expandEnv(expandTokens(expandTilde(value, env.home, origin), tokens, origin), env.env, origin)
      : value
  const defaultIdentityFiles = options.identityFiles.length === 0
  const identityFilesRaw = defaultIdentityFiles ? [...OPENSSH_DEFAULT_IDENTITY_FILES] : options.identityFiles
  const fileOrigin = (key: string) => options.origin.get(key) ?? { file: '(default)', line: 0, keyword: key }
  const userKnown = options.userKnownHostsFiles ?? [...OPENSSH_DEFAULT_USER_KNOWN_HOSTS]
  const result: OpenSshHost = {
    alias,
    hostname: host,
    port,
    user,
    identityFilesRaw,
    identityFiles: identityFilesRaw.map((file) => expandPath(file, fileOrigin(`identityfile:${file}`))),
    defaultIdentityFiles,
    certificateFiles: options.certificateFiles.map((file) =>
      expandPath(file, fileOrigin(`certificatefile:${file}`)),
    ),
    identitiesOnly: options.identitiesOnly ?? false,
    userKnownHostsFiles:
      userKnown.length === 1 && userKnown[0]!.toLowerCase() === 'none'
        ? []
        : userKnown.map((file) => expandPath(file, fileOrigin('userknownhostsfile'))),
    userKnownHostsSet: options.userKnownHostsFiles !== undefined,
    globalKnownHostsFiles: (options.globalKnownHostsFiles ?? [...OPENSSH_DEFAULT_GLOBAL_KNOWN_HOSTS]).filter(
      (file) => file.toLowerCase() !== 'none',
    ),
    globalKnownHostsSet: options.globalKnownHostsFiles !== undefined,
    strictHostKeyChecking: options.strictHostKeyChecking ?? 'ask',
    localForwards: options.localForwards,
    applied: options.applied,
    unknownKeywords: options.unknownKeywords,
  }
  const agent = options.identityAgent
  if (agent !== undefined) {
    // "none" and "SSH_AUTH_SOCK" are words, not paths.
    result.identityAgent =
      agent === 'none' || agent === 'SSH_AUTH_SOCK' ? agent : expandPath(agent, fileOrigin('identityagent'))
  }
  if (options.proxyJump !== undefined && options.proxyJump.toLowerCase() !== 'none')
    result.proxyJump = options.proxyJump
  if (options.proxyCommand !== undefined && options.proxyCommand.toLowerCase() !== 'none')
    result.proxyCommand = options.proxyCommand
  return result
}
