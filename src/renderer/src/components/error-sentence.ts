import type { TFunction } from 'i18next'
import type { ApiErrorData } from '../../../shared/errors'
import { FORMAT_ERROR_TEXTS } from '../../../shared/format-errors'

/**
 * An error's message and hint in the user's language when the core sent them as a key and values
 * (`details.text`/`details.hintText` + `details.params`, see shared/format-errors.ts); the core's
 * English words otherwise.
 */
export function errorSentences(t: TFunction, error: ApiErrorData): { message: string; hint?: string } {
  const details = error.details ?? {}
  const params = (details.params ?? {}) as Record<string, unknown>
  const translate = (key: unknown, fallback: string | undefined) =>
    typeof key === 'string' && key in FORMAT_ERROR_TEXTS
      ? t(`formatErrors.${key}`, { ...params, defaultValue: fallback })
      : fallback
  const message = translate(details.text, error.message) ?? error.message
  const hint = translate(details.hintText, error.hint)
  return hint !== undefined ? { message, hint } : { message }
}
