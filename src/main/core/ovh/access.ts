import type { CoreContext } from '../context'
import type { JobContext } from '../jobs/job-manager'
import { ApiError, causeText } from '../../../shared/errors'
import { msg, type Message } from '../../../shared/messages'
import { blockContains } from '../../../shared/ovh'
import { OvhApi, unfollowedError } from './api'
import { OvhClient } from './client'
import { readOvhCredentials, type OvhCredentials } from './credentials'
import { OvhKeychain } from './keychain'

/** What moving a block to a host's server did. */
export interface BlockMoveOutcome {
  block: string
  serviceName: string
  moved: boolean
  taskId?: number
}

/**
 * This core's way to OVH, shared by the OVH service (view, checks, the move job), the migration and
 * the maintenance (the block move before a VM's migration) and VM creation (its virtual MAC):
 * credentials read at each call (environment, ovh.conf, else the OS keychain), the host → server
 * mapping of the cluster file, OVH's pre-check and a block move followed as steps of a job.
 */
export class OvhAccess {
  readonly keychain: OvhKeychain
  private client: { key: string; client: OvhClient } | undefined

  constructor(private readonly context: Pick<CoreContext, 'options' | 'config'>) {
    this.keychain = OvhKeychain.beside(context.options.configPath, context.options.secretBox)
  }

  read() {
    return readOvhCredentials(this.context.options.ovhCredentials ?? {})
  }

  /** Forgets the client built from old credentials (after a save or a forget). */
  reset(): void {
    this.client = undefined
  }

  get intervalMs(): number | undefined {
    return this.context.options.ovhTaskIntervalMs
  }

  async credentials(): Promise<OvhCredentials> {
    const result = this.read()
    const found = result.credentials ?? (await this.keychain.load())
    if (!found)
      throw ApiError.of(
        'ovh.not-configured',
        result.problems.length > 0
          ? msg('ovhErrors.notUsable', { problems: result.problems.map((problem) => problem.text) })
          : msg('ovhErrors.notConfigured', { files: result.files }),
        { hint: msg('ovhErrors.notConfiguredHint') },
      )
    return found
  }

  async api(): Promise<OvhApi> {
    const c = await this.credentials()
    const key = [c.baseUrl, c.applicationKey, c.consumerKey, c.source].join(' ')
    if (this.client?.key !== key) this.client = { key, client: new OvhClient(c) }
    return new OvhApi(this.client.client)
  }

  /** The OVH server (service name) of a cluster host, or a clear refusal naming the host. */
  serverOf(host: string): string {
    const entry = this.context.config.requireConfig().hosts.find((candidate) => candidate.name === host)
    if (!entry)
      throw ApiError.of('host.unknown', msg('sshErrors.unknownHost', { host }), {
        hint: msg('sshErrors.unknownHostHint'),
      })
    if (!entry.ovhServiceName)
      throw ApiError.of('ovh.host.unmapped', msg('ovhErrors.hostUnmapped', { host }), {
        host,
        hint: msg('ovhErrors.hostUnmappedHint', { host }),
      })
    return entry.ovhServiceName
  }

  /** OVH's own pre-check: resolves when the block can move (or already routes there), else rejects. */
  async moveCheck(
    block: string,
    to: string,
    signal?: AbortSignal,
  ): Promise<{ block: string; serviceName: string; already: boolean }> {
    const serviceName = this.serverOf(to)
    const ovh = await this.api()
    const blocks = await ovh.failoverBlocks(signal)
    const known = blocks.find((candidate) => candidate.ip === block || blockContains(candidate.ip, block))
    if (!known)
      throw ApiError.of('ovh.ip.unknown', msg('ovhErrors.ipUnknown', { ip: block }), {
        hint: msg('ovhErrors.ipUnknownRefreshHint'),
      })
    if (known.routedTo?.serviceName === serviceName) return { block: known.ip, serviceName, already: true }
    await ovh.ipCanBeMovedTo(serviceName, known.ip, signal)
    return { block: known.ip, serviceName, already: false }
  }

