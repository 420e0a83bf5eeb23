import { EventEmitter } from 'node:events'
import net from 'node:net'
import {
  Client,
  type AnyAuthMethod,
  type ClientChannel,
  type ConnectConfig,
  type PseudoTtyOptions,
} from 'ssh2'
import type { ResolvedHost } from '../../../shared/contract'
import { ApiError, stepFields, type ApiErrorData } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import { hostStatusMessage } from '../../../shared/messages/host-status'
import type { HostKeyPrompt, HostState, HostStatus, PassphrasePrompt } from '../../../shared/hosts'
import type { KeyStore } from './auth'
import {
  appendKnownHost,
  fingerprint,
  hostKeyAlgorithmsFor,
  keyTypeOf,
  lookupHost,
  readKnownHosts,
  type HostKeyVerdict,
  type KnownHostsFile,
} from './known-hosts'
import { sshMessage, type SshText, type SshTextParams } from '../../../shared/ssh-texts'
import { EXEC_SLOTS, INTERACTIVE_SLOTS, Slots, type Release } from './slots'

/**
 * One ssh2 connection to one hypervisor, shared by every command, stream and console (sshd's
 * MaxSessions permitting, see slots.ts). It reconnects by itself after a network loss, with backoff,
 * but never after a refused key or a host-key problem: those wait for the user (fail2ban bans after
 * 6 failures; a changed key may be an attack).
 */

export interface ConnectionOptions {
  host: ResolvedHost
  /** The user's known_hosts files (accepted keys are appended to the first), then read-only global files. */
  knownHostsFiles: readonly string[]
  globalKnownHostsFiles: readonly string[]
  keys: KeyStore
  onState(state: HostState): void
  onHostKeyPrompt(prompt: HostKeyPrompt): void
  onPassphrasePrompt(prompt: PassphrasePrompt): void
  readyTimeoutMs?: number
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  /** Reconnect delays in ms; the last one repeats. */
  backoffMs?: readonly number[]
}

type NotConnectedCode =
  `sshErrors.notConnected${'' | 'Offline' | 'NoKey' | 'AuthFailed' | 'Passphrase' | 'KeyUnknown' | 'KeyChanged' | 'Unsupported'}`
/** One sentence per status, each with what to do (the status's words put inside "is not connected" read twice). */
const NOT_CONNECTED: Record<HostStatus, [text: NotConnectedCode, hint: Message]> = {
  idle: ['sshErrors.notConnected', msg('sshErrors.notConnectedHint')],
  // connecting has its own sentence (connectTimedOut) in unavailableError; online without a client
  // is the moment between the state and the client's 'ready'.
  connecting: ['sshErrors.notConnected', msg('sshErrors.notConnectedHint')],
  online: ['sshErrors.notConnected', msg('sshErrors.notConnectedHint')],
  offline: ['sshErrors.notConnectedOffline', msg('sshTexts.offlineHint')],
  'no-key': ['sshErrors.notConnectedNoKey', msg('sshTexts.authNoKeyHint')],
  'auth-failed': ['sshErrors.notConnectedAuthFailed', msg('sshErrors.notConnectedAuthFailedHint')],
  'passphrase-needed': ['sshErrors.notConnectedPassphrase', msg('sshErrors.notConnectedPassphraseHint')],
  'key-unknown': ['sshErrors.notConnectedKeyUnknown', msg('sshErrors.notConnectedKeyUnknownHint')],
  'key-changed': ['sshErrors.notConnectedKeyChanged', msg('sshErrors.notConnectedKeyChangedHint')],
  unsupported: ['sshErrors.notConnectedUnsupported', msg('sshErrors.notConnectedUnsupportedHint')],
}

/** Why a call finds its host without a connection, when the state carries no error of its own. */
export function notConnectedError(host: string, status: HostStatus): ApiError {
  const [text, hint] = NOT_CONNECTED[status]
  return ApiError.of('host.offline', msg(text, { host }), { host, hint })
}

const DEFAULT_BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000]

/**
 * While the host refuses connections (it answers, sshd does not listen: an sshd restart, a reboot's
 * last seconds), a bare TCP connect every DOOR_POLL_MS finds the moment sshd listens again; that very
 * socket then carries the SSH handshake, so sshd never sees a connection closed before its banner
 * (fail2ban's ddos mode counts those). A refused connect is a SYN answered by a RST: nothing runs on
 * the host. The backoff's own attempts go on beside it; after DOOR_WATCH_MAX_MS of refusals only they do.
 */
