import { ApiError } from '../../../shared/errors'
import type { Service } from '../core'

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
    await inventory.refreshHost(host, { definitions: true })
    return inventory.snapshot()
  },
})
