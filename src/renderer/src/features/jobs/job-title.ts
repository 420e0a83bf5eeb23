import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { Vm } from '../../../../shared/inventory'
import type { Job } from '../../../../shared/jobs'
import { useAppStore } from '../../store'
import { renderMessage } from '../../i18n/messages'

/** A job's title in the user's language (the core's English title when the kind is not known). */
export function jobTitle(t: TFunction, job: Job, vms: readonly Vm[]): string {
  if (job.titleText) return renderMessage(t, job.titleText)
  const vm = vms.find((candidate) => candidate.uuid === job.target.vm)?.name ?? job.target.vm
  // Storage jobs (storage.grow…) are named in the storage strings, with their image.
  const keys = [`jobKinds.${job.kind}`, `storage.jobs.${job.kind.replace(/^storage\./, '')}`]
  return t(keys, { vm, host: job.target.host, image: job.target.image, defaultValue: job.title })
}

/**
 * jobTitle for a component. The VMs are read when a title is written, not subscribed to: a title is
 * the core's message (only an older core's job is named from the VM list), and a subscription
 * rendered every user of it (the whole window, through the job notices) again at each inventory
 * update (issue 23 item 2).
 */
export function useJobTitle(): (job: Job) => string {
  const { t } = useTranslation()
  return useCallback((job: Job) => jobTitle(t, job, useAppStore.getState().vms), [t])
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
