import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { HostPool } from '../ssh/pool'
import { remoteCommandLine } from '../remote/runner'
import { checkArgv } from '../remote/runner'

/**
 * Runs argv on a host over a NEW SSH connection (HostPool.separate), once, and closes it: the check
 * that a firewall change left new SSH connections possible. Rejects when the connection or the
 * command does not complete within timeoutMs.
 */
export async function freshRun(
  pool: HostPool,
  host: string,
  argv: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  checkArgv(host, argv, msg('errorSteps.confirmFirewall'))
  const connection = pool.separate(host, timeoutMs)
  const timer = setTimeout(() => void connection.close(), timeoutMs + 2000)
  try {
    connection.connect()
    await connection.whenOnline(timeoutMs)
    const channel = await connection.exec(remoteCommandLine(argv, Math.ceil(timeoutMs / 1000)))
    return await new Promise((resolve, reject) => {
      let stdout = ''
      let stderr = ''
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      channel.once('close', (code: number | null) =>
        code === null || code === undefined
          ? reject(
              ApiError.of('host.offline', msg('firewall.newSshClosed', { host }), {
                host,
                step: msg('errorSteps.confirmFirewall'),
              }),
            )
          : resolve({ stdout, stderr, exitCode: code }),
      )
    })
  } finally {
    clearTimeout(timer)
    await connection.close()
  }
}
