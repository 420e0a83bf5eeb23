import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { METHOD_NAMES, EVENT_NAMES } from '../shared/api-names'
import {
  IPC_CALL,
  IPC_CONSOLE_FOCUS,
  IPC_EVENT,
  IPC_MENU_COMMAND,
  IPC_NOTIFY,
  IPC_SET_LANGUAGE,
  IPC_STREAM_OPEN,
  IPC_STREAM_PORT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  MENU_COMMANDS,
  STREAM_PORT_MESSAGE,
  type HyperdeskBridge,
  type MenuCommand,
} from '../shared/ipc'

/**
 * Exposes exactly one object to the page: an allow-list of API methods and subscribe() → unsubscribe.
 * Raw ipcRenderer never reaches the page. Built as CommonJS because the renderer is sandboxed.
 */
const allowedMethods = new Set<string>(METHOD_NAMES)
const allowedEvents = new Set<string>(EVENT_NAMES)
const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(IPC_EVENT, (_event: IpcRendererEvent, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload)
})
// A console's MessagePort cannot cross contextBridge: hand it to the page with window.postMessage.
// It is posted to this window itself (navigation away from the app is blocked), so '*' reaches no one else.
const page = globalThis as unknown as {
  postMessage(message: unknown, targetOrigin: string, transfer: readonly unknown[]): void
}
ipcRenderer.on(IPC_STREAM_PORT, (event: IpcRendererEvent, streamId: string) => {
  page.postMessage({ type: STREAM_PORT_MESSAGE, streamId }, '*', event.ports)
})

const bridge: HyperdeskBridge = {
  transport: 'electron',
  async call(method, params) {
    if (!allowedMethods.has(method)) throw new Error(`Unknown method ${method}`)
    return ipcRenderer.invoke(IPC_CALL, method, params)
  },
  subscribe(event, listener) {
    if (!allowedEvents.has(event)) throw new Error(`Unknown event ${event}`)
    let set = listeners.get(event)
    if (!set) {
      set = new Set()
      listeners.set(event, set)
      ipcRenderer.send(IPC_SUBSCRIBE, event)
    }
    const own = (payload: unknown): void => listener(payload)
    set.add(own)
    return () => {
      set.delete(own)
      if (set.size === 0) {
        listeners.delete(event)
        ipcRenderer.send(IPC_UNSUBSCRIBE, event)
      }
    }
  },
  openStream(streamId) {
    if (typeof streamId === 'string') ipcRenderer.send(IPC_STREAM_OPEN, streamId)
  },
  setConsoleFocus(focused) {
    ipcRenderer.send(IPC_CONSOLE_FOCUS, focused === true)
  },
  setLanguage(language) {
    if (language === 'fr' || language === 'en') ipcRenderer.send(IPC_SET_LANGUAGE, language)
  },
  onMenuCommand(listener) {
    const own = (_event: IpcRendererEvent, command: unknown): void => {
      if ((MENU_COMMANDS as readonly unknown[]).includes(command)) listener(command as MenuCommand)
    }
    ipcRenderer.on(IPC_MENU_COMMAND, own)
    return () => void ipcRenderer.removeListener(IPC_MENU_COMMAND, own)
  },
  notify(notice) {
    if (typeof notice?.title === 'string' && typeof notice.body === 'string')
      ipcRenderer.send(IPC_NOTIFY, { title: notice.title, body: notice.body })
  },
}

contextBridge.exposeInMainWorld('hyperdesk', bridge)
