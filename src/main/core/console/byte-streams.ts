import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'

/**
 * Byte streams between a UI client and something on a host (a VM's VNC port, a serial console, a
 * shell). A method such as `console.openVnc` opens the host side and registers it here under an
 * unguessable, single-use id; the client then attaches its end of a transport channel (a WebSocket in
 * browser mode, a MessagePort in Electron) by that id. Bytes are relayed as they come, both ways; when
 * either side closes, the other is closed, and the SSH slot or channel behind it is given back.
 */

/** The client's end, as a transport offers it. */
export interface StreamPeer {
  send(data: Uint8Array): void
  close(reason: string): void
  /** The host side took what a write() returning false left waiting: the client may send again. */
  drained?(): void
}

/**
 * What the transport calls with the client's bytes and when the client goes away. Flow control both
 * ways: write() returns false when the host side is full (stop reading the client until drained()),
 * and pause()/resume() stop and restart the host's bytes while the client is not reading them
 * (an SSH channel then stops the sender with its window: nothing piles up in this process).
 */
export interface AttachedStream {
  write(data: Uint8Array): boolean
  close(): void
  pause(): void
  resume(): void
}

export interface StreamInfo {
  kind: 'vnc' | 'serial' | 'shell'
  host: string
  /** For terminals: resize the remote pty. */
  resize?(cols: number, rows: number): void
}

interface Entry {
  info: StreamInfo
  channel: Duplex
  release: () => void
  /** Host bytes that arrived before the client attached (a VNC server speaks first). */
  early: Buffer[]
  peer?: StreamPeer
  attachTimer?: NodeJS.Timeout
  closed: boolean
  closeReason: string
}

/** A client that never attaches (closed tab, crashed renderer) must not hold a channel for long. */
export const ATTACH_TIMEOUT_MS = 15_000
const EARLY_LIMIT_BYTES = 1024 * 1024

export class ByteStreams {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly attachTimeoutMs = ATTACH_TIMEOUT_MS) {}

  /** Registers an open host channel; returns the id the client attaches with. */
  register(info: StreamInfo, channel: Duplex, release: () => void = () => {}, early?: Buffer): string {
    // Hex: an id never starts with '-' (it crosses the contract as a StreamIdSchema value).
    const id = randomBytes(18).toString('hex')
    const entry: Entry = {
      info,
      channel,
      release,
      early: early ? [early] : [],
      closed: false,
      closeReason: '',
    }
    this.entries.set(id, entry)
    let earlyBytes = 0
    channel.on('data', (chunk: Buffer) => {
      if (entry.peer) return entry.peer.send(chunk)
      earlyBytes += chunk.length
      if (earlyBytes > EARLY_LIMIT_BYTES) this.close(id, 'the client did not read the stream')
      else entry.early.push(chunk)
    })
    // ssh2 emits 'close' once the channel is done either way (EOF, host gone, connection lost).
    channel.once('close', () => this.close(id, entry.closeReason || 'closed by the host'))
    channel.on('error', (error: Error) => this.close(id, error.message))
    channel.on('drain', () => entry.peer?.drained?.())
    entry.attachTimer = setTimeout(
      () => this.close(id, `no client attached within ${this.attachTimeoutMs / 1000} s`),
      this.attachTimeoutMs,
    )
    return id
  }

  /** Binds a client to a registered stream; undefined for an unknown, used or closed id. */
  attach(id: string, peer: StreamPeer): AttachedStream | undefined {
    const entry = this.entries.get(id)
    if (!entry || entry.peer || entry.closed) return undefined
    clearTimeout(entry.attachTimer)
    entry.peer = peer
    for (const chunk of entry.early.splice(0)) peer.send(chunk)
    return {
      write: (data) => (entry.closed ? true : entry.channel.write(data)),
      close: () => this.close(id, 'closed by the client'),
      pause: () => {
        if (!entry.closed) entry.channel.pause()
      },
      resume: () => {
        if (!entry.closed) entry.channel.resume()
      },
    }
  }

  info(id: string): StreamInfo | undefined {
    const entry = this.entries.get(id)
    return entry && !entry.closed ? entry.info : undefined
  }

  /** Open streams, for tests and the host view. */
  get size(): number {
    return this.entries.size
  }

  close(id: string, reason: string): void {
    const entry = this.entries.get(id)
    if (!entry || entry.closed) return
    entry.closed = true
    entry.closeReason = reason
    this.entries.delete(id)
    clearTimeout(entry.attachTimer)
    entry.channel.destroy()
    entry.release()
    entry.peer?.close(reason)
  }

  closeAll(reason: string): void {
    for (const id of [...this.entries.keys()]) this.close(id, reason)
  }
}
