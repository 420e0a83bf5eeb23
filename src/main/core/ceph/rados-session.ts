import { StringDecoder } from 'node:string_decoder'
import type { ClientChannel } from 'ssh2'
import type { ApiError } from '../../../shared/errors'
import type { HostConnection } from '../ssh/connection'
import { shellQuote } from '../remote/quote'
import { runUrgently } from '../remote/urgent'

/**
 * A long-lived Ceph client on one host: the host's /usr/bin/python3 with the `rados` binding, kept
 * open over SSH like the virsh session (remote/virsh-session.ts). A new `rados`/`ceph` process is a
 * new Ceph client each time (python start, monitor auth, maps; `ceph` also fetches every command's
 * description): 0.1-0.4 s of CPU a call. Through the session a call is one JSON line each way.
 *
 * The one home of that machinery; its users bring their program's own part (RADOS_SESSION_HEAD +
 * their part + RADOS_SESSION_LOOP) and their own error texts: the lease (lease/lease-session.ts,
 * lock calls) and the read-only `ceph` commands (ceph/read-session.ts).
 *
 * Where it cannot serve (no python3 or binding, no keyring: `unavailable`), its user runs the CLI.
 *
 * Faults: a request unanswered within its deadline (the Ceph timeouts first, then REQUEST_GRACE_S)
 * kills the python and closes the session: that request and any queued after it fail; the next call
 * opens a new one. The channel's close (host dropped, sshd killed) fails what is pending at once.
 */

/**
 * A session nobody used this long is closed. Why 30 s: longer than the gaps inside one operation
 * (take, pre-checks, check, the step, release) and between operations a user starts in a row, so
 * they share one Ceph client; longer than the Ceph panel's 15 s refresh, so a shown panel keeps its
 * session; short enough not to keep one of the host's SSH exec slots (sshd's MaxSessions, 10 by
 * default, shared with the virsh session, consoles and streams) for minutes after the last one.
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
export const FAILED_OPEN_RETRY_MS = 60_000
const PID_MARK = 'HYPERDESK_PID '

/**
 * The program's common start: argv[1] the client id, argv[2] the Ceph timeout (s); connects once as
 * that client (/etc/ceph's conf and keyring, as the CLI's `--id` does). `out` prints one JSON line;
 * `Refused(errno, error)` raised by an op is answered as Ceph's refusal.
 */
export const RADOS_SESSION_HEAD = String.raw`
import json, sys

def out(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()

class Refused(Exception):
    def __init__(self, errno, error):
        Exception.__init__(self, error)
        self.errno, self.error = errno, error

try:
    import rados
except Exception as error:
    out({"fatal": "no-binding", "error": str(error)})
    sys.exit(3)

client_id, seconds = sys.argv[1], sys.argv[2]
try:
    cluster = rados.Rados(rados_id=client_id, conf={
        "client_mount_timeout": seconds, "rados_mon_op_timeout": seconds, "rados_osd_op_timeout": seconds})
    cluster.conf_read_file()
    cluster.connect(timeout=int(seconds))
except rados.Error as error:
    out({"fatal": "connect", "errno": getattr(error, "errno", None), "error": str(error)})
    sys.exit(4)
`

/** The program's common end: "ready" with the client, then one answer line per request line (OPS). */
export const RADOS_SESSION_LOOP = String.raw`
out({"ready": True, "client": "client.%d" % cluster.get_instance_id()})
for line in sys.stdin:
    req = {}
    try:
        req = json.loads(line)
        value = OPS[req["op"]](req)
        out({"id": req["id"], "ok": True, **({"value": value} if value is not None else {})})
    except Refused as error:
        out({"id": req.get("id"), "errno": error.errno, "error": error.error})
    except rados.Error as error:
        out({"id": req.get("id"), "errno": getattr(error, "errno", None), "error": str(error)})
    except Exception as error:
        out({"id": req.get("id") if isinstance(req, dict) else None, "errno": None, "error": repr(error)})
cluster.shutdown()
`

/** Ceph's answer to one call: done, or refused with an errno (EBUSY 16, ENOENT 2, EEXIST 17…). */
export type SessionAnswer =
  { ok: true; value?: unknown } | { ok: false; errno: number | undefined; error: string }

export type SessionLine =
  | { kind: 'ready'; client: string }
  | { kind: 'fatal'; reason: string; error: string }
  | { kind: 'answer'; id: number; answer: SessionAnswer }

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
export function radosSessionCommand(args: readonly string[]): string {
  return (
    `printf '${PID_MARK}%d\\n' "$$" >&2; exec /usr/bin/python3 -u -c ` +
    `'import sys,base64;exec(base64.b64decode(sys.stdin.readline()))' ${args.map(shellQuote).join(' ')}`
  )
}

