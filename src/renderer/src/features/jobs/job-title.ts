import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { useInventoryStore } from '../../store/inventory'

/** A job's title in the user's language (the core's English title when the kind is not known). */
export function useJobTitle(): (job: Job) => string {
  const { t } = useTranslation()
  const vms = useInventoryStore((state) => state.vms)
  return (job) => {
    const vm = vms.find((candidate) => candidate.uuid === job.target.vm)?.name ?? job.target.vm
    return t(`jobKinds.${job.kind}`, { vm, host: job.target.host, defaultValue: job.title })
  }
}
