import crypto from 'node:crypto'
import { msg, withDetail, type Message } from '../../../shared/messages'
import { connectFailureError } from '../ceph/connect-failure'
import { ApiError, errorText } from '../../../shared/errors'
import { LEASE_NAME_PATTERN, type LeaseHolder } from '../../../shared/lease'
import { isValidName } from '../../../shared/names'
import type { JobContext } from '../jobs/job-manager'
import type { RemoteRunner } from '../remote/runner'
import type { HostConnection } from '../ssh/connection'
import { LeaseSession, type LeaseCall, type LeaseCallAnswer } from './lease-session'
import { cephClientArgv } from '../storage/rbd-host'

/**
 * The cluster lease (see shared/lease.ts), kept in Ceph with RADOS advisory locks (`rados lock`,
 * cls_lock) on one object, `hyperdesk.lease`, in the cluster's first pool.
 *
 * Why RADOS locks: they work with the runbook's `client.libvirt` caps (`mon 'allow r'`, `osd 'allow
 * rwx pool=…'`: a lock is a class call on an object of a pool it may write; checked on the lab's
 * Pacific); `rados` ships with `ceph-common` like `rbd`; and a lock taken with `--lock-duration`
 * expires *in the OSD*, so the lease of a crashed or disconnected app frees itself without anyone
 * trusting a clock in a lock name. `rbd lock add` has no duration, and needs an image per object.
 *
 * Each acquisition has its own random cookie. The calls go through the host's lease session
 * (lease-session.ts: one long-lived Ceph client over SSH, a few ms a call) where it can serve:
 * take = cls_lock `lock`; check = `lock` with LOCK_FLAG_MUST_RENEW by that same client, which
 * succeeds only while it still holds the lock unexpired (ENOENT once expired, released or taken
 * over: never taken again silently) and extends it; release = `unlock` by that client (never
 * another's). Where no session serves (no binding, the session ended, another host), the `rados` CLI
 * below does it as before. A `rados` process is a new Ceph client each time, so through it a lease
 * cannot be extended in place: renewing breaks our own lock and takes it again with the same
 * cookie; if someone took it in between, the renewal fails and the operation stops as "lease lost".
 * Before each destructive step the operation calls `check`, which through the CLI reads the lease
 * back (still ours, not expired, enough time left — renewing when less than half its duration is left).
 *
 * Each `rados` is a new Ceph client (~0.1 s on a quiet lab host, 0.6-1.2 s on a busy one), so the
 * lease spends as few as it safely can: the read-back of a check also notes our locker (client.N),
 * so the release is one `rados lock break` of exactly that locker and cookie (nothing else can match
 * them). `run` returns once that release has landed: a release left running after the result raced
 * whatever came next (in CI a keyring removed right after a job made it fail through that host, and
 * the lease stayed visible to every instance until it expired). So this instance never meets its own
 * release under way (vmLocks: it never holds a name twice); only the core's close waits for releases
 * of jobs it does not wait for. A release that fails through one host is tried through the next one
 * (a host whose keyring or network is gone must not leave the lease held until it expires).
 */

/** What an operation holding the lease can do: re-check it before each destructive step. */
export interface LeaseCheck {
  /** `step` names the destructive step about to run (a string is English-only, being converted). */
  check(step: Message, needSeconds?: number): Promise<void>
}

/** What operations need of the lease (ClusterLease; unit tests of other modules give a local one). */
export interface Leases {
  run<T>(
    names: readonly string[],
    operation: string,
    durationSeconds: number,
    task: (lease: LeaseCheck) => Promise<T>,
    context?: Pick<JobContext, 'log' | 'step'>,
  ): Promise<T>
  /**
   * Readies what a take will go through, taking nothing: called where an operation is about to be
   * asked for (its plan on screen). Absent where there is nothing to ready (local leases of tests).
   */
  warm?(): void
}

export const LEASE_OBJECT = 'hyperdesk.lease'
/** The tag of every lock the lease takes, through its session and the rados CLI alike (one home). */
export const LEASE_TAG = 'hyperdesk'

export interface LeaseDeps {
  runner: RemoteRunner
  /** Online hosts that can reach Ceph, best first (cephHosts): the lease goes through the first that answers. */
  hosts(): string[]
  /** The pool that holds the lease object (the cluster file's first pool). */
  pool(): string
  ceph(): { clientId: string; monitorTimeoutSeconds: number }
  /** user@machine of this app instance. */
  holder(): string
  /** A syslog line on the host for the other admins (take-overs). */
  audit(host: string, action: string): Promise<void>
  /** The clock (tests); Date.now by default. */
  now?(): number
  /**
   * The host's SSH connection, for the lease's Ceph session (lease-session.ts). Without it every
   * call is a `rados` process (unit tests of other modules).
   */
  connection?(host: string): HostConnection
  /**
   * A failure of the lease's own background work, which no job logs: the sweep of released names
   * after a list. Goes to the host's error log (HostErrorLog, beside its failed commands), shown in
   * the host view. Without it the failure is only retried at the next list (unit tests of others).
   */
  hostError?(error: ApiError): void
}

interface RawLocker {
  name?: string
  cookie?: string
  description?: string
  expiration?: string
  addr?: string
}

