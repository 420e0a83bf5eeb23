import { ClientMessageSchema, type ServerMessage } from '../../shared/wire'
import { isEventName } from '../../shared/contract'
import { ApiError } from '../../shared/errors'
import type { Core } from './core'

/**
 * One client's conversation with the core (a browser tab's WebSocket, or the Electron main process's
 * channel to the core process). Takes raw messages, answers calls, forwards subscribed events, and
 * drops every subscription on close so a reloaded or closed window leaves nothing behind.
 */
export class CoreSession {
  private readonly subscriptions = new Map<string, () => void>()
  private closed = false

  constructor(
    private readonly core: Core,
    private readonly send: (message: ServerMessage) => void,
  ) {}

  /** Returns false for a message that is not part of the protocol (the caller may drop the client). */
  handle(raw: unknown): boolean {
    if (this.closed) return false
    const parsed = ClientMessageSchema.safeParse(raw)
    if (!parsed.success) return false
    const message = parsed.data
    switch (message.kind) {
      case 'call':
        this.core.call(message.method, message.params).then(
          (value) => this.reply({ kind: 'result', id: message.id, ok: true, value }),
          (error: unknown) =>
            this.reply({ kind: 'result', id: message.id, ok: false, error: ApiError.from(error).toData() }),
        )
        return true
      case 'subscribe': {
        const event = message.event
        if (!isEventName(event)) return false
        if (!this.subscriptions.has(event)) {
          this.subscriptions.set(
            event,
            this.core.subscribe(event, (payload) => this.reply({ kind: 'event', event, payload })),
          )
        }
        return true
      }
      case 'unsubscribe':
        this.subscriptions.get(message.event)?.()
        this.subscriptions.delete(message.event)
        return true
    }
  }

  get subscriptionCount(): number {
    return this.subscriptions.size
  }

  close(): void {
    this.closed = true
    for (const unsubscribe of this.subscriptions.values()) unsubscribe()
    this.subscriptions.clear()
  }

  private reply(message: ServerMessage): void {
    if (!this.closed) this.send(message)
  }
}
