import crypto from 'node:crypto'
import { ApiError, errorText } from '../../../shared/errors'
import { englishText, msg, withDetail, type Message } from '../../../shared/messages'
import {
  stepSaid,
  stepText,
  type MaintenancePlan,
  type MaintenanceRecord,
  type MaintenanceStep,
} from '../../../shared/maintenance'
import { FAILOVER_CHECK, type MigrationCheck } from '../../../shared/migration'
import { cephHost, privilegeSettings, setNoout } from '../ceph/cluster'
import { allPgsClean, readCluster } from '../ceph/health'
import { readShape } from '../ceph/formats/errors'
import { readStatusPgs } from '../ceph/formats/ceph-status'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { hostLeaseName } from '../../../shared/lease'
import { planMaintenance, type MaintenanceContext } from './precheck'
import { aborted, readBootId, sleep, waitForReboot } from './reboot-watch'
import type { MaintenanceStore } from './store'

/**
 * Host maintenance as one job: migrations one by one through the migration engine, noout, the
 * reboot (configured command or the user), the host back, every PG active+clean, noout unset.
 *
 * The record changes only through update(), which saves and emits it at once, so the app can stop
 * at any point and the window shows what the job does: at the next start an
 * unfinished maintenance shows as interrupted, to resume (each step checks what is already done:
 * a VM already on its destination, noout already set) or to abort (which unsets the noout it set).
 * Cancelling the job pauses it the same way; a migration in flight is cancelled by the engine
 * (virsh domjobabort). A failed step stops the job with its error and can be retried by resuming.
 */

export interface MaintenanceOptions {
  /** How often to look at the host's connection and at the PGs (default 1 s and 3 s). */
  pollMs?: number
  cleanPollMs?: number
  /** Give up waiting for the PGs after this long (default 30 min). */
  cleanTimeoutMs?: number
  /** With a reboot command: give up waiting for the host after this long (default 20 min). */
  rebootTimeoutMs?: number
}

export type MaintenanceDeps = MaintenanceContext & {
  emit(record: MaintenanceRecord | null): void
}

/** The host's lease during a maintenance; renewed while it runs (a reboot can take long). */
const MAINTENANCE_LEASE_SECONDS = 600

const FINAL = new Set<MaintenanceRecord['status']>(['done', 'cancelled'])

/** A change to a record or a step: each field given is set, a field given as undefined is removed. */
export type Change<T> = { [K in keyof T]?: T[K] | undefined }

/** What a step ends with: its own change (state 'done' unless it says otherwise) and the record's. */
type StepOutcome = Change<MaintenanceStep> & { record?: Change<MaintenanceRecord> }

function applyChange<T extends object>(target: T, change: Change<T>): void {
  const fields = target as Record<string, unknown>
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete fields[key]
    else fields[key] = value
  }
}

export class Maintenance {
  private record: MaintenanceRecord | null
  private running: { jobId: string; done: Promise<unknown> } | undefined

  constructor(
    private readonly deps: MaintenanceDeps,
    private readonly store: MaintenanceStore,
    private readonly options: MaintenanceOptions = {},
  ) {
    this.record = store.load()
    // A record saved as running belongs to a job of a previous run of the app.
    if (this.record?.status === 'running')
      this.update(this.record, { status: 'interrupted', jobId: undefined })
  }

  current(): MaintenanceRecord | null {
    return this.record
  }

  plan(host: string, destinations?: Record<string, string>): Promise<MaintenancePlan> {
    return planMaintenance(this.deps, host, destinations)
  }

