import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import {
  OVH_TASK_ENDS,
  blockContains,
  type OvhTask,
  type OvhTaskStatus,
  type VirtualMacEntry,
} from '../../../shared/ovh'
import { OvhClient, OvhHttpError, pathOf } from './client'

/**
 * The OVH endpoints Hyperdesk uses, typed after OVH's published schema (api.ovh.com/1.0/ip.json and
 * dedicated/server.json; the lab's double checks requests and answers against a copy of it), and the
 * access rules a consumer key needs for exactly these — never `/*`.
 */

/**
 * Every OVH endpoint the app calls, by name: each request below goes through `call(OVH_CALLS.x, …)`,
 * so this list is the code's own and the consumer key's access rules derive from it.
 */
export const OVH_CALLS = {
  failoverBlocks: { method: 'GET', path: '/ip' },
  block: { method: 'GET', path: '/ip/{ip}' },
  servers: { method: 'GET', path: '/dedicated/server' },
  virtualMacs: { method: 'GET', path: '/dedicated/server/{serviceName}/virtualMac' },
  virtualMac: { method: 'GET', path: '/dedicated/server/{serviceName}/virtualMac/{macAddress}' },
  virtualAddresses: {
    method: 'GET',
    path: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress',
  },
  virtualAddress: {
    method: 'GET',
    path: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}',
  },
  ipCanBeMovedTo: { method: 'GET', path: '/dedicated/server/{serviceName}/ipCanBeMovedTo' },
  ipMove: { method: 'POST', path: '/dedicated/server/{serviceName}/ipMove' },
  createVirtualMac: { method: 'POST', path: '/dedicated/server/{serviceName}/virtualMac' },
  task: { method: 'GET', path: '/dedicated/server/{serviceName}/task/{taskId}' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; path: string }>

/**
 * The access rules a consumer key for Hyperdesk needs: one per endpoint of OVH_CALLS, each path
 * parameter a `*` (never `/*`, never a wider prefix than a call needs).
 */
export function accessRulesOf(
  calls: Readonly<Record<string, { method: 'GET' | 'POST'; path: string }>>,
): { method: 'GET' | 'POST'; path: string }[] {
  const seen = new Set<string>()
  const rules: { method: 'GET' | 'POST'; path: string }[] = []
  for (const call of Object.values(calls)) {
    const path = call.path.replace(/\{[A-Za-z]+\}/g, '*')
    const key = `${call.method} ${path}`
    if (seen.has(key)) continue
    seen.add(key)
    rules.push({ method: call.method, path })
  }
  return rules
}

export const OVH_ACCESS_RULES: readonly { method: 'GET' | 'POST'; path: string }[] = accessRulesOf(OVH_CALLS)

type OvhCall = (typeof OVH_CALLS)[keyof typeof OVH_CALLS]

/** ip.Ip, the fields used. */
export interface OvhIp {
  ip: string
  type: string
  routedTo?: { serviceName: string | null } | null
  description?: string | null
  country?: string | null
  campus?: string | null
  regions?: string[] | null
}

export interface ConsumerKeyRequest {
  validationUrl: string
  consumerKey: string
  state: string
}

export class OvhApi {
  constructor(readonly client: OvhClient) {}

  /** One call of OVH_CALLS, its path parameters encoded. */
  private call<T>(
    call: OvhCall,
    params: Record<string, string | number>,
    extra: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    return this.client.request<T>({
      method: call.method,
      path: pathOf(call.path, params),
      ...(extra.query ? { query: extra.query } : {}),
      ...(extra.body !== undefined ? { body: extra.body } : {}),
      ...(extra.signal ? { signal: extra.signal } : {}),
    })
  }

  /** Every failover block of the account (GET /ip?type=failover, then each block). */
  async failoverBlocks(signal?: AbortSignal): Promise<OvhIp[]> {
    const blocks = await this.call<string[]>(
      OVH_CALLS.failoverBlocks,
      {},
      { query: { type: 'failover' }, signal },
    )
    return Promise.all(blocks.map((block) => this.call<OvhIp>(OVH_CALLS.block, { ip: block }, { signal })))
  }

  servers(signal?: AbortSignal): Promise<string[]> {
    return this.call<string[]>(OVH_CALLS.servers, {}, { signal })
  }

