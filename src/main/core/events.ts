import { EventEmitter } from 'node:events'
import type { EventName, EventPayload } from '../../shared/contract'

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void

/** The core's typed event bus: services emit, transports subscribe. */
export class CoreEvents {
  private readonly emitter = new EventEmitter()

  constructor() {
    // One listener per subscribed window or socket; a handful of windows is normal.
    this.emitter.setMaxListeners(100)
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit(event, payload)
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    this.emitter.on(event, listener as (payload: unknown) => void)
    return () => this.emitter.off(event, listener as (payload: unknown) => void)
  }
}
