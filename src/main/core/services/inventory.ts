import { ApiError } from '../../../shared/errors'
import type { Service } from '../core'

export const inventoryService: Service<'inventory.get' | 'inventory.refresh'> = ({ inventory, config }) => ({
  'inventory.get': async () => inventory.snapshot(),
  'inventory.refresh': async ({ host }) => {
    if (host === undefined) return inventory.refreshAll()
    if (!config.requireConfig().hosts.some((candidate) => candidate.name === host)) {
      throw new ApiError({
        code: 'host.unknown',
        host,
        message: `No host named ${JSON.stringify(host)} in the cluster file`,
      })
    }
    await inventory.refreshHost(host)
    return inventory.snapshot()
  },
})
