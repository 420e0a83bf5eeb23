/**
 * Quitting the app asks the core to close (it waits for the lease releases of jobs that just ended,
 * then drops its SSH sessions) instead of killing it: a release lost at quit leaves its lease
 * visible to every other admin until it expires (minutes). The wait is bounded, so a core that does
 * not answer (a hung host) can never hang the quit: it is then killed, as before.
 */

/** How long quitting waits for the core to close before it kills it. */
export const CORE_CLOSE_GRACE_MS = 5000

/** The message that asks the core process to close and exit. */
export const CLOSE_MESSAGE = { kind: 'close' } as const

/** What stopping needs of the core's process: Electron's UtilityProcess, or a Node child in tests. */
export interface CoreChild {
  postMessage(message: unknown): void
  kill(): boolean
  once(event: 'exit', listener: (code: number) => void): unknown
}

/** How long a killed core may take to exit before quitting goes on without it. */
const KILL_GRACE_MS = 1000

/**
 * Asks `child` to close and waits for its exit at most `graceMs`, then kills it. Resolves 'closed'
 * when it exited by itself, 'killed' when the bound ran out: once it exited, or at most
 * KILL_GRACE_MS after the kill (a frozen process does not act on SIGTERM; the quit must not wait).
 */
export function stopCoreChild(child: CoreChild, graceMs = CORE_CLOSE_GRACE_MS): Promise<'closed' | 'killed'> {
  return new Promise((resolve) => {
    let killed = false
    let timer = setTimeout(() => {
      killed = true
      child.kill()
      timer = setTimeout(() => resolve('killed'), KILL_GRACE_MS)
    }, graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(killed ? 'killed' : 'closed')
    })
    try {
      child.postMessage(CLOSE_MESSAGE)
    } catch {
      // The process is already going away: its exit (or the bound) settles this.
    }
  })
}

/** Runs `close` with a bound: 'closed' when it ended in time, 'timeout' otherwise; rejects if it failed. */
export async function closeWithin(
  close: () => Promise<void>,
  graceMs = CORE_CLOSE_GRACE_MS,
): Promise<'closed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs)
  })
  try {
    return await Promise.race([close().then(() => 'closed' as const), bound])
  } finally {
    clearTimeout(timer)
  }
}