// A poll every 200 ms: sshd back is seen 100 ms later on average. At 500 ms the app came back 1.53x
// as late as a new ssh run by hand (recovery bench, quiet machine); a refused SYN costs the host nothing.
const DOOR_POLL_MS = 200
const DOOR_WATCH_MAX_MS = 10 * 60 * 1000

/** Counters for diagnostics and for the tests that prove "tried once only". */
export interface ConnectionStats {
  connectAttempts: number
  /** Public keys offered to the server (each counts as one failure for fail2ban if refused). */
  keyOffers: number
  lastConnectMs?: number
  /** This side's TCP port: lets a test (or an admin) find the sshd process serving the connection. */
  localPort?: number
}

// Statuses after which only the user may try again.
export const WAITS_FOR_USER: readonly HostStatus[] = [
  'no-key',
  'auth-failed',
  'passphrase-needed',
  'key-unknown',
  'key-changed',
  'unsupported',
]

export class HostConnection {
  readonly stats: ConnectionStats = { connectAttempts: 0, keyOffers: 0 }
  private state: HostState
  private client: Client | undefined
  private retryTimer: NodeJS.Timeout | undefined
  /** The door watch (see DOOR_POLL_MS): its next poll, its socket in flight, when refusals began. */
  private doorTimer: NodeJS.Timeout | undefined
  private doorSocket: net.Socket | undefined
  private refusedSince: number | undefined
  private failuresInARow = 0
  private pendingHostKey: Buffer | undefined
  /** known_hosts lines not used (OpenSSH ignores them too), shown with the host's state. */
  private knownHostsSkipped: KnownHostsFile['skipped'] = []
  private readonly changes = new EventEmitter()
  private readonly execSlots = new Slots(EXEC_SLOTS)
  private readonly interactiveSlots = new Slots(INTERACTIVE_SLOTS)
  private closed = false

  constructor(private readonly options: ConnectionOptions) {
    this.state = { name: options.host.name, target: targetOf(options.host), status: 'idle', since: now() }
    this.changes.setMaxListeners(200)
  }

  get name(): string {
    return this.options.host.name
  }
  get host(): ResolvedHost {
    return this.options.host
  }
  /** Where accepted keys go: the first user known_hosts file, as with ssh. */
  get knownHostsFile(): string {
    return this.options.knownHostsFiles[0] ?? ''
  }
  get knownHostsFiles(): readonly string[] {
    return this.options.knownHostsFiles
  }
  get globalKnownHostsFiles(): readonly string[] {
    return this.options.globalKnownHostsFiles
  }
  get current(): HostState {
    return this.state
  }
  get status(): HostStatus {
    return this.state.status
  }
  get slotUse(): { exec: number; queued: number; interactive: number } {
    return {
      exec: this.execSlots.inUse,
      queued: this.execSlots.queued,
      interactive: this.interactiveSlots.inUse,
    }
  }

  /** Connects unless already online or connecting. Also the user's explicit retry. */
  connect(): void {
    if (this.closed) return
    if (this.state.status === 'online' || this.state.status === 'connecting') return
    this.clearRetry()
    this.attempt()
  }

  /** Closes and stays idle until connect(). */
  disconnect(): void {
    this.clearRetry()
    const client = this.client
    this.client = undefined
    client?.end()
    this.setState({ status: 'idle' })
  }

