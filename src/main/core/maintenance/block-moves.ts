import { ApiError } from '../../../shared/errors'
import type { MaintenanceBlock, MaintenanceMove } from '../../../shared/maintenance'
import { blockMoveFor, type FailoverView } from '../../../shared/ovh'
import { judgeBlockMove, logOthersMoving, moveVmBlock, type BlockClaim } from '../migration/block-move'
import type { OvhAccess } from '../ovh/access'
import type { MaintenanceBlocks, BlockRequest } from './precheck'

/**
 * The runbook's first step done per VM by a guided maintenance (issue 20 item 3): the plan shows
 * each moving VM's failover block as OVH routes it (every address, the other VMs that move with it,
 * OVH's own pre-check `ipCanBeMovedTo`), and the job moves the chosen blocks before their VM
 * migrates, with the migration's own rules and code (migration/block-move.ts, OvhAccess.moveBlock).
 */
export function maintenanceBlocks(deps: {
  ovh(): Pick<OvhAccess, 'credentials' | 'moveCheck' | 'moveBlock'>
  /** The failover IP view as the OVH service builds it. */
  view(signal?: AbortSignal): Promise<FailoverView>
  claims(): readonly BlockClaim[]
}): MaintenanceBlocks {
  const judge = (uuid: string, request: BlockRequest) =>
    judgeBlockMove(deps.claims(), uuid, {
      block: request.block,
      when: 'first',
      ...(request.others ? { others: [...request.others] } : {}),
    })
  return {
    async plan(moves, signal) {
      if (!moves.some((move) => move.failoverIp)) return { moves: [...moves] }
      const ovh = deps.ovh()
      try {
        await ovh.credentials()
      } catch (error) {
        const failure = ApiError.from(error)
        if (failure.code === 'ovh.not-configured') return { moves: [...moves], ovh: { configured: false } }
        return { moves: [...moves], ovh: { configured: true, error: failure.toData() } }
      }
      let view: FailoverView
      try {
        view = await deps.view(signal)
      } catch (error) {
        return { moves: [...moves], ovh: { configured: true, error: ApiError.from(error).toData() } }
      }
      const planned = await Promise.all(
        moves.map(async (move): Promise<MaintenanceMove> => {
          const block = move.failoverIp ? await blockOf(ovh, view, moves, move, signal) : undefined
          return block ? { ...move, block } : move
        }),
      )
      return { moves: planned, ovh: { configured: true } }
    },
    judge(uuid, request) {
      judge(uuid, request)
    },
    async move(job, where) {
      const judged = judge(where.uuid, where)
      logOthersMoving(job, where.block, judged.others)
      return moveVmBlock(
        deps.ovh(),
        job,
        { vm: judged.vm, block: where.block, to: where.to, host: where.host },
        'maintenance',
      )
    },
  }
}

/** One VM's block: its addresses and their users, where the maintenance sends them, OVH's pre-check. */
async function blockOf(
  ovh: Pick<OvhAccess, 'moveCheck'>,
  view: FailoverView,
  moves: readonly MaintenanceMove[],
  move: MaintenanceMove,
  signal?: AbortSignal,
): Promise<MaintenanceBlock | undefined> {
  const found = blockMoveFor(view, { uuid: move.uuid, name: move.name }, move.to)
  const entry = view.blocks.find((candidate) => candidate.block === found.block)
  if (!found.block || !entry) return undefined
  const others = entry.addresses.flatMap((address) =>
    address.vms
      .filter((vm) => vm.uuid !== move.uuid)
      .map((vm) => {
        const to = moves.find((other) => other.uuid === vm.uuid)?.to
        return {
          uuid: vm.uuid,
          name: vm.name,
          ip: address.ip,
          runningOn: vm.runningOn,
          ...(to ? { to } : {}),
        }
      }),
  )
  const blockedBy = found.blockedBy === 'noBlock' ? undefined : found.blockedBy
  let canMove = false
  let refusal: MaintenanceBlock['refusal']
  if (found.needed && !blockedBy)
    try {
      canMove = !(await ovh.moveCheck(found.block, move.to, signal)).already
    } catch (error) {
      refusal = ApiError.from(error).toData()
    }
  return {
    block: found.block,
    routedTo: found.routedTo ?? null,
    ...(entry.routedHost ? { routedHost: entry.routedHost } : {}),
    ...(found.toServer ? { toServer: found.toServer } : {}),
    needed: found.needed,
    addresses: found.addresses,
    others,
    canMove,
    ...(blockedBy ? { blockedBy } : {}),
    ...(refusal ? { refusal } : {}),
  }
}
