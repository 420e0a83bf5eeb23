import { contentSecurityPolicy } from './security'
import { fileInside } from './static-files'

/**
 * The UI is served from app://hyperdesk/ rather than file:// (file:// pages can read any local
 * file and share one origin). This maps a request to a file under the built renderer, or refuses it.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'hyperdesk'
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`
export const APP_CSP = contentSecurityPolicy()

export function resolveAppRequest(requestUrl: string, rendererRoot: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  return fileInside(rendererRoot, url.pathname)
}
