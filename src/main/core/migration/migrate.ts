import { ApiError, commandStep } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import type { MigrateParams, MigrationPlan, MigrationResult } from '../../../shared/migration'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { vmLeaseName } from '../../../shared/lease'
import {
  checkHostName,
  checkUuid,
  planMigration,
  uriHost,
  type MigrationDeps,
  type PlanRequest,
} from './precheck'
import { auditMessage } from '../remote/audit'
import { jobActive, parseDomjobinfo, progressDetail } from './progress'
import { sectionText } from '../remote/framing'
import { domainArgv } from '../libvirt/domain'

/**
 * The live migration, as the runbook does it, on the SOURCE host:
 * `virsh migrate --live --p2p --persistent <uuid> qemu+ssh://root@<dest migration address>/system
 * tcp://<dest migration address>`. Never --undefinesource: the source keeps its definition (shut off).
 * --persistent only when both definitions are equal (the pre-checks refuse otherwise).
 *
 * While it runs, `virsh domjobinfo` is asked on the source every 400 ms (progress, speed). A timeout or a
 * cancel aborts the job (`virsh domjobabort`) and checks that the VM still runs on the source. A failure
 * says what and where, with libvirtd's own reason when its log is readable (with --p2p the client only
 * sees "End of file…"). If the connection to the source drops (sleep, network), the outcome is read when
 * the host is back rather than reported as a failure. After a success, the same exec writes the audit
 * line, the source's virsh session gives the downtime, and libvirt's events (the inventory's streams)
 * confirm where the VM runs: the read-back starts no further command.
 */

export const DEFAULT_MIGRATION_TIMEOUT_SECONDS = 600
/** A migration's lease on its VM; renewed while the migration runs. */
const MIGRATION_LEASE_SECONDS = 300
/** How long the read-back waits for libvirt's events before reading both hosts itself. */
const EVENT_WAIT_MS = 2000
const EVENT_POLL_MS = 20
const POLL_INTERVAL_MS = 400
const LIBVIRT_LOG = '/var/log/libvirt/libvirtd.log'
/** The sudo rule the doctor proposes allows exactly this command. */
const SUDO_TAIL = ['sudo', '-n', '/usr/bin/tail', '-n', '200', LIBVIRT_LOG]

