import path from 'node:path'
import { parseArgs } from 'node:util'
import { startBrowserServer } from './browser-server'
import { createCore } from './core/core'
import { defaultConfigPath } from './core/paths'
import { checkFeedUrl } from './core/updates/update-check'
import { installProcessGuards } from './process-guards'

/**
 * `npm run serve`: runs the core in this Node process and serves the UI to a browser on loopback.
 * This is how the app runs where the Electron binary is not available (and how it is tested here).
 */
async function main(): Promise<void> {
  // A failing request or a forgotten promise is logged; the SSH sessions the core holds stay up.
  installProcessGuards()
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.HYPERDESK_PORT ?? '0' },
      config: { type: 'string' },
      // Browser mode runs from a checkout, so it checks for releases only when asked to.
      'update-feed': { type: 'string', default: process.env.HYPERDESK_UPDATE_FEED },
    },
  })
  const port = Number.parseInt(values.port ?? '0', 10)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`hyperdesk: --port must be a number from 0 to 65535, not ${JSON.stringify(values.port)}`)
    process.exit(2)
  }
  const configPath = values.config ? path.resolve(values.config) : defaultConfigPath()
  const feed = values['update-feed']
  const updateFeedUrl = feed && feed !== 'off' ? checkFeedUrl(feed).href : undefined
  const core = await createCore({
    configPath,
    version: process.env.npm_package_version ?? 'dev',
    ...(updateFeedUrl ? { updateFeedUrl } : {}),
  })
  const server = await startBrowserServer({ core, staticDir: path.join(__dirname, '../renderer'), port })
  console.log(`Hyperdesk (browser mode) — cluster file: ${configPath}`)
  console.log(`Open: ${server.url}`)
  console.log('This URL holds a secret token: do not share it. Press Ctrl-C to stop.')

  const stop = async (): Promise<void> => {
    await server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(`hyperdesk: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
