import type { HostConnection } from '../ssh/connection'

/**
 * Runs a short command ahead of the exec queue (`urgent`), its output and failure ignored: the kill
 * of a session process that stopped answering (virsh-session.ts, lease/lease-session.ts).
 */
export function runUrgently(connection: () => HostConnection, command: string): void {
  Promise.resolve()
    .then(() => connection().exec(command, undefined, true))
    .then(
      (channel) => {
        channel.resume()
        channel.stderr.resume()
        channel.end()
      },
      () => undefined,
    )
}