  async start(params: {
    host: string
    destinations?: Record<string, string> | undefined
    acceptWarnings?: boolean | undefined
    bandwidthMiBps?: number | undefined
    blockMoves?: Record<string, { block: string; others?: string[] | undefined }> | undefined
  }): Promise<MaintenanceRecord> {
    const { host } = params
    if (this.record && !FINAL.has(this.record.status))
      throw ApiError.of(
        'maintenance.in-progress',
        msg('maintenanceErrors.inProgress', {
          host: this.record.host,
          status: statusMessage(this.record.status),
        }),
        { host: this.record.host, step: msg('errorSteps.startMaintenance') },
      )
    const plan = await planMaintenance(this.deps, host, params.destinations)
    const failed = plan.checks.filter((check) => check.level === 'fail')
    const blockMoves = this.judgeBlockMoves(plan, params.blockMoves ?? {})
    const warned = plan.checks.filter((check) => check.level === 'warn')
    // "move the failover IP in the OVH manager": done by this job for the blocks it moves
    const handled = new Set(
      plan.moves
        .filter((move) => blockMoves.has(move.uuid))
        .map((move) => `migration:${move.name}:${FAILOVER_CHECK}`),
    )
    const toAccept = warned.filter((check) => !handled.has(check.id))
    const reasons = (checks: typeof failed) => checks.map((check) => check.message)
    if (failed.length > 0)
      throw ApiError.of(
        'maintenance.refused',
        msg('maintenanceChecks.refused', { host, reasons: reasons(failed) }),
        {
          host,
          step: msg('errorSteps.preChecks'),
          hint: msg('maintenanceChecks.refusedHint'),
          details: { checks: plan.checks },
        },
      )
    if (toAccept.length > 0 && !params.acceptWarnings)
      throw ApiError.of(
        'maintenance.warnings',
        msg('maintenanceChecks.warnings', { host, reasons: reasons(toAccept) }),
        { host, step: msg('errorSteps.preChecks'), details: { checks: plan.checks } },
      )
    const steps: MaintenanceStep[] = [
      ...plan.moves.flatMap((move): MaintenanceStep[] => {
        const vm = { uuid: move.uuid, vm: move.name, to: move.to }
        const block = blockMoves.get(move.uuid)
        return [
          ...(block
            ? [
                {
                  id: `block:${move.uuid}`,
                  kind: 'block-move' as const,
                  state: 'pending' as const,
                  ...vm,
                  block: block.block,
                  ...(block.others ? { others: block.others } : {}),
                },
              ]
            : []),
          { id: `migrate:${move.uuid}`, kind: 'migrate', state: 'pending', ...vm },
        ]
      }),
      { id: 'noout-set', kind: 'noout-set', state: 'pending' },
      { id: 'reboot', kind: 'reboot', state: 'pending' },
      { id: 'wait-clean', kind: 'wait-clean', state: 'pending' },
      { id: 'noout-unset', kind: 'noout-unset', state: 'pending' },
    ]
    const now = Date.now()
    const record: MaintenanceRecord = {
      id: crypto.randomUUID(),
      host,
      createdAt: now,
      updatedAt: now,
      status: 'running',
      plan,
      steps,
      ...(params.bandwidthMiBps ? { bandwidthMiBps: params.bandwidthMiBps } : {}),
      acceptedWarnings: warned.map((check) => check.id),
    }
    this.record = record
    return this.launch(record)
  }

  /**
   * The blocks the user chose to move through OVH, each judged against the plan (a VM it migrates,
   * its block as planned, OVH's pre-check passed) and the migration's rules (the VM claims an
   * address of it, every other VM using one confirmed); by the VM's UUID as the plan spells it.
   */
  private judgeBlockMoves(
    plan: MaintenancePlan,
    requests: Record<string, { block: string; others?: string[] | undefined }>,
  ): Map<string, { block: string; others?: string[] }> {
    const chosen = new Map<string, { block: string; others?: string[] }>()
    for (const [uuid, request] of Object.entries(requests)) {
      const move = plan.moves.find((candidate) => candidate.uuid.toLowerCase() === uuid.toLowerCase())
      const step = msg('errorSteps.ovhBlockMoveChecks')
      if (!move)
        throw ApiError.of(
          'maintenance.block-refused',
          msg('ovhMoves.maintenanceNotPlanned', { vm: uuid, host: plan.host }),
          { host: plan.host, step },
        )
      const planned = move.block
      if (!this.deps.blocks || planned?.block !== request.block || (planned.needed && !planned.canMove))
        throw ApiError.of(
          'maintenance.block-refused',
          msg('ovhMoves.maintenanceNotMovable', { vm: move.name, block: request.block, to: move.to }),
          { host: move.to, step, ...(planned?.refusal ? { details: { cause: planned.refusal } } : {}) },
        )
      this.deps.blocks.judge(move.uuid, request)
      chosen.set(move.uuid, { block: request.block, ...(request.others ? { others: request.others } : {}) })
    }
    return chosen
  }

