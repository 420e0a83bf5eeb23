import { BandwidthInput, parseBandwidth } from '../../components/BandwidthInput'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { MaintenancePlan, MaintenanceRecord, MaintenanceStep } from '../../../../shared/maintenance'
import type { MigrationCheck } from '../../../../shared/migration'
import { useApi } from '../../api/context'
import { formatKiB } from '../../format'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { SheetFrame } from '../../components/SheetFrame'
import { CheckList } from '../../components/CheckList'
import { MessageText } from '../../components/MessageText'
import { isActive } from './use-maintenance'
import { blockDecisions, MaintenanceBlocks, type BlockChoices } from './MaintenanceBlocks'
import { useAppStore } from '../../store'
import '../migration/migration.css'
import { Data } from '../../components/Data'
import './maintenance.css'

/**
 * The maintenance sheet: before the start, the pre-checks with their reasons and fixes, the
 * migrations with adjustable destinations and each destination's capacity, how noout and the reboot
 * will happen; once started (or found unfinished after a restart), every step with its state and
 * message, the reboot prompt, each migration's gateway checklist, and resume / abort.
 */
export function MaintenanceSheet({
  host,
  record,
  onClose,
}: {
  host: string
  record: MaintenanceRecord | null
  onClose: () => void
}) {
  const { t } = useTranslation()
  const [startedId, setStartedId] = useState<string | null>(null)
  const showRecord = record !== null && record.host === host && (record.id === startedId || isActive(record))
  return (
    <SheetFrame
      id="maintenance"
      className="maintenance-sheet"
      title={t('maintenance.title', { host })}
      closeLabel={t('maintenance.close')}
      onClose={onClose}
    >
      {showRecord ? (
        <Progress record={record} />
      ) : (
        <PlanView host={host} onStarted={(started) => setStartedId(started.id)} />
      )}
    </SheetFrame>
  )
}

