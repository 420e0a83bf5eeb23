import { ApiError, commandStep } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { ConfigStore } from '../config/config-store'
import { audit } from '../remote/audit'
import type { RemoteRunner } from '../remote/runner'
import type { HostPool } from '../ssh/pool'
import { nooutCommand, type NooutTarget } from './cluster-commands'
import { runPrivileged, type PrivilegeSettings } from './privileged'

/**
 * What the Ceph panel and host maintenance share: which host to ask, with which privileges, and
 * the noout flag (cluster-wide, or per CRUSH host with `osd set-group`, Luminous and later).
 */

/** What choosing a Ceph host and its privileges reads: the cluster file and the hosts' states. */
export interface CephSite {
  readonly config: Pick<ConfigStore, 'requireConfig'>
  readonly hosts: Pick<HostPool, 'list' | 'get'>
}

export function privilegeSettings(context: CephSite): PrivilegeSettings {
  const cluster = context.config.requireConfig()
  return {
    clientId: cluster.ceph.clientId,
    privilegedClientId: cluster.ceph.privilegedClientId,
    privilegedSudo: cluster.ceph.privilegedSudo,
    monitorTimeoutSeconds: cluster.ceph.monitorTimeoutSeconds,
    user: cluster.ssh.user,
  }
}

/**
 * An online host to run Ceph commands on: the preferred one (which must then be online), else the
 * first online host other than those to avoid (e.g. the host in maintenance).
 */
export function cephHost(context: CephSite, preferred?: string, avoid: readonly string[] = []): string {
  const states = context.hosts.list()
  if (preferred) {
    const state = context.hosts.get(preferred).current
    if (state.status !== 'online')
      throw ApiError.of(
        'host.offline',
        msg('cephHosts.notOnline', { host: preferred, status: state.status }),
        {
          host: preferred,
          step: msg('errorSteps.chooseCephHost'),
          hint: msg('cephHosts.notOnlineHint'),
        },
      )
    return preferred
  }
  const online = states.filter((state) => state.status === 'online')
  const chosen = online.find((state) => !avoid.includes(state.name)) ?? online[0]
  if (!chosen)
    throw ApiError.of('ceph.no-online-host', msg('cephHosts.noneOnline'), {
      step: msg('errorSteps.chooseCephHost'),
      hint: msg('cephHosts.noneOnlineHint'),
    })
  return chosen.name
}

/** Sets or unsets noout through the privileged path, and writes it to the host's syslog. */
export async function setNoout(
  runner: RemoteRunner,
  host: string,
  settings: PrivilegeSettings,
  set: boolean,
  target: NooutTarget,
  signal?: AbortSignal,
): Promise<string> {
  const args = nooutCommand(set, target)
  const step = `ceph ${args.join(' ')}`
  await runPrivileged(runner, host, settings, args, {
    step: commandStep(step),
    ...(signal ? { signal } : {}),
  })
  await audit(runner, host, { action: step })
  return step
}
