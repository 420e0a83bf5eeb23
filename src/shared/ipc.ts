/** Electron IPC channel names, shared by the main process and the preload. */
export const IPC_CALL = 'hyperdesk:call'
export const IPC_SUBSCRIBE = 'hyperdesk:subscribe'
export const IPC_UNSUBSCRIBE = 'hyperdesk:unsubscribe'
export const IPC_EVENT = 'hyperdesk:event'
/** Renderer → main: attach a MessagePort to this console stream id. */
export const IPC_STREAM_OPEN = 'hyperdesk:stream-open'
/** Main → renderer: the page's end of that stream (a MessagePort), with the id. */
export const IPC_STREAM_PORT = 'hyperdesk:stream-port'
/** Renderer → main: a console has (or lost) the keyboard: menu shortcuts must not steal its keys. */
export const IPC_CONSOLE_FOCUS = 'hyperdesk:console-focus'
/** Renderer → main: the window's language changed ('fr' | 'en'): the menu is rebuilt in it. */
export const IPC_SET_LANGUAGE = 'hyperdesk:set-language'
/** Main → renderer: a menu item asks the window for one of its sheets. */
export const IPC_MENU_COMMAND = 'hyperdesk:menu-command'
/** Renderer → main: a desktop notification (a long job ended while the window was in the background). */
export const IPC_NOTIFY = 'hyperdesk:notify'

/** What a menu item can ask the window to show. */
export const MENU_COMMANDS = ['about', 'shortcuts'] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]

/** A desktop notification's text, already in the window's language. */
export interface DesktopNotice {
  title: string
  body: string
}

/** What the preload posts to the page with a stream's port (window.postMessage). */
export const STREAM_PORT_MESSAGE = 'hyperdesk-stream-port'

/**
 * On a stream's MessagePort: bytes (Uint8Array) both ways; a {close: reason} message before the
 * core closes it, since MessagePorts carry no close reason of their own.
 */
export interface StreamCloseMessage {
  close: string
}

/** The one object the preload exposes to the page, as `window.hyperdesk`. */
export interface HyperdeskBridge {
  readonly transport: 'electron'
  call(method: string, params: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
  /** Asks for a console stream's port; it arrives as a window 'message' (STREAM_PORT_MESSAGE). */
  openStream(streamId: string): void
  setConsoleFocus(focused: boolean): void
  /** The window's language, for the menu. */
  setLanguage(language: string): void
  /** A menu item asks for a sheet; returns the unsubscribe. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  notify(notice: DesktopNotice): void
}
