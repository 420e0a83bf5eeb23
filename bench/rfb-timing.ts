import net from 'node:net'

/**
 * A tiny RFB client for the console benchmark: None security, Raw encoding only, so a full frame is
 * exactly width × height × bytes-per-pixel and both paths (the app's stream, an ssh -L tunnel) receive
 * the same bytes. It times a first full frame.
 */
export class RfbTiming {
  private buffer = Buffer.alloc(0)
  private wake: (() => void) | undefined
  private ended: Error | undefined
  width = 0
  height = 0
  private bytesPerPixel = 4
  name = ''

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.wake?.()
    })
    const stop = (error?: Error) => {
      this.ended = error ?? new Error('RFB connection closed')
      this.wake?.()
    }
    socket.on('error', stop)
    socket.on('close', () => stop())
  }

  static async connect(port: number): Promise<RfbTiming> {
    const socket = net.connect({ host: '127.0.0.1', port })
    // Like a browser's WebSocket: small messages (keys) go out at once.
    socket.setNoDelay(true)
    const client = new RfbTiming(socket)
    await client.handshake()
    return client
  }

  private async read(count: number): Promise<Buffer> {
    while (this.buffer.length < count) {
      if (this.ended) throw this.ended
      await new Promise<void>((resolve) => (this.wake = resolve))
      this.wake = undefined
    }
    const out = this.buffer.subarray(0, count)
    this.buffer = this.buffer.subarray(count)
    return out
  }

  private async handshake(): Promise<void> {
    await this.read(12)
    this.socket.write('RFB 003.008\n')
    const types = await this.read((await this.read(1))[0]!)
    if (!types.includes(1)) throw new Error('the VNC server asks for a password')
    this.socket.write(Buffer.from([1]))
    if ((await this.read(4)).readUInt32BE(0) !== 0) throw new Error('VNC security refused')
    this.socket.write(Buffer.from([1]))
    const init = await this.read(24)
    this.width = init.readUInt16BE(0)
    this.height = init.readUInt16BE(2)
    this.bytesPerPixel = init[4]! / 8
    this.name = (await this.read(init.readUInt32BE(20))).toString('utf8')
    const encodings = Buffer.alloc(8)
    encodings.writeUInt8(2, 0)
    encodings.writeUInt16BE(1, 2)
    encodings.writeInt32BE(0, 4) // Raw
    this.socket.write(encodings)
  }

  private requestUpdate(incremental: boolean): void {
    const message = Buffer.alloc(10)
    message.writeUInt8(3, 0)
    message.writeUInt8(incremental ? 1 : 0, 1)
    message.writeUInt16BE(this.width, 6)
    message.writeUInt16BE(this.height, 8)
    this.socket.write(message)
  }

  /** Reads one FramebufferUpdate (skipping other server messages); returns its pixel count. */
  private async readUpdate(): Promise<number> {
    for (;;) {
      const type = (await this.read(1))[0]
      if (type === 0) break
      if (type === 2) continue // Bell
      if (type === 3) {
        await this.read((await this.read(7)).readUInt32BE(3)) // ServerCutText
        continue
      }
      throw new Error(`unexpected RFB message ${type}`)
    }
    const rects = (await this.read(3)).readUInt16BE(1)
    let pixels = 0
    for (let i = 0; i < rects; i++) {
      const header = await this.read(12)
      const w = header.readUInt16BE(4)
      const h = header.readUInt16BE(6)
      if (header.readInt32BE(8) !== 0) throw new Error('non-Raw rectangle')
      await this.read(w * h * this.bytesPerPixel)
      pixels += w * h
    }
    return pixels
  }

  /** A whole first frame (non-incremental request until every pixel arrived). */
  async firstFrame(): Promise<void> {
    this.requestUpdate(false)
    let pixels = 0
    while (pixels < this.width * this.height) pixels += await this.readUpdate()
  }

  close(): void {
    this.socket.destroy()
  }
}