  resume(id: string, acceptWarnings = false): MaintenanceRecord {
    const record = this.require(id)
    if (record.status !== 'interrupted' && record.status !== 'failed')
      throw ApiError.of(
        'maintenance.not-resumable',
        msg('maintenanceErrors.notResumable', { host: record.host, status: statusMessage(record.status) }),
        { host: record.host, step: msg('errorSteps.resumeMaintenance') },
      )
    if (record.error?.code === 'maintenance.new-warnings') {
      const ids = (record.error.details?.warningIds ?? []) as string[]
      const step = msg('errorSteps.resumeMaintenance')
      // The saved error again (its warnings to accept), now as the resume's.
      if (!acceptWarnings)
        throw ApiError.from({ ...record.error, host: record.host, step: englishText(step), stepText: step })
      return this.launch(record, {
        error: undefined,
        acceptedWarnings: [...new Set([...(record.acceptedWarnings ?? []), ...ids])],
      })
    }
    return this.launch(record, { error: undefined })
  }

  /** Stops the job (cancelling a migration in flight), then unsets the noout it set unless kept. */
  async abort(id: string, keepNoout = false): Promise<MaintenanceRecord> {
    const record = this.require(id)
    if (FINAL.has(record.status)) return record
    if (this.running) {
      try {
        this.deps.jobs.cancel(this.running.jobId)
      } catch {
        // Already finished.
      }
      await this.running.done.catch(() => undefined)
    }
    let outcome = msg('maintenanceErrors.abortedNoNoout')
    let nooutChange: Change<MaintenanceRecord> = {}
    if (record.nooutSet && keepNoout) outcome = msg('maintenanceErrors.abortedNooutKept')
    else if (record.nooutSet) {
      try {
        const unset = await this.unsetNoout(record)
        outcome = msg('maintenanceErrors.abortedNooutUnset', unset)
        nooutChange = { nooutSet: undefined }
      } catch (error) {
        // The record stays as it was: abort can be asked again; nothing claims noout is gone.
        this.update(record, { error: ApiError.from(error).toData() })
        throw error
      }
    }
    const stopped = record.steps.filter(
      (step) => step.state === 'pending' && step.text?.code === 'maintenanceSteps.stoppedHere',
    )
    return this.update(
      record,
      {
        ...nooutChange,
        status: 'cancelled',
        outcome: englishText(outcome),
        outcomeText: outcome,
        // The job's own "cancelled" error is not news once the user aborted, nor is "resume".
        ...(record.error?.code === 'remote.cancelled' ? { error: undefined } : {}),
      },
      Object.fromEntries(stopped.map((step) => [step.id, stepSaid(msg('maintenanceSteps.abortedHere'))])),
    )
  }

  confirmReboot(id: string): MaintenanceRecord {
    const record = this.require(id)
    const step = record.steps.find((entry) => entry.kind === 'reboot')
    if (record.status !== 'running' || step?.state !== 'waiting')
      throw ApiError.of(
        'maintenance.not-waiting',
        msg('maintenanceErrors.notWaiting', { host: record.host }),
        {
          host: record.host,
          step: msg('errorSteps.confirmReboot'),
        },
      )
    return this.update(record, { rebootConfirmed: true })
  }

