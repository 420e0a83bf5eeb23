import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { METHOD_NAMES, EVENT_NAMES } from '../shared/api-names'
import { IPC_CALL, IPC_EVENT, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE, type HyperdeskBridge } from '../shared/ipc'

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
}

contextBridge.exposeInMainWorld('hyperdesk', bridge)
