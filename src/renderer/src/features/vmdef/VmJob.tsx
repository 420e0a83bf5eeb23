import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useJobText } from '../jobs/job-title'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import type { Check } from '../../../../shared/messages'
import { CreateVmResultSchema, RemainSchema, type Remain } from '../../../../shared/vmdef'
import { useApi } from '../../api/context'
import { CheckList } from '../../components/CheckList'
import { ErrorBox } from '../../components/ErrorBox'
import { useAppStore } from '../../store'
import type { useSheetJob } from './SheetJob'
import { PlanChecks, type PlanState } from './wizard-parts'

/** The job's own words: creating or cloning (the rest of the block is the same). */
const WORDS = {
  create: {
    running: 'vmWizard.running',
    cancel: 'vmWizard.cancel',
    succeeded: 'vmWizard.succeeded',
    failed: 'vmWizard.failed',
  },
  clone: {
    running: 'vmClone.cloning',
    cancel: 'vmClone.cancel',
    succeeded: 'vmClone.succeeded',
    failed: 'vmClone.failed',
  },
} as const

function remainKey(remain: Remain): string {
  switch (remain.kind) {
    case 'definition':
      return `d:${remain.host}`
    case 'image':
      return `i:${remain.pool}/${remain.image}`
    case 'snapshot':
      return `s:${remain.pool}/${remain.image}@${remain.snapshot}`
  }
}

/**
 * A creation's or a clone's job (vm.create, vm.clone): progress and steps, then the VM (and its
 * console), or the checks that refused it, what the undo could not remove and the cleanup action.
 * Test ids start with `vm-<kind>-`.
 */