export interface MigrationOptions {
  /** How long to wait for a lost source host to come back before giving up on reconciling. */
  reconcileTimeoutMs?: number
  pollIntervalMs?: number
  eventWaitMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class Migration {
  constructor(
    private readonly deps: MigrationDeps,
    private readonly options: MigrationOptions = {},
  ) {}

  async plan(request: PlanRequest): Promise<MigrationPlan> {
    // A migration usually follows its plan (the sheet, a maintenance, a block move): its lease's Ceph
    // session opens meanwhile, so the take after the click does not wait for it.
    this.deps.lease.warm?.()
    return (await planMigration(this.deps, request)).plan
  }

  /**
   * `acceptedWarnings`: instead of accepting every warning, only these check ids (a maintenance
   * accepted them with its plan); any other warning stops the migration as vm.migrate.new-warnings.
   */
  async migrate(
    params: MigrateParams,
    context: JobContext,
    options: { acceptedWarnings?: readonly string[] } = {},
  ): Promise<MigrationResult> {
    checkUuid(params.uuid)
    checkHostName(this.deps, params.to, 'destination')
    const uuid = params.uuid.toLowerCase()
    return this.deps.vmLocks.run(uuid, () =>
      this.deps.lease.run(
        [vmLeaseName(uuid)],
        `migrate ${this.deps.inventory.vm(uuid)?.name ?? uuid} to ${params.to}`,
        MIGRATION_LEASE_SECONDS,
        (lease) => this.migrateLeased(uuid, params, context, lease, options.acceptedWarnings),
        context,
      ),
    )
  }

  private async migrateLeased(
    uuid: string,
    params: MigrateParams,
    context: JobContext,
    lease: LeaseCheck,
    acceptedWarnings: readonly string[] | undefined,
  ): Promise<MigrationResult> {
    context.step(msg('jobSteps.preChecks'), 0.01)
    const planStarted = Date.now()
    const { plan } = await planMigration(this.deps, { uuid, to: params.to })
    context.log(msg('jobSteps.preChecksTook', { ms: Date.now() - planStarted }))
    this.refuseUnlessReady(plan, params.acceptWarnings ?? false, acceptedWarnings)
    const { from, to, name } = plan
    const address = uriHost(this.deps.hostConfig(to)?.migrationAddress ?? to)
    const timeoutSeconds = params.timeoutSeconds ?? DEFAULT_MIGRATION_TIMEOUT_SECONDS
    const args = domainArgv.migrate(uuid, address, params.bandwidthMiBps)
    await lease.check(commandStep('virsh migrate'))
    context.step(msg('jobSteps.migrating', { name, from, to }), 0.05)
    context.log(msg('jobSteps.onHost', { host: from, command: `virsh ${args.join(' ')}` }))
    const started = Date.now()
    const abort = new Aborter(this.deps, from, uuid)
    const onCancel = () => abort.request('cancelled')
    context.signal.addEventListener('abort', onCancel, { once: true })
    const timer = setTimeout(() => abort.request('timeout'), timeoutSeconds * 1000)
    const poller = this.pollProgress(from, uuid, context)
    let failure: ApiError | undefined
    try {
      // The host's own timeout is a backstop behind ours (which aborts the job cleanly first).
      await this.deps.runner.run(
        from,
        migrateCommand(auditMessage({ action: `migrate to ${to}`, vm: name }), args),
        { timeoutSeconds: timeoutSeconds + 60, step: commandStep('virsh migrate') },
      )
    } catch (error) {
      failure = ApiError.from(error)
    } finally {
      clearTimeout(timer)
      context.signal.removeEventListener('abort', onCancel)
      abort.stop()
      poller.stop()
    }
    context.log(poller.summary())
    if (failure?.code === 'host.offline') return this.reconcile({ plan, started, context, cause: failure })
    const tooLate = msg('jobSteps.migrationTooLate', { name, to })
    if (failure) {
      const where = await this.whereRunning(plan).catch(() => ({ from: false, to: false, known: false }))
      // A cancel racing the switch-over: libvirt may report the abort while the VM did move. The
      // job then says what happened (moved, with the follow-ups), not "cancelled".
      if (abort.reason === 'cancelled' && where.to && !where.from) {
        context.log(tooLate)
        return this.finish(plan, started, context, false)
      }
      throw await this.failed(plan, failure, abort.reason, timeoutSeconds, started, where)
    }
    if (abort.reason === 'cancelled') context.log(tooLate)
    return this.finish(plan, started, context, false, true)
  }

  /** Refuses a plan with a failed check, or warnings not accepted (vm.migrate.refused/warnings). */
  refuseUnlessReady(
    plan: MigrationPlan,
    acceptWarnings: boolean,
    acceptedWarnings?: readonly string[],
  ): void {
    const failed = plan.checks.filter((check) => check.level === 'fail')
    const warned = plan.checks.filter((check) => check.level === 'warn')
    const reasons = (checks: MigrationPlan['checks']) => checks.map((check) => check.message)
    if (failed.length > 0) {
      throw ApiError.of(
        'vm.migrate.refused',
        msg('migrationRefusals.refused', { name: plan.name, reasons: reasons(failed) }),
        {
          host: plan.to,
          step: msg('errorSteps.preChecks'),
          hint: failed.some((check) => check.id === 'drift' || check.id === 'defined')
            ? msg('migrationRefusals.refusedSyncHint', { from: plan.from })
            : msg('migrationRefusals.refusedHint'),
          details: { checks: plan.checks },
        },
      )
    }
    const unaccepted = acceptedWarnings ? warned.filter((check) => !acceptedWarnings.includes(check.id)) : []
    if (unaccepted.length > 0) {
      throw ApiError.of(
        'vm.migrate.new-warnings',
        msg('migrationRefusals.newWarnings', { name: plan.name, reasons: reasons(unaccepted) }),
        {
          host: plan.to,
          step: msg('errorSteps.preChecks'),
          details: { checks: plan.checks, warnings: unaccepted },
        },
      )
    }
    if (warned.length > 0 && !acceptWarnings && !acceptedWarnings) {
      throw ApiError.of(
        'vm.migrate.warnings',
        msg('migrationRefusals.warnings', { name: plan.name, reasons: reasons(warned) }),
        {
          host: plan.to,
          step: msg('errorSteps.preChecks'),
          hint: msg('migrationRefusals.warningsHint'),
          details: { checks: plan.checks },
        },
      )
    }
  }

  /**
   * Samples `virsh domjobinfo` on the source every 400 ms until stopped, through the source's virsh
   * session: a virsh started per sample cost the migration itself ~20 % on a busy host.
   */
  private pollProgress(host: string, uuid: string, context: JobContext) {
    let samples = 0
    let best = 0
    let firstAt: number | undefined
    let lastAt = 0
    let stopped = false
    let wake: (() => void) | undefined
    const interval = this.options.pollIntervalMs ?? POLL_INTERVAL_MS
    const sample = async () => {
      const sections = await this.deps.runner
        .virshQuery(host, [{ id: 'job', command: domainArgv.jobInfo(uuid) }], {
          step: msg('errorSteps.readMigrationProgress'),
          timeoutSeconds: 10,
        })
        .catch(() => undefined)
      const text = sections ? sectionText(sections, 'job') : undefined
      if (stopped || text === undefined) return
      const info = parseDomjobinfo(text)
      if (!jobActive(info)) return
      samples++
      firstAt ??= Date.now()
      lastAt = Date.now()
      const { detail, fraction } = progressDetail(info)
      best = Math.max(best, fraction)
      context.detail(detail, 0.05 + 0.9 * best)
    }
    void (async () => {
      while (!stopped) {
        const next = Date.now() + interval
        await sample()
        if (stopped) break
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, Math.max(0, next - Date.now()))
        })
      }
    })()
    return {
      /** Stops sampling at once; an answer still on its way is dropped. */
      stop() {
        stopped = true
        wake?.()
      },
      /** Rate over the span the job was seen running (before it, virsh migrate is still connecting). */
      summary() {
        const seconds = firstAt === undefined ? 0 : (lastAt - firstAt) / 1000
        return msg('jobSteps.migrationSamples', {
          samples,
          seconds: seconds.toFixed(1),
          rate: seconds > 0 ? ((samples - 1) / seconds).toFixed(1) : '–',
        })
      },
    }
  }

  /** After success: where the VM runs and where it is defined, read back; the runbook's follow-ups. */
  private async finish(
    plan: MigrationPlan,
    started: number,
    context: JobContext,
    reconciled: boolean,
    /** The migration's own command ended normally, and wrote the audit line. */
    audited = false,
  ): Promise<MigrationResult> {
    const { from, to, name, uuid } = plan
    const durationMs = Date.now() - started
    const readBackStarted = Date.now()
    context.step(msg('jobSteps.checkingBothHosts'), 0.96)
    // libvirt's own lifecycle events (the inventory's `virsh event` streams) say where the VM is now;
    // both hosts are read again only when they have not said so in time (a stream down, say). The
    // downtime comes from the source's virsh session meanwhile. The audit line came with the
    // migration's own command, unless it did not end normally (a lost connection, a late cancel).
    const [downtimeMs, confirmed] = await Promise.all([
      this.downtime(from, uuid),
      this.movedPerEvents(from, to, uuid),
      audited
        ? undefined
        : this.deps
            .audit(
              from,
              `migrate to ${to}${reconciled ? ' (outcome read after a lost connection)' : ''}`,
              name,
            )
            .catch(() => undefined),
    ])
    if (!confirmed) {
      context.log(msg('jobSteps.noEventYet', { from, to }))
      await Promise.all([this.deps.inventory.refreshHost(from), this.deps.inventory.refreshHost(to)])
    }
    const onSource = this.deps.inventory.domain(from, uuid)
    const onDestination = this.deps.inventory.domain(to, uuid)
    if (onDestination?.state !== 'running')
      context.log(
        onDestination
          ? msg('jobSteps.warnStateAfter', { host: to, name, state: onDestination.state })
          : msg('jobSteps.warnUndefinedAfter', { host: to, name }),
      )
    if (!onSource) context.log(msg('jobSteps.warnSourceUndefined', { name, from }))
    else if (onSource.state !== 'shutoff')
      context.log(msg('jobSteps.warnStateAfter', { host: from, name, state: onSource.state }))
    context.log(msg('jobSteps.readBackTook', { ms: Date.now() - readBackStarted }))
    context.log(
      downtimeMs !== undefined
        ? msg('jobSteps.nowRunsDowntime', { name, to, from, ms: downtimeMs })
        : msg('jobSteps.nowRuns', { name, to, from }),
    )
    return {
      from,
      to,
      durationMs,
      ...(downtimeMs !== undefined ? { downtimeMs } : {}),
      followUps: plan.followUps,
      ...(reconciled ? { reconciled } : {}),
    }
  }

  /**
   * Waits (briefly) until the inventory, fed by libvirt's events, shows the VM running on the
   * destination and shut off on the source. In-process only: no command on the hosts.
   */
  private async movedPerEvents(from: string, to: string, uuid: string): Promise<boolean> {
    const deadline = Date.now() + (this.options.eventWaitMs ?? EVENT_WAIT_MS)
    const state = (host: string) => this.deps.inventory.domain(host, uuid)?.state
    for (;;) {
      if (state(to) === 'running' && state(from) === 'shutoff') return true
      if (Date.now() >= deadline) return false
      await sleep(EVENT_POLL_MS)
    }
  }

  /** The source keeps the completed job's statistics (downtime included) until its next job. */
  private async downtime(host: string, uuid: string): Promise<number | undefined> {
    const sections = await this.deps.runner
      .virshQuery(host, [{ id: 'completed', command: domainArgv.jobInfo(uuid, 'completed') }], {
        step: msg('errorSteps.readMigrationStats'),
        timeoutSeconds: 10,
      })
      .catch(() => undefined)
    const text = sections ? sectionText(sections, 'completed') : undefined
    return text === undefined ? undefined : parseDomjobinfo(text).downtimeMs
  }

  /** Where does the VM run now, from both hosts' fresh inventories. */
  private async whereRunning(plan: MigrationPlan): Promise<{ from: boolean; to: boolean; known: boolean }> {
    const [source, destination] = await Promise.all([
      this.deps.inventory.refreshHost(plan.from),
      this.deps.inventory.refreshHost(plan.to),
    ])
    const runs = (inventory: typeof source) =>
      inventory.domains.some((domain) => domain.uuid === plan.uuid && domain.state === 'running')
    return { from: runs(source), to: runs(destination), known: source.reachable && destination.reachable }
  }

  private async failed(
    plan: MigrationPlan,
    cause: ApiError,
    reason: 'cancelled' | 'timeout' | undefined,
    timeoutSeconds: number,
    started: number,
    where: { from: boolean; to: boolean },
  ): Promise<ApiError> {
    const { from, to, name } = plan
    const state = where.from
      ? msg('migrationErrors.stillOnSource', { name, from })
      : where.to
        ? msg('migrationErrors.movedAfterAll', { name, to })
        : msg('migrationErrors.whereUnknown', { name })
    const step = msg('errorSteps.virshMigrate')
    if (reason === 'cancelled')
      return ApiError.of('job.cancelled', msg('migrationErrors.cancelled', { name, from, to, state }), {
        host: from,
        step,
      })
    if (reason === 'timeout')
      return ApiError.of(
        'vm.migrate.timeout',
        msg('migrationErrors.timedOut', { name, from, to, seconds: timeoutSeconds, state }),
        { host: from, step, hint: msg('migrationErrors.timedOutHint') },
      )
    const log = await this.libvirtLog(from, started)
    // What the host said: virsh's error, then libvirtd's own lines (with --p2p the real reason).
    const stderr = cause.details?.['stderr']
    const said = [typeof stderr === 'string' && stderr.trim() ? stderr.trim() : cause.message, ...log.lines]
    return ApiError.of(
      'vm.migrate.failed',
      withDetail(msg('migrationErrors.failed', { name, from, to, state }), said.join('\n')),
      {
        host: from,
        step,
        hint: log.hint,
        details: {
          ...cause.details,
          libvirtLog: log.lines,
          runningOn: where.from ? from : where.to ? to : null,
        },
      },
    )
  }

  /**
   * libvirtd's own errors since the migration started: with --p2p the real reason is only there. Root
   * only; readable when the doctor found it readable (group adm, or the sudo rule it proposes).
   */
  private async libvirtLog(host: string, since: number): Promise<{ lines: string[]; hint: Message }> {
    const state = this.deps.hostState(host)
    const check = state?.doctor?.checks.find((candidate) => candidate.id === 'libvirt-log')
    // The doctor's command when it has one (it knows the host's admin user), else the runbook's.
    const fix =
      check?.fix?.command ??
      `echo 'etalab ALL=(root) NOPASSWD: /usr/bin/tail -n 200 ${LIBVIRT_LOG}' > /etc/sudoers.d/hyperdesk`
    const manual = msg('migrationErrors.libvirtLogManual', { host, log: LIBVIRT_LOG, fix })
    if (!state?.doctor?.capabilities.canReadLibvirtLog) return { lines: [], hint: manual }
    const result = await this.deps.runner
      .run(
        host,
        [
          'sh',
          '-c',
          'if [ -r "$1" ]; then exec tail -n 200 "$1"; fi; shift; exec "$@"',
          'hyperdesk-log',
          LIBVIRT_LOG,
          ...SUDO_TAIL,
        ],
        { timeoutSeconds: 15, allowFailure: true, step: msg('errorSteps.readLibvirtdLog') },
      )
      .catch(() => undefined)
    if (!result || result.exitCode !== 0) return { lines: [], hint: manual }
    return {
      lines: relevantLogLines(result.stdout, since),
      hint: msg('migrationErrors.libvirtLogShown', { host, log: LIBVIRT_LOG }),
    }
  }

  /**
   * The connection to the source dropped mid-migration (workstation asleep, network): libvirtd on the
   * source goes on without us. Wait for the host, wait for its job to end, then read where the VM runs.
   */
  private async reconcile(input: {
    plan: MigrationPlan
    started: number
    context: JobContext
    cause: ApiError
  }): Promise<MigrationResult> {
    const { plan, context } = input
    const { from, to, name, uuid } = plan
    context.step(msg('jobSteps.lostConnection', { from }), 0.95)
    const deadline = Date.now() + (this.options.reconcileTimeoutMs ?? 15 * 60_000)
    let lastReason = ''
    let loggedReason = ''
    for (;;) {
      const info = await this.deps.runner
        .virsh(from, domainArgv.jobInfo(uuid), { timeoutSeconds: 10, allowFailure: true })
        .then((result) => {
          if (result.exitCode === 0) return parseDomjobinfo(result.stdout)
          // Shut off on the source: no job left (it has moved, or stopped).
          if (/domain is not running/.test(result.stderr)) return parseDomjobinfo('')
          lastReason = result.stderr.trim()
          return undefined
        })
        .catch((error: unknown) => {
          lastReason = ApiError.from(error).message
          return undefined
        })
      if (info && !jobActive(info)) break
      if (lastReason && lastReason !== loggedReason)
        context.log(msg('jobSteps.stillWaiting', { from, reason: lastReason }))
      loggedReason = lastReason
      if (Date.now() > deadline || context.signal.aborted) {
        throw ApiError.of(
          'vm.migrate.unknown-outcome',
          withDetail(
            msg('migrationErrors.unknownOutcome', { from, name }),
            lastReason || input.cause.message,
          ),
          {
            host: from,
            step: msg('errorSteps.reconcile'),
            hint: msg('migrationErrors.unknownOutcomeHint', { from, name }),
          },
        )
      }
      await sleep(1000)
    }
    const where = await this.whereRunning(plan)
    const on = where.to ? to : where.from ? from : undefined
    context.log(
      on ? msg('jobSteps.reconciled', { name, host: on }) : msg('jobSteps.reconciledNowhere', { name }),
    )
    if (where.to && !where.from) return this.finish(plan, input.started, context, true)
    throw ApiError.of(
      'vm.migrate.failed',
      where.from && where.to
        ? msg('migrationErrors.runsOnBoth', { name, from, to })
        : where.from
          ? msg('migrationErrors.notCompleted', { name, from })
          : msg('migrationErrors.runsOnNeither', { name }),
      { host: from, step: msg('errorSteps.reconcile'), details: { reconciled: true } },
    )
  }
}