/** What a session's user brings: its program, its arguments, and its errors' words. */
export interface RadosSessionKind<Call, Settings extends { monitorTimeoutSeconds: number }> {
  /** RADOS_SESSION_HEAD + the user's part (defines OPS) + RADOS_SESSION_LOOP. */
  program: string
  /** argv after the program: the client id and the timeout first (RADOS_SESSION_HEAD). */
  args(settings: Settings): string[]
  /** The request line's fields besides its id (the program's `op` among them). */
  request(call: Call): Record<string, unknown>
  /** The call in an error's words. */
  describe(call: Call): string
  /** Could not open (the user runs the CLI). */
  unavailable(host: string, reason: string): ApiError
  /** Ended or timed out mid-call; `client`: the Ceph client the call went through. */
  lost(
    host: string,
    why: 'ended' | 'timeout',
    client: string | undefined,
    call: string,
    seconds: number,
  ): ApiError
}

interface Pending<Call> {
  call: Call
  resolve(answer: SessionAnswer): void
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

export class RadosSession<Call, Settings extends { monitorTimeoutSeconds: number }> {
  private current: Open | undefined
  private opening: Promise<Open> | undefined
  private readonly pending = new Map<number, Pending<Call>>()
  private nextId = 1
  private idleTimer: NodeJS.Timeout | undefined
  private unavailableUntil = 0

  constructor(
    readonly host: string,
    private readonly connection: () => HostConnection,
    private readonly settings: () => Settings,
    private readonly kind: RadosSessionKind<Call, Settings>,
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
   * Opens the session if needed (resolves to its client, or throws the kind's `unavailable`: use
   * the CLI), then runs one call. A session that ends or stops answering meanwhile throws the kind's
   * `lost`, naming the Ceph client the call went through, whose outcome is unknown.
   */
  async call(call: Call): Promise<{ client: string; answer: SessionAnswer }> {
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
  async callAs(client: string, call: Call): Promise<SessionAnswer | undefined> {
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
   * Opens the session ahead of its first call, or keeps an open one from closing for IDLE_CLOSE_MS
   * more. A failed open is what a call's own open would have met: noted, the CLI serves meanwhile
   * (unavailable), and the call that comes says why in its own terms.
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
    this.failPending(open)
    open?.channel.close()
  }

  private send(open: Open, call: Call): Promise<SessionAnswer> {
    const id = this.nextId++
    const seconds = this.settings().monitorTimeoutSeconds + REQUEST_GRACE_S
    return new Promise<SessionAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(this.kind.lost(this.host, 'timeout', open.client, this.kind.describe(call), seconds))
        // Whatever it was doing, this client cannot be trusted to answer in order any more.
        this.kill(open)
      }, seconds * 1000)
      this.pending.set(id, { call, resolve, reject, timer })
      try {
        open.channel.write(`${JSON.stringify({ id, ...this.kind.request(call) })}\n`)
      } catch {
        this.pending.delete(id)
        clearTimeout(timer)
        reject(this.kind.lost(this.host, 'ended', open.client, this.kind.describe(call), 0))
      }
    })
  }

  private open(): Promise<Open> {
    const settings = this.settings()
    const args = this.kind.args(settings)
    const key = args.join('\n')
    // Another pool or client in the cluster file: that session no longer fits.
    if (this.current && this.current.key !== key) this.close()
    if (this.current) return Promise.resolve(this.current)
    if (!this.usable) return Promise.reject(this.kind.unavailable(this.host, 'earlier'))
    this.opening ??= this.start(settings, args, key).finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private async start(settings: Settings, args: string[], key: string): Promise<Open> {
    let channel: ClientChannel
    try {
      channel = await this.connection().exec(radosSessionCommand(args))
    } catch (error) {
      // Host offline, no exec slot: the CLI meets the same and says so in its own terms.
      throw this.kind.unavailable(this.host, error instanceof Error ? error.message : String(error))
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
        reject(this.kind.unavailable(this.host, reason))
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
            // Before "ready": it could not open. After (a read session whose keyring is gone): it
            // stops, and the CLI serves this host for a while, meeting what the session met.
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
        this.failPending(open)
      })
      // The program, once every listener is on: python runs it, connects, and says "ready".
      channel.write(`${Buffer.from(this.kind.program).toString('base64')}\n`)
    })
  }

  private failPending(open: Open | undefined): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id)
      clearTimeout(pending.timer)
      pending.reject(this.kind.lost(this.host, 'ended', open?.client, this.kind.describe(pending.call), 0))
    }
  }

  /** A python that does not answer: kill it (its Ceph client with it) and drop the session. */
  private kill(open: Open): void {
    if (this.current === open) this.current = undefined
    this.failPending(open)
    this.killChannel(open.channel, open.pid)
  }

  private killChannel(channel: ClientChannel, pid: number | undefined): void {
    if (pid !== undefined && Number.isInteger(pid))
      runUrgently(this.connection, `kill -s KILL ${pid} 2>/dev/null; true`)
    channel.close()
  }
}