export function VmJob({
  kind,
  job,
  name,
  openConsole,
  onRetry,
  onShow,
  done,
}: {
  kind: 'create' | 'clone'
  job: Job
  name: string
  openConsole: boolean
  onRetry(): void
  onShow(uuid: string): void
  /** What else a success says (a clone's flatten). */
  done?: ReactNode
}) {
  const { t } = useTranslation()
  const jobText = useJobText()
  const api = useApi()
  const words = WORDS[kind]
  const id = (part: string) => `vm-${kind}-${part}`
  const result = CreateVmResultSchema.safeParse(job.result)
  const created = job.state === 'succeeded' && result.success ? result.data : null
  const remains = RemainSchema.array().safeParse(job.error?.details?.['remains'])
  const failedChecks = job.error?.details?.['checks'] as Check[] | undefined
  const [cleanupId, setCleanupId] = useState<string | null>(null)
  const [cleanupError, setCleanupError] = useState<ApiErrorData | null>(null)
  const cleanup = useAppStore((state) =>
    cleanupId ? state.jobs.find((candidate) => candidate.id === cleanupId) : undefined,
  )
  const consoleOpened = useRef(false)
  const box = useRef<HTMLDivElement>(null)

  // The form stays above, disabled: bring the job's state into view as it changes.
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' })
  }, [job.state, cleanup?.state])

  useEffect(() => {
    if (!created?.started?.ok || !openConsole || consoleOpened.current) return
    consoleOpened.current = true
    useAppStore.getState().openConsole({ kind: 'vnc', uuid: created.uuid })
  }, [created, openConsole])

  async function clean(): Promise<void> {
    setCleanupError(null)
    try {
      const started = (await api.call('vm.cleanupCreate', { job: job.id })) as Job
      useAppStore.getState().updateJob(started)
      setCleanupId(started.id)
    } catch (caught) {
      setCleanupError(ApiError.from(caught).toData())
    }
  }

  // OVH's task while the job creates a failover IP's virtual MAC (ovh-mac.ts), until it is done
  const ovhTask =
    job.detail && 'taskId' in job.detail && job.detail['status'] !== 'done' ? job.detail : undefined
  return (
    <div ref={box} className={`job-status job-${job.state}`} data-testid={id('job')} data-state={job.state}>
      {job.state === 'running' && (
        <>
          <strong>{t(words.running, { name })}</strong>
          {(job.stepText || job.step) && (
            <span className="muted" data-testid={id('step')}>
              {' '}
              · {jobText.step(job)}
            </span>
          )}
          {ovhTask && (
            <span className="muted" data-testid={id('ovh-task')}>
              {' '}
              · {t('vmWizard.ovhTask', ovhTask)}
            </span>
          )}
          <progress max={1} value={job.progress ?? undefined} aria-label={t(words.running, { name })} />
          {job.cancellable && (
            <button
              type="button"
              className="link small"
              onClick={() =>
                void api.call('jobs.cancel', { id: job.id }).then(
                  (updated) => useAppStore.getState().updateJob(updated),
                  () => undefined,
                )
              }
              data-testid={id('cancel')}
            >
              {t(words.cancel)}
            </button>
          )}
        </>
      )}
      {created && (
        <div data-testid={id('done')}>
          <p>
            <strong>
              {t(words.succeeded, {
                name: created.name,
                hosts: created.hosts.join(', '),
                mac: created.mac,
                machine: created.machine,
              })}
            </strong>
          </p>
          {done}
          {created.started && (
            <p className={created.started.ok ? undefined : 'warning'} data-testid={id('started')}>
              {created.started.ok
                ? t('vmWizard.startedOn', { host: created.started.host })
                : t('vmWizard.startFailed', {
                    host: created.started.host,
                    error: created.started.error ?? '',
                  })}
            </p>
          )}
          <div className="dialog-buttons">
            {created.started?.ok && (
              <button
                type="button"
                onClick={() => useAppStore.getState().openConsole({ kind: 'vnc', uuid: created.uuid })}
                data-testid={id('console')}
              >
                {t('vmWizard.openConsoleNow')}
              </button>
            )}
            <button
              type="button"
              className="primary"
              onClick={() => onShow(created.uuid)}
              data-testid={id('show')}
            >
              {t('vmWizard.openVm')}
            </button>
          </div>
        </div>
      )}
      {(job.state === 'failed' || job.state === 'cancelled') && job.error && (
        <div data-testid={id('failed')}>
          <ErrorBox title={t(words.failed)} error={job.error} testId={id('error')} />
          {failedChecks && failedChecks.length > 0 && (
            <>
              <p>{t('vmWizard.refusedChecks')}</p>
              <CheckList
                checks={failedChecks.filter((check) => check.level === 'fail')}
                testId={id('refused')}
              />
            </>
          )}
          {remains.success &&
            (remains.data.length === 0 ? (
              <p className="muted" data-testid={id('nothing-left')}>
                {t('vmWizard.nothingRemains')}
              </p>
            ) : (
              <>
                <p>{t('vmWizard.remains')}</p>
                <ul data-testid={id('remains')}>
                  {remains.data.map((remain) => (
                    <li key={remainKey(remain)} data-remain={remain.kind}>
                      {remain.kind === 'definition'
                        ? t('vmWizard.remainDefinition', remain)
                        : remain.kind === 'image'
                          ? t('vmWizard.remainImage', remain)
                          : t('vmWizard.remainSnapshot', remain)}
                    </li>
                  ))}
                </ul>
                {(!cleanup || cleanup.state === 'failed') && (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => void clean()}
                    data-testid={id('cleanup')}
                  >
                    {t('vmWizard.cleanup')}
                  </button>
                )}
              </>
            ))}
          {cleanupError && <ErrorBox error={cleanupError} testId={id('cleanup-error')} />}
          {cleanup && (
            <div data-testid={id('cleanup-job')} data-state={cleanup.state}>
              {cleanup.state === 'running'
                ? t('vmWizard.cleanupRunning')
                : cleanup.state === 'succeeded'
                  ? t('vmWizard.cleanupDone')
                  : cleanup.error && <ErrorBox title={t('vmWizard.cleanupFailed')} error={cleanup.error} />}
            </div>
          )}
          <div className="dialog-buttons">
            <button type="button" onClick={onRetry} data-testid={id('retry')}>
              {t('vmWizard.again')}
            </button>
          </div>
        </div>
      )}
      {job.log.length > 0 && (
        <details>
          <summary className="small muted">{t('vmWizard.log', { count: job.log.length })}</summary>
          <ul className="small">
            {job.log.map((line) => (
              <li key={`${line.at}:${line.text}`}>{line.text}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  )
}

/**
 * Below a creation's or a clone's form: the pre-checks of every host, the button that starts the job
 * once they pass for the form as it is, then the job (VmJob) in place of the button.
 */
export function ChecksThenJob({
  kind,
  ready,
  planState,
  sheetJob,
  submitLabel,
  onSubmit,
  name,
  openConsole,
  onClose,
  done,
  waitingForVms,
}: {
  kind: 'create' | 'clone'
  /** The form is valid (its plan is asked). */
  ready: boolean
  /** The form waits for the cluster's VMs to be read (its name is checked against them). */
  waitingForVms?: boolean
  planState: PlanState<{ checks: Check[]; canCreate: boolean }>
  sheetJob: ReturnType<typeof useSheetJob>
  submitLabel: string
  onSubmit(): void
  name: string
  openConsole: boolean
  onClose(): void
  done?: ReactNode
}) {
  const { job, startError } = sheetJob
  const { plan, current, checking } = planState
  const canStart = ready && current && plan !== null && plan.canCreate && !checking && job === undefined
  return (
    <>
      <PlanChecks
        prefix={`vm-${kind}`}
        ready={ready}
        started={job !== undefined}
        state={planState}
        waitingForVms={waitingForVms ?? false}
      />
      {!job && (
        <div className="dialog-buttons">
          <button
            type="button"
            className="primary"
            disabled={!canStart}
            onClick={onSubmit}
            data-testid={`vm-${kind}-submit`}
          >
            {submitLabel}
          </button>
        </div>
      )}
      {startError && <ErrorBox error={startError} testId={`vm-${kind}-start-error`} />}
      {job && (
        <VmJob
          kind={kind}
          job={job}
          name={name}
          openConsole={openConsole}
          onRetry={sheetJob.again}
          onShow={(uuid) => {
            useAppStore.getState().select({ kind: 'vm', uuid })
            onClose()
          }}
          done={done}
        />
      )}
    </>
  )
}