  /** Closes for good (config change or core shutdown). */
  close(): Promise<void> {
    this.closed = true
    this.clearRetry()
    const client = this.client
    this.client = undefined
    this.changes.emit('change')
    if (!client) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        client.destroy()
        resolve()
      }, 2000)
      client.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      client.end()
    })
  }

  /** Saves the key the host offered, if it is still the one the user saw, then connects. */
  acceptHostKey(expectedFingerprint: string): void {
    const key = this.pendingHostKey
    if (!key || this.state.status !== 'key-unknown') {
      throw ApiError.of(
        'host.no-key-to-accept',
        msg('sshErrors.noKeyToAccept', { host: this.name, status: hostStatusMessage(this.state.status) }),
        { host: this.name },
      )
    }
    const offered = fingerprint(key)
    if (offered !== expectedFingerprint) {
      throw ApiError.of(
        'host.key-mismatch',
        msg('sshErrors.keyMismatch', { host: this.name, offered, expected: expectedFingerprint }),
        { host: this.name, hint: msg('sshErrors.keyMismatchHint') },
      )
    }
    appendKnownHost(this.knownHostsFile, this.host.hostname, this.host.port, key)
    this.pendingHostKey = undefined
    this.attempt()
  }

  /** Resolves once online; fails at once with the reason when the host is not reachable now. */
  whenOnline(timeoutMs = (this.options.readyTimeoutMs ?? 15000) + 2000): Promise<Client> {
    return new Promise((resolve, reject) => {
      const settle = (timedOut: boolean) => {
        const client = this.client
        if (this.state.status === 'online' && client) {
          finish()
          resolve(client)
        } else if (timedOut || this.closed || this.state.status !== 'connecting') {
          finish()
          reject(this.unavailableError())
        }
      }
      const onChange = () => settle(false)
      const timer = setTimeout(() => settle(true), timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        this.changes.off('change', onChange)
      }
      this.changes.on('change', onChange)
      settle(false)
    })
  }

  /**
   * Opens an exec channel when a slot is free (queued in order under MaxSessions). The slot is given
   * back when the channel closes. `urgent` jumps the queue (used to kill a cancelled command).
   */
  async exec(command: string, signal?: AbortSignal, urgent = false): Promise<ClientChannel> {
    const client = await this.whenOnline()
    const release = await this.execSlots.acquire(signal, urgent)
    for (let attempt = 0; ; attempt++) {
      try {
        const channel = await openExec(client, command)
        channel.once('close', release)
        return channel
      } catch (error) {
        // ssh2 reports a channel closed when it gets the server's CLOSE, a moment before sshd frees
        // that session: at the MaxSessions limit the next open can be refused. Wait and try again.
        const refused =
          (error as { reason?: number }).reason === 1 || /open failed/.test((error as Error).message)
        const delay = SESSION_REFUSED_RETRY_MS[attempt]
        if (!refused || delay === undefined || this.client !== client || signal?.aborted) {
          release()
          throw this.channelError(error as Error)
        }
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  /**
   * A slot for a terminal or console, outside the command queue. Throws when both are in use, so the
   * UI can say so instead of waiting.
   */
  async reserveInteractive(): Promise<{ client: Client; release: Release }> {
    const client = await this.whenOnline()
    const release = this.interactiveSlots.tryAcquire()
    if (!release) {
      throw ApiError.of('host.busy', msg('sshErrors.busy', { host: this.name, count: INTERACTIVE_SLOTS }), {
        host: this.name,
        hint: msg('sshErrors.busyHint'),
      })
    }
    return { client, release }
  }

  /** A TCP connection made by the host (direct-tcpip): not a session, so it takes no slot. */
  async forwardOut(toHost: string, toPort: number): Promise<ClientChannel> {
    const client = await this.whenOnline()
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, toHost, toPort, (error, channel) =>
        error ? reject(error) : resolve(channel),
      )
    })
  }

  /**
   * After a sleep or a suspected network change: an online connection must answer within 5 s or is
   * dropped (and reconnected); an offline one is retried now.
   */
  probe(): void {
    if (this.closed) return
    if (this.state.status === 'offline') {
      this.clearRetry()
      this.failuresInARow = 0
      this.attempt()
      return
    }
    const client = this.client
    if (this.state.status !== 'online' || !client) return
    const timer = setTimeout(() => client.destroy(), 5000)
    this.exec('true').then(
      (channel) => {
        channel.once('close', () => clearTimeout(timer))
        channel.end()
      },
      () => {
        clearTimeout(timer)
        client.destroy()
      },
    )
  }

  // Over ~80 lines on purpose: ssh2's callbacks share one attempt's state (fail2ban).
  private attempt(connected?: net.Socket): void {
    this.stopDoorWatch()
    if (this.closed) {
      connected?.destroy()
      return
    }
    const host = this.host
    this.client?.end()
    this.client = undefined
    if (host.refusal) {
      // ~/.ssh/config says something the app will not do or cannot read: never contact the host.
      this.setState({ status: 'unsupported', error: { ...host.refusal, host: this.name } })
      return
    }
    if (host.proxyJump) {
      this.setState({
        status: 'unsupported',
        error: this.textError('host.unsupported-config', 'proxyJump', 'proxyJumpHint', {
          host: this.name,
          jump: host.proxyJump,
        }),
      })
      return
    }
    const plan = this.options.keys.plan(host)
    if (plan.methods.length === 0) {
      if (plan.locked.length > 0) return this.askPassphrase(plan.locked)
      // Nothing to offer: the host refused nothing, so this is not "key refused".
      return this.noKey('authNoKey', 'authNoKeyHint', plan.problems)
    }

    const known = readKnownHosts([...this.options.knownHostsFiles, ...this.options.globalKnownHostsFiles])
    this.knownHostsSkipped = known.skipped
    const lookup = lookupHost(known.entries, host.hostname, host.port)
    let hostKeyProblem: { verdict: HostKeyVerdict; key: Buffer } | undefined
    let hostKeyFailure: { key: Buffer; error: string } | undefined
    // The key known_hosts vouched for: shown in the host view, to compare with the host's console.
    let verifiedKey: HostState['hostKey']
    let lastError: (Error & { level?: string }) | undefined
    let ready = false
    // Set once the first key is offered: from then on, a connection that ends before 'ready' is an
    // authentication failure (sshd's "Too many authentication failures" is a disconnect), never
    // retried by the app: fail2ban counts every refused key.
    const offersBefore = this.stats.keyOffers
    let authStarted = false
    const startedAt = performance.now()

    // What known_hosts says of the key the host presents: true lets the handshake go on.
    const checkKey = (key: Buffer): boolean => {
      const verdict = lookup.verify(key)
      if (verdict.kind === 'known') {
        verifiedKey = { type: keyTypeOf(key), fingerprint: fingerprint(key) }
        return true
      }
      // StrictHostKeyChecking accept-new (or no) in ~/.ssh/config: a new key is kept, as ssh does.
      // A changed or revoked key is refused whatever the setting.
      const strict = host.strictHostKeyChecking
      if (verdict.kind === 'unknown' && (strict === 'accept-new' || strict === 'no') && this.knownHostsFile) {
        appendKnownHost(this.knownHostsFile, host.hostname, host.port, key)
        verifiedKey = { type: keyTypeOf(key), fingerprint: fingerprint(key) }
        return true
      }
      hostKeyProblem = { verdict, key }
      return false
    }

    const client = new Client()
    this.client = client
    this.stats.connectAttempts++
    this.setState({ status: 'connecting' })

    const methods = [...plan.methods]
    // Our own socket, so its local port is known (and a ProxyJump channel could stand in for it later);
    // the door watch's socket when it just found sshd listening again.
    const socket = connected ?? net.connect({ host: host.hostname, port: host.port })
    // Keystrokes in consoles are tiny writes: without this, Nagle holds each until the last is
    // acknowledged, one more round trip per key (OpenSSH sets it for interactive sessions too).
    socket.setNoDelay(true)
    if (connected) this.stats.localPort = socket.localPort
    else
      socket.once('connect', () => {
        this.stats.localPort = socket.localPort
      })
    const config: ConnectConfig = {
      sock: socket,
      host: host.hostname,
      port: host.port,
      username: host.user,
      readyTimeout: this.options.readyTimeoutMs ?? 15000,
      keepaliveInterval: this.options.keepaliveIntervalMs ?? 5000,
      keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
      // Each method is tried once, in order; then the connection fails (no retry).
      authHandler: (_left, _partial, next) => {
        authStarted = true
        next((methods.shift() ?? false) as AnyAuthMethod)
      },
      // A throw in here (a known_hosts file that cannot be written) would end the handshake as a
      // network error, shown as "offline" and retried: it is a host key problem, said as such.
      hostVerifier: (key: Buffer) => {
        try {
          return checkKey(key)
        } catch (error) {
          hostKeyFailure = { key, error: error instanceof Error ? error.message : String(error) }
          return false
        }
      },
      debug: (message: string) => {
        if (message.includes('USERAUTH_REQUEST (publickey -- check)')) this.stats.keyOffers++
      },
    }
    const algorithms = hostKeyAlgorithmsFor(lookup.knownTypes)
    if (algorithms.length > 0)
      config.algorithms = {
        serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
      }

    client.on('ready', () => {
      if (this.client !== client) return
      ready = true
      this.failuresInARow = 0
      this.refusedSince = undefined
      this.stats.lastConnectMs = Math.round(performance.now() - startedAt)
      this.setState({
        status: 'online',
        connectMs: this.stats.lastConnectMs,
        ...(verifiedKey ? { hostKey: verifiedKey } : {}),
      })
    })
    client.on('error', (error: Error & { level?: string }) => {
      lastError = error
    })
    client.on('close', () => {
      if (this.client !== client) return
      this.client = undefined
      if (this.closed) return
      if (hostKeyProblem) return this.refuseHostKey(hostKeyProblem.verdict, hostKeyProblem.key)
      if (hostKeyFailure) return this.hostKeyCheckFailed(hostKeyFailure.key, hostKeyFailure.error)
      const offers = this.stats.keyOffers - offersBefore
      const refused = lastError?.level === 'client-authentication'
      if (!ready && (refused || (authStarted && offers > 0))) {
        if (refused && plan.locked.length > 0) return this.askPassphrase(plan.locked)
        const agentKeys = plan.agentKeys() ?? 0
        // The agent held no key and no identity file was usable: nothing was offered, nothing refused.
        if (refused && offers === 0) return this.noKey('authAgentEmpty', 'authAgentEmptyHint', plan.problems)
        const params = {
          user: host.user,
          hostname: host.hostname,
          host: this.name,
          offers,
          agentKeys,
          reason: lastError?.message ?? 'connection closed',
        }
        this.setState({
          status: 'auth-failed',
          error: this.textError(
            'host.auth-failed',
            refused ? 'authRefused' : 'authDisconnected',
            agentKeys > 1 && !host.identitiesOnly ? 'authManyKeysHint' : 'authHint',
            params,
          ),
        })
        return
      }
      const reason: NetworkReason = lastError ? describeNetworkError(lastError) : { text: 'reasonClosed' }
      this.goOffline(ready ? 'offlineLost' : 'offlineUnreachable', reason)
      if (!ready && (lastError as { code?: string } | undefined)?.code === 'ECONNREFUSED') this.watchDoor()
      else this.refusedSince = undefined
    })
    client.connect(config)
  }

  private refuseHostKey(verdict: HostKeyVerdict, key: Buffer): void {
    const hostKey = { type: keyTypeOf(key), fingerprint: fingerprint(key) }
    const where = `${this.host.hostname}:${this.host.port}`
    if (verdict.kind === 'unknown' && this.host.strictHostKeyChecking === 'yes') {
      // StrictHostKeyChecking yes: ssh would refuse without asking; so does the app.
      this.setState({
        status: 'key-unknown',
        hostKey,
        error: this.textError('host.key-unknown', 'keyUnknownStrict', 'keyUnknownStrictHint', {
          host: this.name,
          where,
          file: this.knownHostsFile,
          ...hostKey,
        }),
      })
      return
    }
    if (verdict.kind === 'unknown') {
      this.pendingHostKey = key
      this.setState({
        status: 'key-unknown',
        hostKey,
        error: this.textError('host.key-unknown', 'keyUnknown', 'keyUnknownHint', {
          host: this.name,
          where,
          ...hostKey,
          shortType: hostKey.type.replace(/^ssh-/, '').replace(/-.*/, ''),
        }),
      })
      this.options.onHostKeyPrompt({
        host: this.name,
        hostname: this.host.hostname,
        port: this.host.port,
        ...hostKey,
      })
      return
    }
    if (verdict.kind === 'revoked') {
      this.setState({
        status: 'key-changed',
        hostKey,
        error: this.textError('host.key-revoked', 'keyRevoked', 'keyRevokedHint', {
          host: this.name,
          where,
          ...hostKey,
          file: verdict.file,
          line: verdict.line,
        }),
      })
      return
    }
    if (verdict.kind === 'changed') {
      this.setState({
        status: 'key-changed',
        hostKey,
        knownFingerprints: verdict.knownFingerprints,
        error: this.textError(
          'host.key-changed',
          'keyChanged',
          this.host.strictHostKeyChecking === 'no' ? 'keyChangedStrictNoHint' : 'keyChangedHint',
          {
            host: this.name,
            where,
            ...hostKey,
            known: verdict.knownFingerprints.join(', '),
            name: this.host.port === 22 ? this.host.hostname : `'[${this.host.hostname}]:${this.host.port}'`,
            file: this.knownHostsFile,
          },
        ),
      })
    }
  }

  /** The host key could not be checked or kept: a host key problem, never retried by itself. */
  private hostKeyCheckFailed(key: Buffer, error: string): void {
    const hostKey = { type: keyTypeOf(key), fingerprint: fingerprint(key) }
    this.setState({
      status: 'key-unknown',
      hostKey,
      error: this.textError('host.key-check-failed', 'keyCheckFailed', 'keyCheckFailedHint', {
        host: this.name,
        where: `${this.host.hostname}:${this.host.port}`,
        file: this.knownHostsFile,
        error,
        ...hostKey,
      }),
    })
  }

  private askPassphrase(locked: readonly string[]): void {
    this.setState({
      status: 'passphrase-needed',
      lockedKeys: [...locked],
      error: this.textError('host.passphrase-needed', 'passphraseNeeded', 'passphraseHint', {
        keys: locked.join(', '),
      }),
    })
    for (const keyPath of locked) this.options.onPassphrasePrompt({ host: this.name, keyPath })
  }

  /** No key was offered: waits for the user to set one (never retried, like a refusal). */
  private noKey(text: SshText, hintText: SshText, problems: readonly string[]): void {
    this.setState({
      status: 'no-key',
      error: this.textError('host.no-key', text, hintText, {
        host: this.name,
        problems: problems.length ? ` (${problems.join('; ')})` : '',
      }),
    })
  }

  private goOffline(message: 'offlineLost' | 'offlineUnreachable', reason: NetworkReason): void {
    const delays = this.options.backoffMs ?? DEFAULT_BACKOFF_MS
    const base = delays[Math.min(this.failuresInARow, delays.length - 1)] ?? 30000
    this.failuresInARow++
    const delay = Math.round(base * (1 + Math.random() * 0.2))
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (this.state.status === 'offline') this.attempt()
    }, delay)
    this.retryTimer.unref?.()
    this.setState({
      status: 'offline',
      retryAt: new Date(Date.now() + delay).toISOString(),
      error: this.offlineError(message, reason),
    })
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.stopDoorWatch()
  }

  /** Polls the host's SSH port while it refuses connections, and connects the moment it accepts one. */
  private watchDoor(): void {
    this.refusedSince ??= Date.now()
    if (Date.now() - this.refusedSince > DOOR_WATCH_MAX_MS) return
    const poll = () => {
      this.doorTimer = undefined
      if (this.closed || this.state.status !== 'offline') return
      const socket = net.connect({ host: this.host.hostname, port: this.host.port })
      this.doorSocket = socket
      socket.once('connect', () => {
        socket.removeAllListeners('error')
        if (this.doorSocket !== socket || this.state.status !== 'offline') return void socket.destroy()
        this.doorSocket = undefined
        this.clearRetry()
        this.attempt(socket)
      })
      socket.once('error', (error: Error & { code?: string }) => {
        socket.destroy()
        if (this.doorSocket !== socket) return
        this.doorSocket = undefined
        // Anything but a refusal (no route, a timeout): the host itself is away; the backoff goes on.
        if (error.code === 'ECONNREFUSED') this.watchDoor()
        else this.refusedSince = undefined
      })
    }
    this.doorTimer = setTimeout(poll, DOOR_POLL_MS)
    this.doorTimer.unref?.()
  }

  private stopDoorWatch(): void {
    if (this.doorTimer) clearTimeout(this.doorTimer)
    this.doorTimer = undefined
    this.doorSocket?.destroy()
    this.doorSocket = undefined
  }

  private setState(change: Partial<HostState> & { status: HostStatus }): void {
    // Each state says everything about itself: nothing carries over except the doctor's report.
    const next: HostState = {
      name: this.name,
      target: targetOf(this.host),
      since: change.status === this.state.status ? this.state.since : now(),
      ...(this.state.doctor ? { doctor: this.state.doctor } : {}),
      ...(this.knownHostsSkipped.length > 0
        ? {
            knownHostsWarnings: this.knownHostsSkipped.map((skip) => ({
              file: skip.file,
              line: skip.line,
              reason: skip.reason,
              reasonText: skip.reasonText,
              params: skip.params,
            })),
          }
        : {}),
      ...change,
    }
    this.state = next
    this.changes.emit('change')
    this.options.onState(next)
  }

  /** Keeps the doctor's report with the state, so one hosts.state event tells the UI everything. */
  setDoctor(report: HostState['doctor']): void {
    if (!report) return
    this.state = { ...this.state, doctor: report }
    this.options.onState(this.state)
  }

  private error(code: string, message: string, hint: string): ApiErrorData {
    return { code, message, host: this.name, ...stepFields(msg('errorSteps.connect')), hint }
  }

  /**
   * Offline, and why: the reason's key goes in `details.reasonText` (the window translates it); what
   * the SSH library said in its own words stays English, in the logs' sentence and as the detail.
   */
  private offlineError(message: 'offlineLost' | 'offlineUnreachable', reason: NetworkReason): ApiErrorData {
    const error = this.textError('host.offline', message, 'offlineHint', {
      host: this.name,
      reason: reason.said ?? sshMessage(reason.text),
    })
    return {
      ...error,
      details: { ...error.details, reasonText: reason.text, ...(reason.said ? { said: reason.said } : {}) },
      // Passed on (the inventory's last read, a call to this host), the reason stays translatable.
      text: withDetail(
        msg(message === 'offlineLost' ? 'sshErrors.offlineLost' : 'sshErrors.offlineUnreachable', {
          host: this.name,
          reason: { code: `sshTexts.${reason.text}` },
        }),
        reason.said,
      ),
    }
  }

  /** An error whose sentences the window shows in its language (shared/ssh-texts.ts). */
  private textError(code: string, text: SshText, hintText: SshText, params: SshTextParams): ApiErrorData {
    return {
      ...this.error(code, sshMessage(text, params), sshMessage(hintText, params)),
      details: { text, hintText, params },
      // The same sentences as messages: an error passed on (a call to this host) keeps its language.
      text: { code: `sshTexts.${text}`, params },
      hintText: { code: `sshTexts.${hintText}`, params },
    }
  }

  private unavailableError(): ApiError {
    const state = this.state
    const host = this.name
    if (this.closed) return ApiError.of('host.offline', msg('sshErrors.closing', { host }), { host })
    if (state.status === 'connecting')
      return ApiError.of('host.offline', msg('sshErrors.connectTimedOut', { host }), {
        host,
        hint: msg('sshErrors.connectTimedOutHint'),
      })
    // The state's own error: a host key problem, a refused key, why it is offline.
    if (state.error) return ApiError.from(state.error)
    return notConnectedError(host, state.status)
  }

  private channelError(error: Error): ApiError {
    return ApiError.of(
      'host.channel-failed',
      withDetail(msg('sshErrors.channelFailed', { host: this.name }), error.message),
      {
        host: this.name,
        hint: msg(
          WAITS_FOR_USER.includes(this.state.status) ? 'sshErrors.connectAgainHint' : 'sshErrors.droppedHint',
        ),
      },
    )
  }
}

