import { StringDecoder } from 'node:string_decoder'
import type { ClientChannel } from 'ssh2'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { HostConnection } from '../ssh/connection'
import { shellQuote } from '../remote/quote'
import { runUrgently } from '../remote/urgent'
import { LEASE_SESSION_PROGRAM } from './lease-session-program'

/**
 * A long-lived Ceph client on one host for the lease's lock calls (take, check, release), kept open
 * like the virsh session (remote/virsh-session.ts). Each `rados` is a new process and a new Ceph
 * client (monitor auth, maps): 120-180 ms a call on the lab, three calls a migration. Through the
 * session a call is one JSON line each way, a few milliseconds; the session costs one open (~0.2 s).
 *
 * It is the host's /usr/bin/python3 running LEASE_SESSION_PROGRAM (sent on stdin) with the `rados`
 * binding, as the same client, conf and keyring as the lease's `rados --id` (cephClientArgv). Where
 * it cannot serve (no python3 or binding, no keyring: `unavailable`), the lease uses the CLI.
 *
 * One Ceph client for the session's life: a lock it took can be renewed (MUST_RENEW) and unlocked
 * only through it. Once it ended (idle, host dropped, killed), the lease reaches such a lock through
 * the CLI by its locker (client.N) and cookie, as before.
 *
 * Faults: a request unanswered within its deadline (the Ceph timeouts first, then REQUEST_GRACE_S)
 * kills the python and closes the session: that request and any queued after it fail; the next call
 * opens a new one. The channel's close (host dropped, sshd killed) fails what is pending at once.
 */

/**
 * A session nobody used this long is closed. Why 30 s: longer than the gaps inside one operation
 * (take, pre-checks, check, the step, release) and between operations a user starts in a row, so
 * they share one Ceph client; short enough not to keep one of the host's SSH exec slots (sshd's
 * MaxSessions, 10 by default, shared with the virsh session, consoles and streams) for minutes after
 * the last one. A lease held longer than that (a
 * long migration) is renewed and released through the CLI or a new session: correct, just slower.
 */
export const IDLE_CLOSE_MS = 30_000
/** Seconds beyond Ceph's own timeouts (which fail a call inside python first) before we give up. */
const REQUEST_GRACE_S = 5
/** After the binding or python3 was found missing on a host, the CLI serves it this long. */
export const UNAVAILABLE_RETRY_MS = 10 * 60_000
/**
 * After a session could not connect to Ceph (keyring, monitors) or answer in time: the CLI meets the
 * same and says so; no new session is tried for this long, so each call does not wait twice.
 */
const FAILED_OPEN_RETRY_MS = 60_000
const PID_MARK = 'HYPERDESK_PID '

export interface LeaseSessionSettings {
  clientId: string
  monitorTimeoutSeconds: number
  pool: string
}

export type LeaseCall =
  | {
      op: 'take' | 'renew' | 'clean'
      name: string
      cookie: string
      tag: string
      desc: string
      duration: number
    }
  | { op: 'list'; name: '*' }
  | { op: 'unlock'; name: string; cookie: string }
  | { op: 'break'; name: string; cookie: string; locker: string }

/** Ceph's answer to one call: done, or refused with an errno (EBUSY 16, ENOENT 2, EEXIST 17…). */
export type LeaseCallAnswer =
  { ok: true; value?: unknown } | { ok: false; errno: number | undefined; error: string }

export type SessionLine =
  | { kind: 'ready'; client: string }
  | { kind: 'fatal'; reason: string; error: string }
  | { kind: 'answer'; id: number; answer: LeaseCallAnswer }

/** One line the program printed, or undefined for anything else (a stray warning). */
export function parseSessionLine(line: string): SessionLine | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!value || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  if (v['ready'] === true && typeof v['client'] === 'string' && /^client\.\d+$/.test(v['client']))
    return { kind: 'ready', client: v['client'] }
  if (typeof v['fatal'] === 'string')
    return { kind: 'fatal', reason: v['fatal'], error: typeof v['error'] === 'string' ? v['error'] : '' }
  if (typeof v['id'] !== 'number') return undefined
  if (v['ok'] === true)
    return {
      kind: 'answer',
      id: v['id'],
      answer: 'value' in v ? { ok: true, value: v['value'] } : { ok: true },
    }
  return {
    kind: 'answer',
    id: v['id'],
    answer: {
      ok: false,
      errno: typeof v['errno'] === 'number' ? v['errno'] : undefined,
      error: typeof v['error'] === 'string' ? v['error'] : '',
    },
  }
}