  private require(id: string): MaintenanceRecord {
    if (!this.record || this.record.id !== id)
      throw ApiError.of('maintenance.unknown', msg('maintenanceErrors.unknown', { id }), {
        step: msg('errorSteps.maintenance'),
      })
    return this.record
  }

  /**
   * The one way the saved record changes: `change` on the record, `steps` on its steps (by id);
   * then it is stamped, saved and emitted at once, so what is on disk and what the window shows is
   * always what the job does.
   */
  private update(
    record: MaintenanceRecord,
    change: Change<MaintenanceRecord>,
    steps: Record<string, Change<MaintenanceStep>> = {},
  ): MaintenanceRecord {
    applyChange(record, change)
    for (const [id, stepChange] of Object.entries(steps)) {
      const step = record.steps.find((entry) => entry.id === id)
      if (step) applyChange(step, stepChange)
    }
    record.updatedAt = Date.now()
    this.store.save(record)
    this.deps.emit(structuredClone(record))
    return record
  }

  private updateStep(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    change: Change<MaintenanceStep>,
  ): MaintenanceRecord {
    return this.update(record, {}, { [step.id]: change })
  }

  /** Starts (or resumes) the job, with `change` (a resume's) saved as it starts. */
  private launch(record: MaintenanceRecord, change: Change<MaintenanceRecord> = {}): MaintenanceRecord {
    const { job, done } = this.deps.jobs.start({
      kind: 'host.maintenance',
      title: msg('jobTitles.maintenance', { host: record.host }),
      target: { host: record.host },
      cancellable: true,
      // The host's lease: no other app instance runs a maintenance of it meanwhile; each migration
      // also takes its VM's lease. (A fence of this host does not take it: a lost host is fenced even
      // while a maintenance of it waits.)
      run: (context) =>
        this.deps.lease
          .run(
            [hostLeaseName(record.host)],
            `maintenance of ${record.host}`,
            MAINTENANCE_LEASE_SECONDS,
            (lease) => this.runSteps(record, context, lease),
            context,
          )
          .catch((error: unknown) => {
            // Not taken (another instance holds it): no step ran; the record can be resumed later.
            if (record.status === 'running' && record.jobId === context.id)
              this.update(record, {
                status: 'failed',
                error: ApiError.from(error).toData(),
                jobId: undefined,
              })
            throw error
          }),
    })
    this.running = { jobId: job.id, done }
    void done
      .catch(() => undefined)
      .finally(() => {
        if (this.running?.jobId === job.id) this.running = undefined
      })
    return this.update(record, { ...change, status: 'running', jobId: job.id })
  }

  private async runSteps(
    record: MaintenanceRecord,
    context: JobContext,
    lease: LeaseCheck,
  ): Promise<MaintenanceRecord> {
    const total = record.steps.length
    let current: MaintenanceStep | undefined
    try {
      for (const [index, step] of record.steps.entries()) {
        if (step.state === 'done' || step.state === 'skipped') continue
        current = step
        aborted(context.signal, record.host, stepMessage(step, record.host))
        this.updateStep(record, step, {
          state: 'running',
          startedAt: Date.now(),
          message: undefined,
          text: undefined,
        })
        context.step(stepMessage(step, record.host), index / total)
        // Still ours before noout and the reboot (a migration checks its VM's own lease); never
        // before unsetting noout, which only puts the cluster back.
        if (step.kind === 'noout-set' || step.kind === 'reboot')
          await lease.check(stepMessage(step, record.host))
        const { record: recordChange = {}, ...stepChange } = await this.runStep(
          record,
          step,
          context,
          index / total,
          1 / total,
        )
        this.update(record, recordChange, {
          [step.id]: { state: 'done', ...stepChange, endedAt: Date.now() },
        })
        const said = stepText(step)
        if (said) context.log(said)
      }
      return this.update(record, { status: 'done', jobId: undefined })
    } catch (error) {
      const failure = ApiError.from(error)
      const cancelled = context.signal.aborted
      const stoppedAt: Change<MaintenanceStep> = cancelled
        ? { state: 'pending', ...stepSaid(msg('maintenanceSteps.stoppedHere')) }
        : { state: 'failed', ...stepSaid(errorText(failure)) }
      this.update(
        record,
        { status: cancelled ? 'interrupted' : 'failed', error: failure.toData(), jobId: undefined },
        current ? { [current.id]: stoppedAt } : {},
      )
      throw failure
    }
  }

