import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Duplex } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { ByteStreams } from '../../src/main/core/console/byte-streams'
import type { Core } from '../../src/main/core/core'
import { SLOW_CLIENT_CLOSE_CODE } from '../../src/main/ws-flow'
import type { ClusterConfigInput } from '../../src/shared/config'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../src/shared/wire'
import { tempCore } from '../support/core'
import { textFrame, upgradeRequest } from '../support/http-fuzz'
import { waitFor } from '../lab/support/lab'

/**
 * Backpressure (issue 16 item 9): a client that stops reading cannot make browser mode buffer without
 * bound. Loopback TCP buffers hold several MiB in the kernel before anything piles up in the process,
 * so each test sends well past that.
 */

/** Many hosts (at a closed loopback port): each config event is ~10 KiB, so a few hundred fill the kernel. */
const bigCluster: ClusterConfigInput = {
  version: 1,
  ssh: { useSshConfig: false },
  hosts: Array.from({ length: 40 }, (_, index) => ({
    name: `hv${index + 1}`,
    address: '127.0.0.1',
    port: 9,
    migrationAddress: `10.77.0.${index + 1}`,
    gateway: '10.77.11.254',
  })),
}

let staticDir: string
beforeAll(() => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-static-'))
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>')
})
afterAll(() => fs.rmSync(staticDir, { recursive: true, force: true }))

