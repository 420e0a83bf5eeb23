import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Core } from '../../src/main/core/core'
import { waitFor } from '../lab/support/lab'

/**
 * A test's end of a core byte stream (what a browser tab's WebSocket is in the app): it collects what
 * the host sends and writes what a user would type.
 */
export interface StreamEnd {
  output(): string
  /** Waits until the output (from `from` on) matches, or contains the text. */
  waitFor(pattern: RegExp | string, timeoutMs?: number, from?: number): Promise<string>
  write(text: string | Uint8Array): void
  close(): void
  /** Resolves with the reason when the core closes the stream. */
  closed: Promise<string>
}

export function attachStream(core: Core, id: string): StreamEnd {
  const chunks: Buffer[] = []
  let resolveClosed: (reason: string) => void = () => undefined
  const closed = new Promise<string>((resolve) => (resolveClosed = resolve))
  const attached = core.attachStream(id, {
    send: (data) => chunks.push(Buffer.from(data)),
    close: (reason) => resolveClosed(reason),
  })
  if (!attached) throw new Error(`stream ${id} could not be attached`)
  const output = () => Buffer.concat(chunks).toString('utf8')
  return {
    output,
    // Polled every 2 ms: the console benchmark times echoes with it.
    waitFor: (pattern, timeoutMs = 15_000, from = 0) =>
      waitFor(
        `${JSON.stringify(String(pattern))} in the stream`,
        () => {
          const seen = output().slice(from)
          return (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen))
            ? output()
            : undefined
        },
        timeoutMs,
        2,
      ),
    write: (data) => attached.write(typeof data === 'string' ? Buffer.from(data) : data),
    close: () => attached.close(),
    closed,
  }
}

/** Offers a core stream on a loopback port, so a TCP client (the lab's RFB client) can speak over it. */
export async function streamOnLoopback(
  core: Core,
  id: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    server.close()
    socket.setNoDelay(true)
    const attached = core.attachStream(id, {
      send: (data) => socket.write(data),
      close: () => socket.end(),
    })
    if (!attached) return socket.destroy()
    socket.on('data', (data) => attached.write(data))
    socket.on('close', () => attached.close())
    socket.on('error', () => attached.close())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
