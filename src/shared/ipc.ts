/** Electron IPC channel names, shared by the main process and the preload. */
export const IPC_CALL = 'hyperdesk:call'
export const IPC_SUBSCRIBE = 'hyperdesk:subscribe'
export const IPC_UNSUBSCRIBE = 'hyperdesk:unsubscribe'
export const IPC_EVENT = 'hyperdesk:event'

/** The one object the preload exposes to the page, as `window.hyperdesk`. */
export interface HyperdeskBridge {
  readonly transport: 'electron'
  call(method: string, params: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}
