import { ApiError, commandStep } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import type { HostConnection } from '../ssh/connection'
import type { CephReadRoute, CephSettings, RemoteResult } from '../remote/runner'
import { blocklistArgv } from './blocklist'
import { clusterReads } from './cluster-commands'
import {
  RADOS_SESSION_HEAD,
  RADOS_SESSION_LOOP,
  RadosSession,
  type RadosSessionKind,
  type SessionAnswer,
} from './rados-session'

/**
 * The app's read-only `ceph … --format json` commands through a kept-open Ceph client per host
 * (rados-session.ts) instead of a `ceph` process each: the CLI costs ~0.36 s of CPU a call (python
 * start, then every command's description fetched from the monitors), and the Ceph panel reads six
 * of them side by side every 15 s. The session sends the same command JSON the CLI sends, and
 * answers with the bytes the monitor returned, which are what the CLI prints: the parsers in
 * formats/ stay the only parsers (test/lab/core-ceph-session.test.ts compares both ways).
 *
 * Its own session, not the lease's: the lease renews a lock only through the session that took it,
 * and a read that hangs kills its python; here it kills only the reads'. Same client id (the
 * cluster file's ceph.clientId, as the CLI's `--id`), another Ceph client instance; one more SSH
 * exec slot per host while reads come (idle close 30 s), of sshd's 10 per connection.
 *
 * The CLI stays the voice of every failure, so what users read is unchanged: a command the session
 * cannot serve (not open yet, python3 or binding missing, Ceph's refusal, a session that ended) runs
 * as `ceph` and fails in the CLI's own words. Never waiting twice: the first read on a host runs the
 * CLI while the session opens beside it (a failed open, e.g. monitors down, costs no call anything
 * and is not retried for FAILED_OPEN_RETRY_MS), and a session that has not answered within HEDGE_MS
 * has the CLI started beside it: the first answer wins, so a Ceph-wide hang costs the CLI's timeout
 * plus HEDGE_MS, never the session's timeout and then the CLI's.
 */

/**
 * A monitor answers these in milliseconds (tens on a loaded machine); past this, something is wrong
 * and the CLI is started as well. Short next to the Ceph timeouts (seconds), so a hang is met by the
 * CLI almost at once; long enough that a busy but healthy monitor never costs a second client.
 */
export const HEDGE_MS = 2_000

/** A monitor command as the CLI sends it (`prefix` and its arguments; `format` added when sent). */
export type MonCommand = Readonly<Record<string, string>>

/**
 * The app's read commands and the monitor command each is. All are monitor commands on Pacific (16)
 * and later, as the CLI sends them (MonCommands.h: `status`, `health`, `osd tree`, `osd dump`,
 * `quorum_status`, `osd blocklist ls`; `df` is the monitor's too, MgrStatMonitor answering from the
 * manager's digest). Seen on the lab's 16.2.15: each answers through mon_command as client.libvirt
 * (`mon 'allow r'`), and mgr_command refuses every one (no mgr caps), as the CLI would be refused.
 * A fixed table of this app's own reads, not a CLI emulator: anything else runs as `ceph`. Listed
 * with `--format json` (the app also writes `-f json`: the same command).
 */
export function sessionReads(): { args: readonly string[]; command: MonCommand }[] {
  const reads: [readonly string[], MonCommand][] = [
    [clusterReads.status(), { prefix: 'status' }],
    [clusterReads.healthDetail(), { prefix: 'health', detail: 'detail' }],
    [clusterReads.osdTree(), { prefix: 'osd tree' }],
    [clusterReads.osdDump(), { prefix: 'osd dump' }],
    [clusterReads.quorum(), { prefix: 'quorum_status' }],
    [clusterReads.df(), { prefix: 'df' }],
    [withoutFormat(blocklistArgv.list('blocklist')) ?? [], { prefix: 'osd blocklist ls' }],
    [withoutFormat(blocklistArgv.list('blacklist')) ?? [], { prefix: 'osd blacklist ls' }],
  ]
  return reads.map(([args, command]) => ({ args: [...args, '--format', 'json'], command }))
}

let table: ReadonlyMap<string, MonCommand> | undefined

/** The argv without its trailing JSON format flag, or undefined when it does not ask for JSON. */
function withoutFormat(args: readonly string[]): readonly string[] | undefined {
  const flag = args.at(-2)
  return (flag === '--format' || flag === '-f') && args.at(-1) === 'json' ? args.slice(0, -2) : undefined
}

/** The monitor command a `ceph` argv (after the client and timeout) is, if the session serves it. */
export function sessionReadCommand(args: readonly string[]): MonCommand | undefined {
  const bare = withoutFormat(args)
  if (!bare) return undefined
  table ??= new Map(sessionReads().map(({ args, command }) => [args.slice(0, -2).join(' '), command]))
  return table.get(bare.join(' '))
}

/**
 * The program's own part: `mon` sends one monitor command and answers with its output (`out`, what
 * the CLI prints on stdout) and status text (`outs`, what it prints on stderr). Before each command it
 * checks that the files this client opened with (the conf, its readable keyrings) are all still
 * readable, as the CLI needs them: one gone (the doctor's and the lab's missing-keyring case), it stops (a "fatal" line), and the CLI serves the host and says so in its own words.
 */