  private async runStep(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
    base: number,
    span: number,
  ): Promise<StepOutcome> {
    switch (step.kind) {
      case 'block-move':
        return this.blockMove(record, step, context, base, span)
      case 'migrate':
        return this.migrate(record, step, context, base, span)
      case 'noout-set':
        return this.nooutSet(record, step, context)
      case 'reboot':
        return this.reboot(record, step, context)
      case 'wait-clean':
        return this.waitClean(record, step, context)
      case 'noout-unset':
        return this.nooutUnset(record, step, context)
    }
  }

  private async migrate(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
    base: number,
    span: number,
  ): Promise<StepOutcome> {
    const { host } = record
    const uuid = step.uuid ?? ''
    const to = step.to ?? ''
    await Promise.all([this.deps.inventory.refreshHost(host), this.deps.inventory.refreshHost(to)])
    const vm = this.deps.inventory.vm(uuid)
    const where = vm?.runningOn ?? []
    const vmName = step.vm ?? uuid
    if (where.includes(to) && !where.includes(host))
      return stepSaid(msg('maintenanceSteps.alreadyOn', { vm: vmName, to }))
    if (!where.includes(host))
      return {
        state: 'skipped',
        ...stepSaid(
          where.length
            ? msg('maintenanceSteps.noLongerOn', { vm: vmName, host, where: where.join(', ') })
            : msg('maintenanceSteps.noLongerRunning', { vm: vmName, host }),
        ),
      }
    const sub = vmJob(context, step.vm ?? uuid, base, span)
    const bandwidth = record.bandwidthMiBps ? { bandwidthMiBps: record.bandwidthMiBps } : {}
    // Only the warnings accepted with the plan (or since) pass: a new one (memory now tight on the
    // destination, say) stops the maintenance here for a new confirmation.
    const prefix = `migration:${step.vm}:`
    const acceptedWarnings = (record.acceptedWarnings ?? [])
      .filter((id) => id.startsWith(prefix))
      .map((id) => id.slice(prefix.length))
    let result
    try {
      result = await this.deps.migration.migrate({ uuid, to, ...bandwidth }, sub, { acceptedWarnings })
    } catch (error) {
      const failure = ApiError.from(error)
      if (failure.code !== 'vm.migrate.new-warnings') throw failure
      const warnings = (failure.details?.warnings ?? []) as MigrationCheck[]
      throw ApiError.of(
        'maintenance.new-warnings',
        msg('maintenanceChecks.newWarnings', {
          host,
          vm: step.vm ?? uuid,
          to,
          reasons: warnings.map((warning) => warning.message),
        }),
        {
          host: to,
          step: stepMessage(step, host),
          details: {
            warningIds: warnings.map((warning) => `${prefix}${warning.id}`),
            // Each a check (message code + parameters), for the sheet to show it in the user's language.
            warnings: warnings.map((warning) => ({ ...warning, id: `${prefix}${warning.id}` })),
          },
        },
      )
    }
    return {
      followUps: result.followUps,
      ...stepSaid(
        msg('maintenanceSteps.migrated', {
          vm: vmName,
          host,
          to,
          seconds: (result.durationMs / 1000).toFixed(1),
        }),
      ),
    }
  }