// Retries when sshd refuses a session at its limit: about 1.5 s in all.
const SESSION_REFUSED_RETRY_MS = [20, 50, 100, 200, 400, 800]

/** An exec channel on the connection, with a pty when given (consoles). */
export function openExec(client: Client, command: string, pty?: PseudoTtyOptions): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      const callback = (error: Error | undefined, channel: ClientChannel) =>
        error ? reject(error) : resolve(channel)
      if (pty) client.exec(command, { pty }, callback)
      else client.exec(command, callback)
    } catch (error) {
      // ssh2 throws synchronously when the connection closed a moment ago.
      reject(error as Error)
    }
  })
}

function targetOf(host: ResolvedHost): string {
  return `${host.user}@${host.hostname}:${host.port}`
}

function now(): string {
  return new Date().toISOString()
}

/**
 * Why a connection failed, as a text the window translates; what the SSH library said in its own
 * words (`said`) when no text names it, shown verbatim.
 */
function describeNetworkError(error: Error & { code?: string; level?: string }): NetworkReason {
  switch (error.code) {
    case 'ECONNREFUSED':
      return { text: 'reasonRefused' }
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { text: 'reasonNoRoute' }
    case 'ETIMEDOUT':
      return { text: 'reasonTcpTimeout' }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: 'reasonNoResolve' }
  }
  if (/keepalive/i.test(error.message)) return { text: 'reasonKeepalive' }
  if (error.level === 'client-timeout') return { text: 'reasonHandshakeTimeout' }
  return { text: 'reasonLibrary', said: error.message }
}
interface NetworkReason {
  text: SshText
  said?: string
}
