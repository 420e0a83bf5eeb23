import { ApiError, errorText } from '../../../shared/errors'
import { englishText, msg } from '../../../shared/messages'
import {
  FAILOVER_CHECK,
  type MigrateParams,
  type MigrationPlan,
  type MigrationResult,
} from '../../../shared/migration'
import { blockContains } from '../../../shared/ovh'
import type { JobContext } from '../jobs/job-manager'
import { OvhAccess, type BlockMoveOutcome } from '../ovh/access'

/**
 * The runbook's first step of a migration done by the app (issue 20): the VM's failover block moves
 * to the destination's OVH server as a step of the migration job, so its log shows OVH's task —
 * `first` (the runbook's order: the block, then the migration) or `parallel` (both at once). The
 * migration's own pre-checks run before anything moves; a block with other VMs' addresses moves
 * only when the user confirmed each of them.
 */

export interface BlockClaim {
  uuid: string
  name: string
  failoverIp?: string
  runningOn: readonly string[]
}

export type BlockMoveRequest = NonNullable<MigrateParams['blockMove']>

/**
 * Judges a block move request against what the VMs' settings claim (pure): the VM must claim a
 * failover IP inside the block, and every other VM claiming an address of the block must be among
 * the confirmed ones. Returns the VM's IP and the other VMs moving too; throws the refusal.
 */
export function judgeBlockMove(
  claims: readonly BlockClaim[],
  uuid: string,
  request: BlockMoveRequest,
): { vm: string; ip: string; others: BlockClaim[] } {
  const vm = claims.find((claim) => claim.uuid === uuid)
  const name = vm?.name ?? uuid
  const step = msg('errorSteps.ovhBlockMoveChecks')
  if (!vm?.failoverIp)
    throw ApiError.of('ovh.move.no-ip', msg('ovhMoves.noFailoverIp', { vm: name }), { step })
  if (!blockContains(request.block, vm.failoverIp))
    throw ApiError.of(
      'ovh.move.not-in-block',
      msg('ovhMoves.notInBlock', { vm: name, ip: vm.failoverIp, block: request.block }),
      { step },
    )
  const others = claims.filter(
    (claim) => claim.uuid !== uuid && claim.failoverIp && blockContains(request.block, claim.failoverIp),
  )
  const confirmed = new Set((request.others ?? []).map((other) => other.toLowerCase()))
  const unconfirmed = others.filter((other) => !confirmed.has(other.uuid.toLowerCase()))
  if (unconfirmed.length > 0)
    throw ApiError.of(
      'ovh.move.others',
      msg('ovhMoves.othersUnconfirmed', {
        block: request.block,
        others: unconfirmed.map((other) => `${other.name} (${other.failoverIp})`),
      }),
      {
        step,
        details: {
          others: unconfirmed.map(({ uuid: id, name: n, failoverIp }) => ({ uuid: id, name: n, failoverIp })),
        },
      },
    )
  return { vm: name, ip: vm.failoverIp, others }
}

export interface BlockMoveMigrationDeps {
  claims(): readonly BlockClaim[]
  ovh: Pick<OvhAccess, 'moveBlock' | 'serverOf' | 'credentials'>
  migration: {
    plan(request: { uuid: string; to: string }): Promise<MigrationPlan>
    refuseUnlessReady(plan: MigrationPlan, acceptWarnings: boolean): void
    migrate(
      params: MigrateParams,
      job: JobContext,
      options?: { acceptedWarnings?: readonly string[] },
    ): Promise<MigrationResult>
  }
}

/** The job's log line for the other VMs whose addresses move with the block (the user confirmed them). */
export function logOthersMoving(job: JobContext, block: string, others: readonly BlockClaim[]): void {
  if (others.length > 0)
    job.log(
      msg('jobSteps.blockAlsoCarries', {
        block,
        vms: others.map((o) => `${o.name} (${o.failoverIp})`).join(', '),
      }),
    )
}

/**
 * A VM's failover block moved to a host's server as steps of a job (the migration's, a
 * maintenance's): OVH's task followed, a failure said with the VM, block, host and OVH's reason.
 */
