import { ApiError } from '../../../shared/errors'
import {
  ServerMessageSchema,
  STREAM_PATH_PREFIX,
  WS_PROTOCOL,
  WS_TOKEN_PREFIX,
  type ClientMessage,
} from '../../../shared/wire'
import type { Transport, TransportStatus } from './client'

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000]

/** Refused opens in a row after which the transport asks whether the server itself answers. */
const OPENS_BEFORE_PROBE = 2

/**
 * Does an HTTP server answer at the WebSocket's origin? The browser does not tell why an upgrade
 * failed (a 401 for a wrong token and a refused port both look like code 1006), but a page served from
 * the same address while the upgrade is refused means the core runs and the tab's token is old.
 */
async function serverAnswers(url: string): Promise<boolean> {
  const page = new URL(url)
  page.protocol = page.protocol === 'wss:' ? 'https:' : 'http:'
  page.pathname = '/'
  try {
    const response = await fetch(page, { cache: 'no-store' })
    return response.ok
  } catch {
    return false
  }
}

/**
 * Browser mode: the core behind a loopback WebSocket. The token is offered as a subprotocol. Calls made
 * while connecting wait; a dropped socket fails its pending calls, reconnects with backoff and
 * subscribes again. When the server answers but keeps refusing the socket, the tab's link is out of
 * date (the server was restarted with a new token): the status becomes `stale` and retries stop.
 */
export function websocketTransport(
  url: string,
  token: string,
  probe: (url: string) => Promise<boolean> = serverAnswers,
): Transport {
  let socket: WebSocket | null = null
  let status: TransportStatus = 'connecting'
  let attempt = 0
  let refusedOpens = 0
  let nextId = 1
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>()
  const waiting: ClientMessage[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: TransportStatus) => void>()

  function setStatus(next: TransportStatus): void {
    status = next
    for (const listener of statusListeners) listener(next)
  }

  function send(message: ClientMessage): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
    else waiting.push(message)
  }

  function connect(): void {
    setStatus('connecting')
    const ws = new WebSocket(url, [WS_PROTOCOL, WS_TOKEN_PREFIX + token])
    socket = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      attempt = 0
      refusedOpens = 0
      setStatus('connected')
      for (const event of listeners.keys()) ws.send(JSON.stringify({ kind: 'subscribe', event }))
      for (const message of waiting.splice(0)) ws.send(JSON.stringify(message))
    }
    ws.onmessage = (event) => {
      const parsed = ServerMessageSchema.safeParse(JSON.parse(String(event.data)))
      if (!parsed.success) return
      const message = parsed.data
      if (message.kind === 'event') {
        for (const listener of listeners.get(message.event) ?? []) listener(message.payload)
        return
      }
      const call = pending.get(message.id)
      pending.delete(message.id)
      if (!call) return
      if (message.ok) call.resolve(message.value)
      else call.reject(new ApiError(message.error))
    }
    ws.onclose = () => {
      for (const call of pending.values()) {
        call.reject(
          new ApiError({
            code: 'transport.disconnected',
            message: 'Lost the connection to the Hyperdesk core.',
            hint: 'Is `npm run serve` still running?',
          }),
        )
      }
      pending.clear()
      setStatus('disconnected')
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)] ?? 5000
      attempt += 1
      if (!opened) refusedOpens += 1
      if (refusedOpens < OPENS_BEFORE_PROBE) return void setTimeout(connect, delay)
      void probe(url).then((answers) => {
        if (answers) setStatus('stale')
        else setTimeout(connect, delay)
      })
    }
  }

  connect()

  return {
    kind: 'websocket',
    call(method, params) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        send({ kind: 'call', id, method, params })
      })
    },
    subscribe(event, listener) {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
        send({ kind: 'subscribe', event })
      }
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) {
          listeners.delete(event)
          send({ kind: 'unsubscribe', event })
        }
      }
    },
    onStatus(listener) {
      statusListeners.add(listener)
      listener(status)
      return () => statusListeners.delete(listener)
    },
    openStream(streamId) {
      // Same origin and token as the API socket; one WebSocket per console.
      const base = new URL(url)
      base.pathname = STREAM_PATH_PREFIX + encodeURIComponent(streamId)
      return new WebSocket(base.toString(), [WS_PROTOCOL, WS_TOKEN_PREFIX + token])
    },
    setConsoleFocus() {
      // A browser has no app menu to silence.
    },
    setLanguage() {
      // Nor a menu to translate.
    },
    onMenuCommand() {
      return () => {}
    },
    notify(notice) {
      // The browser's notifications, only if the user allowed them for this page (never asked here).
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted')
        new Notification(notice.title, { body: notice.body })
    },
  }
}
