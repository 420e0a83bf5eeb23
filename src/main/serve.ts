import path from 'node:path'
import { parseArgs } from 'node:util'
import { startBrowserServer } from './browser-server'
import { createCore } from './core/core'
import { defaultConfigPath, defaultLogDir } from './core/paths'
import { jobEndLine, LogFile } from './log-file'
import { checkFeedUrl } from './core/updates/update-check'
import { installProcessGuards } from './process-guards'
import { closeWithin } from './core-stop'

/**
 * `npm run serve`: runs the core in this Node process and serves the UI to a browser on loopback.
 * This is how the app runs where the Electron binary is not available (and how it is tested here).
 */
const log = new LogFile({ dir: defaultLogDir() })

async function main(): Promise<void> {
  // A failing request or a forgotten promise is logged (and kept in the log file); the SSH sessions
  // the core holds stay up.
  installProcessGuards((line) => {
    console.error(line)
    log.error(line)
  })
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
  log.info(
    `Hyperdesk ${process.env.npm_package_version ?? 'dev'} starts in browser mode (${process.platform})`,
  )
  core.subscribe('jobs.update', (job) => {
    const line = jobEndLine(job)
    if (line) log.info(line)
  })
  console.log(`Hyperdesk (browser mode) — cluster file: ${configPath}`)
  console.log(`Log: ${log.file}`)
  console.log(`Open: ${server.url}`)
  console.log('This URL holds a secret token: do not share it. Press Ctrl-C to stop.')

  // The core's close waits for the lease releases of jobs that just ended; bounded (core-stop.ts)
  // so a host that does not answer never keeps the server up. A second Ctrl-C stops at once.
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) process.exit(1)
    stopping = true
    log.info('Hyperdesk stops')
    const outcome = await closeWithin(async () => {
      await server.close()
      await core.close()
    }).catch((error: unknown) => {
      log.error(`close failed: ${error instanceof Error ? error.message : String(error)}`)
      return 'failed'
    })
    if (outcome === 'timeout') log.warn('the core did not close in time: stopping anyway')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  const text = error instanceof Error ? error.message : String(error)
  log.error(`failed to start: ${text}`)
  console.error(`hyperdesk: ${text}`)
  process.exit(1)
})
