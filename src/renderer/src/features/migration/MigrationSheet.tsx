import { BandwidthInput, parseBandwidth } from '../../components/BandwidthInput'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useJobText } from '../jobs/job-title'
import { ApiError } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import { FAILOVER_CHECK, type MigrationPlan, type MigrationResult } from '../../../../shared/migration'
import { CheckList } from '../../components/CheckList'
import { useApi } from '../../api/context'
import { usePlan } from '../../api/use-plan'
import { SheetFrame } from '../../components/SheetFrame'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { GuardError } from '../../components/GuardMessage'
import { MessageText } from '../../components/MessageText'
import { formatDuration, formatKiB } from '../../format'
import { useAppStore } from '../../store'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { BlockMoveStep, type BlockChoice } from './BlockMoveStep'
import './migration.css'

// The eject dialog comes the first time a refusal for a missing ISO offers it.
const EjectCdromDialog = lazyPart(async () => (await import('../vmdef/EjectCdromDialog')).EjectCdromDialog)

/**
 * The migration sheet, in the runbook's order: first the failover IP's block (moved by the app
 * through OVH's API when it is configured — before or alongside the migration — or by hand in the
 * OVH manager; it takes minutes), then the pre-checks, an explicit confirm, progress with cancel, and afterwards the guest
 * gateway checklist with the exact lines.
 */
export function MigrationSheet() {
  const sheet = useAppStore((state) => state.migration)
  if (!sheet) return null
  return <Sheet key={`${sheet.uuid}:${sheet.to}`} uuid={sheet.uuid} to={sheet.to} />
}

function Sheet({ uuid, to }: { uuid: string; to: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const close = useAppStore((state) => state.closeMigration)
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const {
    plan,
    error: planError,
    setError: setPlanError,
    reload: check,
  } = usePlan<MigrationPlan>(() => api.call('vm.migrationPlan', { uuid, to }), `${uuid}:${to}`)
  const [block, setBlock] = useState<BlockChoice>({ ready: false })
  const [acceptWarnings, setAcceptWarnings] = useState(false)
  const [bandwidth, setBandwidth] = useState('')
  const [ejecting, setEjecting] = useState(false)
  const cap = parseBandwidth(bandwidth)
  const [jobId, setJobId] = useState<string | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )

  async function migrate(): Promise<void> {
    try {
      const started = (await api.call('vm.migrate', {
        uuid,
        to,
        ...(acceptWarnings ? { acceptWarnings } : {}),
        ...(cap.ok && cap.value ? { bandwidthMiBps: cap.value } : {}),
        ...(failoverIp && block.blockMove ? { blockMove: block.blockMove } : {}),
      })) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
    } catch (error) {
      setPlanError(ApiError.from(error).toData())
    }
  }

  const name = vm?.name ?? plan?.name ?? uuid
  const from = plan?.from ?? vm?.runningOn[0] ?? '?'
  const failoverIp = plan?.followUps.failoverIp
  // the app moves the block: the plan's "move it in the OVH manager" check is this job's own step
  const checks = plan?.checks.filter((check) => !(block.blockMove && check.id === FAILOVER_CHECK)) ?? []
  const warnings = checks.filter((check) => check.level === 'warn')
  const canConfirm =
    plan !== null &&
    plan.canStart &&
    cap.ok &&
    (!failoverIp || block.ready) &&
    (warnings.length === 0 || acceptWarnings)
  const result = job?.state === 'succeeded' ? (job.result as MigrationResult) : undefined

  return (
    <SheetFrame
      id="migration"
      title={t('migration.title', { name, from, to })}
      closeLabel={t('migration.close')}
      onClose={close}
      closeDisabled={job?.state === 'running'}
    >
      {!job && (
        <>
          <ol className="sheet-steps">
            <li>
              <h2>{t('migration.stepFailover')}</h2>
              {failoverIp ? (
                <BlockMoveStep uuid={uuid} name={name} to={to} failoverIp={failoverIp} onChange={setBlock} />
              ) : (
                <p className="muted" data-testid="migration-no-failover">
                  {t('migration.noFailover')}
                </p>
              )}
            </li>
            <li>
              <h2>
                {t('migration.stepChecks')}{' '}
                <button type="button" className="link small" onClick={() => void check()}>
                  {t('migration.checkAgain')}
                </button>
              </h2>
              {!plan && !planError && <p className="muted">{t('migration.checking')}</p>}
              {planError && <ErrorBox error={planError} testId="migration-error" />}
              {plan && <CheckList checks={checks} testId="migration-checks" />}
              {checks.some((check) => check.id === 'cdrom' && check.level === 'fail') && (
                <p>
                  <button type="button" onClick={() => setEjecting(true)} data-testid="migration-eject">
                    {t('vmEject.fromMigration')}
                  </button>
                </p>
              )}
              {ejecting && (
                <LazyPart>
                  <EjectCdromDialog
                    uuid={uuid}
                    onClose={() => setEjecting(false)}
                    onDone={() => void check()}
                  />
                </LazyPart>
              )}
              {warnings.length > 0 && (
                <Consent
                  checked={acceptWarnings}
                  onChange={setAcceptWarnings}
                  testId="migration-accept-warnings"
                >
                  {t('migration.acceptWarnings')}
                </Consent>
              )}
            </li>
            <li>
              <h2>{t('migration.stepConfirm')}</h2>
              <BandwidthInput
                className="small migration-bandwidth"
                label={t('migration.bandwidth')}
                unit={t('migration.bandwidthUnit')}
                value={bandwidth}
                onChange={setBandwidth}
                testId="migration-bandwidth"
              />
              <button
                type="button"
                className="primary"
                disabled={!canConfirm}
                onClick={() => void migrate()}
                data-testid="migration-confirm"
              >
                {t('migration.confirm', { name, to })}
              </button>
              {plan && !plan.canStart && <p className="error">{t('migration.blocked')}</p>}
            </li>
          </ol>
        </>
      )}

      {job && job.state === 'running' && <Progress job={job} />}

      {job && (job.state === 'failed' || job.state === 'cancelled') && (
        <div className="job-status job-failed" data-testid="migration-failed">
          <p>
            <strong>{t(`migration.${job.state}`, { name, from })}</strong>
          </p>
          <GuardError error={job.error} />
        </div>
      )}

      {result && (
        <div data-testid="migration-done">
          <p className="done">
            {t('migration.done', { name, to: result.to, duration: formatDuration(result.durationMs) })}
          </p>
          <BlockMoveResult result={result} />
          <h2>{t('migration.followUps')}</h2>
          <ol className="checklist" data-testid="migration-checklist">
            {result.followUps.failoverIp && (
              <li>{t('migration.checkFailover', { ip: result.followUps.failoverIp, to: result.to })}</li>
            )}
            <li>
              {t('migration.changeGateway', {
                old: result.followUps.gateway.old ?? '?',
                new: result.followUps.gateway.new,
              })}
              <pre className="lines" data-testid="migration-commands">
                {result.followUps.commands.join('\n')}
              </pre>
              <p className="muted small">{t('migration.interfacesAfter')}</p>
              <pre className="lines" data-testid="migration-interfaces">
                {result.followUps.interfacesLines.join('\n')}
              </pre>
            </li>
            {result.followUps.notes.map((note) => (
              <li key={note.code} className="muted">
                <MessageText message={note} />
              </li>
            ))}
          </ol>
          <p>
            <button
              type="button"
              className="primary"
              data-testid="migration-open-console"
              onClick={() => {
                // The serial console types long lines more reliably; the screen is there too.
                useAppStore.getState().openConsole({ kind: 'vnc', uuid })
                useAppStore.getState().openConsole({ kind: 'serial', uuid })
              }}
            >
              {t('console.openAfterMigration')}
            </button>{' '}
            <span className="muted small">{t('console.afterMigrationHint')}</span>
          </p>
        </div>
      )}
    </SheetFrame>
  )
}

