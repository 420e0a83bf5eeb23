import type { Service } from '../core'
import { UpdateChecker } from '../updates/update-check'

export const appService: Service<'app.info' | 'app.checkForUpdates'> = ({ options, events }) => {
  const updates = new UpdateChecker({
    currentVersion: options.version,
    ...(options.updateFeedUrl ? { feedUrl: options.updateFeedUrl } : {}),
  })
  return {
    'app.info': async () => ({
      name: 'Hyperdesk',
      version: options.version,
      platform: process.platform,
      nodeVersion: process.versions.node,
    }),
    'app.checkForUpdates': async ({ manual }) => {
      const status = await updates.check(manual ?? false)
      events.emit('app.updateStatus', status)
      return status
    },
  }
}
