import type { StreamCloseMessage } from '../../../shared/ipc'

/**
 * A console's byte stream as the page sees it: the subset of WebSocket that noVNC (as a "raw
 * channel") and xterm's attach addon use. Browser mode gives a real WebSocket; Electron a
 * MessagePortSocket over the MessagePort the main process hands over (no local listening port).
 */
export interface ByteChannel extends EventTarget {
  binaryType: BinaryType
  readonly readyState: number
  readonly protocol: string
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
  send(data: string | ArrayBufferLike | ArrayBufferView): void
  close(): void
}

const CONNECTING = 0
const OPEN = 1
const CLOSED = 3

/** A close event with a reason, where CloseEvent does not exist (Node, for tests). */
function closeEvent(reason: string): CloseEvent {
  if (typeof CloseEvent === 'function') return new CloseEvent('close', { code: 1000, reason })
  return Object.assign(new Event('close'), { code: 1000, reason, wasClean: true }) as CloseEvent
}

/** WebSocket-shaped wrapper of a MessagePort that arrives later (see attach). */
export class MessagePortSocket extends EventTarget implements ByteChannel {
  binaryType: BinaryType = 'arraybuffer'
  readonly protocol = ''
  readyState = CONNECTING
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  private port: MessagePort | null = null

  attach(port: MessagePort): void {
    if (this.readyState !== CONNECTING) return port.close()
    this.port = port
    port.onmessage = (event: MessageEvent) => this.receive(event.data)
    port.start()
    this.readyState = OPEN
    this.emit(new Event('open'))
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== OPEN || !this.port) return
    // Copy views so the core gets exactly their bytes, not their whole buffer.
    if (ArrayBuffer.isView(data))
      this.port.postMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice())
    else this.port.postMessage(data)
  }

  close(reason = 'closed by the user'): void {
    if (this.readyState === CLOSED) return
    this.port?.close()
    this.finish(reason)
  }

  private receive(data: unknown): void {
    if (data && typeof data === 'object' && 'close' in data) {
      this.port?.close()
      return this.finish(String((data as StreamCloseMessage).close))
    }
    const bytes =
      data instanceof Uint8Array
        ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
        : data instanceof ArrayBuffer
          ? data
          : undefined
    if (bytes) this.emit(new MessageEvent('message', { data: bytes }))
  }

  private finish(reason: string): void {
    this.readyState = CLOSED
    this.port = null
    this.emit(closeEvent(reason))
  }

  private emit(event: Event): void {
    const handler = (this as unknown as Record<string, ((event: Event) => void) | null>)[`on${event.type}`]
    handler?.call(this, event)
    this.dispatchEvent(event)
  }
}