/** What we write as the lock's description: who, what, since when. */
interface Description {
  holder: string
  op: string
  since: number
}

function describe(value: Description): string {
  return JSON.stringify(value)
}

/**
 * Ceph prints a lock's expiration as a time (`2026-12-03T09:16:23.515426+0000` on Pacific, with a
 * space instead of the T on older releases) or, for a lock without duration, as seconds (`0.000000`).
 */
export function parseExpiration(text: string | undefined): number | undefined {
  if (!text) return undefined
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed)
    return seconds > 0 ? Math.round(seconds * 1000) : undefined
  }
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$/.exec(trimmed)
  if (!match) return undefined
  const [, date, time, fraction = '', zone] = match
  const offset = !zone || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`
  const parsed = Date.parse(`${date}T${time}${fraction.slice(0, 4)}${offset}`)
  return Number.isNaN(parsed) ? undefined : parsed
}

/** One locker of `rados lock info --format json`, as the app shows it. */
export function parseLocker(name: string, raw: RawLocker, now = Date.now()): LeaseHolder {
  let description: Partial<Description> = {}
  try {
    const parsed: unknown = JSON.parse(raw.description ?? '')
    if (parsed && typeof parsed === 'object') description = parsed as Partial<Description>
  } catch {
    // Not one of ours (taken by hand): show its description as the operation.
  }
  const expiresAt = parseExpiration(raw.expiration)
  return {
    name,
    holder: typeof description.holder === 'string' ? description.holder : (raw.name ?? '?'),
    operation: typeof description.op === 'string' ? description.op : (raw.description ?? ''),
    ...(typeof description.since === 'number' ? { since: description.since } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    expired: expiresAt !== undefined && expiresAt <= now,
    locker: raw.name ?? '',
    cookie: raw.cookie ?? '',
    ...(raw.addr ? { address: raw.addr } : {}),
  }
}

/** `rados lock info` output: the lockers still holding the lock (Pacific already hides expired ones). */
export function parseLockInfo(name: string, stdout: string, now = Date.now()): LeaseHolder[] {
  const text = stdout.trim()
  if (!text) return []
  const parsed = JSON.parse(text) as { lockers?: RawLocker[] }
  return (parsed.lockers ?? []).map((raw) => parseLocker(name, raw, now))
}

/** Which object a lease name protects, for sentences: "labvm1", "libvirt-ssd/web1", "host hv1". */
export type ObjectLabel = (name: string) => string

function leaseError(
  code: string,
  text: Message,
  extra: {
    host?: string | undefined
    details?: Record<string, unknown>
    hint?: Message
    step?: Message
  } = {},
): ApiError {
  return ApiError.of(code, text, {
    ...(extra.host ? { host: extra.host } : {}),
    step: extra.step ?? msg('errorSteps.clusterLease'),
    ...(extra.hint ? { hint: extra.hint } : {}),
    ...(extra.details ? { details: extra.details } : {}),
  })
}

const BUSY = /\(16\)|Device or resource busy/
/**
 * rados's own ENOENT line ("ERROR: failed breaking lock: (2) …", "error 2: (2) …"): no such object or
 * locker. Not any "(2)": a host without its keyring prints "auth: unable to find a keyring on …: (2) No
 * such file or directory" too (when librados' log thread gets to it), and a release that read that as
 * "already gone" left the lease held. rados's connect failures ("failed to fetch mon config …",
 * "couldn't connect to cluster: (2) …", ceph/connect-failure.ts) start otherwise, so never match.
 */
const MISSING = /^(ERROR: .*|error 2: )\(2\) No such file or directory/m
const EBUSY = 16
const ENOENT = 2
/**
 * The duration of a clean's own take. It never outlives the op (the same atomic op removes the
 * entry, or none of it is applied); a duration is set anyway so that no bug can leave a lock that
 * never expires.
 */
const CLEAN_TAKE_SECONDS = 10
/**
 * At most this many names removed by one list: the calls queue in one session, each with its own
 * deadline, so a pile left by years of releases is worked off over several lists rather than
 * risking the session's deadline in one.
 */
const CLEANS_PER_LIST = 200

/** The session's list answer (lease-session-program.ts): names and their lockers; [] for anything else. */
export function parseSessionList(value: unknown): { name: string; lockers: RawLocker[] }[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return []
    const { name, lockers } = entry as { name?: unknown; lockers?: unknown }
    if (typeof name !== 'string' || !Array.isArray(lockers)) return []
    return [
      {
        name,
        lockers: lockers.flatMap((raw: unknown) => {
          if (!raw || typeof raw !== 'object') return []
          const r = raw as Record<string, unknown>
          const text = (key: string) => (typeof r[key] === 'string' ? r[key] : undefined)
          const expiration = typeof r['expiration'] === 'number' ? r['expiration'] : 0
          return [
            {
              name: text('locker'),
              cookie: text('cookie'),
              description: text('description'),
              // In seconds, as parseExpiration reads a number; 0: a lock without duration.
              expiration: String(expiration / 1000),
              addr: text('addr'),
            },
          ]
        }),
      },
    ]
  })
}

/** A session call that ended without an answer: its outcome in Ceph is unknown (details.locker). */
function sessionLost(error: ApiError): boolean {
  return error.code === 'lease.session-ended' || error.code === 'lease.session-timeout'
}

export class ClusterLease implements Leases {
  /** Releases under way, for close: a job's release is part of it, but close does not wait for jobs. */
  private readonly releasing = new Set<Promise<void>>()
  /** The lease's Ceph session of each host (lease-session.ts), opened on first use. */
  private readonly sessions = new Map<string, LeaseSession>()

  constructor(
    private readonly deps: LeaseDeps,
    private readonly label: ObjectLabel = (name) => name,
  ) {}

  private argv(args: readonly string[]): string[] {
    const access = this.deps.ceph()
    const pool = this.pool()
    const seconds = String(access.monitorTimeoutSeconds)
    return cephClientArgv('rados', access, ['--rados-osd-op-timeout', seconds, '-p', pool, ...args])
  }

  private pool(): string {
    const pool = this.deps.pool()
    if (!isValidName(pool))
      throw leaseError('lease.bad-pool', msg('leaseErrors.badPool', { pool }), {
        hint: msg('leaseErrors.badPoolHint'),
      })
    return pool
  }

  /** `host`'s session, unless there is no connection to open one or the host lacks the binding. */
  private session(host: string): LeaseSession | undefined {
    const connection = this.deps.connection
    if (!connection) return undefined
    let session = this.sessions.get(host)
    if (!session) {
      session = new LeaseSession(
        host,
        () => connection(host),
        () => {
          const { clientId, monitorTimeoutSeconds } = this.deps.ceph()
          return { clientId, monitorTimeoutSeconds, pool: this.pool() }
        },
        () => this.now(),
      )
      this.sessions.set(host, session)
    }
    return session.usable ? session : undefined
  }

  /**
   * @internal One call through `host`'s session (opened if needed); undefined when no session can
   * serve there (the caller uses the CLI). Throws lease.session-ended/-timeout when it died mid-call.
   */
  async sessionCall(
    host: string,
    call: LeaseCall,
  ): Promise<{ client: string; answer: LeaseCallAnswer } | undefined> {
    const session = this.session(host)
    if (!session) return undefined
    try {
      return await session.call(call)
    } catch (error) {
      const failure = ApiError.from(error)
      if (failure.code === 'lease.session-unavailable') return undefined
      throw failure
    }
  }

  /** @internal One call through `host`'s open session if its Ceph client is still `client`. */
  async sessionCallAs(host: string, client: string, call: LeaseCall): Promise<LeaseCallAnswer | undefined> {
    return this.sessions.get(host)?.callAs(client, call)
  }

  /**
   * Opens the Ceph session of the host a take would go through now, taking nothing: a migration's
   * plan calls it while the user reads the plan, so the take after the click is a call of a few ms
   * instead of a session to open first (~0.2-0.4 s on the lab). The take, the checks before each
   * step and the release are unchanged; the session closes after IDLE_CLOSE_MS unused, as after a
   * call. Where nothing can be opened (no host, no config, no binding) it does nothing: the take
   * meets the same and says why.
   */
  warm(): void {
    try {
      const first = this.order()[0]
      if (first !== undefined) this.session(first)?.warm()
    } catch {
      // No cluster file or a bad pool: the take says so, with its step.
    }
  }

  /** Closes the Ceph sessions (the core's close; a lock they hold stays until released or expired). */
  close(): void {
    for (const session of this.sessions.values()) session.close()
  }

  /** A call Ceph refused through a session (other than busy / not ours), as a lease error. */
  refused(
    name: string,
    host: string,
    call: string,
    answer: { errno: number | undefined; error: string },
  ): ApiError {
    return leaseError(
      'lease.unavailable',
      withDetail(
        msg('leaseErrors.sessionRefused', {
          call,
          object: this.label(name),
          host,
          errno: answer.errno ?? '?',
        }),
        answer.error.slice(-300),
      ),
      { host, details: { errno: answer.errno } },
    )
  }

  /** The hosts to go through, best first (cephHostOrder), `prefer` first when it is still among them. */
  private order(prefer?: string): string[] {
    const hosts = this.deps.hosts()
    return prefer && hosts.includes(prefer) ? [prefer, ...hosts.filter((h) => h !== prefer)] : hosts
  }

  /**
   * Runs `rados …` on the first online host that answers; a host that drops is skipped. `only`: through
   * `prefer` alone (a release tries each host itself).
   */
  private async rados(
    args: readonly string[],
    step: Message,
    prefer?: string,
    only = false,
  ): Promise<{ host: string; exitCode: number; stdout: string; stderr: string }> {
    const order = only && prefer ? [prefer] : this.order(prefer)
    if (order.length === 0)
      throw leaseError('lease.no-host', msg('leaseErrors.noHost'), { hint: msg('leaseErrors.noHostHint') })
    let last: ApiError | undefined
    for (const host of order) {
      try {
        const { monitorTimeoutSeconds } = this.deps.ceph()
        const result = await this.deps.runner.run(host, this.argv(args), {
          step,
          allowFailure: true,
          timeoutSeconds: 3 * monitorTimeoutSeconds + 10,
        })
        return { host, ...result }
      } catch (error) {
        last = ApiError.from(error)
        // Only a host we cannot talk to is skipped; a Ceph that does not answer fails the same anywhere.
        if (last.code !== 'host.offline' && !last.code.startsWith('ssh.')) throw last
      }
    }
    throw (
      last ?? leaseError('lease.no-host', msg('leaseErrors.noHost'), { hint: msg('leaseErrors.noHostHint') })
    )
  }

  /** For close: the releases under way have ended (a failed one was logged). */
  async releasesEnded(): Promise<void> {
    await Promise.all(this.releasing)
  }

  /** Who holds `name` now (unexpired lockers only). */
  async holders(name: string, prefer?: string): Promise<{ host: string; holders: LeaseHolder[] }> {
    checkName(name)
    return this.read(name, prefer)
  }

  /** @internal One `rados lock info` of `name`. */
  async read(name: string, prefer?: string, only = false): Promise<{ host: string; holders: LeaseHolder[] }> {
    const result = await this.rados(
      ['lock', 'info', LEASE_OBJECT, name, '--format', 'json'],
      msg('errorSteps.command', { command: `rados lock info ${name}` }),
      prefer,
      only,
    )
    if (result.exitCode !== 0) {
      if (MISSING.test(result.stderr)) return { host: result.host, holders: [] }
      throw this.failed(name, result)
    }
    return {
      host: result.host,
      holders: parseLockInfo(name, result.stdout, this.now()).filter((holder) => !holder.expired),
    }
  }

  /**
   * Every lease held in the cluster now. Through the first host's session when it serves: one
   * call for every name and its lockers, then the names nobody holds are removed (clean: cls_lock
   * keeps a released name's entry, so without it this list grows with everything ever leased).
   * Otherwise through the CLI: one `rados lock list`, then one `rados lock info` per name, each a
   * new Ceph client, and nothing removed (the CLI cannot remove an entry race-free).
   */
  async list(): Promise<LeaseHolder[]> {
    const first = this.order()[0]
    // A session that died or was refused: the CLI below answers, or says why in its own terms.
    const viaSession =
      first === undefined
        ? undefined
        : await this.sessionCall(first, { op: 'list', name: '*' }).catch(() => undefined)
    if (first !== undefined && viaSession?.answer.ok) {
      const names = parseSessionList(viaSession.answer.value)
      const now = this.now()
      const holders = names.flatMap(({ name, lockers }) =>
        LEASE_NAME_PATTERN.test(name)
          ? lockers.map((raw) => parseLocker(name, raw, now)).filter((holder) => !holder.expired)
          : [],
      )
      // A failed removal never fails the list itself: it goes to the host's error log (no job
      // to log it in) and is retried at the next list.
      const free = names
        .filter(({ name, lockers }) => lockers.length === 0 && LEASE_NAME_PATTERN.test(name))
        .slice(0, CLEANS_PER_LIST)
      const sweep = msg('errorSteps.leaseSweep')
      await Promise.all(
        free.map(({ name }) =>
          this.clean(name, first, sweep).catch((error: unknown) =>
            this.deps.hostError?.(ApiError.from(error)),
          ),
        ),
      )
      return holders
    }
    const result = await this.rados(
      ['lock', 'list', LEASE_OBJECT, '--format', 'json'],
      msg('errorSteps.command', { command: 'rados lock list' }),
    )
    if (result.exitCode !== 0) {
      if (MISSING.test(result.stderr)) return []
      throw this.failed('*', result)
    }
    const names = ((JSON.parse(result.stdout.trim() || '{}') as { locks?: { name?: string }[] }).locks ?? [])
      .map((lock) => lock.name ?? '')
      .filter((name) => LEASE_NAME_PATTERN.test(name))
    const all = await Promise.all(names.map((name) => this.read(name, result.host)))
    return all.flatMap((entry) => entry.holders)
  }

  /**
   * @internal Removes `name`'s entry from the lease object if nobody holds it, through `host`'s
   * session (see the program's clean: one atomic OSD op, a take with a fresh cookie then the
   * removal, so a name someone holds, by the OSD's clock, is never touched). 'removed', 'held' (left
   * as is), or 'no-session' where none serves (the entry stays, as through the CLI). Throws a
   * lease.cleanup-failed error (host, name, Ceph's errno and what to do) when Ceph refused otherwise
   * or the session died: callers log it and go on.
   */
  async clean(
    name: string,
    host: string,
    step = msg('errorSteps.clusterLease'),
  ): Promise<'removed' | 'held' | 'no-session'> {
    checkName(name)
    let result: { client: string; answer: LeaseCallAnswer } | undefined
    try {
      result = await this.sessionCall(host, {
        op: 'clean',
        name,
        cookie: crypto.randomUUID(),
        tag: LEASE_TAG,
        desc: '',
        duration: CLEAN_TAKE_SECONDS,
      })
    } catch (error) {
      throw this.cleanupFailed(name, host, step, errorText(ApiError.from(error)))
    }
    if (!result) return 'no-session'
    const { answer } = result
    if (answer.ok) return 'removed'
    // Held (EBUSY), or held by us just now under the same cookie (impossible: a fresh one).
    if (answer.errno === EBUSY) return 'held'
    throw this.cleanupFailed(name, host, step, errorText(this.refused(name, host, `clean ${name}`, answer)))
  }

  private cleanupFailed(name: string, host: string, step: Message, error: Message): ApiError {
    return leaseError('lease.cleanup-failed', msg('leaseErrors.cleanupFailed', { name, host, error }), {
      host,
      step,
      hint: msg('leaseErrors.cleanupFailedHint'),
    })
  }

  /**
   * Takes every name (all or none) for `operation`, runs `task`, and releases them in finally (the
   * result waits for the release: see the module's comment). While another instance holds
   * one, fails at once with `lease.held`: who, since when, until when.
   */
  async run<T>(
    names: readonly string[],
    operation: string,
    durationSeconds: number,
    task: (lease: HeldLease) => Promise<T>,
    context?: Pick<JobContext, 'log' | 'step'>,
  ): Promise<T> {
    const lease = await this.acquire(names, operation, durationSeconds, context)
    // Long steps (an rbd resize of a big image, a migration) outlive one duration: renew meanwhile.
    const heartbeat = setInterval(
      () => {
        lease.check(msg('errorSteps.keepLease'), (durationSeconds * 2) / 3).catch((error: unknown) => {
          context?.log(msg('jobSteps.leaseRenewFailed', { error: errorText(ApiError.from(error)) }))
        })
      },
      (durationSeconds * 1000) / 3,
    )
    heartbeat.unref()
    try {
      return await task(lease)
    } finally {
      clearInterval(heartbeat)
      await this.release(lease, context)
    }
  }

  /** Releases `lease`, noted for close until it ends; logs its own failure, never throws. */
  private release(lease: HeldLease, context?: Pick<JobContext, 'log' | 'step'>): Promise<void> {
    const done = lease.release().catch((error: unknown) => {
      context?.log(
        msg('jobSteps.leaseReleaseFailed', {
          names: lease.names.join(', '),
          error: errorText(ApiError.from(error)),
        }),
      )
    })
    this.releasing.add(done)
    void done.then(() => this.releasing.delete(done))
    return done
  }

  async acquire(
    names: readonly string[],
    operation: string,
    durationSeconds: number,
    context?: Pick<JobContext, 'log' | 'step'>,
  ): Promise<HeldLease> {
    // The first name (the VM) alone, then the others (its disks) side by side: two instances after the
    // same object meet on its first name, and exactly one goes on. No wait is ever made for a held
    // name, so no order can deadlock two instances. A refusal names the first name held, in the
    // caller's order.
    const unique = [...new Set(names)]
    unique.forEach(checkName)
    const cookie = crypto.randomUUID()
    const lease = new HeldLease(this, unique, cookie, operation, durationSeconds, context)
    context?.step(msg('jobSteps.takingLease', { objects: unique.map(this.label).join(', ') }))
    const started = performance.now()
    const [first, ...others] = unique
    try {
      if (first !== undefined) await lease.take(first)
      const taken = await Promise.allSettled(others.map((name) => lease.take(name)))
      const refused = taken.find((outcome) => outcome.status === 'rejected')
      if (refused) throw refused.reason
    } catch (error) {
      await lease.release().catch(() => undefined)
      throw error
    }
    context?.log(msg('jobSteps.leaseTakeTook', { ms: Math.round(performance.now() - started) }))
    return lease
  }

  /**
   * @internal Takes `name`: through the first host's session when it can serve (resolving to that
   * host and the session's Ceph client, the locker), else one `rados lock get`; or throws lease.held.
   * When the holder it met is gone by the time it is read (a release just landing), the name is
   * free: one more take, rather than a refusal that names nobody.
   */
  async lockGet(
    name: string,
    cookie: string,
    description: string,
    durationSeconds: number,
    prefer?: string,
    again = true,
  ): Promise<{ host: string; locker?: string }> {
    const first = this.order(prefer)[0]
    const viaSession =
      first === undefined
        ? undefined
        : await this.sessionCall(first, {
            op: 'take',
            name,
            cookie,
            tag: LEASE_TAG,
            desc: description,
            duration: durationSeconds,
          })
    if (first !== undefined && viaSession) {
      const { answer, client } = viaSession
      if (answer.ok) return { host: first, locker: client }
      if (answer.errno === EBUSY) return this.busy(name, cookie, description, durationSeconds, first, again)
      throw this.refused(name, first, `take ${name}`, answer)
    }
    const result = await this.rados(
      [
        'lock',
        'get',
        LEASE_OBJECT,
        name,
        '--lock-cookie',
        cookie,
        '--lock-tag',
        LEASE_TAG,
        '--lock-duration',
        String(durationSeconds),
        '--lock-description',
        description,
      ],
      msg('errorSteps.command', { command: `rados lock get ${name}` }),
      prefer,
    )
    if (result.exitCode === 0) return { host: result.host }
    if (BUSY.test(result.stderr))
      return this.busy(name, cookie, description, durationSeconds, result.host, again)
    throw this.failed(name, result, 'unavailable')
  }

  /** A take met another holder: who, or one more take when it was just released. */
  private async busy(
    name: string,
    cookie: string,
    description: string,
    durationSeconds: number,
    host: string,
    again: boolean,
  ): Promise<{ host: string; locker?: string }> {
    const { holders } = await this.read(name, host)
    if (holders.length === 0 && again)
      return this.lockGet(name, cookie, description, durationSeconds, host, false)
    throw this.heldError(name, holders, host)
  }

  /** @internal Breaks one locker (ours at release/renewal, another's at a take-over). */
  async lockBreak(
    name: string,
    locker: string,
    cookie: string,
    prefer?: string,
    only = false,
  ): Promise<{ host: string; gone: boolean }> {
    const result = await this.rados(
      ['lock', 'break', LEASE_OBJECT, name, locker, '--lock-cookie', cookie],
      msg('errorSteps.command', { command: `rados lock break ${name}` }),
      prefer,
      only,
    )
    if (result.exitCode === 0) return { host: result.host, gone: false }
    if (MISSING.test(result.stderr)) return { host: result.host, gone: true }
    throw this.failed(name, result)
  }

  /**
   * @internal Ends our lock of `name` (cookie, and the locker a check read back, else read first):
   * through `prefer`, and when that fails for any reason (its keyring gone, Ceph unreachable from
   * there), through each next host in turn. Throws lease.release-failed, with each host's reason,
   * when none could. Resolves to the host it went through.
   */
  async releaseName(
    name: string,
    cookie: string,
    locker: string | undefined,
    prefer: string | undefined,
    until: number,
  ): Promise<string> {
    const order = this.order(prefer)
    if (order.length === 0)
      throw leaseError('lease.no-host', msg('leaseErrors.noHost'), { hint: msg('leaseErrors.noHostHint') })
    const reasons: Message[] = []
    for (const host of order) {
      try {
        let known = locker
        if (!known) {
          const { holders } = await this.read(name, host, true)
          known = holders.find((holder) => holder.cookie === cookie)?.locker
          // Not ours any more (expired, taken over): nothing of ours to end.
          if (!known) return host
        }
        await this.lockBreak(name, known, cookie, host, true)
        return host
      } catch (error) {
        reasons.push(msg('leaseErrors.releaseFailedOn', { host, error: errorText(ApiError.from(error)) }))
      }
    }
    throw leaseError(
      'lease.release-failed',
      msg('leaseErrors.releaseFailed', { object: this.label(name), reasons }),
      {
        hint: msg('leaseErrors.releaseFailedHint', { until }),
        details: { tried: order },
      },
    )
  }

  /**
   * Ends another instance's lease after the user confirmed who held it (a crashed app, a closed
   * laptop): breaks exactly the locker the user saw, and writes who took it over to the host's syslog.
   */
  async takeOver(name: string, cookie: string, confirmHolder: string): Promise<LeaseHolder> {
    const { host, holders } = await this.holders(name)
    const object = this.label(name)
    const current = holders.find((holder) => holder.cookie === cookie)
    // Another cookie now, or another holder than the one confirmed: the user must look again.
    const shown = current ?? holders[0]
    if (!shown) throw leaseError('lease.takeover-gone', msg('leaseErrors.takeOverGone', { object }), { host })
    if (!current || current.holder !== confirmHolder)
      throw leaseError(
        'lease.takeover-mismatch',
        msg('leaseErrors.takeOverMismatch', { object, holder: shown.holder, confirmed: confirmHolder }),
        { host, details: { lease: shown } },
      )
    const broken = await this.lockBreak(name, current.locker, current.cookie, host)
    await this.deps
      .audit(broken.host, `took over the lease ${name} from ${current.holder} (${current.operation})`)
      .catch(() => undefined)
    return current
  }

  heldError(name: string, holders: LeaseHolder[], host?: string): ApiError {
    const holder = holders[0]
    const object = this.label(name)
    if (!holder)
      return leaseError(
        'lease.held',
        msg('leaseErrors.heldNoExpiry', { object, holder: '?', operation: '?' }),
        {
          host,
          details: { lease: { name } },
        },
      )
    const names = { object, holder: holder.holder, operation: holder.operation }
    const text =
      holder.expiresAt !== undefined && holder.since !== undefined
        ? msg('leaseErrors.held', { ...names, since: holder.since, until: holder.expiresAt })
        : msg('leaseErrors.heldNoExpiry', names)
    return leaseError('lease.held', text, { host, details: { lease: holder } })
  }

  lostError(name: string, step: Message, holders: LeaseHolder[], host?: string): ApiError {
    return leaseError('lease.lost', msg('leaseErrors.lost', { object: this.label(name), step: step }), {
      host,
      ...(holders[0] ? { details: { lease: holders[0] } } : {}),
    })
  }

  /** A rados that failed: `unavailable` for a take (nothing changed yet), `callFailed` otherwise. */
  private failed(
    name: string,
    result: { host: string; exitCode: number; stderr: string },
    text: 'unavailable' | 'callFailed' = 'callFailed',
  ): ApiError {
    // rados never reached Ceph there: why (keyring, ceph.conf, key, monitors), as a lease error.
    const connect = connectFailureError({
      host: result.host,
      tool: 'rados',
      client: `client.${this.deps.ceph().clientId}`,
      stderr: result.stderr,
      exitCode: result.exitCode,
    })
    if (connect?.text)
      return leaseError('lease.unavailable', connect.text, {
        host: result.host,
        ...(connect.hintText ? { hint: connect.hintText } : {}),
        details: connect.details ?? {},
      })
    const said = result.stderr.trim().split('\n').slice(-2).join(' ').slice(-300)
    return leaseError(
      'lease.unavailable',
      withDetail(
        msg(`leaseErrors.${text}`, {
          object: this.label(name),
          host: result.host,
          exitCode: result.exitCode,
        }),
        said,
      ),
      { host: result.host, details: { exitCode: result.exitCode } },
    )
  }

  describe(operation: string, since: number): string {
    return describe({ holder: this.deps.holder(), op: operation, since })
  }

  holderName(): string {
    return this.deps.holder()
  }

  now(): number {
    return this.deps.now?.() ?? Date.now()
  }
}

function checkName(name: string): void {
  if (!LEASE_NAME_PATTERN.test(name))
    throw leaseError('lease.bad-name', msg('leaseErrors.badName', { name: JSON.stringify(name) }))
}

/** A lease this instance holds: re-checked before each destructive step, released in finally. */
export class HeldLease implements LeaseCheck {
  private readonly taken = new Set<string>()
  /**
   * Ceph's locker (client.N) of each name, as the last read-back found it ours: the release breaks
   * exactly it. A take (a renewal) is a new client: its locker is unknown until read again.
   */
  private readonly lockers = new Map<string, string>()
  /**
   * The host whose lease session took (or last renewed) each name, its client being the name's
   * locker: that session alone can renew it in place and unlock it (a call or two of milliseconds).
   */
  private readonly viaSession = new Map<string, string>()
  private host: string | undefined
  private readonly since: number
  private expiresAt = 0
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly lease: ClusterLease,
    readonly names: readonly string[],
    readonly cookie: string,
    readonly operation: string,
    readonly durationSeconds: number,
    private readonly context?: Pick<JobContext, 'log' | 'step'>,
  ) {
    this.since = lease.now()
  }

  /** @internal */
  async take(name: string): Promise<void> {
    const started = this.lease.now()
    this.lockers.delete(name)
    this.viaSession.delete(name)
    let taken: { host: string; locker?: string }
    try {
      taken = await this.lease.lockGet(
        name,
        this.cookie,
        this.lease.describe(this.operation, this.since),
        this.durationSeconds,
        this.host,
      )
    } catch (error) {
      const failure = ApiError.from(error)
      const locker = failure.details?.['locker']
      // The session died mid-take: the lock may be ours in Ceph. Noted as taken by that client, so
      // the release breaks exactly it (ENOENT when the take never landed).
      if (sessionLost(failure) && typeof locker === 'string') {
        this.taken.add(name)
        this.lockers.set(name, locker)
      }
      throw failure
    }
    this.host = taken.host
    if (taken.locker) {
      this.lockers.set(name, taken.locker)
      this.viaSession.set(name, taken.host)
    }
    this.taken.add(name)
    this.expiresAt = started + this.durationSeconds * 1000
    this.context?.log(
      msg('jobSteps.leaseTaken', {
        name,
        host: taken.host,
        holder: this.lease.holderName(),
        until: this.expiresAt,
      }),
    )
  }

  /**
   * Before a destructive step: every name still ours and unexpired, with at least `needSeconds` left
   * (default half the duration), else renewed. Throws `lease.lost` when another instance has it now.
   */
  check(step: Message, needSeconds = this.durationSeconds / 2): Promise<void> {
    // One check at a time: the heartbeat and a step's check must not both renew.
    const next = this.queue.then(async () => {
      const started = performance.now()
      await this.checkNow(step, needSeconds)
      this.context?.log(msg('jobSteps.leaseCheckTook', { step, ms: Math.round(performance.now() - started) }))
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  private async checkNow(step: Message, needSeconds: number): Promise<void> {
    // A name its session took is renewed in place there (MUST_RENEW: succeeds only while that
    // client still holds it unexpired, and extends it): proof and renewal in one call. The others
    // (no session, or it ended since) are read back and renewed through the CLI, as before.
    const renewed = await Promise.all(this.names.map((name) => this.renewThroughSession(name)))
    const lost = this.names.findIndex((_, index) => renewed[index] === 'lost')
    const lostName = this.names[lost]
    if (lostName !== undefined) {
      const host = this.viaSession.get(lostName) ?? this.host
      this.viaSession.delete(lostName)
      // Who has it now, for the message (a read only on this rare path).
      const { holders } = await this.lease.read(lostName, host).catch(() => ({ holders: [] }))
      throw this.lease.lostError(lostName, step, holders, host)
    }
    const refused = renewed.find((outcome): outcome is ApiError => outcome instanceof ApiError)
    if (refused) throw refused
    const rest = this.names.filter((_, index) => renewed[index] === 'cli')
    if (rest.length > 0) await this.checkThroughCli(rest, step, needSeconds)
  }

  /** 'renewed', 'lost', a refusal, or 'cli' when no session of this name's client is open. */
  private async renewThroughSession(name: string): Promise<'renewed' | 'lost' | 'cli' | ApiError> {
    const host = this.viaSession.get(name)
    const locker = this.lockers.get(name)
    if (!host || !locker) return 'cli'
    const started = this.lease.now()
    let answer: LeaseCallAnswer | undefined
    try {
      answer = await this.lease.sessionCallAs(host, locker, {
        op: 'renew',
        name,
        cookie: this.cookie,
        tag: LEASE_TAG,
        desc: this.lease.describe(this.operation, this.since),
        duration: this.durationSeconds,
      })
    } catch (error) {
      const failure = ApiError.from(error)
      if (!sessionLost(failure)) throw failure
      // The session died mid-renewal: the lock is still in Ceph, ours or not; the CLI reads it.
      answer = undefined
    }
    if (!answer) {
      this.viaSession.delete(name)
      return 'cli'
    }
    if (answer.ok) {
      this.expiresAt = started + this.durationSeconds * 1000
      return 'renewed'
    }
    // ENOENT: expired, released or another's; EBUSY: held by someone else under another tag.
    if (answer.errno === ENOENT || answer.errno === EBUSY) return 'lost'
    return this.lease.refused(name, host, `renew ${name}`, answer)
  }

  private async checkThroughCli(names: readonly string[], step: Message, needSeconds: number): Promise<void> {
    // Every name read back side by side (independent locks), judged in the caller's order (the
    // first one lost is the one named), then the short ones renewed side by side.
    const reads = await Promise.all(names.map((name) => this.lease.read(name, this.host)))
    const short: { name: string; mine: LeaseHolder; host: string }[] = []
    for (const [index, name] of names.entries()) {
      const { host, holders } = reads[index] as { host: string; holders: LeaseHolder[] }
      const mine = holders.find((holder) => holder.cookie === this.cookie)
      if (!mine) throw this.lease.lostError(name, step, holders, host)
      this.lockers.set(name, mine.locker)
      const left = (mine.expiresAt ?? Infinity) - this.lease.now()
      if (left < needSeconds * 1000) short.push({ name, mine, host })
    }
    const renewals = await Promise.allSettled(
      short.map(async ({ name, mine, host }) => {
        // Renew: a new rados client cannot extend another client's lock, so break ours and take it
        // again with the same cookie; losing the race in between is a lost lease.
        await this.lease.lockBreak(name, mine.locker, mine.cookie, host)
        try {
          await this.take(name)
        } catch (error) {
          this.taken.delete(name)
          const failure = ApiError.from(error)
          if (failure.code === 'lease.held') throw this.lease.lostError(name, step, [], host)
          throw failure
        }
      }),
    )
    const failed = renewals.find((renewal) => renewal.status === 'rejected')
    if (failed) throw failed.reason
  }

  /**
   * Ends every name taken. The names are independent locks, so they are released side by side (a
   * start holds the VM and each disk). A name whose locker a check read back is one `rados lock
   * break` of that locker and our cookie: if the lease was taken over or expired since, nothing
   * matches both and Ceph says so (ENOENT), which is the same end. Otherwise (no check since the
   * take or a renewal) the locker is read first: two `rados`, each a new Ceph client. Each name goes
   * through the next host when one fails (releaseName).
   */
  async release(): Promise<void> {
    await this.queue
    const started = performance.now()
    const results = await Promise.allSettled(
      [...this.taken].map(async (name) => {
        const session = this.viaSession.get(name)
        const unlocked = await this.unlockThroughSession(name)
        if (!unlocked)
          await this.lease.releaseName(name, this.cookie, this.lockers.get(name), this.host, this.expiresAt)
        this.taken.delete(name)
        this.lockers.delete(name)
        this.viaSession.delete(name)
        if (unlocked && session) await this.clean(name, session)
      }),
    )
    const failed = results.find((result) => result.status === 'rejected')
    if (failed) throw failed.reason
    this.context?.log(msg('jobSteps.leaseReleaseTook', { ms: Math.round(performance.now() - started) }))
  }

  /**
   * After a release through `host`'s session: the name's entry removed there unless someone took
   * it meanwhile (ClusterLease.clean). A failure is logged in the job and never fails the release
   * nor the operation (the next lease.list tries again); released through the CLI, nothing is done.
   */
  private async clean(name: string, host: string): Promise<void> {
    try {
      await this.lease.clean(name, host)
    } catch (error) {
      this.context?.log(msg('jobSteps.leaseCleanupFailed', { error: errorText(ApiError.from(error)) }))
    }
  }

  /**
   * Unlocks `name` through the session that holds it, if it is still open: true once Ceph says it
   * is not ours any more (unlocked now, or ENOENT: expired or taken over, the same end). False sends
   * it the CLI way (releaseName: a break of exactly this locker and cookie).
   */
  private async unlockThroughSession(name: string): Promise<boolean> {
    const host = this.viaSession.get(name)
    const locker = this.lockers.get(name)
    if (!host || !locker) return false
    const answer = await this.lease
      .sessionCallAs(host, locker, { op: 'unlock', name, cookie: this.cookie })
      .catch(() => undefined)
    return answer !== undefined && (answer.ok || answer.errno === ENOENT)
  }

  /** The time Ceph lets this lease go by itself (the local clock's estimate). */
  get until(): number {
    return this.expiresAt
  }
}
