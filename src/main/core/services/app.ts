import type { Service } from '../context'

export const appService: Service<'app.info' | 'app.checkForUpdates'> = ({ options, events, updates }) => ({
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
})
