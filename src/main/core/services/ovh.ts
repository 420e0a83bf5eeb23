import type { CoreContext, Service } from '../context'
import { ApiError } from '../../../shared/errors'
import { blockContains, type OvhTask } from '../../../shared/ovh'
import { OvhApi, OVH_ACCESS_RULES, unfollowedError } from '../ovh/api'
import { OvhClient } from '../ovh/client'
import { checkedEndpointUrl, readOvhCredentials, type OvhCredentials } from '../ovh/credentials'
import { OvhKeychain } from '../ovh/keychain'
import { failoverView } from '../ovh/view'
import { firewallOf } from './firewall'

/**
 * OVH: where the credentials come from (never the secrets themselves), the OS keychain for the ones
 * typed in the app, the guided consumer key, the failover IP view and moving a block. Credentials
 * are read at each call the way OVH's tools read them (ovh/credentials.ts: environment, then
 * ovh.conf), else from the keychain, so editing ovh.conf needs no restart; they never enter the
 * cluster file, the window or a log.
 */
export const ovhService: Service<
  | 'ovh.status'
  | 'ovh.saveCredentials'
  | 'ovh.forgetCredentials'
  | 'ovh.requestConsumerKey'
  | 'ovh.failoverView'
  | 'ovh.moveCheck'
  | 'ovh.moveBlock'
> = (context) => {
  const { options, config, inventory } = context
  const keychain = OvhKeychain.beside(options.configPath, options.secretBox)
  const read = () => readOvhCredentials(options.ovhCredentials ?? {})
  /** The consumer key OVH gave for the guided creation: kept here until saved with the secret. */
  let pending:
    { endpoint: string; applicationKey: string; consumerKey: string; validationUrl: string } | undefined
  let client: { key: string; client: OvhClient } | undefined

  const credentials = async (): Promise<OvhCredentials> => {
    const result = read()
    const found = result.credentials ?? (await keychain.load())
    if (!found)
      throw new ApiError({
        code: 'ovh.not-configured',
        message: `No OVH credentials: ${result.problems.map((p) => p.message).join(' ') || `none in the environment (OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY), in ${result.files.join(', ')} nor in the OS keychain`}`,
        hint: 'Enter them in the OVH settings (kept in the OS keychain), or write them to ~/.ovh.conf (chmod 600) as OVH’s own tools expect, with a consumer key limited to the access rules Hyperdesk lists.',
      })
    return found
  }
  const api = async (): Promise<OvhApi> => {
    const c = await credentials()
    const key = [c.baseUrl, c.applicationKey, c.consumerKey, c.source].join(' ')
    if (client?.key !== key) client = { key, client: new OvhClient(c) }
    return new OvhApi(client.client)
  }
  const status = async () => {
    const result = read()
    const kept = result.credentials ? undefined : await keychain.load().catch(() => undefined)
    const found = result.credentials ?? kept
    return {
      configured: found !== undefined,
      ...(found ? { endpoint: found.endpoint, source: found.source } : {}),
      files: result.files,
      problems: result.problems,
      accessRules: OVH_ACCESS_RULES.map((rule) => ({ ...rule })),
      keychain: await keychain.status(),
      ...(pending
        ? { pendingConsumerKey: { endpoint: pending.endpoint, validationUrl: pending.validationUrl } }
        : {}),
    }
  }
  const firewall = firewallOf(context)
  const serverOf = (host: string): string => {
    const entry = config.requireConfig().hosts.find((candidate) => candidate.name === host)
    if (!entry)
      throw new ApiError({
        code: 'host.unknown',
        message: `No host named ${host} in the cluster file`,
        hint: 'Check the host names in the settings.',
      })
    if (!entry.ovhServiceName)
      throw new ApiError({
        code: 'ovh.host.unmapped',
        host,
        message: `${host} has no OVH service name (ovhServiceName) in the cluster file: the app cannot tell OVH which server it is`,
        hint: `Set ${host}'s OVH service name (ns…ip-…eu, as the OVH manager shows it) in the host settings.`,
      })
    return entry.ovhServiceName
  }
  /** OVH's own pre-check, as a refusal the window can show, or nothing when the block can move. */
  const moveCheck = async (block: string, to: string, signal?: AbortSignal) => {
    const serviceName = serverOf(to)
    const ovh = await api()
    const blocks = await ovh.failoverBlocks(signal)
    const known = blocks.find((candidate) => candidate.ip === block || blockContains(candidate.ip, block))
    if (!known)
      throw new ApiError({
        code: 'ovh.ip.unknown',
        message: `${block} is in no failover block of this OVH account`,
        hint: 'Refresh the failover IP view: the block may have been removed.',
      })
    if (known.routedTo?.serviceName === serviceName) return { block: known.ip, serviceName, already: true }
    await ovh.ipCanBeMovedTo(serviceName, known.ip, signal)
    return { block: known.ip, serviceName, already: false }
  }

  return {
    'ovh.status': status,
    'ovh.saveCredentials': async (params) => {
      let consumerKey = params.consumerKey
      if (!consumerKey) {
        if (
          !pending ||
          pending.endpoint !== params.endpoint ||
          pending.applicationKey !== params.applicationKey
        )
          throw new ApiError({
            code: 'ovh.consumer-key.none',
            message:
              'No consumer key to save: type one, or ask OVH for one first (step 1) with this endpoint and application key.',
          })
        consumerKey = pending.consumerKey
      }
      await keychain.save({
        endpoint: params.endpoint,
        applicationKey: params.applicationKey,
        applicationSecret: params.applicationSecret,
        consumerKey,
      })
      pending = undefined
      client = undefined
      return status()
    },
    'ovh.forgetCredentials': async () => {
      await keychain.forget()
      client = undefined
      return status()
    },
    'ovh.requestConsumerKey': async (params) => {
      const baseUrl = checkedEndpointUrl(params.endpoint)
      const unsigned = new OvhClient({
        endpoint: params.endpoint,
        baseUrl,
        applicationKey: params.applicationKey,
        applicationSecret: '',
        consumerKey: '',
        source: 'guided',
      })
      const answer = await new OvhApi(unsigned).requestConsumerKey()
      pending = {
        endpoint: params.endpoint,
        applicationKey: params.applicationKey,
        consumerKey: answer.consumerKey,
        validationUrl: answer.validationUrl,
      }
      return {
        validationUrl: answer.validationUrl,
        accessRules: OVH_ACCESS_RULES.map((rule) => ({ ...rule })),
      }
    },
    'ovh.failoverView': async () => {
      const cluster = config.requireConfig()
      return failoverView(await api(), {
        hosts: cluster.hosts.map((host) => ({
          name: host.name,
          ...(host.ovhServiceName ? { serviceName: host.ovhServiceName } : {}),
        })),
        inventory: inventory.snapshot(),
        firewall: await firewall.state(),
      })
    },
    'ovh.moveCheck': async (params) => {
      try {
        const checked = await moveCheck(params.block, params.to)
        return {
          block: checked.block,
          serviceName: checked.serviceName,
          canMove: true,
          already: checked.already,
        }
      } catch (error) {
        const refusal = ApiError.from(error)
        // OVH's answer to ipCanBeMovedTo is a refusal to show, not a failure of the call
        if (!refusal.code.startsWith('ovh.http.')) throw refusal
        return { block: params.block, canMove: false, already: false, refusal: refusal.toData() }
      }
    },
    'ovh.moveBlock': async (params) =>
      moveBlockJob(context, params, { api, moveCheck, intervalMs: options.ovhTaskIntervalMs }),
  }
}

