import type { TFunction } from 'i18next'
import type { ApiErrorData } from '../../../../shared/errors'

/**
 * An SSH error's sentence and hint in the user's language, from the keys and values the core put in
 * `details` (shared/ssh-texts.ts); the core's English when it sent no key (other errors).
 */
export function sshSentence(t: TFunction, error: ApiErrorData): { message: string; hint?: string } {
  const details = error.details ?? {}
  const text = typeof details['text'] === 'string' ? details['text'] : undefined
  const hintText = typeof details['hintText'] === 'string' ? details['hintText'] : undefined
  const raw = details['params']
  const params: Record<string, unknown> = raw && typeof raw === 'object' ? { ...raw } : {}
  const problemText = details['problemText']
  if (typeof problemText === 'string')
    params['problem'] = t(`sshConfigProblems.${problemText}`, { ...params, defaultValue: params['problem'] })
  const message = text ? t(`sshTexts.${text}`, { ...params, defaultValue: error.message }) : error.message
  const hint = hintText ? t(`sshTexts.${hintText}`, { ...params, defaultValue: error.hint }) : error.hint
  return hint === undefined ? { message } : { message, hint }
}
