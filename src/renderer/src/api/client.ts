import type {
  EventName,
  EventPayload,
  MethodName,
  MethodParams,
  MethodResult,
} from '../../../shared/contract'
import type { DesktopNotice, MenuCommand } from '../../../shared/ipc'
import type { ByteChannel } from './byte-channel'

/** How the UI reaches the core. Feature code never knows which one it has. */
export interface Transport {
  readonly kind: 'electron' | 'websocket'
  /** Resolves with the result or rejects with an ApiError. */
  call(method: string, params: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
  /** Connection state changes (the Electron transport is always connected). */
  onStatus(listener: (status: TransportStatus) => void): () => void
  /** The page's end of a console stream opened by a console.* method. */
  openStream(streamId: string): ByteChannel
  /** Electron: stop menu shortcuts while a console has the keyboard. */
  setConsoleFocus(focused: boolean): void
  /** Electron: the menu follows the window's language (browser mode has no app menu). */
  setLanguage(language: string): void
  /** Electron: a menu item asks for a sheet (About, shortcuts); browser mode has none. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  /** A desktop notification: Electron's own, or the browser's when the user allowed it. */
  notify(notice: DesktopNotice): void
}

/**
 * A browser cannot tell a refused token from a stopped server (both just fail the handshake), so
 * 'disconnected' covers both and the UI says so.
 */
/**
 * stale (browser mode only): the server at this address answers, but refuses this tab's token — it was
 * restarted and printed a new link. Retrying cannot help, so the transport stops and says so.
 */
export type TransportStatus = 'connecting' | 'connected' | 'disconnected' | 'stale'

/** The typed API the features use. */
export interface Api {
  readonly transport: Transport['kind']
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  onStatus(listener: (status: TransportStatus) => void): () => void
  openStream(streamId: string): ByteChannel
  setConsoleFocus(focused: boolean): void
  /** Electron: the menu follows the window's language (browser mode has no app menu). */
  setLanguage(language: string): void
  /** Electron: a menu item asks for a sheet (About, shortcuts); browser mode has none. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  /** A desktop notification: Electron's own, or the browser's when the user allowed it. */
  notify(notice: DesktopNotice): void
}

export function createApi(transport: Transport): Api {
  return {
    transport: transport.kind,
    call: (method, params) => transport.call(method, params) as never,
    on: (event, listener) => transport.subscribe(event, listener as (payload: unknown) => void),
    onStatus: (listener) => transport.onStatus(listener),
    openStream: (streamId) => transport.openStream(streamId),
    setConsoleFocus: (focused) => transport.setConsoleFocus(focused),
    setLanguage: (language) => transport.setLanguage(language),
    onMenuCommand: (listener) => transport.onMenuCommand(listener),
    notify: (notice) => transport.notify(notice),
  }
}
