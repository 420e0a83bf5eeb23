import type { ApiError } from '../../../shared/errors'
import type { HostErrorEntry } from '../../../shared/host-activity'

/** How many failed commands each host keeps: enough to see a pattern, small enough to show at once. */
export const HOST_ERRORS_KEPT = 20

/**
 * The last remote commands that failed on each host, for the host view. Fed from one place — the
 * runner, where every remote command ends — so no caller has to remember to report its failures.
 * A user's cancel is not a failure; a command run with allowFailure never throws, so it is not here
 * either (its caller expected the exit code and judged it).
 */
export class HostErrorLog {
  private readonly byHost = new Map<string, HostErrorEntry[]>()

  constructor(private readonly onEntry: (entry: HostErrorEntry) => void = () => undefined) {}

  record(error: ApiError, at = Date.now()): void {
    if (!error.host || error.code === 'remote.cancelled') return
    const details = error.details ?? {}
    const exitCode = details['exitCode']
    const entry: HostErrorEntry = {
      at,
      host: error.host,
      code: error.code,
      ...(error.step !== undefined ? { step: error.step } : {}),
      ...(error.stepText !== undefined ? { stepText: error.stepText } : {}),
      command: typeof details['command'] === 'string' ? details['command'] : '',
      exitCode: typeof exitCode === 'number' ? exitCode : null,
      stderr: typeof details['stderr'] === 'string' ? details['stderr'] : '',
      message: error.message,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
      ...(error.hintText !== undefined ? { hintText: error.hintText } : {}),
    }
    const entries = this.byHost.get(entry.host) ?? []
    // The same failure in a row (a periodic sample) is one line with a count, not the whole buffer.
    const last = entries.at(-1)
    if (last && last.command === entry.command && last.code === entry.code && last.stderr === entry.stderr) {
      last.at = entry.at
      last.repeats = (last.repeats ?? 1) + 1
      this.onEntry({ ...last })
      return
    }
    entries.push(entry)
    if (entries.length > HOST_ERRORS_KEPT) entries.splice(0, entries.length - HOST_ERRORS_KEPT)
    this.byHost.set(entry.host, entries)
    this.onEntry(entry)
  }

  /** Newest first. */
  list(host: string): HostErrorEntry[] {
    return [...(this.byHost.get(host) ?? [])].reverse()
  }
}
