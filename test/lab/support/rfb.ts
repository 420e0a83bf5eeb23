/**
 * A minimal RFB (VNC) client for lab tests: version + None security + ServerInit, and key input
 * either as plain keysyms or as QEMU extended key events (XT scancodes, layout-independent).
 */
import net from 'node:net'

export interface RfbServerInfo {
  /** e.g. "RFB 003.008\n" */
  banner: string
  securityTypes: number[]
  width: number
  height: number
  /** QEMU names it "QEMU (<domain>)" */
  name: string
}

const ENC_RAW = 0
const ENC_QEMU_EXT_KEY = -258

export class RfbClient {
  private buf = Buffer.alloc(0)
  private waiter: (() => void) | undefined
  private ended: Error | undefined

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d])
      this.waiter?.()
    })
    const stop = (e?: Error) => {
      this.ended = e ?? new Error('connection closed')
      this.waiter?.()
    }
    sock.on('error', stop)
    sock.on('close', () => stop())
  }

  static async connect(
    host: string,
    port: number,
    timeoutMs = 10_000,
  ): Promise<{ client: RfbClient; info: RfbServerInfo }> {
    const sock = net.connect({ host, port })
    const client = new RfbClient(sock)
    const timer = setTimeout(
      () => sock.destroy(new Error(`RFB handshake timed out after ${timeoutMs} ms`)),
      timeoutMs,
    )
    try {
      const banner = (await client.read(12)).toString('latin1')
      if (!/^RFB \d{3}\.\d{3}\n$/.test(banner))
        throw new Error(`not an RFB server: ${JSON.stringify(banner)}`)
      sock.write('RFB 003.008\n')
      const n = (await client.read(1))[0]!
      if (n === 0) throw new Error('server refused the connection')
      const securityTypes = [...(await client.read(n))]
      if (!securityTypes.includes(1)) throw new Error(`no None security type: ${securityTypes.join(',')}`)
      sock.write(Buffer.from([1]))
      const result = (await client.read(4)).readUInt32BE(0)
      if (result !== 0) throw new Error(`security result ${result}`)
      sock.write(Buffer.from([1])) // ClientInit: shared
      const init = await client.read(24)
      const nameLen = init.readUInt32BE(20)
      const name = (await client.read(nameLen)).toString('utf8')
      const info = { banner, securityTypes, width: init.readUInt16BE(0), height: init.readUInt16BE(2), name }
      // SetEncodings: raw + QEMU extended key events (QEMU acks with a pseudo-rectangle we ignore)
      const enc = Buffer.alloc(4 + 8)
      enc.writeUInt8(2, 0)
      enc.writeUInt16BE(2, 2)
      enc.writeInt32BE(ENC_RAW, 4)
      enc.writeInt32BE(ENC_QEMU_EXT_KEY, 8)
      sock.write(enc)
      client.discardIncoming()
      return { client, info }
    } catch (e) {
      sock.destroy()
      throw e
    } finally {
      clearTimeout(timer)
    }
  }

  private async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.ended) throw this.ended
      await new Promise<void>((r) => (this.waiter = r))
      this.waiter = undefined
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  /** after the handshake we never parse server messages: drop them */
  private discardIncoming(): void {
    this.buf = Buffer.alloc(0)
    this.sock.removeAllListeners('data')
    this.sock.on('data', () => {})
  }

  /** RFB KeyEvent with a keysym (QEMU maps it to a scancode with the VNC keymap it was given) */
  keysym(keysym: number, down: boolean): void {
    const m = Buffer.alloc(8)
    m.writeUInt8(4, 0)
    m.writeUInt8(down ? 1 : 0, 1)
    m.writeUInt32BE(keysym, 4)
    this.sock.write(m)
  }

  /** QEMU extended key event: the physical key (XT scancode) — what the guest's own keymap then reads */
  scancode(code: number, down: boolean, keysym = 0): void {
    const m = Buffer.alloc(12)
    m.writeUInt8(255, 0)
    m.writeUInt8(0, 1)
    m.writeUInt16BE(down ? 1 : 0, 2)
    m.writeUInt32BE(keysym, 4)
    m.writeUInt32BE(code, 8)
    this.sock.write(m)
  }

  /** Presses keys given as XT scancodes; `[0x2a, k]` means k with left Shift held. */
  async typeScancodes(keys: (number | [number, number])[], gapMs = 15): Promise<void> {
    for (const k of keys) {
      const [mod, code] = Array.isArray(k) ? k : [undefined, k]
      if (mod !== undefined) this.scancode(mod, true)
      this.scancode(code, true)
      this.scancode(code, false)
      if (mod !== undefined) this.scancode(mod, false)
      await new Promise((r) => setTimeout(r, gapMs))
    }
  }

  /** Presses keys given as keysyms; `[0xffe1, k]` means k with Shift_L held (QEMU never adds Shift itself). */
  async typeKeysyms(keys: (number | [number, number])[], gapMs = 15): Promise<void> {
    for (const k of keys) {
      const [mod, sym] = Array.isArray(k) ? k : [undefined, k]
      if (mod !== undefined) this.keysym(mod, true)
      this.keysym(sym, true)
      this.keysym(sym, false)
      if (mod !== undefined) this.keysym(mod, false)
      await new Promise((r) => setTimeout(r, gapMs))
    }
  }

  /** Ends the connection once everything written has been sent. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.sock.destroyed) return resolve()
      this.sock.once('close', () => resolve())
      this.sock.end()
      setTimeout(() => this.sock.destroy(), 2000).unref()
    })
  }
}
