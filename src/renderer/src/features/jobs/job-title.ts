import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { useAppStore } from '../../store'
import { renderMessage } from '../../i18n/messages'

/** A job's title in the user's language (the core's English title when the kind is not known). */
export function useJobTitle(): (job: Job) => string {
  const { t } = useTranslation()
  const vms = useAppStore((state) => state.vms)
  return (job) => {
    if (job.titleText) return renderMessage(t, job.titleText)
    const vm = vms.find((candidate) => candidate.uuid === job.target.vm)?.name ?? job.target.vm
    // Storage jobs (storage.grow…) are named in the storage strings, with their image.
    const keys = [`jobKinds.${job.kind}`, `storage.jobs.${job.kind.replace(/^storage\./, '')}`]
    return t(keys, { vm, host: job.target.host, image: job.target.image, defaultValue: job.title })
  }
}

/** A job's current step and its log lines in the user's language (English from an older core). */
export function useJobText(): {
  step: (job: Job) => string | undefined
  line: (line: Job['log'][number]) => string
} {
  const { t } = useTranslation()
  return {
    step: (job) => (job.stepText ? renderMessage(t, job.stepText) : job.step),
    line: (line) => (line.message ? renderMessage(t, line.message) : line.text),
  }
}
