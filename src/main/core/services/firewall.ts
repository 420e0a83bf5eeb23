import type { CoreContext, Service } from '../context'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import { Firewall, tcpReachable } from '../firewall/firewall'
import { freshRun } from '../firewall/fresh-run'
import { audit } from '../remote/audit'

/** The hosts' firewall of this core (the firewall service's and the failover IP view's). */
export function firewallOf({ runner, hosts, config, lease }: CoreContext): Firewall {
  return new Firewall({
    runner,
    hostNames: () => (config.current.status === 'ok' ? config.current.hosts.map((host) => host.name) : []),
    freshRun: (host, argv, timeoutMs) => freshRun(hosts, host, argv, timeoutMs),
    reachable: tcpReachable,
    audit: (host, action) => audit(runner, host, { action }),
    lease,
  })
}

/** The hosts' firewall as one cluster setting (firewall/firewall.ts): read with drift, change in one job. */
export const firewallService: Service<'firewall.state' | 'firewall.change'> = (context) => {
  const { jobs } = context
  const firewall = firewallOf(context)
  return {
    'firewall.state': () => firewall.state(),
    'firewall.change': async (params) =>
      jobs.start({
        kind: 'firewall.change',
        title: msg(params.action === 'add' ? 'firewallErrors.titleAdd' : 'firewallErrors.titleRemove', {
          ip: params.ip,
        }),
        target: {},
        run: async (context) => {
          const result = await firewall.change(params, context)
          const bad = result.hosts.find((h) => h.outcome === 'failed' || h.outcome === 'restored')
          if (bad)
            throw ApiError.of(`firewall.${bad.outcome}`, bad.message, {
              host: bad.host,
              step: msg(params.action === 'add' ? 'errorSteps.firewallAdd' : 'errorSteps.firewallRemove', {
                ip: params.ip,
                host: bad.host,
              }),
              hint: msg('firewallErrors.changeFailedHint'),
              details: { result },
            })
          return result
        },
      }).job,
  }
}
