/**
 * What a failed Ceph client tool (rbd, rados, ceph) says about its connection to the cluster. One
 * home for reading it, so that "no keyring" and "no such image" are never told apart by a stray "(2)".
 *
 * librados' own lines ("auth: unable to find a keyring on …: (2) No such file or directory") are log
 * entries: queued, then written to stderr by the log thread (src/log/Log.cc), so a tool that fails
 * fast can exit before they are written; on the lab's Ceph 16.2.15 they were missing once from
 * `ceph -s`. What the tools print themselves is always there: rbd's "rbd: couldn't connect to the
 * cluster!" (src/tools/rbd/Utils.cc init_rados; the exit status is the errno), rados's "couldn't
 * connect to cluster: (2) …" (src/tools/rados/rados.cc) or "failed to fetch mon config
 * (--no-mon-config to skip)" (src/global/global_init.cc, exit 1, no errno; it flushes the log
 * first, so rados keeps its keyring line), and the ceph CLI's "[errno 2] RADOS object not found
 * (error connecting to the cluster)" (src/pybind/rados/rados.pyx connect, printed by src/ceph.in).
 *
 * A connect-time ENOENT is a missing keyring, or no monitor to contact: no ceph.conf or no mon_host
 * in it (src/mon/MonMap.cc build_initial returns -ENOENT), which prints the same tool line. So
 * without librados' keyring line the cause is one of the two, and the message says both. The other
 * causes (no ceph.conf, no mon_host, a refused key, silent monitors) are told by the tools' printed
 * lines or the errno, as recorded in test/unit/fixtures/ceph/pacific/connect-failure. The error made
 * here (connectFailureError) is the one every path shows: the runner's ceph/rbd/rados, the privileged
 * and fencing clients, the lease's rados, the storage operations.
 */

import { ApiError, type ErrorStep } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'

/**
 * Each tool's own line for a failed connection. `errno` reads the connect's errno where the tool
 * gives it: in the line (captured), or as rbd's exit status; rados's global_init line gives none.
 */
