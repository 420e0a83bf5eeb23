import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { STREAM_PATH_PREFIX } from '../shared/console'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../shared/wire'
import type { Core } from './core/core'
import { CoreSession } from './core/session'
import { contentSecurityPolicy, newToken, tokensEqual } from './security'
import { contentTypeOf, fileInside } from './static-files'

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

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? newToken()
  const staticRoot = path.resolve(options.staticDir)
  let origin = ''
  let expectedHost = ''

  const server = http.createServer((request, response) => {
    void serveStatic(request, response)
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
    const file = fileInside(staticRoot, new URL(request.url ?? '/', origin).pathname)
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

  server.on('upgrade', (request, socket, head) => {
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
    if (streamId) return attachStream(streamId, request, socket, head)
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws))
  })

  function attachStream(id: string, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    sockets.handleUpgrade(request, socket, head, (ws) => {
      // Attached only once upgraded: the host's first bytes (a VNC banner) go straight out.
      const stream = options.core.attachStream(id, {
        send: (data) => {
          if (ws.readyState === ws.OPEN) ws.send(data)
        },
        close: (reason) => ws.close(1000, reason.slice(0, 120)),
      })
      if (!stream) return ws.close(4404, 'unknown, used or closed stream')
      ws.on('message', (data, isBinary) => {
        // Terminals send text frames (xterm), VNC binary ones.
        stream.write(isBinary ? (data as Buffer) : Buffer.from(data.toString(), 'utf8'))
      })
      ws.on('close', () => stream.close())
      ws.on('error', () => stream.close())
    })
  }

  function attach(ws: WebSocket): void {
    const session = new CoreSession(options.core, (message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    })
    ws.on('message', (data, isBinary) => {
      let message: unknown
      try {
        message = isBinary ? undefined : JSON.parse(data.toString())
      } catch {
        message = undefined
      }
      if (!session.handle(message)) ws.close(1008, 'protocol violation')
    })
    ws.on('close', () => session.close())
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
