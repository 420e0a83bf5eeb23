/**
 * Read-only monitor commands over one librados connection: the host's /usr/bin/python3 with the
 * `rados` binding (python3-rados, which Debian's ceph-common depends on; the lease uses it too)
 * connects once as the configured client and sends each command in the monitors' own JSON form
 * (`mon_command`). The ceph CLI costs a python start, a connect and a fetch of the monitors' command
 * table per command: on the lab, one `ceph health` took 0.5–1.7 s and 0.36 s of CPU, the Ceph panel's
 * six reads this way 0.3 s and 0.14 s of CPU in all.
 *
 * A shortcut only: the CLI stays the voice of every failure. When this path cannot answer (no python3
 * or binding, a connect or command refused, an output that is not JSON) it says so with null, and the
 * caller asks the CLI, whose errors (connect-failure.ts) are the ones users see. Nothing is kept open
 * between reads (a kept-open session was tried and reverted, d3a16db: after a monitor restart its
 * client was still hunting for the monitor while a fresh connect answered at once).
 */

/** A monitor command as the monitors take it: what the CLI sends for its argv. */
export interface MonCommand {
  prefix: string
  [argument: string]: string
}

/**
 * The program, read by python from its stdin: argv = client id, monitor timeout (s), the commands as
 * a JSON list. It prints one JSON line: {"ok": true, "outputs": [...]} (each command's output, in
 * order), or {"ok": false, "stage": ..., "error": ...} where it stopped.
 */
export const ONE_CONNECTION_PROGRAM = String.raw`
import json, sys

def answer(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()

client_id, seconds, commands = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    import rados
except Exception as error:
    answer(ok=False, stage="import", error=str(error))
    sys.exit(0)
try:
    # /etc/ceph's conf and keyring as the CLI reads them, then the timeouts over the conf's (as
    # the CLI's options are).
    cluster = rados.Rados(rados_id=client_id)
    cluster.conf_read_file()
    cluster.conf_set("client_mount_timeout", seconds)
    cluster.conf_set("rados_mon_op_timeout", seconds)
    cluster.connect(timeout=int(seconds))
except Exception as error:
    answer(ok=False, stage="connect", error=str(error))
    sys.exit(0)
try:
    outputs = []
    for command in commands:
        ret, out, err = cluster.mon_command(json.dumps(command), b"")
        if ret != 0:
            answer(ok=False, stage="command", prefix=command.get("prefix"), ret=ret, error=err)
            sys.exit(0)
        outputs.append(out.decode("utf-8", "replace"))
    answer(ok=True, outputs=outputs)
finally:
    cluster.shutdown()
`

/** The argv that runs ONE_CONNECTION_PROGRAM (given on stdin: an argv may not hold a newline). */
export function oneConnectionArgv(
  clientId: string,
  monitorTimeoutSeconds: number,
  commands: readonly MonCommand[],
): string[] {
  return [
    '/usr/bin/python3',
    '-c',
    'import sys; exec(sys.stdin.read())',
    clientId,
    String(monitorTimeoutSeconds),
    JSON.stringify(commands),
  ]
}

/** Each command's output parsed as JSON, from the program's answer; null when it did not answer them all. */
export function oneConnectionValues(stdout: string, count: number): unknown[] | null {
  try {
    const answer = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { ok?: unknown; outputs?: unknown }
    if (answer.ok !== true || !Array.isArray(answer.outputs) || answer.outputs.length !== count) return null
    return answer.outputs.map((output) => JSON.parse(String(output)) as unknown)
  } catch {
    return null
  }
}

/** How long the one connection may take before the CLI is asked beside it (first answer wins). */
export const CLI_BESIDE_AFTER_MS = 2_000

/**
 * The one connection's answer if it gives one; else the CLI's. A one connection that fails hands over
 * at once; one that has not answered after `besideAfterMs` has the CLI started beside it, and the
 * first answer wins (the other is aborted), so a hung python never costs more than that delay. When
 * both fail, the CLI's error is the one thrown.
 */
export async function oneConnectionOrCli<T>(
  oneConnection: (signal: AbortSignal) => Promise<T | null>,
  cli: (signal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal; besideAfterMs?: number } = {},
): Promise<T> {
  const fast = new AbortController()
  const slow = new AbortController()
  const abortBoth = () => {
    fast.abort()
    slow.abort()
  }
  if (options.signal?.aborted) abortBoth()
  options.signal?.addEventListener('abort', abortBoth, { once: true })
  try {
    // Whatever goes wrong on this path (even a throw before its promise) hands over to the CLI.
    const fastValue = (async () => oneConnection(fast.signal))().catch(() => null)
    let timer: NodeJS.Timeout | undefined
    const early = await Promise.race([
      fastValue.then((value) => ({ value })),
      new Promise<'beside'>(
        (resolve) =>
          (timer = setTimeout(() => resolve('beside'), options.besideAfterMs ?? CLI_BESIDE_AFTER_MS)),
      ),
    ])
    clearTimeout(timer)
    if (early !== 'beside') return early.value ?? (await cli(slow.signal))
    const slowValue = cli(slow.signal)
    return await new Promise<T>((resolve, reject) => {
      let done = false
      let slowError: { error: unknown } | undefined
      let fastEnded = false
      void fastValue.then((value) => {
        fastEnded = true
        if (done) return
        if (value !== null) {
          done = true
          slow.abort()
          resolve(value)
        } else if (slowError) {
          done = true
          reject(slowError.error)
        }
      })
      slowValue.then(
        (value) => {
          if (done) return
          done = true
          fast.abort()
          resolve(value)
        },
        (error: unknown) => {
          if (done) return
          slowError = { error }
          if (fastEnded) {
            done = true
            reject(error)
          }
        },
      )
    })
  } finally {
    options.signal?.removeEventListener('abort', abortBoth)
  }
}
