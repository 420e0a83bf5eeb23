import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { HostConnection } from '../ssh/connection'
import {
  RadosSession,
  radosSessionCommand,
  type RadosSessionKind,
  type SessionAnswer,
} from '../ceph/rados-session'
import { LEASE_SESSION_PROGRAM } from './lease-session-program'

export {
  IDLE_CLOSE_MS,
  UNAVAILABLE_RETRY_MS,
  parseSessionLine,
  type SessionLine,
} from '../ceph/rados-session'

/**
 * The lease's Ceph session on one host (ceph/rados-session.ts) for its lock calls (take, check,
 * release): 120-180 ms a `rados` call on the lab, three calls a migration; through the session a few
 * milliseconds, for one open (~0.2 s). Its program (lease-session-program.ts) opens the lease's pool,
 * as the same client, conf and keyring as the lease's `rados --id` (cephClientArgv).
 *
 * One Ceph client for the session's life: a lock it took can be renewed (MUST_RENEW) and unlocked
 * only through it. Once it ended (idle, host dropped, killed), the lease reaches such a lock through
 * the CLI by its locker (client.N) and cookie, as before. That is why the read-only `ceph` commands
 * have their own session (ceph/read-session.ts): a read that hangs kills only its own python.
 */

export interface LeaseSessionSettings {
  clientId: string
  monitorTimeoutSeconds: number
  pool: string
}

export type LeaseCall =
  | {
      op: 'take' | 'renew' | 'clean'
      name: string
      cookie: string
      tag: string
      desc: string
      duration: number
    }
  | { op: 'list'; name: '*' }
  | { op: 'unlock'; name: string; cookie: string }
  | { op: 'break'; name: string; cookie: string; locker: string }

/** Ceph's answer to one call: done, or refused with an errno (EBUSY 16, ENOENT 2, EEXIST 17…). */
export type LeaseCallAnswer = SessionAnswer

function leaseArgs(settings: LeaseSessionSettings): string[] {
  return [settings.clientId, String(settings.monitorTimeoutSeconds), settings.pool]
}

/** The remote command: our PID on stderr (to kill a hung call), then python reading the program. */
export function leaseSessionCommand(settings: LeaseSessionSettings): string {
  return radosSessionCommand(leaseArgs(settings))
}

const LEASE_SESSION: RadosSessionKind<LeaseCall, LeaseSessionSettings> = {
  program: LEASE_SESSION_PROGRAM,
  args: leaseArgs,
  request: (call) => ({ object: 'hyperdesk.lease', ...call }),
  describe: (call) => `${call.op} ${call.name}`,
  unavailable: (host, reason) =>
    ApiError.of(
      'lease.session-unavailable',
      msg('leaseErrors.sessionUnavailable', { host, reason: reason.slice(0, 300) }),
      { host, step: msg('errorSteps.clusterLease') },
    ),
  lost: (host, why, client, call, seconds) =>
    ApiError.of(
      why === 'timeout' ? 'lease.session-timeout' : 'lease.session-ended',
      why === 'timeout'
        ? msg('leaseErrors.sessionTimedOut', { host, call, seconds })
        : msg('leaseErrors.sessionEnded', { host, call }),
      {
        host,
        step: msg('errorSteps.clusterLease'),
        hint: msg('leaseErrors.sessionEndedHint'),
        ...(client ? { details: { locker: client } } : {}),
      },
    ),
}

export class LeaseSession extends RadosSession<LeaseCall, LeaseSessionSettings> {
  constructor(
    host: string,
    connection: () => HostConnection,
    settings: () => LeaseSessionSettings,
    now: () => number = Date.now,
  ) {
    super(host, connection, settings, LEASE_SESSION, now)
  }
}
