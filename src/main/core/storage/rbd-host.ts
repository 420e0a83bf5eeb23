import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import type { HostState } from '../../../shared/hosts'
import { connectFailureError, type CephTool } from '../ceph/connect-failure'
import { exitFramed } from '../remote/framing'
import type { RemoteRunner } from '../remote/runner'

/**
 * Where the storage commands run. Any hypervisor can talk to Ceph (the runbook's `rbd --id
 * libvirt`), so one online host is picked, preferring those whose doctor found a readable keyring.
 * Every error names that host; a missing keyring is said in words, with the fix.
 */

export interface CephAccess {
  clientId: string
  monitorTimeoutSeconds: number
}

/** The first online host in the cluster file's order, keyring-readable ones first. */
export function pickRbdHost(states: readonly HostState[], order: readonly string[]): string {
  const online = order
    .map((name) => states.find((state) => state.name === name))
    .filter((state): state is HostState => state?.status === 'online')
  // Until the doctor has answered, a host counts as able (the call will say otherwise).
  const able = online.find((state) => state.doctor?.capabilities.canReadCephKeyring !== false)
  if (able) return able.name
  if (online.length > 0) {
    throw ApiError.of(
      'storage.no-keyring',
      msg('storageErrors.noKeyringHosts', { hosts: online.map((state) => state.name) }),
      {
        ...(online[0] ? { host: online[0].name } : {}),
        step: msg('errorSteps.chooseRbdHost'),
        hint: msg('storageErrors.noKeyringHostsHint'),
      },
    )
  }
  throw ApiError.of('storage.no-host', msg('storageErrors.noHost'), {
    step: msg('errorSteps.chooseRbdHost'),
    hint: msg('storageErrors.noHostHint'),
  })
}

/**
 * Rewrites an rbd (or rados) failure to connect to Ceph into the error that says why on this host
 * (ceph/connect-failure.ts: the keyring, ceph.conf, a refused key, the monitors); others unchanged.
 */
export function explainCephFailure(
  error: unknown,
  host: string,
  clientId: string,
  tool: CephTool = 'rbd',
): ApiError {
  const apiError = ApiError.from(error)
  if (apiError.details?.connect !== undefined) return apiError
  const exitCode = apiError.details?.exitCode
  return (
    connectFailureError({
      host,
      tool,
      client: `client.${clientId}`,
      stderr: String(apiError.details?.stderr ?? apiError.message),
      exitCode: typeof exitCode === 'number' ? exitCode : undefined,
      step: apiError.stepText,
      ...(apiError.details ? { details: apiError.details } : {}),
    }) ?? apiError
  )
}

/** The `rbd` argv as RemoteRunner.rbd builds it, for the streamed (progress) calls. */
export function rbdArgv(access: CephAccess, args: readonly string[]): string[] {
  return cephClientArgv('rbd', access, args)
}

/** `rbd`/`rados` as the configured client, with the monitor timeouts (a down cluster makes them hang). */
export function cephClientArgv(tool: 'rbd' | 'rados', access: CephAccess, args: readonly string[]): string[] {
  const seconds = String(access.monitorTimeoutSeconds)
  return [
    tool,
    '--id',
    access.clientId,
    '--client-mount-timeout',
    seconds,
    '--rados-mon-op-timeout',
    seconds,
    ...args,
  ]
}

/** Long rbd operations on big images (rollback, shrink, rm) can take hours; this is the last resort. */
export const LONG_RBD_TIMEOUT_SECONDS = 6 * 3600

/**
 * Runs an rbd command that prints "…: 42% complete…" and reports each percentage. rbd writes its
 * progress to stderr with carriage returns, so the host merges stderr into stdout and turns the
 * carriage returns into lines; the exit status comes back as a marked last line (framing.ts).
 */
export async function rbdWithProgress(
  runner: RemoteRunner,
  host: string,
  access: CephAccess,
  args: readonly string[],
  step: Message,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const framed = exitFramed(rbdArgv(access, args))
  const argv = ['timeout', '-k', '5', String(LONG_RBD_TIMEOUT_SECONDS), ...framed.argv]
  const output: string[] = []
  let exitCode: number | null = null
  const stream = await runner.stream(
    host,
    argv,
    (line) => {
      const exit = framed.exitCode(line)
      if (exit !== undefined) {
        exitCode = exit
        return
      }
      const percent = /(\d+)% complete/.exec(line)
      if (percent) onProgress(Number(percent[1]) / 100)
      else if (line.trim()) output.push(line.trim())
    },
    signal ? { signal } : {},
  )
  const streamExit = await stream.done
  if (exitCode === 0) return
  const stderr = output.slice(-8).join('\n')
  const command = args.join(' ')
  throw explainCephFailure(
    ApiError.of(
      streamExit === null ? 'host.offline' : 'remote.failed',
      streamExit === null && exitCode === null
        ? msg('storageErrors.interrupted', { command: `rbd ${command}`, host })
        : withDetail(
            msg('storageErrors.failed', {
              command: `rbd ${command}`,
              host,
              exitCode: exitCode ?? streamExit ?? '?',
            }),
            stderr,
          ),
      { host, step, details: { exitCode: exitCode ?? streamExit, stderr } },
    ),
    host,
    access.clientId,
  )
}
