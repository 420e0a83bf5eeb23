import { ApiError, commandStep } from '../../../../shared/errors'
import { msg } from '../../../../shared/messages/message'
import type { RemoteRunner } from '../../remote/runner'
import { CephShapeError } from './json'
import { clientVersionArgv, clusterArgv } from '../cluster-commands'

/**
 * Turns a CephShapeError into the error the user reads: which command, on which host, which Ceph
 * version printed it (asked of the host only now, when it matters), and why no release family fits.
 * `rbd` formats its own output, so its client version is the one named; `ceph` output comes from
 * the monitors and managers, so their versions (`ceph version`) are asked first.
 */
export async function shapeFailure(
  error: CephShapeError,
  runner: Pick<RemoteRunner, 'run' | 'ceph'>,
  host: string,
  tool: 'ceph' | 'rbd',
): Promise<ApiError> {
  const version = await cephVersion(runner, host, tool)
  const params = {
    command: error.command,
    host,
    version,
    problems: error.problems.join('; '),
  }
  // What the host printed stays in details.output (shown by the storage and Ceph panels as is).
  return ApiError.of('ceph.unknown-output', msg('formatErrors.cephUnknownOutput', params), {
    host,
    step: commandStep(error.command),
    hint: msg('formatErrors.cephUnknownOutputHint', params),
    details: { text: 'cephUnknownOutput', params, hintText: 'cephUnknownOutputHint', output: error.excerpt },
  })
}

/** "Ceph 16.2.15 pacific", or why it could not be read; never throws. */
export async function cephVersion(
  runner: Pick<RemoteRunner, 'run' | 'ceph'>,
  host: string,
  tool: 'ceph' | 'rbd',
): Promise<string> {
  const attempts =
    tool === 'ceph'
      ? [
          () =>
            runner.ceph(host, clusterArgv.version(), {
              allowFailure: true,
              step: msg('errorSteps.command', { command: 'ceph version' }),
              timeoutSeconds: 20,
            }),
        ]
      : []
  attempts.push(() =>
    runner.run(host, clientVersionArgv(tool), {
      allowFailure: true,
      step: commandStep(`${tool} --version`),
      timeoutSeconds: 10,
    }),
  )
  for (const attempt of attempts) {
    try {
      const result = await attempt()
      const match = /ceph version (\S+)(?: \([0-9a-f]+\))? ?(\w+)?/.exec(result.stdout)
      if (result.exitCode === 0 && match?.[1])
        return `Ceph ${match[1]}${match[2] ? ` ${match[2]}` : ''}${tool === 'rbd' ? ' (rbd client)' : ''}`
    } catch {
      // Try the next way; the version only makes the message better.
    }
  }
  return 'Ceph version unknown'
}

/** Runs a parse; a CephShapeError becomes the user's error (see shapeFailure). */
export async function readShape<T>(
  runner: Pick<RemoteRunner, 'run' | 'ceph'>,
  host: string,
  tool: 'ceph' | 'rbd',
  parse: () => T,
): Promise<T> {
  try {
    return parse()
  } catch (error) {
    if (error instanceof CephShapeError) throw await shapeFailure(error, runner, host, tool)
    throw error
  }
}
