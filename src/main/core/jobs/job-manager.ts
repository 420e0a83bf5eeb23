import crypto from 'node:crypto'
import type { Job } from '../../../shared/jobs'
import { ApiError, errorText } from '../../../shared/errors'
import { englishText, msg, type Message } from '../../../shared/messages'

/** What a running job can do to report itself; handed to the operation's code. */
export interface JobContext {
  readonly id: string
  /** Aborted when the user cancels; operations pass it down to remote commands. */
  readonly signal: AbortSignal
  /**
   * What is happening now, as a message: the window shows it in the user's language, the log keeps
   * its English. Only a message: a step written as an English string does not compile.
   */
  step(text: Message, progress?: number): void
  progress(value: number): void
  /** Replaces the job's live figures (shown with the progress), and its progress when given. */
  detail(values: Record<string, number | string>, progress?: number): void
  /** A line of the job's log, as a message (its English is kept for the log file). */
  log(text: Message): void
}

export interface StartJob<T> {
  kind: string
  /** English (logs), or a message the window shows in its language. */
  /** In the window's language from the `jobTitles` area (the job keeps its English for the log). */
  title: Message
  target?: Job['target']
  cancellable?: boolean
  run(context: JobContext): Promise<T>
}

const KEEP_FINISHED = 200
const MAX_LOG_LINES = 500

/**
 * Every long operation is a job: an id, progress, log lines, a result or an error, and a cancel
 * that aborts its signal. Changes are pushed through `onChange` (throttled by the caller if needed).
 */
export class JobManager {
  private readonly jobs = new Map<string, Job>()
  private readonly controllers = new Map<string, AbortController>()

  constructor(private readonly onChange: (job: Job) => void) {}

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt)
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id)
  }

  /** Starts the job and returns at once with its id; `done` settles with its outcome. */
  start<T>(spec: StartJob<T>): { job: Job; done: Promise<T> } {
    const controller = new AbortController()
    const job: Job = {
      id: crypto.randomUUID(),
      kind: spec.kind,
      title: englishText(spec.title),
      titleText: spec.title,
      target: spec.target ?? {},
      state: 'running',
      log: [],
      cancellable: spec.cancellable ?? false,
      startedAt: Date.now(),
    }
    this.jobs.set(job.id, job)
    this.controllers.set(job.id, controller)
    this.prune()
    const context: JobContext = {
      id: job.id,
      signal: controller.signal,
      step: (text, progress) => {
        job.step = englishText(text)
        job.stepText = text
        if (progress !== undefined) job.progress = clamp(progress)
        this.appendLog(job, text)
      },
      progress: (value) => {
        job.progress = clamp(value)
        this.onChange(job)
      },
      detail: (values, progress) => {
        job.detail = values
        if (progress !== undefined) job.progress = clamp(progress)
        this.onChange(job)
      },
      log: (text) => this.appendLog(job, text),
    }
    this.onChange(job)
    const done = (async () => {
      try {
        const result = await spec.run(context)
        // An operation that completed did happen, even if a cancel arrived meanwhile (e.g. a migration
        // that switched over as the user pressed Cancel): only one that stopped short is 'cancelled'.
        if (controller.signal.aborted) this.appendLog(job, msg('jobSteps.cancelTooLate'), false)
        job.state = 'succeeded'
        job.result = result
        job.progress = 1
        return result
      } catch (error) {
        const apiError = ApiError.from(error)
        job.state = controller.signal.aborted ? 'cancelled' : 'failed'
        job.error = apiError.toData()
        const reason = errorText(apiError)
        this.appendLog(
          job,
          job.state === 'cancelled'
            ? msg('jobSteps.cancelled', { error: reason })
            : msg('jobSteps.failed', { error: reason }),
          false,
        )
        throw apiError
      } finally {
        job.endedAt = Date.now()
        this.controllers.delete(job.id)
        this.onChange(job)
      }
    })()
    // The caller may not await `done`; the outcome is in the job.
    done.catch(() => {})
    return { job, done }
  }

  cancel(id: string): Job {
    const job = this.jobs.get(id)
    if (!job) throw ApiError.of('job.unknown', msg('coreErrors.unknownJob', { id }))
    if (job.state !== 'running') return job
    if (!job.cancellable) {
      throw ApiError.of(
        'job.not-cancellable',
        msg('coreErrors.notCancellable', {
          title: job.titleText ?? msg('common.untranslated', { text: job.title }),
        }),
        {
          ...(job.stepText ? { step: job.stepText } : {}),
        },
      )
    }
    this.controllers.get(id)?.abort()
    this.appendLog(job, msg('jobSteps.cancelRequested'))
    return job
  }

  private appendLog(job: Job, text: Message, notify = true): void {
    job.log.push({ at: Date.now(), text: englishText(text), message: text })
    if (job.log.length > MAX_LOG_LINES) job.log.splice(0, job.log.length - MAX_LOG_LINES)
    if (notify) this.onChange(job)
  }

  private prune(): void {
    const finished = this.list().filter((job) => job.state !== 'running')
    for (const job of finished.slice(KEEP_FINISHED)) this.jobs.delete(job.id)
  }
}

function clamp(value: number): number {
  return Math.max(0, Math.min(1, value))
}