  /** The virtual MACs of a server with their addresses (`moveVirtualMac` may hide them during a move). */
  async virtualMacs(serviceName: string, signal?: AbortSignal): Promise<VirtualMacEntry[]> {
    const opts = { signal }
    const macs = await this.call<string[]>(OVH_CALLS.virtualMacs, { serviceName }, opts)
    return Promise.all(
      macs.map(async (macAddress) => {
        const [mac, addresses] = await Promise.all([
          this.call<{ macAddress: string; type: string }>(
            OVH_CALLS.virtualMac,
            { serviceName, macAddress },
            opts,
          ),
          this.call<string[]>(OVH_CALLS.virtualAddresses, { serviceName, macAddress }, opts),
        ])
        const named = await Promise.all(
          addresses.map((ipAddress) =>
            this.call<{ ipAddress: string; virtualMachineName: string }>(
              OVH_CALLS.virtualAddress,
              { serviceName, macAddress, ipAddress },
              opts,
            ),
          ),
        )
        return { server: serviceName, macAddress: mac.macAddress, type: mac.type, addresses: named }
      }),
    )
  }

  /**
   * OVH's own pre-check: can this block be routed to that server? Resolves when it can; rejects with
   * OVH's reason (an OvhHttpError) when it cannot.
   */
  async ipCanBeMovedTo(serviceName: string, block: string, signal?: AbortSignal): Promise<void> {
    await this.call<null>(OVH_CALLS.ipCanBeMovedTo, { serviceName }, { query: { ip: block }, signal })
  }

  /** Routes a whole block to a server: OVH answers a task to follow. */
  ipMove(serviceName: string, block: string, signal?: AbortSignal): Promise<OvhTask> {
    return this.call<OvhTask>(OVH_CALLS.ipMove, { serviceName }, { body: { ip: block }, signal })
  }

  createVirtualMac(
    serviceName: string,
    ipAddress: string,
    virtualMachineName: string,
    signal?: AbortSignal,
  ): Promise<OvhTask> {
    return this.call<OvhTask>(
      OVH_CALLS.createVirtualMac,
      { serviceName },
      { body: { ipAddress, type: 'ovh', virtualMachineName }, signal },
    )
  }

  task(serviceName: string, taskId: number, signal?: AbortSignal): Promise<OvhTask> {
    return this.call<OvhTask>(OVH_CALLS.task, { serviceName, taskId }, { signal })
  }

  /**
   * Follows a server task until it ends (done, cancelled, customerError, ovhError), reporting each
   * status change. Resolves with the last task when it is done; rejects with OVH's comment otherwise.
   * An abort ("stop following") only stops watching: OVH may still carry the task out.
   */
  /**
   * Follows a task a job asked for, as that job's log (OVH's task started, then each status and
   * comment) and detail (task, status, seconds since `started`; none when `quiet`): one way for every
   * job that waits on OVH (a block move, a virtual MAC).
   */
  async followTaskInJob(
    serviceName: string,
    first: OvhTask,
    job: {
      signal: AbortSignal
      log(message: Message): void
      detail(values: Record<string, number | string>): void
    },
    options: { started: number; intervalMs?: number; quiet?: boolean },
  ): Promise<OvhTask> {
    job.log(
      msg('jobSteps.ovhTaskStarted', {
        task: String(first.taskId),
        action: first.function,
        status: first.status,
      }),
    )
    return this.followTask(serviceName, first, {
      signal: job.signal,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      onStatus: (current) => {
        if (!options.quiet)
          job.detail({
            taskId: current.taskId,
            status: current.status,
            seconds: Math.round((Date.now() - options.started) / 1000),
          })
        const task = String(current.taskId)
        // OVH's comment is its own words: the line's detail, never inside the sentence.
        job.log(
          withDetail(
            msg('jobSteps.ovhTaskStatus', { task, status: current.status }),
            current.comment ?? undefined,
            'ovh',
          ),
        )
      },
    })
  }

  async followTask(
    serviceName: string,
    first: OvhTask,
    options: { intervalMs?: number; signal?: AbortSignal; onStatus?(task: OvhTask): void } = {},
  ): Promise<OvhTask> {
    let task = first
    let last: OvhTaskStatus | undefined
    for (;;) {
      if (task.status !== last) {
        last = task.status
        options.onStatus?.(task)
      }
      if (OVH_TASK_ENDS.includes(task.status)) break
      await sleep(options.intervalMs ?? 5000, options.signal)
      task = await this.task(serviceName, task.taskId, options.signal)
    }
    if (task.status === 'done') return task
    const ended = msg('ovhErrors.taskEnded', {
      taskId: task.taskId,
      task: task.function,
      service: serviceName,
      status: task.status,
    })
    throw ApiError.of(`ovh.task.${task.status}`, withDetail(ended, task.comment ?? undefined, 'ovh'), {
      step: msg('errorSteps.ovhTask', { task: task.function, service: serviceName }),
      hint:
        task.status === 'customerError'
          ? msg('ovhErrors.taskCustomerErrorHint')
          : task.status === 'ovhError'
            ? msg('ovhErrors.taskOvhErrorHint')
            : msg('ovhErrors.taskCancelledHint'),
      details: {
        taskId: task.taskId,
        status: task.status,
        ...(task.comment ? { comment: task.comment } : {}),
      },
    })
  }