/** The remote command: our PID on stderr (to kill a hung call), then python reading the program. */
export function leaseSessionCommand(settings: LeaseSessionSettings): string {
  const args = [settings.clientId, String(settings.monitorTimeoutSeconds), settings.pool].map(shellQuote)
  return (
    `printf '${PID_MARK}%d\\n' "$$" >&2; exec /usr/bin/python3 -u -c ` +
    `'import sys,base64;exec(base64.b64decode(sys.stdin.readline()))' ${args.join(' ')}`
  )
}

interface Pending {
  call: LeaseCall
  resolve(answer: LeaseCallAnswer): void
  reject(error: ApiError): void
  timer: NodeJS.Timeout
}

interface Open {
  channel: ClientChannel
  client: string
  key: string
  /** The python's PID on the host (from stderr), to kill a hung call. */
  pid: number | undefined
}

export class LeaseSession {
  private current: Open | undefined
  private opening: Promise<Open> | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private idleTimer: NodeJS.Timeout | undefined
  private unavailableUntil = 0

  constructor(
    readonly host: string,
    private readonly connection: () => HostConnection,
    private readonly settings: () => LeaseSessionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Ceph client (client.N) of the open session, if one is open. */
  get client(): string | undefined {
    return this.current?.client
  }

  /** False while the host is known to lack python3 or the binding (the CLI serves it). */
  get usable(): boolean {
    return this.now() >= this.unavailableUntil
  }

  /**
   * Opens the session if needed (resolves to its client, or throws lease.session-unavailable: use
   * the CLI), then runs one call. A session that ends or stops answering meanwhile throws
   * lease.session-ended / lease.session-timeout with details.locker: the Ceph client the call went
   * through, whose outcome is unknown.
   */
  async call(call: LeaseCall): Promise<{ client: string; answer: LeaseCallAnswer }> {
    clearTimeout(this.idleTimer)
    try {
      const open = await this.open()
      return { client: open.client, answer: await this.send(open, call) }
    } finally {
      this.idleLater()
    }
  }

  /**
   * One call through the open session only if its Ceph client is `client` (the one that took the
   * lock: a renewal or an unlock means something only there); undefined otherwise, never opening one.
   */
  async callAs(client: string, call: LeaseCall): Promise<LeaseCallAnswer | undefined> {
    const open = this.current
    if (!open || open.client !== client) return undefined
    clearTimeout(this.idleTimer)
    try {
      return await this.send(open, call)
    } finally {
      this.idleLater()
    }
  }

  /**
   * Opens the session ahead of its first call (ClusterLease.warm), or keeps an open one from closing
   * for IDLE_CLOSE_MS more. A failed open is what a call's own open would have met: noted, the CLI
   * serves meanwhile (unavailable), and the call that comes says why in its own terms.
   */
  warm(): void {
    if (!this.usable) return
    this.open().then(
      () => this.idleLater(),
      () => undefined,
    )
  }

  private idleLater(): void {
    clearTimeout(this.idleTimer)
    if (this.pending.size > 0 || !this.current) return
    this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS)
    this.idleTimer.unref()
  }

  /** Closes the session (its calls under way fail); the next call opens a new one. */
  close(): void {
    clearTimeout(this.idleTimer)
    const open = this.current
    this.current = undefined
    this.failPending(open, 'ended')
    open?.channel.close()
  }