const TOOL_LINES: readonly {
  line: RegExp
  errno: (found: RegExpExecArray, exitCode?: number | null) => number | undefined
}[] = [
  { line: /^rbd: couldn't connect to the cluster!/m, errno: (_found, exitCode) => exitCode ?? undefined },
  { line: /^couldn't connect to cluster: \((\d+)\)/m, errno: captured },
  { line: /^failed to fetch mon config \(--no-mon-config to skip\)/m, errno: () => undefined },
  { line: /^\[errno (\d+)\] .*\(error connecting to the cluster\)/m, errno: captured },
  // The ceph CLI reads ceph.conf itself first ("Error initializing cluster client: …"): no ceph.conf.
  { line: /\(error calling conf_read_file\)/, errno: () => ENOENT },
  // The ceph CLI when no monitor answered within --connect-timeout (src/ceph.in), all it prints.
  { line: /^timed out$/m, errno: () => ETIMEDOUT },
]

const ENOENT = 2
const EACCES = 13
const ETIMEDOUT = 110

function lineAt(text: string, index: number): string {
  const end = text.indexOf('\n', index)
  return text.slice(text.lastIndexOf('\n', index) + 1, end < 0 ? undefined : end).trim()
}

function captured(found: RegExpExecArray): number | undefined {
  return found[1] === undefined ? undefined : Number(found[1])
}

/** Whether the tool never reached the cluster (whatever the reason): its own connect-failure line. */
export function couldNotConnect(stderr: string): boolean {
  return TOOL_LINES.some(({ line }) => line.test(stderr))
}

/**
 * What librados logs (or the tools print) before the tool's line, for the causes its errno does not
 * tell apart. A ceph.conf the user cannot read is skipped like a missing one: Ceph 16 says "can't
 * open ceph.conf: (2)" for both (recorded in the lab), so the two are one cause here.
 */
const LOG_LINES = {
  /** auth/KeyRing.cc: "auth: unable to find a keyring on <paths>: (2) …"; AuthRegistry: "no keyring found at". */
  keyring: /(?:unable to find a keyring on|no keyring found at) ([^\s,:]+)/i,
  /** common/config.cc, printed (not logged) by every tool; the ceph CLI's own conf_read_file. */
  configMissing: /did not load config file|can't open ceph\.conf|\(error calling conf_read_file\)/,
  /** mon/MonClient.cc: no mon_host in ceph.conf, and no DNS SRV record either. */
  noMonitor: /cannot identify monitors to contact|unable to get monitor info from DNS SRV/,
  /** The monitor refused the key (cephx: a wrong key, or an entity it does not have). */
  keyRefused: /handle_auth_bad_method/,
  /** No monitor answered within --connect-timeout / client_mount_timeout. */
  unreachable: /authenticate timed out/,
}

/**
 * Why a Ceph tool could not connect, in the order that makes each cause certain:
 * - `keyring`: librados found no keyring it can read (`keyring`: the first path it tried);
 * - `config-missing`: no ceph.conf the user can read;
 * - `no-monitor`: ceph.conf read, but it names no monitor (mon_host);
 * - `key-refused`: the monitors refused the key (EACCES at connection: a wrong key, or a client
 *   Ceph does not have: the lab's Ceph 16 prints the same for both);
 * - `unreachable`: no monitor answered in time (down, not reachable from the host; the ceph CLI
 *   also only says "timed out" when ceph.conf names no monitor);
 * - `keyring-or-config`: the tool's ENOENT alone (librados' line lost): the keyring, or no monitor
 *   address;
 * - `unknown`: the tool's line alone, without an errno (rados's "failed to fetch mon config").
 * Undefined when the tool did connect (its failure is the operation's own).
 */
export type ConnectFailureKind =
  | 'keyring'
  | 'config-missing'
  | 'no-monitor'
  | 'key-refused'
  | 'unreachable'
  | 'keyring-or-config'
  | 'unknown'

export interface ConnectFailure {
  kind: ConnectFailureKind
  /** The tool's own line, the one piece of its output worth showing. */
  toolLine: string
  /** The keyring librados looked for first, when it said so. */
  keyring?: string
}

export function connectFailure(stderr: string, exitCode?: number | null): ConnectFailure | undefined {
  for (const { line, errno } of TOOL_LINES) {
    const found = line.exec(stderr)
    if (!found) continue
    const said = { toolLine: lineAt(stderr, found.index) }
    const keyring = LOG_LINES.keyring.exec(stderr)
    if (keyring?.[1]) return { kind: 'keyring', keyring: keyring[1], ...said }
    if (LOG_LINES.configMissing.test(stderr)) return { kind: 'config-missing', ...said }
    if (LOG_LINES.noMonitor.test(stderr)) return { kind: 'no-monitor', ...said }
    const code = errno(found, exitCode)
    if (code === EACCES || LOG_LINES.keyRefused.test(stderr)) return { kind: 'key-refused', ...said }
    if (code === ETIMEDOUT || LOG_LINES.unreachable.test(stderr)) return { kind: 'unreachable', ...said }
    return { kind: code === ENOENT ? 'keyring-or-config' : 'unknown', ...said }
  }
  // librados says this only while connecting: the tool's own line may just not be there yet.
  const keyring = LOG_LINES.keyring.exec(stderr)
  return keyring?.[1] ? { kind: 'keyring', keyring: keyring[1], toolLine: '' } : undefined
}

/**
 * rbd's own "no such image or snapshot" (an operation's ENOENT), never a connect failure's: without
 * its keyring rbd prints "(2) No such file or directory" too, and an image read as absent was free
 * to be created, renamed onto or forgotten.
 */
export function rbdSaysNotFound(stderr: string): boolean {
  return !couldNotConnect(stderr) && /No such file|\(2\)/.test(stderr)
}

/** Where every host's Ceph tools read the cluster's monitors (the runbook's, and the tools' default). */
export const CEPH_CONF = '/etc/ceph/ceph.conf'

export type CephTool = 'ceph' | 'rbd' | 'rados'

/** Which tool ran and as which Ceph client, read from the argv the app built (sudo: client.admin). */
export function cephCaller(argv: readonly string[]): { tool: CephTool; client: string } | undefined {
  const command = argv[0] === 'sudo' ? argv.slice(argv[1] === '-n' ? 2 : 1) : argv
  const tool = (command[0] ?? '').split('/').at(-1)
  if (tool !== 'ceph' && tool !== 'rbd' && tool !== 'rados') return undefined
  const id = command.indexOf('--id')
  const name = id >= 0 ? command[id + 1] : undefined
  return { tool, client: name ? `client.${name}` : 'client.admin' }
}

interface Said {
  tool: CephTool
  host: string
  client: string
  keyring: string
  conf: string
}

/**
 * Each cause's error code and sentence (`cephErrors.<name>`, its fix `<name>Hint`). A monitor that
 * does not answer is a timeout: not worth asking through another host.
 */
const SENTENCES = {
  keyring: ['ceph.no-keyring', 'connectNoKeyring'],
  'keyring-or-config': ['ceph.no-keyring', 'connectNoKeyringOrConfig'],
  'config-missing': ['ceph.no-config', 'connectNoConfig'],
  'no-monitor': ['ceph.no-config', 'connectNoMonitor'],
  'key-refused': ['ceph.key-refused', 'connectKeyRefused'],
  unreachable: ['remote.timeout', 'connectUnreachable'],
  unknown: ['ceph.connect-failed', 'connectFailed'],
} as const satisfies Record<ConnectFailureKind, readonly [string, string]>

/**
 * A connect failure's message code as one cause: a missing keyring is told "keyring" when librados'
 * log line reached the tool's stderr before it exited and "keyring or ceph.conf" when it did not, so
 * two hosts without the keyring can differ only by that race (seen on the lab). Any other code is its own.
 */
export function connectCauseKey(messageCode: string): string {
  return messageCode === `cephErrors.${SENTENCES['keyring-or-config'][1]}`
    ? `cephErrors.${SENTENCES.keyring[1]}`
    : messageCode
}

export interface CephCall {
  host: string
  tool: CephTool
  /** `client.<id>`, as the tool ran. */
  client: string
  stderr: string
  exitCode?: number | null | undefined
  step?: ErrorStep | undefined
  details?: Record<string, unknown>
}

/**
 * A Ceph tool's failure to connect as an error that says why in words: which host, which client,
 * which file, and the fix. Its detail is the tool's own line, not librados' log (the whole stderr
 * stays in details). Undefined when the tool did connect: its failure is the operation's own.
 */
export function connectFailureError(call: CephCall): ApiError | undefined {
  const failure = connectFailure(call.stderr, call.exitCode)
  if (!failure) return undefined
  const said: Said = {
    tool: call.tool,
    host: call.host,
    client: call.client,
    keyring: failure.keyring ?? `/etc/ceph/ceph.${call.client}.keyring`,
    conf: CEPH_CONF,
  }
  const [code, name] = SENTENCES[failure.kind]
  const hint = msg(`cephErrors.${name}Hint`, said)
  return ApiError.of(code, withDetail(msg(`cephErrors.${name}`, said), failure.toolLine), {
    host: call.host,
    ...(call.step ? { step: call.step } : {}),
    hint,
    details: {
      ...call.details,
      connect: failure.kind,
      client: call.client,
      exitCode: call.exitCode ?? null,
      stderr: call.stderr.trim(),
    },
  })
}
