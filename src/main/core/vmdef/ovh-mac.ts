import { ApiError, causeText } from '../../../shared/errors'
import type { Check } from '../../../shared/messages/check'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import { blockContains, type OvhTask, type VirtualMacEntry } from '../../../shared/ovh'
import type { JobContext } from '../jobs/job-manager'
import type { OvhApi } from '../ovh/api'
import type { MacUse } from './network'

/**
 * A new VM's failover IP through OVH (issue 20 item 4), the runbook's "create a virtual MAC for the
 * failover IP" done by the app: the plan reads OVH (the IP's block, the virtual MACs of the server of
 * the host the VM runs on) and decides — reuse the MAC the IP already has there, or have the job
 * create one — or refuses (block routed elsewhere, IP claimed by another VM, several virtual MACs, a
 * MAC another definition uses). The job then creates it and follows OVH's task before anything else
 * is made, so a failed task leaves nothing: no image, no definition.
 */

/** What VM creation needs of OvhAccess (ovh/access.ts). */
export interface OvhForVmdef {
  api(): Promise<OvhApi>
  serverOf(host: string): string
  readonly intervalMs: number | undefined
}

/** What OVH says about the IP: every failover block and where it routes, the host server's virtual MACs. */
export interface OvhFacts {
  blocks: readonly { block: string; routedTo: string | null }[]
  virtualMacs: readonly VirtualMacEntry[]
}

/** A VM whose settings claim a failover IP. */
export interface IpClaim {
  vm: string
  failoverIp: string
}

export type VirtualMacAction = { kind: 'reuse'; mac: string } | { kind: 'create' }

export interface VirtualMacDecision {
  checks: Check[]
  /** Absent when a check failed. */
  action?: VirtualMacAction
}

const check = (level: 'ok' | 'fail', message: Message, fix?: Message): Check => ({
  id: 'ovh',
  level,
  message,
  ...(fix ? { fix: { message: fix } } : {}),
})

/** Reuse, create or refuse, from what OVH and the definitions say (pure: the unit tests' subject). */
export function decideVirtualMac(input: {
  ip: string
  /** The host the VM runs on, and its OVH server. */
  host: string
  serviceName: string
  startOn?: string | undefined
  facts: OvhFacts
  usedMacs: readonly MacUse[]
  claims: readonly IpClaim[]
}): VirtualMacDecision {
  const { ip, host, serviceName } = input
  const checks: Check[] = []
  const block = input.facts.blocks.find((candidate) => blockContains(candidate.block, ip))
  if (!block) return { checks: [check('fail', msg('ovhCreate.ipUnknown', { ip }))] }
  if (block.routedTo !== serviceName)
    checks.push(
      check(
        'fail',
        msg('ovhCreate.elsewhere', {
          ip,
          block: block.block,
          server: block.routedTo ?? '—',
          hostServer: serviceName,
          host,
        }),
      ),
    )
  else
    checks.push(check('ok', msg('ovhCreate.routed', { ip, block: block.block, server: serviceName, host })))
  if (input.startOn && input.startOn !== host)
    checks.push(check('fail', msg('ovhCreate.startElsewhere', { ip, host, startOn: input.startOn })))
  const claimants = [...new Set(input.claims.filter((c) => c.failoverIp === ip).map((c) => c.vm))]
  if (claimants.length > 0) checks.push(check('fail', msg('ovhCreate.claimed', { ip, vms: claimants })))

  const macs = input.facts.virtualMacs.filter((entry) =>
    entry.addresses.some((address) => address.ipAddress === ip),
  )
  let action: VirtualMacAction | undefined
  if (macs.length > 1)
    checks.push(
      check('fail', msg('ovhCreate.duplicate', { ip, macs: macs.map((m) => `${m.macAddress}@${m.server}`) })),
    )
  else if (macs.length === 1) {
    const mac = macs[0]!.macAddress.toLowerCase()
    // one line per VM, with every host whose definition has the MAC (a VM is defined everywhere)
    const users = new Map<string, string[]>()
    for (const use of input.usedMacs)
      if (use.mac.toLowerCase() === mac) users.set(use.vm, [...(users.get(use.vm) ?? []), use.host])
    for (const [vm, hosts] of users)
      checks.push(check('fail', msg('ovhCreate.macUsed', { ip, mac, vm, hosts })))
    if (users.size === 0) {
      checks.push(check('ok', msg('ovhCreate.reuse', { ip, mac, server: serviceName })))
      action = { kind: 'reuse', mac }
    }
  } else {
    checks.push(check('ok', msg('ovhCreate.create', { ip, server: serviceName })))
    action = { kind: 'create' }
  }
  return checks.some((c) => c.level === 'fail') ? { checks } : { checks, ...(action ? { action } : {}) }
}