  private send(open: Open, call: LeaseCall): Promise<LeaseCallAnswer> {
    const id = this.nextId++
    const seconds = this.settings().monitorTimeoutSeconds + REQUEST_GRACE_S
    return new Promise<LeaseCallAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(this.error('timeout', open.client, call, seconds))
        // Whatever it was doing, this client cannot be trusted to answer in order any more.
        this.kill(open)
      }, seconds * 1000)
      this.pending.set(id, { call, resolve, reject, timer })
      try {
        open.channel.write(`${JSON.stringify({ id, object: 'hyperdesk.lease', ...call })}\n`)
      } catch {
        this.pending.delete(id)
        clearTimeout(timer)
        reject(this.error('ended', open.client, call))
      }
    })
  }

  private open(): Promise<Open> {
    const settings = this.settings()
    const key = `${settings.clientId}\n${settings.monitorTimeoutSeconds}\n${settings.pool}`
    // Another pool or client in the cluster file: that session no longer fits.
    if (this.current && this.current.key !== key) this.close()
    if (this.current) return Promise.resolve(this.current)
    if (!this.usable) return Promise.reject(this.unavailable('earlier'))
    this.opening ??= this.start(settings, key).finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private async start(settings: LeaseSessionSettings, key: string): Promise<Open> {
    let channel: ClientChannel
    try {
      channel = await this.connection().exec(leaseSessionCommand(settings))
    } catch (error) {
      // Host offline, no exec slot: the CLI meets the same and says so in its own terms.
      throw this.unavailable(error instanceof Error ? error.message : String(error))
    }
    const openSeconds = 2 * settings.monitorTimeoutSeconds + REQUEST_GRACE_S
    return new Promise<Open>((resolve, reject) => {
      const decoder = new StringDecoder('utf8')
      let buffer = ''
      let stderr = ''
      let open: Open | undefined
      let pid: number | undefined
      const timer = setTimeout(() => {
        fail(`no answer within ${openSeconds} s`)
        this.killChannel(channel, pid)
      }, openSeconds * 1000)
      let failed = false
      const fail = (reason: string, missing = false) => {
        clearTimeout(timer)
        // A fatal line is followed by the exit: the first word is the one that counts.
        if (failed) return
        failed = true
        this.unavailableUntil = this.now() + (missing ? UNAVAILABLE_RETRY_MS : FAILED_OPEN_RETRY_MS)
        reject(this.unavailable(reason))
      }
      channel.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-2000)
        const mark = new RegExp(`^${PID_MARK}(\\d+)$`, 'm').exec(stderr)
        if (mark && pid === undefined) {
          pid = Number(mark[1])
          if (open) open.pid = pid
        }
      })
      channel.on('data', (chunk: Buffer) => {
        buffer += decoder.write(chunk)
        let newline: number
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = parseSessionLine(buffer.slice(0, newline))
          buffer = buffer.slice(newline + 1)
          if (!line) continue
          if (line.kind === 'answer') {
            const pending = this.pending.get(line.id)
            if (!pending) continue
            this.pending.delete(line.id)
            clearTimeout(pending.timer)
            pending.resolve(line.answer)
          } else if (line.kind === 'ready' && !open) {
            clearTimeout(timer)
            open = { channel, client: line.client, key, pid }
            this.current = open
            resolve(open)
          } else if (line.kind === 'fatal') {
            fail(`${line.reason}: ${line.error}`, line.reason === 'no-binding')
          }
        }
      })
      channel.on('close', (code: number | null) => {
        if (!open) {
          // 127: no /usr/bin/python3. Anything else before "ready" is said on stderr.
          const said = stderr.replace(new RegExp(`^${PID_MARK}\\d+\\n?`, 'm'), '').trim()
          fail(said || `exit ${code ?? '?'}`, code === 127)
          return
        }
        if (this.current === open) this.current = undefined
        this.failPending(open, 'ended')
      })
      // The program, once every listener is on: python runs it, connects, and says "ready".
      channel.write(`${Buffer.from(LEASE_SESSION_PROGRAM).toString('base64')}\n`)
    })
  }

  private failPending(open: Open | undefined, why: 'ended'): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id)
      clearTimeout(pending.timer)
      pending.reject(this.error(why, open?.client, pending.call))
    }
  }

  /** A python that does not answer: kill it (its Ceph client with it) and drop the session. */
  private kill(open: Open): void {
    if (this.current === open) this.current = undefined
    this.failPending(open, 'ended')
    this.killChannel(open.channel, open.pid)
  }

  private killChannel(channel: ClientChannel, pid: number | undefined): void {
    if (pid !== undefined && Number.isInteger(pid))
      runUrgently(this.connection, `kill -s KILL ${pid} 2>/dev/null; true`)
    channel.close()
  }

  private unavailable(reason: string): ApiError {
    return ApiError.of(
      'lease.session-unavailable',
      msg('leaseErrors.sessionUnavailable', { host: this.host, reason: reason.slice(0, 300) }),
      { host: this.host, step: msg('errorSteps.clusterLease') },
    )
  }

  private error(
    why: 'ended' | 'timeout',
    client: string | undefined,
    call?: LeaseCall,
    seconds = 0,
  ): ApiError {
    const what = call ? `${call.op} ${call.name}` : '?'
    return ApiError.of(
      why === 'timeout' ? 'lease.session-timeout' : 'lease.session-ended',
      why === 'timeout'
        ? msg('leaseErrors.sessionTimedOut', { host: this.host, call: what, seconds })
        : msg('leaseErrors.sessionEnded', { host: this.host, call: what }),
      {
        host: this.host,
        step: msg('errorSteps.clusterLease'),
        hint: msg('leaseErrors.sessionEndedHint'),
        ...(client ? { details: { locker: client } } : {}),
      },
    )
  }
}
