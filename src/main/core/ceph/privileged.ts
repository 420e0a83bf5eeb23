import type { Privilege } from '../../../shared/ceph'
import { ApiError, commandStep, type ErrorStep } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import type { RemoteResult, RemoteRunner } from '../remote/runner'
import { cephCaller, connectFailureError } from './connect-failure'

/**
 * The few Ceph commands the runbook's client.libvirt may not run (`osd set noout` is EACCES for it):
 * noout set/unset (cluster-wide or per CRUSH host) and `osd ok-to-stop`. They run either as a named
 * privileged client whose keyring the SSH user can read, or through `sudo -n /usr/bin/ceph` (root's
 * admin keyring). When neither is configured, or the host refuses, the error gives the exact caps
 * and sudoers rule to add, and the cluster-file field that names them.
 */

export interface PrivilegeSettings {
  /** The configured, read-only client (client.libvirt). */
  clientId: string
  privilegedClientId?: string | undefined
  privilegedSudo?: boolean | undefined
  monitorTimeoutSeconds: number
  /** The SSH user, for the sudoers line. */
  user: string
}

export const MAINT_CLIENT_EXAMPLE = 'hyperdesk-maint'
/** What a maintenance client needs, and nothing more (the lab creates exactly this). */
export const MAINT_MON_CAPS =
  'allow r, allow command "osd set" with key=noout, allow command "osd unset" with key=noout, ' +
  'allow command "osd set-group" with flags=noout, allow command "osd unset-group" with flags=noout'
export const MAINT_MGR_CAPS = 'allow command "osd ok-to-stop"'
export const CEPH_BINARY = '/usr/bin/ceph'

export function privilegeOf(settings: PrivilegeSettings): Privilege {
  if (settings.privilegedClientId) return { mode: 'client', client: `client.${settings.privilegedClientId}` }
  if (settings.privilegedSudo) return { mode: 'sudo', client: 'client.admin' }
  return { mode: 'none', client: `client.${settings.clientId}` }
}

/** The argv for a privileged command (without the runner's `timeout` wrapper). */
export function privilegedArgv(settings: PrivilegeSettings, args: readonly string[]): string[] {
  const timeout = ['--connect-timeout', String(settings.monitorTimeoutSeconds)]
  if (settings.privilegedClientId) return ['ceph', '--id', settings.privilegedClientId, ...timeout, ...args]
  if (settings.privilegedSudo) return ['sudo', '-n', CEPH_BINARY, ...timeout, ...args]
  // Not configured: try with the ordinary client, so the refusal is Ceph's own (EACCES) and shown.
  return ['ceph', '--id', settings.clientId, ...timeout, ...args]
}

/** How to grant what was refused: the caps to create, the sudoers line, the config field. */
export function permissionHelp(settings: PrivilegeSettings): {
  caps: string
  createClient: string
  sudoRule: string
  config: string
} {
  const t = settings.monitorTimeoutSeconds
  const id = settings.privilegedClientId ?? MAINT_CLIENT_EXAMPLE
  const keyring = `/etc/ceph/ceph.client.${id}.keyring`
  const sudoCommands = [
    'osd set noout',
    'osd unset noout',
    'osd set-group noout *',
    'osd unset-group noout *',
    'osd ok-to-stop *',
  ].map((command) => `${CEPH_BINARY} --connect-timeout ${t} ${command}`)
  return {
    caps: `mon '${MAINT_MON_CAPS}' mgr '${MAINT_MGR_CAPS}'`,
    createClient:
      `ceph auth get-or-create client.${id} mon '${MAINT_MON_CAPS}' mgr '${MAINT_MGR_CAPS}' -o ${keyring}\n` +
      `# then on every host: copy ${keyring}, chown root:libvirt, chmod 0640`,
    sudoRule: `${settings.user} ALL=(root) NOPASSWD: ${sudoCommands.join(', ')}`,
    config: settings.privilegedClientId
      ? `"ceph": { "privilegedClientId": "${id}" } is set: give client.${id} these caps`
      : `"ceph": { "privilegedClientId": "${id}" } (or "privilegedSudo": true with the sudoers rule)`,
  }
}