export function moveVmBlock(
  ovh: Pick<OvhAccess, 'moveBlock'>,
  job: JobContext,
  where: { vm: string; block: string; to: string; host?: string },
  step: 'before' | 'parallel' | 'maintenance',
  options: { quiet?: boolean } = {},
): Promise<BlockMoveOutcome> {
  return ovh.moveBlock(job, { block: where.block, to: where.to }, options).catch((error: unknown) => {
    throw OvhAccess.moveFailed(error, { ...where, step })
  })
}

/** A migration job with its failover block's move before it (`first`) or alongside (`parallel`). */
export async function migrateWithBlockMove(
  deps: BlockMoveMigrationDeps,
  params: MigrateParams & { blockMove: BlockMoveRequest },
  job: JobContext,
): Promise<MigrationResult> {
  const { blockMove, ...migrate } = params
  const uuid = params.uuid.toLowerCase()
  // nothing moves before the migration's own pre-checks pass and OVH is reachable for this host
  job.step(msg('jobSteps.preChecksBlockMove'), 0.01)
  const plan = await deps.migration.plan({ uuid, to: params.to })
  deps.migration.refuseUnlessReady(
    { ...plan, checks: plan.checks.filter((check) => check.id !== FAILOVER_CHECK) },
    params.acceptWarnings ?? false,
  )
  const judged = judgeBlockMove(deps.claims(), uuid, blockMove)
  deps.ovh.serverOf(params.to)
  await deps.ovh.credentials()
  logOthersMoving(job, blockMove.block, judged.others)
  const where = { vm: judged.vm, block: blockMove.block, to: params.to }
  // the app moves the block: the plan's "move the failover IP in the OVH manager" warning is done by
  // this job, so it needs no acceptance of its own (any other warning still does)
  const migrateHandled = (request: MigrateParams) =>
    request.acceptWarnings
      ? deps.migration.migrate(request, job)
      : deps.migration.migrate(request, job, { acceptedWarnings: [FAILOVER_CHECK] })

  if (blockMove.when === 'first') {
    const outcome = await moveVmBlock(deps.ovh, job, where, 'before')
    const result = await migrateHandled(migrate).catch((error: unknown) => {
      throw outcome.moved ? movedThenFailed(error, { ...where, from: plan.from }, job) : error
    })
    return { ...result, blockMove: outcomeData(outcome) }
  }

  // parallel: the block's move is followed in the log while the migration owns the progress
  const moving = moveVmBlock(deps.ovh, job, where, 'parallel', { quiet: true }).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error: ApiError.from(error) }),
  )
  let result: MigrationResult
  try {
    result = await migrateHandled(migrate)
  } catch (error) {
    const moved = await moving
    throw 'outcome' in moved && moved.outcome.moved
      ? movedThenFailed(error, { ...where, from: plan.from }, job)
      : error
  }
  const moved = await moving
  if ('error' in moved) {
    job.log(errorText(moved.error))
    return { ...result, blockMove: { block: blockMove.block, moved: false, error: moved.error.toData() } }
  }
  return { ...result, blockMove: outcomeData(moved.outcome) }
}

function outcomeData(outcome: BlockMoveOutcome): NonNullable<MigrationResult['blockMove']> {
  return {
    block: outcome.block,
    serviceName: outcome.serviceName,
    moved: outcome.moved,
    ...(outcome.taskId !== undefined ? { taskId: outcome.taskId } : {}),
  }
}

/** The migration failed after the block moved: the error keeps its own reason and says where the block is. */
function movedThenFailed(
  error: unknown,
  where: { vm: string; block: string; to: string; from: string },
  job: JobContext,
): ApiError {
  const cause = ApiError.from(error)
  const hint = msg('ovhMoves.movedThenFailed', where)
  job.log(hint)
  // The cause as it was (its message, host and step), with the block's whereabouts as its hint.
  return ApiError.from({
    ...cause.toData(),
    hint: englishText(hint),
    hintText: hint,
    details: { ...(cause.details ?? {}), blockMoved: { block: where.block, to: where.to } },
  })
}
