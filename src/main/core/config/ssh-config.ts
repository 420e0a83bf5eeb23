import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SSHConfig from 'ssh-config'
import type { ClusterConfig, HostConfig } from '../../../shared/config'
import type { ResolvedHost } from '../../../shared/contract'
import { expandHome } from '../paths'

/**
 * Applies ~/.ssh/config to the cluster's hosts, as OpenSSH users expect. Parsing is done by the
 * maintained `ssh-config` package; this file adds what it leaves out (Include) and decides precedence:
 * a value set on the host in the cluster file > ~/.ssh/config > the cluster file's ssh defaults.
 */

/** Directives the app applies. Anything else found for a host is reported as ignored. */
export const SUPPORTED_DIRECTIVES = [
  'HostName',
  'User',
  'Port',
  'IdentityFile',
  'IdentitiesOnly',
  'IdentityAgent',
  'ProxyJump',
  'Include',
] as const

// Directives that do not change how the app connects, so listing them as "ignored" would be noise.
const HARMLESS_DIRECTIVES = new Set([
  'Host',
  'ServerAliveInterval',
  'ServerAliveCountMax',
  'AddKeysToAgent',
  'ForwardAgent',
  'ForwardX11',
  'Compression',
  'LogLevel',
  'StrictHostKeyChecking',
  'UserKnownHostsFile',
  'HashKnownHosts',
  'ControlMaster',
  'ControlPath',
  'ControlPersist',
  'SendEnv',
  'SetEnv',
  'UseKeychain',
])

const MAX_INCLUDE_DEPTH = 16

/** Reads an ssh_config file with its Include directives inlined (globs in the last path component). */
export function readSshConfigText(file: string, home = os.homedir(), depth = 0): string {
  if (depth > MAX_INCLUDE_DEPTH)
    throw new Error(`ssh config: Include nested deeper than ${MAX_INCLUDE_DEPTH} at ${file}`)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
  return text
    .split(/\r?\n/)
    .map((line) => {
      const match = /^\s*include\s+(.+)$/i.exec(line)
      if (!match?.[1]) return line
      return match[1]
        .trim()
        .split(/\s+/)
        .flatMap((pattern) => expandIncludePattern(pattern, home))
        .map((included) => readSshConfigText(included, home, depth + 1))
        .join('\n')
    })
    .join('\n')
}

function expandIncludePattern(pattern: string, home: string): string[] {
  const absolute = pattern.startsWith('~/')
    ? expandHome(pattern, home)
    : path.isAbsolute(pattern)
      ? pattern
      : path.join(home, '.ssh', pattern)
  const dir = path.dirname(absolute)
  const base = path.basename(absolute)
  if (!/[*?]/.test(base)) return [absolute]
  const regex = new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  )
  try {
    return fs
      .readdirSync(dir)
      .filter((entry) => regex.test(entry))
      .sort()
      .map((entry) => path.join(dir, entry))
  } catch {
    return []
  }
}

type Computed = Record<string, string | string[] | undefined>

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

export function resolveHost(
  host: HostConfig,
  cluster: ClusterConfig,
  sshConfigText: string,
  home = os.homedir(),
): ResolvedHost {
  const useSshConfig = cluster.ssh.useSshConfig && sshConfigText.trim() !== ''
  // Match exec would run commands from the config file: never do that from the app.
  const computed: Computed = useSshConfig
    ? (SSHConfig.parse(sshConfigText).compute(host.address, { matchExec: false }) as Computed)
    : {}
  const fromSshConfig = Object.keys(computed).some((key) => key !== 'Host')

  const configFiles = (
    computed.IdentityFile === undefined ? [] : ([] as string[]).concat(computed.IdentityFile)
  ).map((file) => expandHome(file, home))
  // Order matters: ssh2 tries keys in this order, like ssh tries -i before the config's files.
  const identityFiles = [host.identityFile, ...configFiles, cluster.ssh.identityFile].filter(
    (file): file is string => file !== undefined,
  )

  const portText = single(computed.Port)
  const resolved: ResolvedHost = {
    name: host.name,
    hostname: single(computed.HostName) ?? host.address,
    port: host.port ?? (portText ? Number.parseInt(portText, 10) : 22),
    user: host.user ?? single(computed.User) ?? cluster.ssh.user,
    identityFiles: [...new Set(identityFiles.map((file) => expandHome(file, home)))],
    identitiesOnly: (single(computed.IdentitiesOnly) ?? 'no').toLowerCase() === 'yes',
    fromSshConfig,
    migrationAddress: host.migrationAddress ?? host.address,
    ignoredDirectives: Object.keys(computed).filter(
      (key) => !(SUPPORTED_DIRECTIVES as readonly string[]).includes(key) && !HARMLESS_DIRECTIVES.has(key),
    ),
  }
  const agent = single(computed.IdentityAgent)
  if (agent) resolved.identityAgent = expandHome(agent, home)
  const jump = single(computed.ProxyJump)
  if (jump && jump.toLowerCase() !== 'none') resolved.proxyJump = jump
  if (host.gateway) resolved.gateway = host.gateway
  return resolved
}