/** The plan's OVH part: the server, OVH read, the decision; OVH's absence or silence as failed checks. */
export async function planVirtualMac(
  ovh: OvhForVmdef | undefined,
  input: {
    ip: string
    host: string
    startOn?: string | undefined
    usedMacs: readonly MacUse[]
    claims: readonly IpClaim[]
    signal?: AbortSignal
  },
): Promise<VirtualMacDecision & { serviceName?: string }> {
  const { ip, host } = input
  const notConfigured = (detail: string) => ({
    checks: [
      check(
        'fail',
        withDetail(msg('ovhCreate.notConfigured', { ip }), detail),
        msg('ovhCreate.notConfiguredHint'),
      ),
    ],
  })
  if (!ovh) return notConfigured('')
  let serviceName: string
  try {
    serviceName = ovh.serverOf(host)
  } catch (error) {
    const cause = ApiError.from(error)
    if (cause.code !== 'ovh.host.unmapped') throw cause
    return { checks: [check('fail', msg('ovhCreate.hostUnmapped', { host }))] }
  }
  let facts: OvhFacts
  try {
    const api = await ovh.api()
    const [blocks, virtualMacs] = await Promise.all([
      api.failoverBlocks(input.signal),
      api.virtualMacs(serviceName, input.signal),
    ])
    facts = {
      blocks: blocks.map((block) => ({ block: block.ip, routedTo: block.routedTo?.serviceName ?? null })),
      virtualMacs,
    }
  } catch (error) {
    const cause = ApiError.from(error)
    if (cause.code === 'ovh.not-configured') return notConfigured(cause.text?.detail ?? '')
    return { checks: [check('fail', msg('ovhCreate.unreadable', { ip, error: causeText(cause) }))] }
  }
  return { ...decideVirtualMac({ ...input, serviceName, facts }), serviceName }
}

/** The planned virtual MAC the job acts on. */
export interface PlannedVirtualMac {
  ip: string
  serviceName: string
  action: VirtualMacAction
}

/**
 * The job's OVH step, before the image: the MAC reused, or created and OVH's task followed to its end
 * (its status in the job's detail and log). A task that ends otherwise than done, an OVH refusal or a
 * cancel fails the job with OVH's reason in plain words — nothing else has been made yet.
 */
export async function virtualMacForJob(
  ovh: OvhForVmdef,
  planned: PlannedVirtualMac,
  vmName: string,
  usedMacs: readonly MacUse[],
  job: JobContext,
): Promise<string> {
  const { ip, serviceName: server } = planned
  if (planned.action.kind === 'reuse') {
    job.step(msg('ovhCreate.reusing', { ip, mac: planned.action.mac, server }), 0.1)
    return planned.action.mac
  }
  job.step(msg('ovhCreate.creating', { ip, server }), 0.05)
  const started = Date.now()
  let task: OvhTask | undefined
  let api: OvhApi
  try {
    api = await ovh.api()
    task = await api.createVirtualMac(server, ip, vmName, job.signal)
    await api.followTaskInJob(server, task, job, {
      started,
      ...(ovh.intervalMs !== undefined ? { intervalMs: ovh.intervalMs } : {}),
    })
  } catch (error) {
    throw virtualMacFailed(
      error,
      { ip, server, ...(task ? { taskId: task.taskId } : {}) },
      job.signal.aborted,
    )
  }
  const made = await api.virtualMacFor(server, ip, job.signal)
  const id = String(task.taskId)
  if (!made)
    throw ApiError.of('vm.create.ovh-vmac-missing', msg('ovhCreate.vanished', { task: id, ip, server }), {
      step: msg('errorSteps.virtualMac', { ip, server }),
    })
  const mac = made.macAddress.toLowerCase()
  const user = usedMacs.find((use) => use.mac.toLowerCase() === mac)
  if (user)
    throw ApiError.of(
      'vm.create.mac-used',
      msg('ovhCreate.macTaken', { ip, mac, vm: user.vm, host: user.host }),
      {
        step: msg('errorSteps.virtualMac', { ip, server }),
        hint: msg('ovhCreate.keptAfterFailure', { ip, mac }),
      },
    )
  job.step(msg('ovhCreate.created', { ip, mac, server, task: id, ms: Date.now() - started }), 0.15)
  return mac
}

/** An OVH failure of the job's virtual MAC step, in plain words (OVH's own kept in details.cause). */
export function virtualMacFailed(
  error: unknown,
  where: { ip: string; server: string; taskId?: number },
  aborted: boolean,
): ApiError {
  const cause = ApiError.from(error)
  const step = msg('errorSteps.virtualMac', { ip: where.ip, server: where.server })
  const task = String(where.taskId ?? cause.details?.['taskId'] ?? '?')
  const details = { cause: cause.toData(), ...(where.taskId !== undefined ? { taskId: where.taskId } : {}) }
  if (aborted || cause.code === 'ovh.task.unfollowed')
    return ApiError.of('vm.create.ovh-unfollowed', msg('ovhCreate.unfollowed', { task, ip: where.ip }), {
      step,
      hint: msg('ovhCreate.unfollowedHint'),
      details,
    })
  const comment = typeof cause.details?.['comment'] === 'string' ? cause.details['comment'] : undefined
  const reason: Message =
    cause.code === 'ovh.task.cancelled'
      ? msg('ovhCreate.taskCancelled', { task })
      : cause.code === 'ovh.task.customerError'
        ? withDetail(msg('ovhCreate.taskCustomerError', { task }), comment, 'ovh')
        : cause.code === 'ovh.task.ovhError'
          ? withDetail(msg('ovhCreate.taskOvhError', { task }), comment, 'ovh')
          : causeText(cause)
  return ApiError.of(
    'vm.create.ovh-failed',
    msg('ovhCreate.failed', { ip: where.ip, server: where.server, reason }),
    {
      step,
      hint:
        cause.code === 'ovh.task.ovhError'
          ? msg('ovhCreate.ovhErrorHint', { task })
          : msg('ovhCreate.failedHint'),
      details,
    },
  )
}
