import { z } from 'zod'
import { useState, type ReactNode } from 'react'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import { MessageSchema } from '../../../../shared/messages/message'
import { ErrorBox } from '../../components/ErrorBox'
import { MessageText } from '../../components/MessageText'
import { useAppStore } from '../../store'
import { useJobText } from '../jobs/job-title'

/** A sheet's one job: started by a call, then followed in the store; "again" forgets it. */
export function useSheetJob(): {
  jobId: string | null
  job: Job | undefined
  startError: ApiErrorData | null
  start(call: () => Promise<Job>): Promise<void>
  again(): void
} {
  const [jobId, setJobId] = useState<string | null>(null)
  const [startError, setStartError] = useState<ApiErrorData | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
  return {
    jobId,
    job,
    startError,
    async start(call) {
      setStartError(null)
      try {
        const started = await call()
        useAppStore.getState().updateJob(started)
        setJobId(started.id)
      } catch (caught) {
        setStartError(ApiError.from(caught).toData())
      }
    },
    again: () => setJobId(null),
  }
}

const RefusalsSchema = z.array(MessageSchema)

/**
 * The job block the definition dialogs share (edit, eject, rename, delete): while it runs, what it
 * does, its step in the user's language and its progress; once it failed, the error and each reason
 * the core refused for (details.refusals); `succeeded` and `failed` add the dialog's own words.
 * Test ids: `<prefix>-job`, `<prefix>-job-error`, `<prefix>-refusals`.
 */
export function SheetJobStatus({
  job,
  prefix,
  running,
  failedTitle,
  succeeded,
  failed,
}: {
  job: Job
  prefix: string
  /** What the job does, e.g. "Deleting web1…". */
  running: string
  failedTitle: string
  succeeded?: ReactNode
  failed?: ReactNode
}) {
  const jobText = useJobText()
  const refusals = RefusalsSchema.safeParse(job.error?.details?.['refusals'])
  return (
    <div className={`job-status job-${job.state}`} data-testid={`${prefix}-job`} data-state={job.state}>
      {job.state === 'running' && (
        <>
          <strong>{running}</strong>
          {job.step && <span className="muted"> · {jobText.step(job)}</span>}
          <progress max={1} value={job.progress ?? undefined} aria-label={running} />
        </>
      )}
      {job.state === 'succeeded' && succeeded}
      {job.state === 'failed' && job.error && (
        <>
          <ErrorBox title={failedTitle} error={job.error} testId={`${prefix}-job-error`} />
          {refusals.success && refusals.data.length > 0 && (
            <ul data-testid={`${prefix}-refusals`}>
              {refusals.data.map((refusal, index) => (
                <li key={`${refusal.code}:${index}`}>
                  <MessageText message={refusal} />
                </li>
              ))}
            </ul>
          )}
          {failed}
        </>
      )}
    </div>
  )
}
