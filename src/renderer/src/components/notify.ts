import i18next from 'i18next'
import { ApiError } from '../../../shared/errors'
import { useAppStore } from '../store'
import { errorSentences } from './error-sentence'

/**
 * A call that failed before any job started (bad input, no host): a notification in the jobs panel,
 * in the user's language, with the error's details (host, step, hint) kept for it.
 */
export function notifyError(error: unknown): void {
  const data = ApiError.from(error).toData()
  const { message } = errorSentences(i18next.t, data)
  useAppStore.getState().notify({ kind: 'error', text: message, error: data })
}

/** Something finished that has no job to show it (a snapshot taken, the cluster file read again). */
export function notifyInfo(text: string): void {
  useAppStore.getState().notify({ kind: 'info', text })
}
