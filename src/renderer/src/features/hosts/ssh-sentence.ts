import type { TFunction } from 'i18next'
import type { ApiErrorData } from '../../../../shared/errors'
import { CONFIG_PROBLEMS, SSH_TEXTS } from '../../../../shared/ssh-texts'

function isKeyOf<T extends object>(table: T, key: unknown): key is keyof T & string {
  return typeof key === 'string' && Object.hasOwn(table, key)
}

/**
 * An SSH error's sentence and hint in the user's language, from the keys and values the core put in
 * `details` (shared/ssh-texts.ts); the core's English when it sent no key (other errors).
 */
export function sshSentence(
  t: TFunction,
  error: ApiErrorData,
): { message: string; hint?: string; said?: string } {
  const details = error.details ?? {}
  const text = isKeyOf(SSH_TEXTS, details['text']) ? details['text'] : undefined
  const hintText = isKeyOf(SSH_TEXTS, details['hintText']) ? details['hintText'] : undefined
  const raw = details['params']
  const params: Record<string, unknown> = raw && typeof raw === 'object' ? { ...raw } : {}
  const problemText = details['problemText']
  if (isKeyOf(CONFIG_PROBLEMS, problemText))
    params['problem'] = t(`sshConfigProblems.${problemText}`, {
      ...params,
      defaultValue: String(params['problem'] ?? ''),
    })
  // Why the host is offline: a text of ours, or the SSH library's own words (`said`, shown apart).
  const reasonText = details['reasonText']
  if (isKeyOf(SSH_TEXTS, reasonText))
    params['reason'] = t(`sshTexts.${reasonText}`, { defaultValue: String(params['reason'] ?? '') })
  const message = text
    ? String(t(`sshTexts.${text}`, { ...params, defaultValue: error.message }))
    : error.message
  const hint = hintText
    ? String(t(`sshTexts.${hintText}`, { ...params, defaultValue: error.hint ?? '' }))
    : error.hint
  const said = typeof details['said'] === 'string' ? details['said'] : undefined
  return { message, ...(hint !== undefined ? { hint } : {}), ...(said !== undefined ? { said } : {}) }
}