/** Whether a failed privileged command was refused (caps or sudo), as opposed to failing. */
export function refused(stderr: string, exitCode: number): 'caps' | 'sudo' | undefined {
  if (/a password is required|not allowed to execute|may not run sudo|sudo: a terminal/i.test(stderr))
    return 'sudo'
  if (exitCode === 13 || /EACCES|access denied|Permission denied/i.test(stderr)) return 'caps'
  return undefined
}

/** Throws the connect failure's own error (connect-failure.ts) when the client never reached Ceph. */
export function throwIfNotConnected(
  host: string,
  argv: readonly string[],
  result: Pick<RemoteResult, 'stderr' | 'exitCode'>,
  step: ErrorStep | undefined,
  command: string,
): void {
  const caller = cephCaller(argv)
  const connect =
    caller &&
    connectFailureError({
      host,
      ...caller,
      stderr: result.stderr,
      exitCode: result.exitCode,
      step,
      details: { command },
    })
  if (connect) throw connect
}

/**
 * Runs a privileged Ceph command. A refusal (EACCES, sudo asking for a password) becomes a
 * `ceph.permission-denied` error with the caps and sudo rule in its hint and details; other failures
 * keep the runner's error (host, step, command, stderr). With allowFailure, other non-zero exits
 * are returned (e.g. ok-to-stop's EBUSY).
 */
export async function runPrivileged(
  runner: RemoteRunner,
  host: string,
  settings: PrivilegeSettings,
  args: readonly string[],
  options: { step: ErrorStep; signal?: AbortSignal; allowFailure?: boolean },
): Promise<RemoteResult> {
  const privilege = privilegeOf(settings)
  const argv = privilegedArgv(settings, args)
  const result = await runner.run(host, argv, {
    step: options.step,
    timeoutSeconds: settings.monitorTimeoutSeconds + 20,
    allowFailure: true,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (result.exitCode === 0) return result
  const command = `ceph ${args.join(' ')}`
  // Never connected (its keyring, ceph.conf, a refused key): not a refusal of this command's caps.
  throwIfNotConnected(host, argv, result, options.step, command)
  const refusal = refused(result.stderr, result.exitCode)
  if (refusal) {
    const help = permissionHelp(settings)
    const who =
      privilege.mode === 'sudo'
        ? msg('cephErrors.whoSudo', { user: settings.user })
        : msg('cephErrors.whoClient', { client: privilege.client })
    const firstLine = (result.stderr.trim().split('\n').at(-1) ?? '').replace(/^Error EACCES:\s*/, '')
    const said = { who, command, host }
    throw ApiError.of(
      'ceph.permission-denied',
      withDetail(
        msg(
          refusal === 'sudo'
            ? 'cephErrors.deniedSudo'
            : privilege.mode === 'none'
              ? 'cephErrors.deniedNone'
              : 'cephErrors.deniedEacces',
          said,
        ),
        firstLine,
      ),
      {
        host,
        ...(options.step ? { step: options.step } : {}),
        hint:
          refusal === 'sudo'
            ? msg('cephErrors.sudoersHint', { rule: help.sudoRule })
            : msg('cephErrors.privilegedClientHint', {
                create: help.createClient,
                config: help.config,
                rule: help.sudoRule,
              }),
        details: {
          command,
          exitCode: result.exitCode,
          stderr: result.stderr.trim(),
          mode: privilege.mode,
          ...help,
        },
      },
    )
  }
  if (options.allowFailure) return result
  throw ApiError.of(
    'remote.failed',
    withDetail(
      msg('remoteErrors.failed', {
        step: options.step ?? commandStep(command),
        host,
        exitCode: result.exitCode ?? '',
      }),
      result.stderr.trim().slice(-600),
    ),
    {
      host,
      ...(options.step ? { step: options.step } : {}),
      details: { command, exitCode: result.exitCode, stderr: result.stderr.trim() },
    },
  )
}
