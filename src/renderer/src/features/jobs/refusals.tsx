import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import type { Refusal } from '../../../../shared/storage'
import { useAppStore } from '../../store'
import { SaidBlocks, useMessage } from '../../components/MessageText'
import { isMessage, type Message } from '../../../../shared/messages/message'

/**
 * "Not done, because…": the reasons a VM or storage operation was refused (error.details.refusals),
 * each in the user's language from its code, the core's English sentence otherwise. Shared by the VM
 * view, the storage panels and the operations list.
 */

export function refusalsOf(error: ApiErrorData | undefined): Refusal[] {
  const refusals = error?.details?.refusals
  return Array.isArray(refusals) ? (refusals as Refusal[]) : []
}

/** One refusal's sentence; storage jobs' codes are in the storage strings. */
export function useRefusalText(): (job: Job, refusal: Refusal) => string {
  const { t } = useTranslation()
  const render = useMessage()
  return (job, refusal) => {
    // A refusal the core sent as a message (a VM start's): its own words, in the UI's language.
    const text = refusalMessage(refusal)
    if (text) return render(text)
    // Read when written, not subscribed to (see useJobTitle): only an older core's refusal needs it.
    const vm =
      useAppStore.getState().vms.find((candidate) => candidate.uuid === job.target.vm)?.name ?? job.target.vm
    const key = job.kind.startsWith('storage.')
      ? `storage.refusals.${refusal.code}`
      : `refusals.${refusal.code}`
    return t(key, { host: refusal.host, vm, defaultValue: refusal.message })
  }
}

/** A refusal the core sent as a message (a VM start's), if it did. */
function refusalMessage(refusal: Refusal): Message | undefined {
  const text = (refusal as { text?: unknown }).text
  return isMessage(text) ? text : undefined
}

export function RefusalList({ job }: { job: Job }) {
  const text = useRefusalText()
  return (
    <ul>
      {refusalsOf(job.error).map((refusal) => (
        <li key={`${refusal.code}:${refusal.host ?? ''}`} data-refusal={refusal.code} title={refusal.message}>
          {text(job, refusal)}
          <SaidBlocks message={refusalMessage(refusal)} />
        </li>
      ))}
    </ul>
  )
}
