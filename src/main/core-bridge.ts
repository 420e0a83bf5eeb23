import {
  safeStorage,
  utilityProcess,
  type MessagePortMain,
  type UtilityProcess,
  type WebContents,
} from 'electron'
import type { EventName } from '../shared/contract'
import { ApiError } from '../shared/errors'
import { msg } from '../shared/messages/message'
import { answerKeychain, type KeychainRequest } from './keychain-bridge'
import { stopCoreChild } from './core-stop'
import { ServerMessageSchema, type ResultEnvelope, type ServerMessage } from '../shared/wire'

/**
 * Main-process side of the core: starts the core in a utility process, forwards calls to it and
 * fans its events out to the windows that subscribed. If the core process dies, pending calls fail
 * with a clear error and it is started again.
 */
export class CoreBridge {
  private child: UtilityProcess | null = null
  private ready: Promise<void> | null = null
  private nextId = 1
  private readonly pending = new Map<number, (envelope: ResultEnvelope) => void>()
  /** event → the windows subscribed to it */
  private readonly subscribers = new Map<EventName, Set<WebContents>>()
  private stopping = false

  constructor(
    private readonly modulePath: string,
    private readonly args: string[],
    /** The app's log file (main's index.ts): the core process's exits and every event main relays. */
    private readonly log: { warn(text: string): void; event?(event: string, payload: unknown): void } = {
      warn: (text) => console.error(`hyperdesk: ${text}`),
    },
  ) {}

  start(): void {
    const child = utilityProcess.fork(this.modulePath, this.args, {
      serviceName: 'Hyperdesk core',
      stdio: 'inherit',
    })
    this.child = child
    this.ready = new Promise((resolve) => {
      child.on('message', (message: unknown) => {
        const kind = (message as { kind?: unknown } | null)?.kind
        if (kind === 'ready') return resolve()
        // the core asks the OS keychain (safeStorage is the main process's only)
        if (kind === 'keychain')
          return child.postMessage(answerKeychain(safeStorage, message as KeychainRequest))
        // The window process must not fall over on a malformed message: drop it, say so.
        const parsed = ServerMessageSchema.safeParse(message)
        if (!parsed.success) return this.log.warn('dropped a malformed message from the core process')
        this.onMessage(parsed.data)
      })
    })
    child.on('exit', (code) => {
      this.child = null
      if (!this.stopping) this.log.warn(`the core process stopped (exit code ${code}); restarting it`)
      for (const settle of this.pending.values()) {
        settle({
          ok: false,
          error: {
            code: 'core.crashed',
            message: `The core process stopped (exit code ${code}).`,
            hint: 'It is being restarted; try again.',
          },
        })
      }
      this.pending.clear()
      if (!this.stopping) setTimeout(() => this.restart(), 1000)
    })
  }

  async call(method: string, params: unknown): Promise<ResultEnvelope> {
    await this.ready
    const child = this.child
    if (!child)
      return {
        ok: false,
        error: ApiError.of('core.unavailable', msg('coreErrors.coreUnavailable'), {
          hint: msg('coreErrors.coreUnavailableHint'),
        }).toData(),
      }
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      child.postMessage({ kind: 'call', id, method, params })
    })
  }

  subscribe(contents: WebContents, event: EventName): void {
    let set = this.subscribers.get(event)
    if (!set) {
      set = new Set()
      this.subscribers.set(event, set)
      this.child?.postMessage({ kind: 'subscribe', event })
    }
    set.add(contents)
  }

  unsubscribe(contents: WebContents, event?: EventName): void {
    for (const [name, set] of this.subscribers) {
      if (event && name !== event) continue
      set.delete(contents)
      if (set.size === 0) {
        this.subscribers.delete(name)
        this.child?.postMessage({ kind: 'unsubscribe', event: name })
      }
    }
  }

  /** Hands one end of a console stream's MessagePort pair to the core process. */
  attachStream(streamId: string, port: MessagePortMain): void {
    if (!this.child) {
      port.postMessage({ close: 'the core process is not running' })
      port.close()
      return
    }
    this.child.postMessage({ kind: 'stream', streamId }, [port])
  }

  /**
   * Asks the core process to close (its pending lease releases end first) and resolves once it has
   * exited; killed after a few seconds if it does not answer, so quitting never hangs.
   */
  async stop(): Promise<void> {
    this.stopping = true
    const child = this.child
    if (!child) return
    const outcome = await stopCoreChild(child)
    if (outcome === 'killed') this.log.warn('the core process did not close in time: it was stopped')
  }

  private restart(): void {
    this.start()
    // Windows keep their subscriptions across a restart of the core.
    for (const event of this.subscribers.keys()) this.child?.postMessage({ kind: 'subscribe', event })
  }

  private onMessage(message: ServerMessage): void {
    if (message.kind === 'result') {
      const settle = this.pending.get(message.id)
      this.pending.delete(message.id)
      settle?.(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error })
      return
    }
    this.log.event?.(message.event, message.payload)
    for (const contents of this.subscribers.get(message.event as EventName) ?? []) {
      if (!contents.isDestroyed()) contents.send('hyperdesk:event', message.event, message.payload)
    }
  }
}