const READ_SESSION_PART = String.raw`
import os

def readable(paths):
    return [path for path in paths if path and os.access(path, os.R_OK)]

conf_files = readable([os.environ.get("CEPH_CONF", ""), "/etc/ceph/ceph.conf"])[:1]
try:
    keyrings = readable(cluster.conf_get("keyring").split(","))
except Exception:
    keyrings = []

def mon(req):
    if readable(conf_files) != conf_files or readable(keyrings) != keyrings:
        out({"fatal": "files", "error": "the conf or keyring this client opened with is gone"})
        sys.exit(5)
    ret, outbuf, outs = cluster.mon_command(json.dumps(req["cmd"]), b"", timeout=int(seconds))
    if ret != 0:
        raise Refused(-ret, outs)
    return {"out": outbuf.decode("utf-8", "replace"), "outs": outs}

OPS = {"mon": mon}
`

export const READ_SESSION_PROGRAM = RADOS_SESSION_HEAD + READ_SESSION_PART + RADOS_SESSION_LOOP

export interface ReadCall {
  op: 'mon'
  cmd: Readonly<Record<string, string>>
}

const describe = (call: ReadCall) => `ceph ${call.cmd['prefix'] ?? '?'}`

const READ_SESSION: RadosSessionKind<ReadCall, CephSettings> = {
  program: READ_SESSION_PROGRAM,
  args: (settings) => [settings.clientId, String(settings.monitorTimeoutSeconds)],
  request: (call) => ({ ...call }),
  describe,
  unavailable: (host, reason) =>
    ApiError.of(
      'ceph.session-unavailable',
      msg('cephErrors.readSessionUnavailable', { host, reason: reason.slice(0, 300) }),
      { host },
    ),
  lost: (host, why, _client, call, seconds) =>
    ApiError.of(
      why === 'timeout' ? 'ceph.session-timeout' : 'ceph.session-ended',
      why === 'timeout'
        ? msg('cephErrors.readSessionTimedOut', { host, call, seconds })
        : msg('cephErrors.readSessionEnded', { host, call }),
      { host, step: commandStep(call) },
    ),
}

/** What the reads need of a host's session (a RadosSession; a fake in unit tests). */
export interface ReadSession {
  readonly usable: boolean
  /** Set while the session is open and ready. */
  readonly client: string | undefined
  warm(): void
  call(call: ReadCall): Promise<{ client: string; answer: SessionAnswer }>
  close(): void
}

export function openReadSession(
  host: string,
  connection: () => HostConnection,
  settings: () => CephSettings,
): ReadSession {
  return new RadosSession(host, connection, settings, READ_SESSION)
}

/** The monitor's output as the CLI's result, or undefined for an answer that is not one. */
function asResult(answer: SessionAnswer, durationMs: number): RemoteResult | undefined {
  if (!answer.ok || !answer.value || typeof answer.value !== 'object') return undefined
  const { out, outs } = answer.value as Record<string, unknown>
  if (typeof out !== 'string') return undefined
  return { stdout: out, stderr: typeof outs === 'string' ? outs : '', exitCode: 0, durationMs }
}

export interface SessionReadOptions {
  signal?: AbortSignal | undefined
  /** The error the CLI gives when the caller cancels (the runner's own), for a cancel before it ran. */
  cancelled(): ApiError
}

/** The read sessions of every host, and the choice between a session and the CLI for each read. */
export class CephReadSessions implements CephReadRoute {
  private readonly sessions = new Map<string, ReadSession>()

  constructor(
    private readonly open: (host: string) => ReadSession,
    private readonly hedgeMs = HEDGE_MS,
  ) {}

  private session(host: string): ReadSession {
    let session = this.sessions.get(host)
    if (!session) {
      session = this.open(host)
      this.sessions.set(host, session)
    }
    return session
  }

  /**
   * `args` through `host`'s session when it is open and the table has it (undefined otherwise); the CLI (`cli`) otherwise, when the session
   * could not answer it, or beside it once it took HEDGE_MS (the first to finish wins, see above).
   */
  read(
    host: string,
    args: readonly string[],
    options: SessionReadOptions,
    cli: () => Promise<RemoteResult>,
  ): Promise<RemoteResult> | undefined {
    const command = sessionReadCommand(args)
    if (!command) return undefined
    const session = this.session(host)
    if (!session.usable) return cli()
    if (session.client === undefined) {
      // Opening takes a Ceph connection (~0.2-0.4 s, or the whole timeout when Ceph hangs): this
      // read does not wait for it.
      session.warm()
      return cli()
    }
    if (options.signal?.aborted) return Promise.reject(options.cancelled())
    const started = performance.now()
    return new Promise<RemoteResult>((resolve, reject) => {
      let settled = false
      let cliStarted = false
      const settle = (finish: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(hedge)
        options.signal?.removeEventListener('abort', onAbort)
        finish()
      }
      const startCli = () => {
        if (cliStarted || settled) return
        cliStarted = true
        clearTimeout(hedge)
        // The CLI has the caller's signal and timeout: it ends this read whichever way it ends.
        cli().then(
          (result) => settle(() => resolve(result)),
          (error: unknown) => settle(() => reject(error)),
        )
      }
      const onAbort = () => {
        if (!cliStarted) settle(() => reject(options.cancelled()))
      }
      const hedge = setTimeout(startCli, this.hedgeMs)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      session.call({ op: 'mon', cmd: { ...command, format: 'json' } }).then(
        ({ answer }) => {
          const result = asResult(answer, Math.round(performance.now() - started))
          if (result) settle(() => resolve(result))
          // Ceph refused it (or an answer we do not read): the CLI meets the same and says it.
          else startCli()
        },
        // Ended or timed out: the CLI (already running if this took HEDGE_MS) answers.
        () => startCli(),
      )
    })
  }

  close(): void {
    for (const session of this.sessions.values()) session.close()
  }
}
