import type { TFunction } from 'i18next'
import type { ApiErrorData } from '../../../shared/errors'
import { renderMessage } from '../i18n/messages'
import { FORMAT_ERROR_TEXTS, type FormatErrorText } from '../../../shared/format-errors'
import { GUARD_TEXTS, type GuardText } from '../../../shared/guard-texts'
import { guardParams } from '../format'

/**
 * An error's message and hint in the user's language: its messages (`text`, `hintText`) when the core
 * made it with ApiError.of; else the key and values of older errors (`details.text`/`details.hintText`
 * + `details.params`, see shared/format-errors.ts and shared/guard-texts.ts); else the core's English words.
 */
export function errorSentences(
  t: TFunction,
  error: ApiErrorData,
): { message: string; hint?: string; step?: string } {
  const { message, hint } = messageAndHint(t, error)
  // The step in the window's language; an English-only step (not converted yet) as the core sent it.
  const step = error.stepText ? renderMessage(t, error.stepText) : error.step
  return {
    message,
    ...(hint !== undefined ? { hint } : {}),
    ...(step !== undefined ? { step } : {}),
  }
}

function messageAndHint(t: TFunction, error: ApiErrorData): { message: string; hint?: string } {
  if (error.text) {
    const message = renderMessage(t, error.text)
    const hint = error.hintText ? renderMessage(t, error.hintText) : error.hint
    return hint === undefined ? { message } : { message, hint }
  }
  const details = error.details ?? {}
  const params = (details.params ?? {}) as Record<string, unknown>
  const translate = (key: unknown, fallback: string | undefined): string | undefined =>
    isFormatErrorText(key)
      ? String(t(`formatErrors.${key}`, { ...params, defaultValue: fallback ?? '' } as never))
      : isGuardText(key)
        ? String(t(`guards.${key}`, { ...guardParams(params), defaultValue: fallback ?? '' } as never))
        : fallback
  const message = translate(details.text, error.message) ?? error.message
  const hint = translate(details.hintText, error.hint)
  return hint !== undefined ? { message, hint } : { message }
}

function isFormatErrorText(key: unknown): key is FormatErrorText {
  return typeof key === 'string' && Object.hasOwn(FORMAT_ERROR_TEXTS, key)
}

function isGuardText(key: unknown): key is GuardText {
  return typeof key === 'string' && Object.hasOwn(GUARD_TEXTS, key)
}