  /** The virtual MAC a server already has for this IP, if any. */
  async virtualMacFor(
    serviceName: string,
    ipAddress: string,
    signal?: AbortSignal,
  ): Promise<VirtualMacEntry | undefined> {
    const macs = await this.virtualMacs(serviceName, signal)
    return macs.find((mac) => mac.addresses.some((address) => address.ipAddress === ipAddress))
  }

  /**
   * The runbook's "create a virtual MAC of type ovh for the failover IP" (VM creation): checks that
   * the IP's block routes to this server, reuses the MAC it already has there, or creates one and
   * follows OVH's task until the MAC exists.
   */
  async ensureVirtualMac(options: {
    serviceName: string
    ipAddress: string
    virtualMachineName: string
    signal?: AbortSignal
    intervalMs?: number
    onStatus?(task: OvhTask): void
  }): Promise<{ macAddress: string; created: boolean; taskId?: number }> {
    const { serviceName, ipAddress, signal } = options
    const blocks = await this.failoverBlocks(signal)
    const block = blocks.find((candidate) => blockContains(candidate.ip, ipAddress))
    if (!block)
      throw ApiError.of('ovh.ip.unknown', msg('ovhErrors.ipUnknown', { ip: ipAddress }), {
        hint: msg('ovhErrors.ipUnknownCheckHint'),
      })
    const routed = block.routedTo?.serviceName ?? null
    if (routed !== serviceName)
      throw ApiError.of(
        'ovh.ip.elsewhere',
        routed === null
          ? msg('ovhErrors.ipNowhere', { ip: ipAddress, block: block.ip, service: serviceName })
          : msg('ovhErrors.ipElsewhere', {
              ip: ipAddress,
              block: block.ip,
              routedTo: routed,
              service: serviceName,
            }),
        {
          hint: msg('ovhErrors.ipElsewhereHint', { service: serviceName }),
          details: { block: block.ip, routedTo: routed },
        },
      )
    const existing = await this.virtualMacFor(serviceName, ipAddress, signal)
    if (existing) return { macAddress: existing.macAddress, created: false }
    const task = await this.createVirtualMac(serviceName, ipAddress, options.virtualMachineName, signal)
    await this.followTask(serviceName, task, {
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(signal ? { signal } : {}),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    })
    const made = await this.virtualMacFor(serviceName, ipAddress, signal)
    if (!made)
      throw ApiError.of(
        'ovh.vmac.missing',
        msg('ovhErrors.vmacMissing', { taskId: task.taskId, service: serviceName, ip: ipAddress }),
        { hint: msg('ovhErrors.vmacMissingHint') },
      )
    return { macAddress: made.macAddress, created: true, taskId: task.taskId }
  }

  /**
   * Step one of the guided consumer key: OVH answers a validation URL the admin opens to approve a
   * key limited to OVH_ACCESS_RULES (not signed: only the application key).
   */
  requestConsumerKey(signal?: AbortSignal): Promise<ConsumerKeyRequest> {
    return this.client.request<ConsumerKeyRequest>({
      method: 'POST',
      path: '/auth/credential',
      body: { accessRules: OVH_ACCESS_RULES },
      noAuth: true,
      ...(signal ? { signal } : {}),
    })
  }
}

export { OvhHttpError }

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(unfollowedError())
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(unfollowedError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** "Stop following": the app no longer watches OVH's task, which OVH may still carry out. */
export function unfollowedError(taskId?: number): ApiError {
  return ApiError.of(
    'ovh.task.unfollowed',
    taskId !== undefined ? msg('ovhErrors.unfollowed', { taskId }) : msg('ovhErrors.unfollowedNoId'),
    {
      hint: msg('ovhErrors.unfollowedHint'),
      ...(taskId !== undefined ? { details: { taskId } } : {}),
    },
  )
}