function Progress({ job }: { job: Job }) {
  const { t } = useTranslation()
  const jobText = useJobText()
  const api = useApi()
  const detail = job.detail as Record<string, number> | undefined
  // OVH's task of the block move (before the migration): its status, and "stop following"
  const task =
    detail && 'taskId' in detail && (job.detail as Record<string, unknown>).status !== 'done'
      ? (job.detail as Record<string, number | string>)
      : undefined
  const bytes = (value: number | undefined) => (value === undefined ? '–' : formatKiB(value / 1024))
  return (
    <div className="migration-progress" data-testid="migration-progress">
      <progress max={1} value={job.progress ?? undefined} />
      <p className="small">
        {jobText.step(job)}
        {task && (
          <>
            {' '}
            · <span data-testid="migration-ovh-task">{t('migration.ovhTask', task)}</span>
          </>
        )}
        {detail && !task && (
          <>
            {' '}
            · {t('migration.processed')} {bytes(detail.dataProcessedBytes)} · {t('migration.remaining')}{' '}
            {bytes(detail.dataRemainingBytes)} · {bytes(detail.speedBytesPerSecond)}/s
          </>
        )}
      </p>
      <button
        type="button"
        className="danger"
        onClick={() =>
          void api.call('jobs.cancel', { id: job.id }).then(
            (updated) => useAppStore.getState().updateJob(updated),
            () => undefined,
          )
        }
        data-testid="migration-cancel"
      >
        {task ? t('migration.stopFollowing') : t('migration.cancel')}
      </button>
      {task && <p className="muted small">{t('migration.stopFollowingHint')}</p>}
    </div>
  )
}

/** What became of the failover block's move (moved, already there, or a parallel move that failed). */
function BlockMoveResult({ result }: { result: MigrationResult }) {
  const { t } = useTranslation()
  const move = result.blockMove
  if (!move) return null
  if (move.error)
    return (
      <div data-testid="migration-block-result">
        <p className="error">{t('migration.blockNotMoved')}</p>
        <ErrorBox error={move.error} />
      </div>
    )
  return (
    <p className="done" data-testid="migration-block-result">
      {move.moved
        ? t('migration.blockMoved', {
            block: move.block,
            server: move.serviceName ?? '?',
            taskId: move.taskId ?? '?',
          })
        : t('migration.blockAlready', { block: move.block, server: move.serviceName ?? '?' })}
    </p>
  )
}