/**
 * Moves a failover block to a host's server as a job: OVH's pre-check, the move, then OVH's task
 * followed until it ends (its status as the job's step). Cancelling the job stops following only:
 * OVH may still carry the move out, and the error says so.
 */
function moveBlockJob(
  { jobs }: CoreContext,
  params: { block: string; to: string },
  deps: {
    api(): Promise<OvhApi>
    moveCheck(
      block: string,
      to: string,
      signal?: AbortSignal,
    ): Promise<{ block: string; serviceName: string; already: boolean }>
    intervalMs: number | undefined
  },
) {
  return jobs.start({
    kind: 'ovh.moveBlock',
    title: `Move the failover block ${params.block} to ${params.to}`,
    target: { host: params.to },
    cancellable: true,
    run: async (job) => {
      job.step(`Asking OVH whether ${params.block} can move to ${params.to}`, 0.02)
      const checked = await deps.moveCheck(params.block, params.to, job.signal)
      if (checked.already) {
        job.log(`${checked.block} already routes to ${checked.serviceName}: nothing to move.`)
        return { block: checked.block, serviceName: checked.serviceName, moved: false }
      }
      const ovh = await deps.api()
      job.step(`Moving ${checked.block} to ${checked.serviceName}`, 0.05)
      const task = await ovh.ipMove(checked.serviceName, checked.block, job.signal)
      job.log(`OVH task ${task.taskId} (${task.function}) started: ${task.status}`)
      const started = Date.now()
      const done = await ovh
        .followTask(checked.serviceName, task, {
          signal: job.signal,
          ...(deps.intervalMs !== undefined ? { intervalMs: deps.intervalMs } : {}),
          onStatus: (current: OvhTask) => {
            job.detail({
              taskId: current.taskId,
              status: current.status,
              seconds: Math.round((Date.now() - started) / 1000),
            })
            job.log(
              `OVH task ${current.taskId}: ${current.status}${current.comment ? ` (${current.comment})` : ''}`,
            )
          },
        })
        .catch((error: unknown) => {
          // "stop following" while a poll was in flight: the move was asked and may still happen
          throw job.signal.aborted ? unfollowedError(task.taskId) : error
        })
      job.log(
        `${checked.block} now routes to ${checked.serviceName} (task ${done.taskId}, ${Math.round((Date.now() - started) / 1000)} s)`,
      )
      return { block: checked.block, serviceName: checked.serviceName, moved: true, taskId: done.taskId }
    },
  }).job
}
