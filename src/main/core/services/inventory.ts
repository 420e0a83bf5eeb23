import { ApiError } from '../../../shared/errors'
import type { Service } from '../context'

export const inventoryService: Service<'inventory.get' | 'inventory.refresh'> = ({ inventory, config }) => ({
  'inventory.get': async () => inventory.snapshot(),
  'inventory.refresh': async ({ host }) => {
    // Asked by the user: read everything again, definitions included.
    if (host === undefined) return inventory.refreshAll({ definitions: true })
    if (!config.requireConfig().hosts.some((candidate) => candidate.name === host)) {
      throw new ApiError({
        code: 'host.unknown',
        host,
        message: `No host named ${JSON.stringify(host)} in the cluster file`,
      })
    }
    const refreshed = await inventory.refreshHost(host, { definitions: true })
    // Asked for one host: a refresh that could not read it is an error, never its old data.
    if (!refreshed.reachable) {
      throw new ApiError({
        code: 'inventory.refresh-failed',
        host,
        step: 'refresh inventory',
        message: `${host} could not be read: ${refreshed.error ?? 'no answer'}. What the app shows for it is what it said last.`,
      })
    }
    return inventory.snapshot()
  },
})
