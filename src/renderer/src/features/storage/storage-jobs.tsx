import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { useAppStore } from '../../store'
import { useJobText, useJobTitle } from '../jobs/job-title'
import { GuardError } from '../../components/GuardMessage'
import { RefusalList, refusalsOf } from '../jobs/refusals'

/**
 * The storage operation a panel started: its live job from the jobs store (fed by `jobs.update`), and
 * a callback when it ends, so the view reads the pools again.
 */
export function useTrackedJob(onEnd: (job: Job) => void): [Job | undefined, (job: Job) => void] {
  const [id, setId] = useState<string | null>(null)
  const job = useAppStore((state) => (id ? state.jobs.find((candidate) => candidate.id === id) : undefined))
  const ended = useRef<string | null>(null)
  const endRef = useRef(onEnd)
  endRef.current = onEnd
  useEffect(() => {
    if (job && job.state !== 'running' && ended.current !== job.id) {
      ended.current = job.id
      endRef.current(job)
    }
  }, [job])
  const track = (started: Job) => {
    useAppStore.getState().updateJob(started)
    setId(started.id)
  }
  return [job, track]
}

/** A storage job's state: progress while it runs, each refusal in the user's language, or the error. */
export function JobOutcome({ job, success }: { job: Job; success?: (job: Job) => ReactNode }) {
  const { t } = useTranslation()
  const jobTitle = useJobTitle()
  const jobText = useJobText()
  const refusals = refusalsOf(job.error)
  const box = useRef<HTMLDivElement>(null)
  // The form that started it may be far below: bring the outcome into view once, when it starts.
  // (A block body: recent Chromium's scrollIntoView returns a promise, which React would take for a cleanup.)
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' })
  }, [job.id])
  return (
    <div ref={box} className={`job-status job-${job.state}`} data-testid="storage-job" data-state={job.state}>
      <strong>{jobTitle(job)}</strong> — {t(`jobState.${job.state}`)}
      {job.state === 'running' && (
        <>
          {job.step && <span className="muted"> · {jobText.step(job)}</span>}{' '}
          <progress max={1} value={job.progress ?? 0} data-testid="storage-job-progress" />
        </>
      )}
      {job.state === 'succeeded' && success && <div data-testid="storage-job-result">{success(job)}</div>}
      {job.state === 'failed' &&
        (refusals.length > 0 ? (
          <>
            <p>{t('storage.job.refused')}</p>
            <RefusalList job={job} />
          </>
        ) : (
          <GuardError error={job.error} testid="storage-job-error" />
        ))}
    </div>
  )
}
