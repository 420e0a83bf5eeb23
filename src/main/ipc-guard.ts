import { methods, isMethodName, isEventName, type EventName, type MethodName } from '../shared/contract'
import { ApiError } from '../shared/errors'
import { msg } from '../shared/messages/message'
import { z } from 'zod'
import type { DesktopNotice } from '../shared/ipc'
import type { MenuLanguage } from './menu'

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
      error: ApiError.of(
        'api.unknown-method',
        msg('coreErrors.unknownMethod', { method: JSON.stringify(method) }),
      ),
    }
  }
  const parsed = methods[method].params.safeParse(params ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      error: ApiError.of(
        'api.invalid-params',
        msg('coreErrors.invalidParams', { method, problem: z.prettifyError(parsed.error) }),
      ),
    }
  }
  return { ok: true, method, params: parsed.data }
}

export function checkIpcEvent(event: unknown): EventName | null {
  return isEventName(event) ? event : null
}

/** The window's language for the menu: only the two the app speaks; anything else is ignored (null). */
export function checkLanguage(value: unknown): MenuLanguage | null {
  return value === 'fr' || value === 'en' ? value : null
}

/** A notification's text from the page: two short strings, control characters dropped; else null. */
const NoticeSchema = z.object({
  title: z.string().trim().min(1).max(120),
  body: z.string().max(500),
})
export function checkNotice(value: unknown): DesktopNotice | null {
  const parsed = NoticeSchema.safeParse(value)
  if (!parsed.success) return null
  // eslint-disable-next-line no-control-regex
  const clean = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, ' ')
  return { title: clean(parsed.data.title), body: clean(parsed.data.body) }
}
