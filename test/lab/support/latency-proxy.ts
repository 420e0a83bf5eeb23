/**
 * A TCP proxy that adds a fixed one-way delay in each direction: a stand-in for `tc netem`, which
 * this lab's kernel lacks (no sch_netem). Put it in front of a host's sshd to measure the app over a
 * WAN-like link (e.g. 15 ms each way = 30 ms round trip, an admin's workstation to OVH).
 *
 * Each chunk received at time t is forwarded at t + delay; order is kept and delays do not add up
 * (a burst of chunks all arrive `delay` later, not one after another). Not simulated: the TCP
 * handshake itself, bandwidth limits, loss, jitter.
 */
import net from 'node:net'

export interface LatencyProxyOptions {
  listenHost?: string
  /** 0 (default): any free port */
  listenPort?: number
  targetHost: string
  targetPort: number
  oneWayDelayMs: number
}

export interface LatencyProxy {
  port: number
  /** connections accepted so far */
  readonly connections: number
  close(): Promise<void>
}

/** Forwards `from` → `to`, each chunk (and the final end) delayed by `delayMs`, in order. */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number): void {
  const queue: { due: number; chunk: Buffer | null }[] = []
  let timer: NodeJS.Timeout | undefined

  const flush = () => {
    timer = undefined
    const now = performance.now()
    while (queue.length > 0 && queue[0]!.due <= now + 0.5) {
      const { chunk } = queue.shift()!
      if (to.destroyed) return
      if (chunk === null) {
        to.end()
        return
      }
      if (!to.write(chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    }
    arm()
  }
  const arm = () => {
    if (timer || queue.length === 0) return
    timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()))
  }
  const push = (chunk: Buffer | null) => {
    queue.push({ due: performance.now() + delayMs, chunk })
    arm()
  }

  from.on('data', (chunk: Buffer) => push(chunk))
  from.on('end', () => push(null))
  from.on('close', () => {
    if (timer) clearTimeout(timer)
    // deliver what is still queued, then close: like a slow link draining
    const rest = queue.splice(0)
    if (rest.length === 0) return
    setTimeout(
      () => {
        for (const { chunk } of rest) {
          if (to.destroyed) return
          if (chunk === null) to.end()
          else to.write(chunk)
        }
      },
      Math.max(0, rest[rest.length - 1]!.due - performance.now()),
    )
  })
}

export function startLatencyProxy(opts: LatencyProxyOptions): Promise<LatencyProxy> {
  const { listenHost = '127.0.0.1', listenPort = 0, targetHost, targetPort, oneWayDelayMs } = opts
  if (!(oneWayDelayMs >= 0)) throw new Error('oneWayDelayMs must be >= 0')
  const sockets = new Set<net.Socket>()
  let connections = 0

  const server = net.createServer({ pauseOnConnect: false }, (client) => {
    connections++
    const upstream = net.connect({ host: targetHost, port: targetPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    delayedPipe(client, upstream, oneWayDelayMs)
    delayedPipe(upstream, client, oneWayDelayMs)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(listenPort, listenHost, () => {
      const a = server.address()
      const port = typeof a === 'object' && a ? a.port : 0
      resolve({
        port,
        get connections() {
          return connections
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          }),
      })
    })
  })
}