/**
 * `virsh migrate` on the source and, only when it succeeded, in the same exec, the audit line. Its
 * exit status is virsh migrate's.
 */
export function migrateCommand(auditLine: string, migrateArgs: readonly string[]): string[] {
  return [
    'sh',
    '-c',
    'a=$1; shift; virsh -c qemu:///system "$@" || exit $?; logger -t hyperdesk -- "$a" 2>/dev/null; exit 0',
    'hyperdesk-migrate',
    auditLine,
    ...migrateArgs,
  ]
}

/** libvirtd's error lines (and the line after each) logged since `since` (UTC timestamps). */
export function relevantLogLines(log: string, since: number): string[] {
  const lines = log.split('\n')
  const out: string[] = []
  for (const line of lines) {
    const stamp = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+)\+0000/.exec(line)?.[1]
    if (stamp && Date.parse(`${stamp.replace(' ', 'T')}Z`) < since - 2000) continue
    if (/: error : /.test(line)) out.push(line.trim())
  }
  return out.slice(-10)
}

/**
 * Aborts the source's migration job (virsh domjobabort) on cancel or timeout. The job may not have
 * started yet when asked: it tries again every second until the migration command ends.
 */
class Aborter {
  reason: 'cancelled' | 'timeout' | undefined
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly deps: MigrationDeps,
    private readonly host: string,
    private readonly uuid: string,
  ) {}

  request(reason: 'cancelled' | 'timeout'): void {
    if (this.reason || this.stopped) return
    this.reason = reason
    const attempt = () => {
      void this.deps.runner
        .virsh(this.host, domainArgv.jobAbort(this.uuid), { timeoutSeconds: 15, allowFailure: true })
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(attempt, 1000)
        })
    }
    attempt()
  }

  /** The migration command ended: stop retrying (the reason stays, for the error). */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }
}