  /**
   * The VM's failover block moved to its destination's OVH server before it migrates, OVH's task
   * followed (its status in the step's message). A failure stops the maintenance here with OVH's
   * reason (the VM still runs on the host: fix, then resume); cancelling stops following only (the
   * error says the move may still happen; a resume asks OVH again, and finds it done).
   */
  private async blockMove(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
    base: number,
    span: number,
  ): Promise<StepOutcome> {
    const { host } = record
    const uuid = step.uuid ?? ''
    const to = step.to ?? ''
    const block = step.block ?? ''
    const where = this.deps.inventory.vm(uuid)?.runningOn ?? []
    if (!where.includes(host) && !where.includes(to))
      return {
        state: 'skipped',
        ...stepSaid(msg('maintenanceSteps.blockNotMoved', { vm: step.vm ?? uuid, host, to, block })),
      }
    if (!this.deps.blocks)
      throw ApiError.of('ovh.not-configured', msg('maintenanceSteps.noOvhAccess', { block }), {
        host,
        step: stepMessage(step, host),
      })
    const sub = vmJob(context, step.vm ?? uuid, base, span)
    const job: JobContext = {
      ...sub,
      detail: (values, progress) => {
        sub.detail(values, progress)
        const said = stepSaid(
          msg('maintenanceSteps.ovhTask', {
            task: String(values['taskId']),
            status: String(values['status']),
          }),
        )
        if (values['taskId'] !== undefined && said.message !== step.message)
          this.updateStep(record, step, said)
      },
    }
    const outcome = await this.deps.blocks.move(job, {
      uuid,
      vm: step.vm ?? uuid,
      host,
      to,
      block,
      ...(step.others ? { others: step.others } : {}),
    })
    const service = outcome.serviceName
    return stepSaid(
      outcome.moved
        ? msg('maintenanceSteps.blockMoved', {
            block: outcome.block,
            to,
            service,
            task: outcome.taskId ?? '?',
          })
        : msg('maintenanceSteps.blockAlreadyThere', { block: outcome.block, to, service }),
    )
  }

  /** Nothing may run on the host when noout goes on and the reboot starts. */
  private async ensureEmpty(record: MaintenanceRecord, step: Message): Promise<void> {
    const { host } = record
    const inventory = await this.deps.inventory.refreshHost(host)
    if (!inventory.reachable)
      throw ApiError.of(
        'host.offline',
        withDetail(msg('maintenanceErrors.hostUnreadable', { host, step }), inventory.error),
        { host, step },
      )
    const left = inventory.domains.filter(
      (domain) => domain.state !== 'shutoff' && domain.state !== 'crashed',
    )
    if (left.length > 0)
      throw ApiError.of(
        'maintenance.vms-left',
        msg('maintenanceErrors.vmsLeft', {
          host,
          vms: left.map((domain) => `${domain.name} (${domain.state})`),
        }),
        { host, step },
      )
  }

  private async nooutSet(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
  ): Promise<StepOutcome> {
    if (record.nooutSet) return stepSaid(msg('maintenanceSteps.nooutAlready'))
    await this.ensureEmpty(record, stepMessage(step, record.host))
    const on = cephHost(this.deps, undefined, [record.host])
    const settings = privilegeSettings(this.deps)
    const node = record.plan.noout.node
    try {
      const command = await setNoout(
        this.deps.runner,
        on,
        settings,
        true,
        node ? { node } : {},
        context.signal,
      )
      return {
        ...stepSaid(
          msg('maintenanceSteps.nooutSetOn', {
            command,
            on,
            reason:
              record.plan.noout.reasonText ?? msg('common.untranslated', { text: record.plan.noout.reason }),
          }),
        ),
        record: { nooutSet: node ? { node } : {} },
      }
    } catch (error) {
      const failure = ApiError.from(error)
      // Ceph older than Luminous has no set-group: fall back to the whole cluster, and say so.
      if (
        !node ||
        failure.code !== 'remote.failed' ||
        !/EINVAL|unrecognized|invalid command/i.test(failure.message)
      )
        throw failure
      const command = await setNoout(this.deps.runner, on, settings, true, {}, context.signal)
      return {
        ...stepSaid(msg('maintenanceSteps.nooutClusterWide', { command, on })),
        record: { nooutSet: {} },
      }
    }
  }

