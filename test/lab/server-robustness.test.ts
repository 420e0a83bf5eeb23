import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type net from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startBrowserServer, type BrowserServer } from '../../src/main/browser-server'
import { SLOW_CLIENT_CLOSE_CODE } from '../../src/main/ws-flow'
import { WS_PROTOCOL, WS_TOKEN_PREFIX, type ServerMessage } from '../../src/shared/wire'
import { crasher, exchange, frames, httpRequest, socketPath, upgradeRequest } from '../support/http-fuzz'
import { labCore, type LabCore } from '../support/lab-core'
import { requireLab, waitFor } from './support/lab'

/**
 * Browser mode on the real lab (issue 16 items 7 and 9): hostile requests and frames leave the SSH
 * sessions the core holds answering, and a console whose client stops reading pauses its SSH channel
 * instead of filling this process, then is closed.
 */

let lab: LabCore
let server: BrowserServer
let staticDir: string
const logged: string[] = []

beforeAll(async () => {
  await requireLab()
  lab = await labCore()
  await lab.waitForInventory()
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-static-'))
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>')
  server = await startBrowserServer({
    core: lab.core,
    staticDir,
    log: (line) => logged.push(line),
    flowLimits: { stallMs: 3000 },
  })
}, 60_000)

afterAll(async () => {
  await server?.close()
  await lab?.cleanup()
  if (staticDir) fs.rmSync(staticDir, { recursive: true, force: true })
})

function socket(where: string): Promise<WebSocket> {
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

/** A browser tab's API socket: calls by name, answers by id. */
async function apiSession(): Promise<{
  ws: WebSocket
  call(method: string, params: object): Promise<unknown>
}> {
  const ws = await socket('/api')
  let nextId = 1
  const waiting = new Map<number, (message: ServerMessage) => void>()
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage
    if (message.kind === 'result') waiting.get(message.id)?.(message)
  })
  return {
    ws,
    async call(method, params) {
      const id = nextId++
      const reply = await new Promise<ServerMessage>((resolve) => {
        waiting.set(id, resolve)
        ws.send(JSON.stringify({ kind: 'call', id, method, params }))
      })
      if (reply.kind !== 'result' || !reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply)}`)
      return reply.value
    },
  }
}

/** A host shell through the app: its stream's WebSocket, and what it printed. */
async function shell(api: Awaited<ReturnType<typeof apiSession>>, host: string) {
  const opened = (await api.call('console.openShell', { host, cols: 120, rows: 30 })) as { streamId: string }
  const ws = await socket(`/stream/${opened.streamId}`)
  let output = ''
  ws.on('message', (data: Buffer) => (output += data.toString('utf8')))
  return {
    ws,
    output: () => output,
    async run(line: string, expected: RegExp): Promise<void> {
      ws.send(`${line}\n`)
      await waitFor(
        `${expected} in the shell on ${host}`,
        () => expected.test(output) || undefined,
        15_000,
        20,
      )
    },
  }
}

function rssMiB(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024
}

describe('browser mode on the lab', () => {
  it('hostile requests and frames (the crasher included) leave the SSH sessions answering', async () => {
    const api = await apiSession()
    const term = await shell(api, 'hv1')
    await term.run('echo "before-$((6*7))"', /before-42/)

    const target = { port: server.port, token: server.token }
    expect((await exchange(server.port, [crasher(server.port)])).status).toBe(400)
    await fc.assert(
      fc.asyncProperty(httpRequest(target), async (chunks) => void (await exchange(server.port, chunks))),
      { numRuns: 80 },
    )
    await fc.assert(
      fc.asyncProperty(
        socketPath,
        frames(['app.info', 'config.get', 'jobs.list', 'inventory.get']),
        async (where, sent) =>
          void (await exchange(server.port, [upgradeRequest(target, where), ...sent], 25, 500)),
      ),
      { numRuns: 80 },
    )

    // The shell opened before is the same SSH channel, still answering; new commands run on the hosts.
    await term.run('echo "after-$((6*7))"', /after-42/)
    const stats = (await api.call('hosts.stats', { host: 'hv2' })) as { host?: string }
    expect(stats).toBeTruthy()
    const states = (await api.call('hosts.list', {})) as Array<{ name: string; status: string }>
    expect(states.map((state) => state.status)).toEqual(['online', 'online', 'online'])
    term.ws.close()
    api.ws.close()
  }, 60_000)

  it('a console whose client stops reading pauses its SSH channel, then is closed; memory stays bounded', async () => {
    const api = await apiSession()
    const term = await shell(api, 'hv2')
    await term.run('echo ready', /ready/)
    const before = rssMiB()
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      term.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    // 400 MiB of output the client never reads (base64 of zeros, so the terminal passes it through).
    term.ws.send('head -c 300000000 /dev/zero | base64 -w 4096; echo done-$((6*7))\n')
    ;(term.ws as unknown as { _socket: net.Socket })._socket.pause()
    let peak = before
    const started = Date.now()
    while (Date.now() - started < 2500) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      peak = Math.max(peak, rssMiB())
    }
    // The stall limit (3 s here) closes it; the client then reads its way to the close frame.
    await waitFor(
      'the slow-client close',
      () => logged.some((line) => line.includes('(4008)')) || undefined,
      10_000,
    )
    ;(term.ws as unknown as { _socket: net.Socket })._socket.resume()
    const end = await closed
    console.log(
      `lab: 400 MiB from a shell whose client stopped reading: test process RSS before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB; closed ${end.code} ${end.reason}`,
    )
    expect([SLOW_CLIENT_CLOSE_CODE, 1006]).toContain(end.code)
    expect(term.output()).not.toContain('done-42')
    expect(peak - before).toBeLessThan(100)
    // The channel was given back and the host still answers.
    await waitFor(
      'the shell slot back',
      () => lab.context.hosts.get('hv2').slotUse.interactive === 0 || undefined,
      10_000,
    )
    const again = await shell(api, 'hv2')
    await again.run('echo "still-$((6*7))"', /still-42/)
    again.ws.close()
    api.ws.close()
  }, 60_000)
})
