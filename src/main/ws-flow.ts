import type { WebSocket } from 'ws'
import { WS_CLOSE_SLOW_CLIENT } from '../shared/wire'

/**
 * Flow control of what the server sends on one WebSocket. A client that stops reading (a stuck tab,
 * or a hostile local process holding the token) must not make this process buffer without bound:
 * every byte it does not read stays in `ws.bufferedAmount`. Past a high-water mark the source is
 * paused where it can be (a console's SSH channel; the client's own calls on /api); if the client
 * still does not read — the buffer passes a hard limit (events keep coming), or stays above the mark
 * for a while — the connection is closed with SLOW_CLIENT_CLOSE_CODE and a reason saying why.
 */

/** The client did not read what it was sent (shared with the renderer, which says so). */
export const SLOW_CLIENT_CLOSE_CODE = WS_CLOSE_SLOW_CLIENT

export interface FlowLimits {
  /** Unread bytes past which the source is paused. */
  pauseAboveBytes: number
  /** Unread bytes under which a paused source is resumed. */
  resumeBelowBytes: number
  /** Unread bytes past which the connection is closed (a source that cannot be paused). */
  closeAboveBytes: number
  /** Paused this long without the client reading down to resumeBelowBytes: closed. */
  stallMs: number
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  pauseAboveBytes: 1024 * 1024,
  resumeBelowBytes: 256 * 1024,
  closeAboveBytes: 16 * 1024 * 1024,
  stallMs: 30_000,
}

/** After the close frame, how long the client gets before the socket (and its buffer) is dropped. */
const CLOSE_GRACE_MS = 1000

export interface FlowSource {
  pause(): void
  resume(): void
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`
}

export class FlowControl {
  private paused = false
  private closing = false
  private stallTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: FlowLimits,
    private readonly source: FlowSource,
    private readonly log: (line: string) => void,
  ) {
    ws.once('close', () => clearTimeout(this.stallTimer))
  }

  /** Sends unless the connection is closing; applies the limits before and after. */
  send(data: string | Uint8Array): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return
    // The callback runs once this message reached the socket: the buffer shrank, maybe enough to resume.
    this.ws.send(data, (error) => {
      if (!error) this.check()
    })
    this.check()
  }

  private check(): void {
    if (this.closing) return
    const unread = this.ws.bufferedAmount
    if (unread > this.limits.closeAboveBytes)
      return this.closeSlow(`more than ${size(this.limits.closeAboveBytes)} unread`)
    if (!this.paused && unread > this.limits.pauseAboveBytes) {
      this.paused = true
      this.source.pause()
      this.stallTimer = setTimeout(
        () =>
          this.closeSlow(`${size(this.limits.pauseAboveBytes)} unread for ${this.limits.stallMs / 1000} s`),
        this.limits.stallMs,
      )
    } else if (this.paused && unread <= this.limits.resumeBelowBytes) {
      this.paused = false
      clearTimeout(this.stallTimer)
      this.source.resume()
    }
  }

  private closeSlow(why: string): void {
    if (this.closing) return
    this.closing = true
    clearTimeout(this.stallTimer)
    this.source.pause()
    const reason = `the client is not reading: ${why}`
    this.log(`hyperdesk: closed a WebSocket (${SLOW_CLIENT_CLOSE_CODE}): ${reason}`)
    this.ws.close(SLOW_CLIENT_CLOSE_CODE, reason)
    // The close frame waits behind everything unread: drop the socket, and its buffer, soon after.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref()
  }
}
