import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { STREAM_PATH_PREFIX } from '../shared/console'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../shared/wire'
import type { AttachedStream } from './core/console/byte-streams'
import type { Core } from './core/core'
import { CoreSession } from './core/session'
import { contentSecurityPolicy, newToken, tokensEqual } from './security'
import { contentTypeOf, fileInside } from './static-files'
import { DEFAULT_FLOW_LIMITS, FlowControl, type FlowLimits } from './ws-flow'

/**
 * Browser mode: the same core as the Electron app, offered on a loopback WebSocket, with the built UI
 * served next to it. Threat model (README, "Browser mode security"): any web page the user visits can
 * try to open ws://127.0.0.1:<port>, and DNS rebinding can make another site look same-origin, while
 * the core holds SSH sessions as a member of group libvirt (root-equivalent on the hypervisors).
 * So: listen on 127.0.0.1 only; check Host and Origin exactly; require a random per-run token, offered
 * as a WebSocket subprotocol (never in a URL the server sees, never in a cookie), compared in constant time.
 */

export interface BrowserServerOptions {
  core: Core
  /** The built renderer (out/renderer). */
  staticDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
  /** What the server writes when it catches a failure or closes a slow client (default stderr). */
  log?: (line: string) => void
  /** Flow control of each WebSocket (tests use small ones). */
  flowLimits?: Partial<FlowLimits>
  /** Calls one /api client may have unanswered before the server stops reading it (default 64). */
  maxCallsInFlight?: number
}

export interface BrowserServer {
  port: number
  origin: string
  token: string
  /** The URL to open: the token rides in the fragment, which browsers never send to the server. */
  url: string
  close(): Promise<void>
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024
const LOOPBACK = '127.0.0.1'
const MAX_CALLS_IN_FLIGHT = 64
/** RFC 6455 allows 123 bytes of close reason. */
const MAX_CLOSE_REASON_BYTES = 123

/** A close reason cut to what a close frame can carry (ws throws on a longer one), on a character edge. */
export function closeReason(text: string): string {
  let reason = text
  while (Buffer.byteLength(reason, 'utf8') > MAX_CLOSE_REASON_BYTES)
    reason = [...reason].slice(0, -1).join('')
  return reason
}

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? newToken()
  const staticRoot = path.resolve(options.staticDir)
  const log = options.log ?? ((line: string) => console.error(line))
  const limits: FlowLimits = { ...DEFAULT_FLOW_LIMITS, ...options.flowLimits }
  const maxCallsInFlight = options.maxCallsInFlight ?? MAX_CALLS_IN_FLIGHT
  let origin = ''
  let expectedHost = ''

