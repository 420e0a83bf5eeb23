import { ApiError } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import type { Service } from '../context'

export const inventoryService: Service<'inventory.get' | 'inventory.refresh'> = ({ inventory, config }) => ({
  'inventory.get': async () => inventory.snapshot(),
  'inventory.refresh': async ({ host }) => {
    // Asked by the user: read everything again, definitions included.
    if (host === undefined) return inventory.refreshAll({ definitions: true })
    if (!config.requireConfig().hosts.some((candidate) => candidate.name === host)) {
      throw ApiError.of('host.unknown', msg('sshErrors.unknownHost', { host: JSON.stringify(host) }), {
        host,
        hint: msg('sshErrors.unknownHostHint'),
      })
    }
    const refreshed = await inventory.refreshHost(host, { definitions: true })
    // Asked for one host: a refresh that could not read it is an error, never its old data.
    if (!refreshed.reachable) {
      throw ApiError.of(
        'inventory.refresh-failed',
        withDetail(msg('coreErrors.refreshFailed', { host }), refreshed.error),
        {
          host,
          step: msg('errorSteps.refreshInventory'),
        },
      )
    }
    return inventory.snapshot()
  },
})
