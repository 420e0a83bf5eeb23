import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { tokensEqual } from '../../src/main/security'
import { WS_PROTOCOL, WS_TOKEN_PREFIX, type ServerMessage } from '../../src/shared/wire'
import { sampleCluster, tempCore } from '../support/core'

let server: BrowserServer
let cleanupCore: () => Promise<void>
let staticDir: string

beforeAll(async () => {
  const made = await tempCore(sampleCluster)
  cleanupCore = made.cleanup
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-static-'))
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>')
  fs.writeFileSync(path.join(os.tmpdir(), 'hd-secret.txt'), 'secret')
  server = await startBrowserServer({ core: made.core, staticDir })
})
afterAll(async () => {
  await server.close()
  await cleanupCore()
  fs.rmSync(staticDir, { recursive: true, force: true })
})

interface Attempt {
  origin?: string
  host?: string
  protocols?: string[]
  path?: string
}

/** Opens a socket with chosen headers; resolves with the open socket or the HTTP status of the refusal. */
function open(attempt: Attempt = {}): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {}
    if (attempt.host !== undefined) headers.Host = attempt.host
    const socket = new WebSocket(
      `ws://127.0.0.1:${server.port}${attempt.path ?? '/api'}`,
      attempt.protocols ?? [WS_PROTOCOL, WS_TOKEN_PREFIX + server.token],
      {
        origin: attempt.origin ?? server.origin,
        headers,
      },
    )
    socket.on('open', () => resolve({ socket }))
    socket.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode }))
    socket.on('error', () => resolve({ status: -1 }))
  })
}

/** Collects every message from the start, so two messages arriving in one tick are both seen. */
function messages(socket: WebSocket): (count: number) => Promise<ServerMessage[]> {
  const received: ServerMessage[] = []
  const waiters: Array<() => void> = []
  socket.on('message', (data) => {
    received.push(JSON.parse(data.toString()) as ServerMessage)
    for (const wake of waiters.splice(0)) wake()
  })
  return async (count) => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
    return received.slice(0, count)
  }
}

describe('browser mode WebSocket', () => {
  it('serves the core to the right origin with the right token', async () => {
    const { socket } = await open()
    expect(socket?.protocol).toBe(WS_PROTOCOL)
    const received = messages(socket!)
    socket!.send(JSON.stringify({ kind: 'call', id: 1, method: 'config.get', params: {} }))
    const [reply] = await received(1)
    expect(reply).toMatchObject({ kind: 'result', id: 1, ok: true })
    expect((reply as { value: { hosts: unknown[] } }).value.hosts).toHaveLength(3)
    socket!.close()
  })

  it('pushes events to a subscribed socket', async () => {
    const { socket } = await open()
    const received = messages(socket!)
    socket!.send(JSON.stringify({ kind: 'subscribe', event: 'config.changed' }))
    socket!.send(JSON.stringify({ kind: 'call', id: 2, method: 'config.reload', params: {} }))
    const [first, second] = await received(2)
    expect([first?.kind, second?.kind].sort()).toEqual(['event', 'result'])
    socket!.close()
  })

  it('refuses a wrong token, a missing token and a token of another length', async () => {
    expect((await open({ protocols: [WS_PROTOCOL, WS_TOKEN_PREFIX + 'f'.repeat(64)] })).status).toBe(401)
    expect((await open({ protocols: [WS_PROTOCOL] })).status).toBe(401)
    expect((await open({ protocols: [WS_PROTOCOL, WS_TOKEN_PREFIX + server.token.slice(1)] })).status).toBe(
      401,
    )
    expect((await open({ protocols: [WS_TOKEN_PREFIX + server.token] })).status).toBe(401)
  })

  it('refuses another origin, even with the token (a web page the user visits)', async () => {
    expect((await open({ origin: 'https://evil.example' })).status).toBe(403)
    expect((await open({ origin: `http://localhost:${server.port}` })).status).toBe(403)
    expect((await open({ origin: 'null' })).status).toBe(403)
  })

  it('refuses another Host header (DNS rebinding), even with origin and token', async () => {
    expect((await open({ host: `evil.example:${server.port}` })).status).toBe(421)
    expect((await open({ host: `localhost:${server.port}` })).status).toBe(421)
  })

  it('closes a socket that breaks the protocol', async () => {
    const { socket } = await open()
    const closed = new Promise<number>((resolve) => socket!.on('close', (code) => resolve(code)))
    socket!.send('not json')
    expect(await closed).toBe(1008)
  })

  it('refuses upgrades on other paths', async () => {
    expect((await open({ path: '/other' })).status).toBe(404)
  })
})

describe('browser mode static files', () => {
  it('serves the UI with a strict CSP and refuses a foreign Host and path traversal', async () => {
    const ok = await fetch(`${server.origin}/`)
    expect(ok.status).toBe(200)
    const csp = ok.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`)
    expect(csp).not.toContain('unsafe-eval')
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff')

    const traversal = await new Promise<number>((resolve) => {
      // fetch() would normalise the path; send it raw.
      import('node:http').then(({ request }) => {
        request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/%2e%2e/hd-secret.txt',
            headers: { host: `127.0.0.1:${server.port}` },
          },
          (res) => resolve(res.statusCode ?? 0),
        ).end()
      })
    })
    expect([400, 404]).toContain(traversal)

    const foreign = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) => {
        request(
          { host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example' } },
          (res) => resolve(res.statusCode ?? 0),
        ).end()
      })
    })
    expect(foreign).toBe(421)
  })

  it('prints a URL whose token is in the fragment only', () => {
    const url = new URL(server.url)
    expect(url.origin).toBe(server.origin)
    expect(url.search).toBe('')
    expect(url.hash).toBe(`#token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('tokensEqual', () => {
  it('compares whole tokens of any length', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true)
    expect(tokensEqual('abc', 'abd')).toBe(false)
    expect(tokensEqual('ab', 'abc')).toBe(false)
    expect(tokensEqual('', 'abc')).toBe(false)
  })
})
