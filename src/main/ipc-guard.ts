import { methods, isMethodName, isEventName, type EventName, type MethodName } from '../shared/contract'
import { ApiError } from '../shared/errors'
import { z } from 'zod'

/**
 * Checks on every IPC message before it reaches the core (Electron checklist: validate the sender and
 * the message). Pure functions, so they are tested without Electron.
 */

export const APP_ORIGIN = 'app://hyperdesk'

/** Only the app's own top-level page may call the core; never a subframe or a navigated-away page. */
export function isTrustedSender(
  frameUrl: string | undefined,
  isMainFrame: boolean,
  devServerUrl?: string,
): boolean {
  if (!isMainFrame || !frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (`${url.protocol}//${url.host}` === APP_ORIGIN) return true
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return url.origin === dev.origin
  }
  return false
}

export type CheckedCall = { ok: true; method: MethodName; params: unknown } | { ok: false; error: ApiError }

export function checkIpcCall(method: unknown, params: unknown): CheckedCall {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: new ApiError({
        code: 'api.unknown-method',
        message: `Unknown method ${JSON.stringify(method)}`,
      }),
    }
  }
  const parsed = methods[method].params.safeParse(params ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      error: new ApiError({
        code: 'api.invalid-params',
        message: `Invalid parameters for ${method}: ${z.prettifyError(parsed.error)}`,
      }),
    }
  }
  return { ok: true, method, params: parsed.data }
}

export function checkIpcEvent(event: unknown): EventName | null {
  return isEventName(event) ? event : null
}
