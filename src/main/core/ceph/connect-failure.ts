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
 * without librados' keyring line the cause is one of the two, and the message says both.
 */

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
]

const ENOENT = 2

function captured(found: RegExpExecArray): number | undefined {
  return found[1] === undefined ? undefined : Number(found[1])
}

/** librados' log line for a keyring it could not find (auth/KeyRing.cc, auth/AuthRegistry.cc). */
const KEYRING_LINE = /unable to find a keyring|no keyring found/i

/** Whether the tool never reached the cluster (whatever the reason): its own connect-failure line. */
export function couldNotConnect(stderr: string): boolean {
  return TOOL_LINES.some(({ line }) => line.test(stderr))
}

/**
 * Why a Ceph tool failed, when it is a file missing on the host: `keyring` when librados said so,
 * `keyring-or-config` when only the tool's ENOENT connect failure is there (the keyring, or the
 * monitors' address in ceph.conf). Undefined for anything else (refused key, monitors down…).
 */
export function missingCephFile(
  stderr: string,
  exitCode?: number | null,
): 'keyring' | 'keyring-or-config' | undefined {
  if (KEYRING_LINE.test(stderr)) return 'keyring'
  for (const { line, errno } of TOOL_LINES) {
    const found = line.exec(stderr)
    if (found) return errno(found, exitCode) === ENOENT ? 'keyring-or-config' : undefined
  }
  return undefined
}

/**
 * rbd's own "no such image or snapshot" (an operation's ENOENT), never a connect failure's: without
 * its keyring rbd prints "(2) No such file or directory" too, and an image read as absent was free
 * to be created, renamed onto or forgotten.
 */
export function rbdSaysNotFound(stderr: string): boolean {
  return !couldNotConnect(stderr) && /No such file|\(2\)/.test(stderr)
}
