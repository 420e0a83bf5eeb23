import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import type { Api } from '../../api/client'
import { useJobTitle } from '../jobs/job-title'
import { useAppStore } from '../../store'

/** The jobs long enough to walk away from: migrations, maintenance, fencing, definition syncs, storage. */
export function isLongJob(kind: string): boolean {
  return (
    kind === 'vm.migrate' ||
    kind === 'host.maintenance' ||
    kind === 'vm.fenceStart' ||
    kind === 'vm.syncDefinition' ||
    kind.startsWith('storage.')
  )
}

/** The jobs that ended between two lists (they were running in `before`, are not in `after`). */
export function endedJobs(before: Job[], after: Job[]): Job[] {
  const running = new Set(before.filter((job) => job.state === 'running').map((job) => job.id))
  return after.filter((job) => running.has(job.id) && job.state !== 'running')
}

/**
 * A desktop notification when a long job ends while the window is in the background (hidden or not
 * focused): in the window's language, with the job's title.
 */
export function useJobNotices(api: Api): void {
  const { t } = useTranslation()
  const title = useJobTitle()
  useEffect(
    () =>
      useAppStore.subscribe((state, previous) => {
        if (state.jobs === previous.jobs) return
        if (document.visibilityState === 'visible' && document.hasFocus()) return
        for (const job of endedJobs(previous.jobs, state.jobs)) {
          if (!isLongJob(job.kind) || job.state === 'running') continue
          api.notify({
            title: t(`notice.ended.${job.state}`, { title: title(job) }),
            body: t('notice.body', { cluster: state.config?.config?.name ?? '' }),
          })
        }
      }),
    [api, t, title],
  )
}
