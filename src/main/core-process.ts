import { createCore } from './core/core'
import { CoreSession } from './core/session'

/**
 * Entry of the Electron utility process that runs the core, off the main thread, so a hung host or a
 * slow parse never freezes a window. It speaks the same wire protocol as the WebSocket bridge.
 * argv: --config <path> --version <app version>
 */
function argument(name: string): string {
  const index = process.argv.indexOf(name)
  const value = index >= 0 ? process.argv[index + 1] : undefined
  if (!value) throw new Error(`core process: missing ${name}`)
  return value
}

async function main(): Promise<void> {
  const parentPort = process.parentPort
  const core = await createCore({ configPath: argument('--config'), version: argument('--version') })
  const session = new CoreSession(core, (message) => parentPort.postMessage(message))
  parentPort.on('message', (event) => {
    session.handle(event.data)
  })
  parentPort.postMessage({ kind: 'ready' })
}

main().catch((error: unknown) => {
  console.error('core process failed to start:', error)
  process.exit(1)
})
