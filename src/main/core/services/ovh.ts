import type { CoreContext, Service } from '../context'
import type { FailoverView } from '../../../shared/ovh'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import { OvhApi, OVH_ACCESS_RULES } from '../ovh/api'
import { ovhOf } from '../ovh/access'
import { OvhClient } from '../ovh/client'
import { checkedEndpointUrl } from '../ovh/credentials'
import { failoverView } from '../ovh/view'
import { firewallOf } from './firewall'

/** This core's failover IP view (the OVH service's, and the maintenance plan's blocks). */
export async function coreFailoverView(context: CoreContext, signal?: AbortSignal): Promise<FailoverView> {
  const cluster = context.config.requireConfig()
  return failoverView(await ovhOf(context).api(), {
    hosts: cluster.hosts.map((host) => ({
      name: host.name,
      ...(host.ovhServiceName ? { serviceName: host.ovhServiceName } : {}),
    })),
    inventory: context.inventory.snapshot(),
    firewall: await firewallOf(context).state(),
    ...(signal ? { signal } : {}),
  })
}

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
  const { jobs } = context
  const ovh = ovhOf(context)
  const keychain = ovh.keychain
  const read = () => ovh.read()
  /** The consumer key OVH gave for the guided creation: kept here until saved with the secret. */
  let pending:
    { endpoint: string; applicationKey: string; consumerKey: string; validationUrl: string } | undefined
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
  const moveCheck = (block: string, to: string, signal?: AbortSignal) => ovh.moveCheck(block, to, signal)

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
          throw ApiError.of('ovh.consumer-key.none', msg('ovhErrors.consumerKeyNone'))
        consumerKey = pending.consumerKey
      }
      await keychain.save({
        endpoint: params.endpoint,
        applicationKey: params.applicationKey,
        applicationSecret: params.applicationSecret,
        consumerKey,
      })
      pending = undefined
      ovh.reset()
      return status()
    },
    'ovh.forgetCredentials': async () => {
      await keychain.forget()
      ovh.reset()
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
    'ovh.failoverView': () => coreFailoverView(context),
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
      jobs.start({
        kind: 'ovh.moveBlock',
        title: msg('jobTitles.moveBlock', { block: params.block, to: params.to }),
        target: { host: params.to },
        cancellable: true,
        run: (job) => ovh.moveBlock(job, params),
      }).job,
  }
}