function PlanView({ host, onStarted }: { host: string; onStarted: (record: MaintenanceRecord) => void }) {
  const { t } = useTranslation()
  const api = useApi()
  const [plan, setPlan] = useState<MaintenancePlan | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [destinations, setDestinations] = useState<Record<string, string>>({})
  const [failoverAck, setFailoverAck] = useState(false)
  const [blockChoices, setBlockChoices] = useState<BlockChoices>({ move: {}, othersOk: {} })
  const [acceptWarnings, setAcceptWarnings] = useState(false)
  const [starting, setStarting] = useState(false)
  const [bandwidth, setBandwidth] = useState('')

  async function check(overrides = destinations): Promise<void> {
    setPlan(null)
    setError(null)
    try {
      setPlan(await api.call('maintenance.plan', { host, destinations: overrides }))
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    }
  }

  useEffect(() => {
    void check()
    // Planned once when the sheet opens; a destination change or "Check again" plans again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [host])

  async function start(): Promise<void> {
    setStarting(true)
    setError(null)
    try {
      const cap = parseBandwidth(bandwidth)
      const blockMoves = plan ? blockDecisions(plan, blockChoices).blockMoves : {}
      onStarted(
        await api.call('maintenance.start', {
          host,
          destinations,
          acceptWarnings,
          ...(Object.keys(blockMoves).length > 0 ? { blockMoves } : {}),
          ...(cap.ok && cap.value ? { bandwidthMiBps: cap.value } : {}),
        }),
      )
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setStarting(false)
    }
  }

  // the blocks moved through OVH take care of their "move it in the OVH manager" checks
  const blocks = plan ? blockDecisions(plan, blockChoices) : undefined
  const checks = plan?.checks.filter((check) => !blocks?.handledChecks.has(check.id)) ?? []
  const warnings = checks.filter((check) => check.level === 'warn')
  const manual = blocks?.manual ?? []
  const canStart =
    !!plan &&
    plan.canStart &&
    parseBandwidth(bandwidth).ok &&
    (warnings.length === 0 || acceptWarnings) &&
    (manual.length === 0 || failoverAck) &&
    !blocks?.othersPending &&
    !starting

  return (
    <>
      <p className="muted small">{t('maintenance.intro', { host })}</p>
      <h2>
        {t('maintenance.checks')}{' '}
        <button type="button" className="link small" onClick={() => void check()}>
          {t('maintenance.checkAgain')}
        </button>
      </h2>
      {!plan && !error && <p className="muted">{t('maintenance.checking')}</p>}
      {error && <ErrorBox title={t('maintenance.blocked')} error={error} testId="maintenance-error" />}
      {plan && (
        <>
          <CheckList checks={checks} testId="maintenance-checks" />

          <h2>{t('maintenance.moves')}</h2>
          {plan.moves.length === 0 ? (
            <p className="muted">{t('maintenance.noMoves', { host })}</p>
          ) : (
            <table className="table" data-testid="maintenance-moves">
              <thead>
                <tr>
                  <th>{t('maintenance.vm')}</th>
                  <th>{t('maintenance.memory')}</th>
                  <th>{t('maintenance.failoverIp')}</th>
                  <th>{t('maintenance.destination')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.moves.map((move) => (
                  <tr key={move.uuid}>
                    <td translate="no">{move.name}</td>
                    <td translate="no">{formatKiB(move.memoryKiB)}</td>
                    <td translate="no">{move.failoverIp ?? '–'}</td>
                    <td>
                      <select
                        value={move.to}
                        data-testid={`maintenance-destination-${move.name}`}
                        onChange={(event) => {
                          const next = { ...destinations, [move.uuid]: event.target.value }
                          setDestinations(next)
                          void check(next)
                        }}
                      >
                        {plan.destinations.map((destination) => (
                          // A host's name (an option holds no markup to mark the name alone).
                          <option
                            key={destination.host}
                            value={destination.host}
                            disabled={!destination.online}
                            translate="no"
                          >
                            {destination.host}
                            {destination.online ? '' : ` (${t('maintenance.offline')})`}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {plan.moves.length > 0 && (
            <BandwidthInput
              className="small maintenance-ack"
              label={t('maintenance.bandwidth')}
              unit={t('maintenance.bandwidthUnit')}
              value={bandwidth}
              onChange={setBandwidth}
              testId="maintenance-bandwidth"
            />
          )}
          <MaintenanceBlocks plan={plan} choices={blockChoices} onChange={setBlockChoices} />
          <p className="small" data-testid="maintenance-capacity">
            {t('maintenance.capacity')}{' '}
            {plan.destinations.map((destination, index) => (
              <span key={destination.host}>
                {index > 0 && ' · '}
                <Data>{destination.host}</Data> —{' '}
                {destination.online
                  ? t('maintenance.free', {
                      free: formatKiB(destination.freeKiB),
                      planned: formatKiB(destination.plannedKiB),
                    })
                  : t('maintenance.offline')}
              </span>
            ))}
          </p>

          <h2>{t('maintenance.noout')}</h2>
          <p className="small" data-testid="maintenance-noout">
            {plan.noout.node
              ? t('maintenance.nooutNode', { node: plan.noout.node })
              : t('maintenance.nooutCluster')}{' '}
            <span className="muted">
              {plan.noout.reasonText ? <MessageText message={plan.noout.reasonText} /> : plan.noout.reason}
            </span>
          </p>
          <h2>{t('maintenance.reboot')}</h2>
          <p className="small">
            {plan.rebootCommand
              ? t('maintenance.rebootCommand', { command: plan.rebootCommand })
              : t('maintenance.rebootUser', { host })}
          </p>

          {manual.length > 0 && (
            <Consent
              className="maintenance-ack"
              checked={failoverAck}
              onChange={setFailoverAck}
              testId="maintenance-failover-ack"
            >
              {t('maintenance.failoverAckManual', {
                ips: manual.map((move) => `${move.failoverIp} (${move.name} → ${move.to})`).join(', '),
              })}
            </Consent>
          )}
          {warnings.length > 0 && (
            <Consent
              className="maintenance-ack"
              checked={acceptWarnings}
              onChange={setAcceptWarnings}
              testId="maintenance-accept-warnings"
            >
              {t('maintenance.acceptWarnings')}
            </Consent>
          )}
          {!plan.canStart && <p className="error">{t('maintenance.blocked')}</p>}
          <button disabled={!canStart} onClick={() => void start()} data-testid="maintenance-start">
            {t('maintenance.start', { host })}
          </button>
        </>
      )}
    </>
  )
}

function Progress({ record }: { record: MaintenanceRecord }) {
  const { t } = useTranslation()
  const api = useApi()
  const job = useAppStore((state) =>
    record.jobId ? state.jobs.find((candidate) => candidate.id === record.jobId) : undefined,
  )
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [aborting, setAborting] = useState(false)
  const [keepNoout, setKeepNoout] = useState(false)
  const [busy, setBusy] = useState(false)
  const [reviewed, setReviewed] = useState(false)
  // A warning that appeared after the plan was accepted stopped it: confirm it before going on.
  const newWarnings =
    record.status === 'failed' && record.error?.code === 'maintenance.new-warnings'
      ? ((record.error.details?.warnings ?? []) as MigrationCheck[])
      : []

  async function act(action: () => Promise<unknown>): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      await action()
      setAborting(false)
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setBusy(false)
    }
  }

  const { host } = record
  const unfinished = isActive(record)
  // OVH's task of a block move is being followed: stopping pauses the maintenance, OVH may go on
  const following =
    record.status === 'running' &&
    record.steps.some((step) => step.kind === 'block-move' && step.state === 'running')
  return (
    <div data-testid="maintenance-progress" data-status={record.status}>
      <p>
        <strong>{t('maintenance.statusLine', { status: t(`maintenance.status.${record.status}`) })}</strong>
        {record.status === 'running' && job?.progress !== undefined && (
          <progress className="maintenance-bar" max={1} value={job.progress} />
        )}
      </p>
      {record.status === 'interrupted' && <p className="muted">{t('maintenance.interruptedHelp')}</p>}
      {record.status === 'failed' && <p className="muted">{t('maintenance.failedHelp')}</p>}
      {record.outcomeText ? (
        <p data-testid="maintenance-outcome">
          <MessageText message={record.outcomeText} />
        </p>
      ) : (
        // A record saved before outcomes were messages: its English, as it was.
        record.outcome && <p data-testid="maintenance-outcome">{record.outcome}</p>
      )}
      {record.error && record.status !== 'done' && (
        <ErrorBox
          title={t(`maintenance.status.${record.status}`)}
          error={record.error}
          testId="maintenance-record-error"
        />
      )}
      {newWarnings.length > 0 && (
        <div className="maintenance-new-warnings" data-testid="maintenance-new-warnings">
          <ul>
            {newWarnings.map((warning) => (
              <li key={warning.id} className="warning" data-warning={warning.id}>
                <MessageText message={warning.message} />
              </li>
            ))}
          </ul>
          <Consent checked={reviewed} onChange={setReviewed} testId="maintenance-accept-new-warnings">
            {t('maintenance.acceptNewWarnings')}
          </Consent>{' '}
          <button
            disabled={busy || !reviewed}
            data-testid="maintenance-resume-accepting"
            onClick={() =>
              void act(() => api.call('maintenance.resume', { id: record.id, acceptWarnings: true }))
            }
          >
            {t('maintenance.resumeAccepting')}
          </button>
        </div>
      )}
      {record.droppedWithoutReboot && record.status === 'running' && (
        <p className="warning" data-testid="maintenance-not-rebooted">
          {t('guards.maintenanceNotRebooted', { host })}
        </p>
      )}
      <ol className="maintenance-steps" data-testid="maintenance-steps">
        {record.steps.map((step) => (
          <StepRow key={step.id} step={step} host={host}>
            {step.kind === 'reboot' && step.state === 'waiting' && record.status === 'running' && (
              <div className="maintenance-reboot" data-testid="maintenance-reboot">
                <strong>{t('maintenance.rebootNow', { host })}</strong>
                <p className="small">{t('maintenance.rebootNowHelp', { host })}</p>
                <button
                  disabled={busy}
                  data-testid="maintenance-rebooted"
                  onClick={() => void act(() => api.call('maintenance.confirmReboot', { id: record.id }))}
                >
                  {t('maintenance.rebooted', { host })}
                </button>
              </div>
            )}
          </StepRow>
        ))}
      </ol>
      {following && record.jobId && (
        <p>
          <button
            disabled={busy}
            data-testid="maintenance-stop-following"
            onClick={() => void act(() => api.call('jobs.cancel', { id: record.jobId! }))}
          >
            {t('maintenance.stopFollowing')}
          </button>{' '}
          <span className="muted small">{t('maintenance.stopFollowingHint')}</span>
        </p>
      )}
      {error && <ErrorBox title={t('maintenance.blocked')} error={error} testId="maintenance-action-error" />}
      {unfinished && (
        <div className="maintenance-actions">
          {(record.status === 'interrupted' || record.status === 'failed') && newWarnings.length === 0 && (
            <button
              disabled={busy}
              data-testid="maintenance-resume"
              onClick={() => void act(() => api.call('maintenance.resume', { id: record.id }))}
            >
              {t('maintenance.resume')}
            </button>
          )}
          {!aborting ? (
            <button disabled={busy} data-testid="maintenance-abort" onClick={() => setAborting(true)}>
              {t('maintenance.abort')}
            </button>
          ) : (
            <span className="maintenance-abort-confirm">
              {t('maintenance.abortConfirm', { host })}{' '}
              {record.nooutSet && (
                <Consent checked={keepNoout} onChange={setKeepNoout}>
                  {t('maintenance.keepNoout')}
                </Consent>
              )}{' '}
              <button
                disabled={busy}
                className="danger"
                data-testid="maintenance-abort-confirm"
                onClick={() => void act(() => api.call('maintenance.abort', { id: record.id, keepNoout }))}
              >
                {t('maintenance.abort')}
              </button>
            </span>
          )}
        </div>
      )}
    </div>
  )
}

function StepRow({
  step,
  host,
  children,
}: {
  step: MaintenanceStep
  host: string
  children?: React.ReactNode
}) {
  const { t } = useTranslation()
  const gateway = step.followUps?.gateway
  return (
    <li className={`maintenance-step step-${step.state}`} data-step={step.id} data-state={step.state}>
      <div>
        <strong>
          {t(`maintenance.steps.${step.kind}`, { vm: step.vm, to: step.to, host, block: step.block })}
        </strong>{' '}
        <span className="muted small">{t(`maintenance.stepState.${step.state}`)}</span>
      </div>
      {step.text ? (
        <div className="small">
          <MessageText message={step.text} />
        </div>
      ) : (
        step.message && <div className="small">{step.message}</div>
      )}
      {gateway && step.followUps && (
        <details open>
          <summary className="small">
            {t('maintenance.gateway', { vm: step.vm, old: gateway.old ?? '?', new: gateway.new })}
          </summary>
          <pre className="ceph-fix">{step.followUps.commands.join('\n')}</pre>
          {step.followUps.notes.map((note) => (
            <div key={note.code} className="muted small">
              <MessageText message={note} />
            </div>
          ))}
        </details>
      )}
      {children}
    </li>
  )
}
