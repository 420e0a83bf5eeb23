import os from 'node:os'
import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import type { HostKeyPrompt, HostState, PassphrasePrompt } from '../../../shared/hosts'
import {
  OPENSSH_DEFAULT_GLOBAL_KNOWN_HOSTS,
  OPENSSH_DEFAULT_USER_KNOWN_HOSTS,
} from '../config/openssh-config'
import { expandHome } from '../paths'
import { KeyStore } from './auth'
import { HostConnection, WAITS_FOR_USER, type ConnectionOptions } from './connection'

/**
 * Every configured hypervisor's connection, by host name. It follows the cluster file (hosts added,
 * removed or changed), pushes each host's state, and notices when the computer slept: the core has no
 * Electron powerMonitor, so a wall-clock jump between two 5-second ticks stands for "resumed"
 * (the Electron shell could also forward powerMonitor's 'resume' to probe()).
 */

export interface PoolOptions {
  keys?: KeyStore
  home?: string
  globalKnownHostsFiles?: readonly string[]
  onState(state: HostState): void
  onHostKeyPrompt(prompt: HostKeyPrompt): void
  onPassphrasePrompt(prompt: PassphrasePrompt): void
  /** Called each time a host comes online (the doctor runs then). */
  onOnline?(host: string): void
  /** Tuning for tests. */
  connection?: Pick<
    ConnectionOptions,
    'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'backoffMs'
  >
}

export interface PoolSettings {
  hosts: readonly ResolvedHost[]
  knownHostsFile?: string
}

const TICK_MS = 5000
const RESUME_JUMP_MS = 15000

export class HostPool {
  readonly keys: KeyStore
  private readonly connections = new Map<string, HostConnection>()
  private readonly home: string
  private wakeTimer: NodeJS.Timeout | undefined
  private lastTick = Date.now()

  constructor(private readonly options: PoolOptions) {
    this.home = options.home ?? os.homedir()
    this.keys = options.keys ?? new KeyStore(this.home)
  }

  /** Applies a (new) cluster file: unchanged hosts keep their connection, others are replaced. */
  async configure(settings: PoolSettings, connect = true): Promise<void> {
    // ~/.ssh/config's UserKnownHostsFile for the host, else the cluster file's knownHostsFile, else
    // OpenSSH's two defaults. Accepted keys are appended to the first, as ssh does.
    const userFiles = (host: ResolvedHost): string[] =>
      host.userKnownHostsFiles ??
      (settings.knownHostsFile
        ? [expandHome(settings.knownHostsFile, this.home)]
        : OPENSSH_DEFAULT_USER_KNOWN_HOSTS.map((file) => expandHome(file, this.home)))
    const globalFiles = (host: ResolvedHost): readonly string[] =>
      host.globalKnownHostsFiles ?? this.options.globalKnownHostsFiles ?? OPENSSH_DEFAULT_GLOBAL_KNOWN_HOSTS
    const wanted = new Map(settings.hosts.map((host) => [host.name, host]))
    const closing: Promise<void>[] = []
    for (const [name, connection] of this.connections) {
      const host = wanted.get(name)
      if (
        host &&
        sameTarget(howReached(host), howReached(connection.host)) &&
        sameTarget(userFiles(host), connection.knownHostsFiles)
      )
        // The rest (migration address, gateway…) is read from the cluster file where it is used.
        continue
      this.connections.delete(name)
      closing.push(connection.close())
    }
    await Promise.all(closing)
    for (const host of settings.hosts) {
      if (this.connections.has(host.name)) continue
      let wasOnline = false
      const connection = new HostConnection({
        ...this.options.connection,
        host,
        knownHostsFiles: userFiles(host),
        globalKnownHostsFiles: globalFiles(host),
        keys: this.keys,
        onState: (state) => {
          // A replaced connection may still report while closing: only the current one speaks.
          if (this.connections.get(host.name) !== connection) return
          this.options.onState(state)
          const online = state.status === 'online'
          if (online && !wasOnline) this.options.onOnline?.(host.name)
          wasOnline = online
        },
        onHostKeyPrompt: this.options.onHostKeyPrompt,
        onPassphrasePrompt: this.options.onPassphrasePrompt,
      })
      this.connections.set(host.name, connection)
      this.options.onState(connection.current)
    }
    // A host that waits for the user (refused key, unknown host key…) is not tried again because the
    // cluster file changed elsewhere: fail2ban counts every failed authentication.
    if (connect)
      for (const connection of this.connections.values())
        if (!WAITS_FOR_USER.includes(connection.status)) connection.connect()
    this.watchForWake()
  }

  list(): HostState[] {
    return [...this.connections.values()].map((connection) => connection.current)
  }

  get(name: string): HostConnection {
    const connection = this.connections.get(name)
    if (!connection) {
      throw ApiError.of('host.unknown', msg('sshErrors.unknownHost', { host: JSON.stringify(name) }), {
        host: name,
        hint: msg('sshErrors.unknownHostHint'),
      })
    }
    return connection
  }

  /**
   * A NEW connection to a configured host, with the same target, trust and keys as its pooled one but
   * none of its state: it connects once (no retry) when asked and reports to no one. Proves that new
   * SSH connections work, which the pooled, established one cannot (firewall changes). Close it after use.
   */
  separate(name: string, readyTimeoutMs: number): HostConnection {
    const pooled = this.get(name)
    return new HostConnection({
      ...this.options.connection,
      readyTimeoutMs,
      backoffMs: [24 * 3600 * 1000],
      host: pooled.host,
      knownHostsFiles: pooled.knownHostsFiles,
      globalKnownHostsFiles: pooled.globalKnownHostsFiles,
      keys: this.keys,
      onState: () => undefined,
      onHostKeyPrompt: () => undefined,
      onPassphrasePrompt: () => undefined,
    })
  }

  /** Checks every connection now (after a resume from sleep or a network change). */
  probeAll(): void {
    for (const connection of this.connections.values()) connection.probe()
  }

  async close(): Promise<void> {
    if (this.wakeTimer) clearInterval(this.wakeTimer)
    this.wakeTimer = undefined
    const all = [...this.connections.values()]
    this.connections.clear()
    await Promise.all(all.map((connection) => connection.close()))
  }

  private watchForWake(): void {
    if (this.wakeTimer) return
    this.lastTick = Date.now()
    this.wakeTimer = setInterval(() => {
      const nowMs = Date.now()
      if (nowMs - this.lastTick > TICK_MS + RESUME_JUMP_MS) this.probeAll()
      this.lastTick = nowMs
    }, TICK_MS)
    this.wakeTimer.unref?.()
  }
}

/**
 * A host's settings that decide how it is reached over SSH: all of them but those the app only uses
 * once connected, or shows. Changing one of those (say the migration address) keeps the connection,
 * with its consoles, event stream and running commands; a setting not listed here reconnects.
 */
function howReached(host: ResolvedHost): Partial<ResolvedHost> {
  const {
    migrationAddress: _migrationAddress,
    gateway: _gateway,
    ovhServiceName: _ovhServiceName,
    ignoredDirectives: _ignoredDirectives,
    fromSshConfig: _fromSshConfig,
    ...reach
  } = host
  return reach
}

function sameTarget<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
