import path from 'node:path'
import { parseClusterConfig } from '../../../shared/config'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { sshConfigHosts, sshEnvironment } from '../config/ssh-config'
import type { CoreContext, Service } from '../context'

export const configService: Service<
  'config.get' | 'config.reload' | 'config.save' | 'config.sshConfigHosts'
> = (context) => {
  const { config, events, options } = context
  return {
    'config.get': async () => config.current,
    'config.reload': async () => {
      const state = await config.load()
      events.emit('config.changed', state)
      return state
    },
    'config.save': async ({ config: input }) => {
      const parsed = parseClusterConfig(input)
      if (parsed.ok) refuseBusyRemovals(context, new Set(parsed.config.hosts.map((host) => host.name)))
      const state = await config.save(input)
      events.emit('config.changed', state)
      return state
    },
    'config.sshConfigHosts': async () => {
      const env = sshEnvironment(options.home)
      return sshConfigHosts(options.sshConfigPath ?? path.join(env.home, '.ssh', 'config'), env)
    },
  }
}

/**
 * A host leaves the cluster file only when nothing runs on it: a job that targets it or one of the
 * VMs it runs, or its maintenance. Otherwise the save is refused and the file is left as it was.
 */
function refuseBusyRemovals(
  { config, jobs, inventory, maintenance }: CoreContext,
  kept: ReadonlySet<string>,
): void {
  const current = config.current.config?.hosts ?? []
  for (const { name: host } of current.filter((configured) => !kept.has(configured.name))) {
    const job = jobs
      .list()
      .find(
        (candidate) =>
          candidate.state === 'running' &&
          (candidate.target.host === host ||
            (candidate.target.vm !== undefined &&
              (inventory.vm(candidate.target.vm)?.runningOn.includes(host) ?? false))),
      )
    if (job)
      throw ApiError.of('config.host-busy', msg('clusterFile.hostBusy', { host, job: job.title }), {
        host,
        step: msg('errorSteps.saveClusterFile'),
        hint: msg('clusterFile.removeHint'),
      })
    const record = maintenance.current()
    if (record?.host === host && (record.status === 'running' || record.status === 'interrupted'))
      throw ApiError.of('config.host-busy', msg('clusterFile.hostInMaintenance', { host }), {
        host,
        step: msg('errorSteps.saveClusterFile'),
        hint: msg('clusterFile.removeHint'),
      })
  }
}
