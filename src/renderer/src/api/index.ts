import type { HyperdeskBridge } from '../../../shared/ipc'
import { createApi, type Api } from './client'
import { electronTransport } from './electron-transport'
import { websocketTransport } from './websocket-transport'

declare global {
  interface Window {
    hyperdesk?: HyperdeskBridge
  }
}

const TOKEN_KEY = 'hyperdesk.token'

/**
 * Browser mode's token arrives once in the URL fragment (#token=…). It is moved to this tab's
 * sessionStorage (never a cookie) and removed from the address bar and history at once.
 */
export function takeBrowserToken(): string | null {
  const match = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(window.location.hash)
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1])
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

/** The API over whichever transport this page has; null in a browser opened without a token. */
export function connectApi(): Api | null {
  if (window.hyperdesk) return createApi(electronTransport(window.hyperdesk))
  const token = takeBrowserToken()
  if (!token) return null
  return createApi(websocketTransport(`ws://${window.location.host}/api`, token))
}