  // Every handler catches its own failures: one bad request must never end the process, which holds
  // every SSH session (process-guards.ts is the last net, not the plan).
  const server = http.createServer((request, response) => {
    serveStatic(request, response).catch((error: unknown) => {
      log(`hyperdesk: HTTP ${request.method ?? '?'} failed: ${describe(error)}`)
      if (!response.headersSent)
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal error\n')
      else response.destroy()
    })
  })
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  })

  async function serveStatic(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy([`ws://${expectedHost}`]),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    }
    if (request.headers.host !== expectedHost) {
      response
        .writeHead(421, { ...headers, 'Content-Type': 'text/plain' })
        .end('Misdirected request: wrong Host\n')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end()
      return
    }
    // A request target such as "//[" is no URL at all (the URL parser throws): a bad request.
    const pathname = URL.canParse(request.url ?? '/', origin)
      ? new URL(request.url ?? '/', origin).pathname
      : undefined
    const file = pathname === undefined ? null : fileInside(staticRoot, pathname)
    if (!file) {
      response.writeHead(400, headers).end()
      return
    }
    try {
      const body = await fs.readFile(file)
      response.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file) })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n')
    }
  }

  function refuse(socket: Duplex, status: number, reason: string): void {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgraded socket without an 'error' listener: a reset would be an uncaught error.
    socket.on('error', () => socket.destroy())
    try {
      upgrade(request, socket, head)
    } catch (error) {
      log(`hyperdesk: WebSocket upgrade failed: ${describe(error)}`)
      socket.destroy()
    }
  })

  function upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // /api: the calls and events; /stream/<id>: one console's bytes (see ByteStreams).
    const streamId = request.url?.startsWith(STREAM_PATH_PREFIX)
      ? request.url.slice(STREAM_PATH_PREFIX.length)
      : undefined
    if (request.url !== '/api' && !streamId) return refuse(socket, 404, 'Not Found')
    if (request.headers.host !== expectedHost) return refuse(socket, 421, 'Misdirected Request')
    if (request.headers.origin !== origin) return refuse(socket, 403, 'Forbidden')
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((item) => item.trim())
    const given =
      offered.find((item) => item.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length) ?? ''
    if (!offered.includes(WS_PROTOCOL) || !tokensEqual(given, token))
      return refuse(socket, 401, 'Unauthorized')
    sockets.handleUpgrade(request, socket, head, (ws) => {
      // First of all: a bad frame is an 'error' event, fatal to the process if nobody listens.
      ws.on('error', () => ws.terminate())
      guarded(ws, 'attach', () => (streamId ? attachStream(streamId, ws) : attach(ws)))
    })
  }

  /** Runs a socket's handler; a failure is logged and closes that socket only. */
  function guarded(ws: WebSocket, what: string, run: () => void): void {
    try {
      run()
    } catch (error) {
      log(`hyperdesk: WebSocket ${what} failed: ${describe(error)}`)
      ws.terminate()
    }
  }

  function attachStream(id: string, ws: WebSocket): void {
    // The host's side, once attached (its early bytes are sent while attaching).
    const host: { stream?: AttachedStream } = {}
    const flow = new FlowControl(
      ws,
      limits,
      { pause: () => host.stream?.pause(), resume: () => host.stream?.resume() },
      log,
    )
    // Attached only once upgraded: the host's first bytes (a VNC banner) go straight out.
    const stream = options.core.attachStream(id, {
      send: (data) => flow.send(data),
      close: (reason) => {
        if (ws.readyState === ws.OPEN) ws.close(1000, closeReason(reason))
      },
      // The host took what was waiting: read the client again.
      drained: () => ws.resume(),
    })
    if (!stream) return ws.close(4404, 'unknown, used or closed stream')
    host.stream = stream
    const attached = stream
    ws.on('message', (data, isBinary) =>
      guarded(ws, 'stream message', () => {
        // Terminals send text frames (xterm), VNC binary ones.
        const bytes = isBinary ? bytesOf(data) : Buffer.from(data.toString(), 'utf8')
        // The host side is full: stop reading the client until it drains (bounded both ways).
        if (!attached.write(bytes)) ws.pause()
      }),
    )
    ws.on('close', () => attached.close())
    ws.on('error', () => attached.close())
  }

  function attach(ws: WebSocket): void {
    // The client's calls are this socket's source: stop taking them while it does not read the
    // answers, or while it has too many unanswered (each may wait on a host). Pausing the socket
    // stops new bytes; the messages ws had already read from it wait here, in order.
    const holds = new Set<'unread' | 'calls'>()
    const waiting: Array<{ data: RawData; isBinary: boolean }> = []
    const hold = (reason: 'unread' | 'calls', on: boolean): void => {
      if (on) holds.add(reason)
      else holds.delete(reason)
      if (holds.size > 0) return ws.pause()
      ws.resume()
      while (holds.size === 0 && waiting.length > 0) {
        const next = waiting.shift()
        if (next) receive(next.data, next.isBinary)
      }
    }
    const flow = new FlowControl(
      ws,
      limits,
      { pause: () => hold('unread', true), resume: () => hold('unread', false) },
      log,
    )
    let inFlight = 0
    const core = options.core
    const counted: Core = {
      call: (method, params) => {
        inFlight += 1
        if (inFlight >= maxCallsInFlight) hold('calls', true)
        return core.call(method, params).finally(() => {
          inFlight -= 1
          if (inFlight < maxCallsInFlight && holds.has('calls')) hold('calls', false)
        })
      },
      subscribe: (event, listener) => core.subscribe(event, listener),
      attachStream: (id, peer) => core.attachStream(id, peer),
      close: () => core.close(),
    }
    const session = new CoreSession(counted, (message) => {
      try {
        flow.send(JSON.stringify(message))
      } catch (error) {
        // A reply that cannot be serialised is the core's bug: say so, keep the socket.
        log(`hyperdesk: could not send a ${message.kind} on the WebSocket: ${describe(error)}`)
      }
    })
    const receive = (data: RawData, isBinary: boolean): void =>
      guarded(ws, 'message', () => {
        let message: unknown
        try {
          message = isBinary ? undefined : JSON.parse(data.toString())
        } catch {
          message = undefined
        }
        if (!session.handle(message)) ws.close(1008, 'protocol violation')
      })
    ws.on('message', (data, isBinary) => {
      if (holds.size > 0 || waiting.length > 0) waiting.push({ data, isBinary })
      else receive(data, isBinary)
    })
    ws.on('close', () => {
      waiting.length = 0
      session.close()
    })
    ws.on('error', () => session.close())
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, LOOPBACK, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  expectedHost = `${LOOPBACK}:${port}`
  origin = `http://${expectedHost}`

  return {
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