  /**
   * Moves a block to a host's server as steps of a job: OVH's pre-check, the move, then OVH's task
   * followed until it ends (its status in the job's detail unless `quiet`, as when a migration runs
   * alongside and owns the detail). Cancelling the job stops following only: OVH may still carry the
   * move out, and the error says so.
   */
  async moveBlock(
    job: JobContext,
    params: { block: string; to: string },
    options: { quiet?: boolean; progress?: number } = {},
  ): Promise<BlockMoveOutcome> {
    const progress = (value: number) => (options.quiet ? undefined : value)
    const step = (text: Message, value: number) =>
      options.quiet ? job.log(text) : job.step(text, progress(value))
    step(msg('jobSteps.ovhAskingMove', { block: params.block, to: params.to }), options.progress ?? 0.02)
    const checked = await this.moveCheck(params.block, params.to, job.signal)
    if (checked.already) {
      job.log(msg('jobSteps.ovhAlready', { block: checked.block, service: checked.serviceName }))
      return { block: checked.block, serviceName: checked.serviceName, moved: false }
    }
    const ovh = await this.api()
    step(
      msg('jobSteps.ovhMoving', { block: checked.block, service: checked.serviceName, to: params.to }),
      options.progress ?? 0.05,
    )
    const task = await ovh.ipMove(checked.serviceName, checked.block, job.signal)
    const started = Date.now()
    const done = await ovh
      .followTaskInJob(checked.serviceName, task, job, {
        started,
        ...(this.intervalMs !== undefined ? { intervalMs: this.intervalMs } : {}),
        ...(options.quiet ? { quiet: true } : {}),
      })
      .catch((error: unknown) => {
        // "stop following" while a poll was in flight: the move was asked and may still happen
        throw job.signal.aborted ? unfollowedError(task.taskId) : error
      })
    job.log(
      msg('jobSteps.ovhMoved', {
        block: checked.block,
        service: checked.serviceName,
        task: String(done.taskId),
        ms: Date.now() - started,
      }),
    )
    return { block: checked.block, serviceName: checked.serviceName, moved: true, taskId: done.taskId }
  }

  /**
   * A block move that failed, as the error a job shows: which VM, which block, which host, at which
   * step, OVH's own reason kept in `details.cause`.
   */
  static moveFailed(
    error: unknown,
    where: {
      vm: string
      block: string
      to: string
      step: 'before' | 'parallel' | 'maintenance'
      /** For a maintenance: the host being drained. */
      host?: string
    },
  ): ApiError {
    const cause = ApiError.from(error)
    if (cause.code === 'ovh.move.failed' || cause.code === 'ovh.move.unfollowed') return cause
    const unfollowed = cause.code === 'ovh.task.unfollowed'
    const names = { vm: where.vm, block: where.block, to: where.to }
    return ApiError.of(
      unfollowed ? 'ovh.move.unfollowed' : 'ovh.move.failed',
      msg(unfollowed ? 'ovhMoves.unfollowed' : 'ovhMoves.failed', {
        vm: where.vm,
        block: where.block,
        to: where.to,
        reason: causeText(cause),
      }),
      {
        host: where.to,
        step: msg('errorSteps.ovhBlockMove', { block: where.block, to: where.to }),
        hint: unfollowed
          ? msg('ovhMoves.unfollowedHint', names)
          : where.step === 'maintenance'
            ? msg('ovhMoves.maintenanceFailed', { ...names, host: where.host ?? '?' })
            : msg(where.step === 'parallel' ? 'ovhMoves.failedParallelHint' : 'ovhMoves.failedHint', names),
        details: { cause: cause.toData(), block: where.block },
      },
    )
  }
}

const accesses = new WeakMap<object, OvhAccess>()

/**
 * The one OvhAccess of a core (its client cache and keychain shared by every service), keyed by the
 * core's options: the VM wiring, built before the CoreContext, gets the same one.
 */
export function ovhOf(context: Pick<CoreContext, 'options' | 'config'>): OvhAccess {
  let access = accesses.get(context.options)
  if (!access) {
    access = new OvhAccess(context)
    accesses.set(context.options, access)
  }
  return access
}