  /** Empties the host, sends the reboot command (or asks the user), then watches (reboot-watch.ts). */
  private async reboot(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
  ): Promise<StepOutcome> {
    const { host } = record
    const command = this.deps.config.requireConfig().maintenance?.rebootCommand
    let said: Change<MaintenanceStep> = { message: step.message, text: step.text }
    if (record.bootId === undefined) {
      await this.ensureEmpty(record, stepMessage(step, host))
      const bootId = await readBootId(this.deps.runner, host)
      this.update(record, { bootId, sawOffline: false, rebootConfirmed: undefined })
      if (command) {
        await this.sendRebootCommand(host, command, context)
        said = stepSaid(msg('maintenanceSteps.rebootSent', { command: command.join(' '), host }))
      }
    }
    const waiting: Change<MaintenanceStep> = command
      ? said
      : { state: 'waiting', ...stepSaid(msg('maintenanceSteps.rebootNow', { host })) }
    this.updateStep(record, step, waiting)
    context.step(stepText(step) ?? msg('jobSteps.waitingReboot', { host }))
    await waitForReboot(this.deps, {
      host,
      signal: context.signal,
      record,
      limitMs: command ? (this.options.rebootTimeoutMs ?? 20 * 60_000) : Infinity,
      pollMs: this.options.pollMs ?? 1000,
      saw: (change, text) => {
        this.update(record, change, { [step.id]: stepSaid(text) })
        context.log(text)
      },
      rebooted: (text) =>
        this.update(
          record,
          { droppedWithoutReboot: undefined },
          { [step.id]: { state: 'running', ...stepSaid(text) } },
        ),
    })
    return {}
  }

  /** The configured reboot command; the connection dropping under it is the expected outcome. */
  private async sendRebootCommand(host: string, command: string[], context: JobContext): Promise<void> {
    context.log(msg('jobSteps.onHost', { host, command: command.join(' ') }))
    const result = await this.deps.runner
      .run(host, command, { step: msg('errorSteps.rebootCommand'), allowFailure: true, timeoutSeconds: 30 })
      .catch((error: unknown) => {
        const failure = ApiError.from(error)
        if (failure.code === 'host.offline' || failure.code === 'remote.timeout') return undefined
        throw failure
      })
    if (result && result.exitCode !== 0 && this.deps.hosts.get(host).current.status === 'online')
      throw ApiError.of(
        'maintenance.reboot-failed',
        withDetail(
          msg('maintenanceErrors.rebootFailed', { host, exit: result.exitCode, command: command.join(' ') }),
          result.stderr,
        ),
        { host, step: msg('errorSteps.rebootCommand'), hint: msg('maintenanceErrors.rebootFailedHint') },
      )
  }

