import type { MessagePortMain } from 'electron'
import { createCore, type Core } from './core/core'
import { CoreSession } from './core/session'
import type { StreamCloseMessage } from '../shared/ipc'
import { PortSecretBox } from './keychain-bridge'
import { installProcessGuards } from './process-guards'
import { CLOSE_MESSAGE } from './core-stop'

/**
 * Entry of the Electron utility process that runs the core, off the main thread, so a hung host or a
 * slow parse never freezes a window. It speaks the same wire protocol as the WebSocket bridge.
 * argv: --config <path> --version <app version> [--update-feed <url>]
 */
function argument(name: string): string {
  const index = process.argv.indexOf(name)
  const value = index >= 0 ? process.argv[index + 1] : undefined
  if (!value) throw new Error(`core process: missing ${name}`)
  return value
}

async function main(): Promise<void> {
  // Logged, not fatal: the process holds every SSH session (the bridge would restart it, but
  // dropping them all mid-maintenance for one bad message is worse).
  installProcessGuards()
  const parentPort = process.parentPort
  const feed = process.argv.indexOf('--update-feed')
  const updateFeedUrl = feed >= 0 ? process.argv[feed + 1] : undefined
  // OVH credentials typed in the app: encrypted by the main process's safeStorage (the OS keychain)
  const secretBox = new PortSecretBox((request) => parentPort.postMessage(request))
  parentPort.on('message', (event) => secretBox.receive(event.data))
  const creating = createCore({
    configPath: argument('--config'),
    version: argument('--version'),
    ...(updateFeedUrl ? { updateFeedUrl } : {}),
    secretBox,
  })
  // Quitting asks for a close (core-stop.ts, which bounds the wait): the lease releases of jobs
  // that just ended land before the process exits.
  parentPort.on('message', (event) => {
    if ((event.data as { kind?: unknown } | null)?.kind !== CLOSE_MESSAGE.kind) return
    creating
      .then((core) => core.close())
      .catch((error: unknown) => console.error('core process: close failed:', error))
      .finally(() => process.exit(0))
  })
  const core = await creating
  const session = new CoreSession(core, (message) => parentPort.postMessage(message))
  parentPort.on('message', (event) => {
    const data = event.data as { kind?: string; streamId?: unknown }
    if (data?.kind === 'keychain-result' || data?.kind === CLOSE_MESSAGE.kind) return
    if (data?.kind === 'stream' && typeof data.streamId === 'string' && event.ports[0])
      return attachPort(core, data.streamId, event.ports[0])
    session.handle(event.data)
  })
  parentPort.postMessage({ kind: 'ready' })
}

/** A console stream over a MessagePort: bytes both ways, a {close} message before closing. */
function attachPort(core: Core, streamId: string, port: MessagePortMain): void {
  const stream = core.attachStream(streamId, {
    send: (data) => port.postMessage(data),
    close: (reason) => {
      port.postMessage({ close: reason } satisfies StreamCloseMessage)
      port.close()
    },
  })
  if (!stream) {
    port.postMessage({ close: 'unknown, used or closed stream' } satisfies StreamCloseMessage)
    return port.close()
  }
  port.on('message', (message) => {
    const data: unknown = message.data
    if (typeof data === 'string') stream.write(Buffer.from(data, 'utf8'))
    else if (data instanceof Uint8Array) stream.write(data)
    else if (data instanceof ArrayBuffer) stream.write(new Uint8Array(data))
  })
  port.on('close', () => stream.close())
  port.start()
}

main().catch((error: unknown) => {
  console.error('core process failed to start:', error)
  process.exit(1)
})
