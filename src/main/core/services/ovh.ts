import type { Service } from '../context'
import { ApiError } from '../../../shared/errors'
import { firewallOf } from './firewall'
import { OvhApi, OVH_ACCESS_RULES } from '../ovh/api'
import { OvhClient } from '../ovh/client'
import { readOvhCredentials } from '../ovh/credentials'
import { failoverView } from '../ovh/view'

/**
 * OVH: where the credentials come from (never the secrets themselves) and the failover IP view.
 * Credentials are read at each call the way OVH's tools read them (ovh/credentials.ts), so editing
 * ovh.conf or the environment needs no restart; they never enter the cluster file or the window.
 */
export const ovhService: Service<'ovh.status' | 'ovh.failoverView'> = (context) => {
  const { options, config, inventory } = context
  const read = () => readOvhCredentials(options.ovhCredentials ?? {})
  let client: { key: string; client: OvhClient } | undefined
  const api = (): OvhApi => {
    const result = read()
    if (!result.credentials)
      throw new ApiError({
        code: 'ovh.not-configured',
        message: `No OVH credentials: ${result.problems.map((p) => p.message).join(' ') || `none in the environment (OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY) nor in ${result.files.join(', ')}`}`,
        hint: 'Write them to ~/.ovh.conf (chmod 600) as OVH’s own tools expect, with a consumer key limited to the access rules Hyperdesk lists.',
      })
    const c = result.credentials
    const key = [c.baseUrl, c.applicationKey, c.consumerKey].join(' ')
    if (client?.key !== key) client = { key, client: new OvhClient(c) }
    return new OvhApi(client.client)
  }
  const firewall = firewallOf(context)
  return {
    'ovh.status': async () => {
      const result = read()
      return {
        configured: result.credentials !== undefined,
        ...(result.credentials
          ? { endpoint: result.credentials.endpoint, source: result.credentials.source }
          : {}),
        files: result.files,
        problems: result.problems,
        accessRules: OVH_ACCESS_RULES.map((rule) => ({ ...rule })),
      }
    },
    'ovh.failoverView': async () => {
      const cluster = config.requireConfig()
      return failoverView(api(), {
        hosts: cluster.hosts.map((host) => ({
          name: host.name,
          ...(host.ovhServiceName ? { serviceName: host.ovhServiceName } : {}),
        })),
        inventory: inventory.snapshot(),
        firewall: await firewall.state(),
      })
    },
  }
}