  private async waitClean(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
  ): Promise<StepOutcome> {
    const started = Date.now()
    const limit = this.options.cleanTimeoutMs ?? 30 * 60_000
    for (;;) {
      aborted(context.signal, record.host, msg('errorSteps.waitPgs'))
      const on = cephHost(this.deps)
      const [status] = await readCluster(this.deps.runner, on, ['status'], context.signal)
      const read = await readShape(this.deps.runner, on, 'ceph', () => readStatusPgs(status))
      const pgs = { total: read.total, byState: read.byState }
      const { up, total: all } = read.osds
      const states = pgs.byState.map((entry) => `${entry.count} ${entry.state}`).join(', ')
      if (allPgsClean(pgs) && up === all)
        return stepSaid(msg('maintenanceSteps.pgsClean', { total: pgs.total, up, all, on }))
      const said = stepSaid(
        states
          ? msg('maintenanceSteps.waitingCeph', { up, all, states })
          : msg('maintenanceSteps.waitingCephNoPgs', { up, all }),
      )
      const { message } = said
      if (message !== step.message) {
        this.updateStep(record, step, said)
        context.step(said.text)
      }
      if (Date.now() - started > limit)
        throw ApiError.of(
          'maintenance.pgs-not-clean',
          msg('maintenanceErrors.pgsNotClean', { minutes: Math.round(limit / 60_000), state: said.text }),
          { host: on, step: msg('errorSteps.waitPgs'), hint: msg('maintenanceErrors.pgsNotCleanHint') },
        )
      await sleep(this.options.cleanPollMs ?? 3000, context.signal)
    }
  }

  private async nooutUnset(
    record: MaintenanceRecord,
    step: MaintenanceStep,
    context: JobContext,
  ): Promise<StepOutcome> {
    if (!record.nooutSet) return { state: 'skipped', ...stepSaid(msg('maintenanceSteps.nooutNotSet')) }
    const { command, on } = await this.unsetNoout(record, context.signal)
    return {
      ...stepSaid(msg('maintenanceSteps.nooutUnsetOn', { command, on })),
      record: { nooutSet: undefined },
    }
  }

  /** Unsets the noout this maintenance set, on any online host; says what ran where. */
  private async unsetNoout(
    record: MaintenanceRecord,
    signal?: AbortSignal,
  ): Promise<{ command: string; on: string }> {
    const on = cephHost(this.deps)
    const target = record.nooutSet ?? {}
    const command = await setNoout(this.deps.runner, on, privilegeSettings(this.deps), false, target, signal)
    return { command, on }
  }
}

/** A sub-job's step or log line, prefixed with its VM. */
function ofVm(vm: string | undefined, text: Message): Message {
  return msg('jobSteps.ofVm', { vm: vm ?? '?', step: text })
}

/** A step as the job shows it, in the user's language. */
export function stepMessage(step: MaintenanceStep, host: string): Message {
  switch (step.kind) {
    case 'block-move':
      return msg('jobSteps.maintenanceBlockMove', {
        vm: step.vm ?? '?',
        block: step.block ?? '?',
        to: step.to ?? '?',
      })
    case 'migrate':
      return msg('jobSteps.maintenanceMigrate', { vm: step.vm ?? '?', to: step.to ?? '?' })
    case 'noout-set':
      return msg('jobSteps.nooutSet')
    case 'reboot':
      return msg('jobSteps.rebootHost', { host })
    case 'wait-clean':
      return msg('jobSteps.waitClean')
    case 'noout-unset':
      return msg('jobSteps.nooutUnset')
  }
}

/** A VM's share of the maintenance job: its progress fills the step's share, its lines are prefixed. */
function vmJob(context: JobContext, vm: string, base: number, span: number): JobContext {
  const scaled = (progress: number | undefined) =>
    progress === undefined ? undefined : base + progress * span
  return {
    id: context.id,
    signal: context.signal,
    step: (text, progress) => context.step(ofVm(vm, text), scaled(progress)),
    progress: (value) => context.progress(base + value * span),
    detail: (values, progress) => context.detail(values, scaled(progress)),
    log: (text) => context.log(ofVm(vm, text)),
  }
}

/** A maintenance's status, as its errors say it. */
function statusMessage(status: MaintenanceRecord['status']): Message {
  switch (status) {
    case 'running':
      return msg('maintenanceErrors.statusRunning')
    case 'interrupted':
      return msg('maintenanceErrors.statusInterrupted')
    case 'failed':
      return msg('maintenanceErrors.statusFailed')
    case 'cancelled':
      return msg('maintenanceErrors.statusCancelled')
    case 'done':
      return msg('maintenanceErrors.statusDone')
  }
}
