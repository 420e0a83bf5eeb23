import type { Service } from '../core'

export const appService: Service<'app.info'> = ({ options }) => ({
  'app.info': async () => ({
    name: 'Hyperdesk',
    version: options.version,
    platform: process.platform,
    nodeVersion: process.versions.node,
  }),
})