function open(server: BrowserServer, where = '/api'): Promise<WebSocket> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${server.port}${where}`,
    [WS_PROTOCOL, WS_TOKEN_PREFIX + server.token],
    {
      origin: server.origin,
    },
  )
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** The ws client's TCP socket: pausing it is a client that stops reading. */
function tcpOf(ws: WebSocket): net.Socket {
  return (ws as unknown as { _socket: net.Socket })._socket
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
}

describe('a client that stops reading the API socket', () => {
  let server: BrowserServer
  /**
   * The same server without the stall rule (10 min): only the byte limit can close a client there.
   * With the stall at 1.5 s, a loaded machine drove the events too slowly to pass 512 KiB before the
   * stall closed the client (full CI, unit lane beside the lab), and the byte limit went untested.
   */
  let byteLimitOnly: BrowserServer
  let cleanup: () => Promise<void>
  const logged: string[] = []
  /** Calls the core was asked to answer, across every client of these servers. */
  let answered = 0
  beforeAll(async () => {
    const made = await tempCore(bigCluster)
    cleanup = made.cleanup
    const counting: Core = {
      ...made.core,
      call: (method, params) => {
        answered++
        return made.core.call(method, params)
      },
    }
    const serve = (stallMs: number) =>
      startBrowserServer({
        core: counting,
        staticDir,
        log: (line) => logged.push(line),
        flowLimits: {
          pauseAboveBytes: 64 * 1024,
          resumeBelowBytes: 16 * 1024,
          closeAboveBytes: 512 * 1024,
          stallMs,
        },
      })
    server = await serve(1500)
    byteLimitOnly = await serve(600_000)
  })
  afterAll(async () => {
    await server.close()
    await byteLimitOnly.close()
    await cleanup()
  })

  it('is closed with 4008 once events it does not read pass the limit; other clients go on', async () => {
    const slow = await open(byteLimitOnly)
    const other = await open(byteLimitOnly)
    const slowClosed = closeOf(slow)
    slow.send(JSON.stringify({ kind: 'subscribe', event: 'config.changed' }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    tcpOf(slow).pause()
    // Another client drives events (a reload emits config.changed to every subscriber).
    let received = 0
    const replies = new Map<number, () => void>()
    other.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id: number }
      received++
      replies.get(message.id)?.()
    })
    let sawClose = false
    void slowClosed.then(() => (sawClose = true))
    for (
      let id = 1;
      id <= 3000 && !logged.some((line) => line.includes(`(${SLOW_CLIENT_CLOSE_CODE})`));
      id++
    ) {
      const done = new Promise<void>((resolve) => replies.set(id, resolve))
      other.send(JSON.stringify({ kind: 'call', id, method: 'config.reload', params: {} }))
      await done
    }
    expect(logged.join('\n')).toContain(
      `(${SLOW_CLIENT_CLOSE_CODE}): the client is not reading: more than 512 KiB unread`,
    )
    // The slow client reads again, in time to see why it was closed.
    tcpOf(slow).resume()
    const closed = await slowClosed
    expect(sawClose).toBe(true)
    expect(closed.code).toBe(SLOW_CLIENT_CLOSE_CODE)
    expect(closed.reason).toBe('the client is not reading: more than 512 KiB unread')
    // The reading client was never held up.
    expect(received).toBeGreaterThan(10)
    other.send(JSON.stringify({ kind: 'call', id: 99_999, method: 'app.info', params: {} }))
    await new Promise<void>((resolve) => replies.set(99_999, resolve))
    other.close()
  }, 60_000)

  it('stops reading the calls of a client that floods them without reading, then closes it', async () => {
    const socket = net.connect(server.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(upgradeRequest({ port: server.port, token: server.token }))
    await new Promise((resolve) => socket.once('data', resolve))
    socket.pause()
    let closed = false
    socket.on('close', () => (closed = true))
    socket.on('error', () => undefined)
    const call = textFrame(JSON.stringify({ kind: 'call', id: 1, method: 'config.get', params: {} }))
    const batch = Buffer.concat(Array.from({ length: 100 }, () => call))
    let sent = 0
    const answeredBefore = answered
    const started = Date.now()
    // Writes until the server stops reading (our writes then stay in our own buffer) or closes us.
    while (!closed && Date.now() - started < 8000) {
      if (socket.writableLength < 4 * 1024 * 1024) {
        socket.write(batch)
        sent += 100
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(closed).toBe(true)
    expect(logged.join('\n')).toMatch(
      /\(4008\): the client is not reading: (64 KiB unread for 1\.5 s|more than 512 KiB)/,
    )
    // Held back: the core answered a few thousand calls (what fills the kernel's socket buffers at
    // ~10 KiB an answer, the pause mark, the calls in flight), not the tens of thousands it was sent.
    const served = answered - answeredBefore
    console.log(
      `flooding client that never reads: ${sent} calls written, ${served} answered before it was closed`,
    )
    expect(served).toBeLessThan(5000)
    expect(sent).toBeGreaterThan(served * 4)
    socket.destroy()
  }, 20_000)
})

describe('a console stream whose client stops reading', () => {
  /**
   * A host side that produces only when asked (like an SSH channel, whose window stops the sender),
   * and only once a client attached (before that ByteStreams keeps at most 1 MiB of early bytes).
   */
  function endlessHost(total = Infinity): { channel: Duplex; produced(): number; start(): void } {
    const chunk = Buffer.alloc(64 * 1024, 0x41)
    let produced = 0
    let started = false
    let asked = false
    const channel = new Duplex({
      read() {
        if (!started) return void (asked = true)
        if (produced >= total) return void this.push(null)
        produced += chunk.length
        this.push(chunk)
      },
      write(_data, _encoding, callback) {
        callback()
      },
    })
    // Like ssh2's 'close' once the host is done: after every byte was read.
    channel.on('end', () => channel.destroy())
    return {
      channel,
      produced: () => produced,
      start() {
        started = true
        if (asked) {
          produced += chunk.length
          channel.push(chunk)
        }
      },
    }
  }

  async function streamServer(host: ReturnType<typeof endlessHost>, release: () => void = () => undefined) {
    const streams = new ByteStreams()
    const id = streams.register({ kind: 'shell', host: 'hv1' }, host.channel, release)
    const core: Core = {
      call: async () => ({}),
      subscribe: () => () => undefined,
      attachStream: (streamId, peer) => {
        const attached = streams.attach(streamId, peer)
        host.start()
        return attached
      },
      close: async () => undefined,
    }
    const logged: string[] = []
    const server = await startBrowserServer({
      core,
      staticDir,
      log: (line) => logged.push(line),
      flowLimits: {
        pauseAboveBytes: 256 * 1024,
        resumeBelowBytes: 64 * 1024,
        closeAboveBytes: 8 * 1024 * 1024,
        stallMs: 1500,
      },
    })
    return { streams, id, server, logged }
  }

  it('pauses the host side (bounded), then closes the stream and frees the channel', async () => {
    const host = endlessHost()
    let released = false
    const { streams, id, server, logged } = await streamServer(host, () => (released = true))
    try {
      const ws = await open(server, `/stream/${id}`)
      const closed = closeOf(ws)
      tcpOf(ws).pause()
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const whilePaused = host.produced()
      await new Promise((resolve) => setTimeout(resolve, 300))
      // Paused: nothing more is produced, however long the client does not read.
      expect(host.produced()).toBe(whilePaused)
      console.log(
        `console client that never reads: the host side made ${(whilePaused / 2 ** 20).toFixed(1)} MiB, then was paused`,
      )
      // Kernel buffers (a few MiB on loopback) + the pause mark + a chunk, not an endless stream.
      expect(host.produced()).toBeLessThan(32 * 1024 * 1024)
      // Then the stall limit closes it and gives the host's channel back.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      tcpOf(ws).resume()
      const end = await closed
      expect([SLOW_CLIENT_CLOSE_CODE, 1006]).toContain(end.code)
      expect(logged.join('\n')).toContain('(4008): the client is not reading: 256 KiB unread for 1.5 s')
      await waitFor('the host channel to be given back', () => released || undefined, 3000)
      expect(streams.size).toBe(0)
    } finally {
      await server.close()
    }
  }, 20_000)

  it('relays everything to a client that reads, through pauses and resumes', async () => {
    const total = 24 * 1024 * 1024
    const host = endlessHost(total)
    const { id, server } = await streamServer(host)
    try {
      const ws = await open(server, `/stream/${id}`)
      let received = 0
      ws.on('message', (data: Buffer) => (received += data.length))
      const end = await closeOf(ws)
      expect(received).toBe(total)
      // The end is the host's (EOF), not a slow-client close.
      expect(end.code).toBe(1000)
    } finally {
      await server.close()
    }
  }, 20_000)
})

describe('the browser-mode process under a flood from a client that never reads', () => {
  let child: ChildProcess | undefined
  let dir: string
  afterAll(() => {
    child?.kill()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  function rssMiB(pid: number): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  }

  it('stays within a bounded memory (the built serve.js, measured from outside)', async () => {
    const serveJs = path.resolve(__dirname, '../../out/main/serve.js')
    expect(fs.existsSync(serveJs), 'npm test builds out/ first').toBe(true)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-flood-'))
    const config = path.join(dir, 'cluster.json')
    fs.writeFileSync(config, JSON.stringify({ ...bigCluster, hosts: bigCluster.hosts.slice(0, 3) }))
    child = spawn(process.execPath, [serveJs, '--config', config, '--port', '0'], {
      env: { ...process.env, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const url = await new Promise<URL>((resolve, reject) => {
      let out = ''
      child!.stdout!.on('data', (data: Buffer) => {
        out += data.toString()
        const match = /Open: (\S+)/.exec(out)
        if (match?.[1]) resolve(new URL(match[1]))
      })
      child!.once('exit', (code) => reject(new Error(`serve.js exited (${code})`)))
    })
    const port = Number(url.port)
    const token = url.hash.replace('#token=', '')
    const pid = child.pid!
    await new Promise((resolve) => setTimeout(resolve, 300))
    const before = rssMiB(pid)

    const socket = net.connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(upgradeRequest({ port, token }))
    await new Promise((resolve) => socket.once('data', resolve))
    socket.pause()
    socket.on('error', () => undefined)
    const call = textFrame(JSON.stringify({ kind: 'call', id: 1, method: 'config.get', params: {} }))
    const batch = Buffer.concat(Array.from({ length: 200 }, () => call))
    let peak = before
    const started = Date.now()
    while (Date.now() - started < 5000) {
      if (socket.writableLength < 4 * 1024 * 1024) socket.write(batch)
      await new Promise((resolve) => setTimeout(resolve, 1))
      peak = Math.max(peak, rssMiB(pid))
    }
    const after = rssMiB(pid)
    console.log(
      `browser mode RSS under a 5 s flood from a client that never reads: before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, after ${after.toFixed(0)} MiB`,
    )
    // Before the fix it grew as fast as the client wrote (69 → 178 MiB in 3 s here, still growing;
    // 127 → 436 MiB in issue 16). Now: what answering a few thousand calls costs (~40-70 MiB of
    // warmed-up heap, the same as for a client that reads them), then flat.
    expect(peak - before).toBeLessThan(120)
    expect(child.exitCode).toBeNull()
    socket.destroy()
  }, 30_000)
})
