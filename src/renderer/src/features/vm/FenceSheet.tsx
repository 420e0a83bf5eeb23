import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../../../shared/errors'
import { GuardError } from '../../components/GuardMessage'
import type { FenceMessage, FencePlan } from '../../../../shared/fencing'
import type { Job } from '../../../../shared/jobs'
import { useApi } from '../../api/context'
import { usePlan } from '../../api/use-plan'
import { SheetFrame } from '../../components/SheetFrame'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { TypedName, typedMatches } from '../../components/TypedName'
import { useAppStore } from '../../store'
import { useJobText } from '../jobs/job-title'
import { useWhen } from './use-when'
import '../migration/migration.css'

/** A fencing sentence from the core, in the user's language (times formatted there too). */
export function useFenceSentence(): (message: FenceMessage) => string {
  const { t } = useTranslation()
  const when = useWhen()
  return (message) => {
    const params: Record<string, string | number> = { ...message.params }
    for (const key of ['since', 'until'] as const) if (key in params) params[key] = when(params[key])
    return t(`fenceTexts.${message.text}`, { ...params, defaultValue: message.message })
  }
}

/**
 * The fence sheet: what the app knows of the lost host's clients on the VM's disks, what the user must
 * accept (host off or isolated; separately, a live watcher; separately, the whole-IP step), the VM's
 * name typed, then one job that fences, reads the blocklist back and starts.
 */
export function FenceSheet({ uuid, lostHost, onClose }: { uuid: string; lostHost: string; onClose(): void }) {
  const jobText = useJobText()
  const { t } = useTranslation()
  const api = useApi()
  const sentence = useFenceSentence()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const hostStates = useAppStore((state) => state.inventories)
  const {
    plan,
    error,
    setError,
    reload: read,
  } = usePlan<FencePlan>(() => api.call('vm.fencePlan', { uuid, lostHost }), `${uuid}:${lostHost}`)
  const [hostOff, setHostOff] = useState(false)
  const [acceptLive, setAcceptLive] = useState(false)
  const [wholeIp, setWholeIp] = useState(false)
  const [typed, setTyped] = useState('')
  const [jobId, setJobId] = useState<string | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
  const targets = (vm?.definedOn ?? []).filter((host) => host !== lostHost && hostStates[host]?.reachable)
  const [to, setTo] = useState('')
  const startOn = to && targets.includes(to) ? to : (targets[0] ?? '')
  const name = vm?.name ?? plan?.name ?? uuid

  async function confirm(): Promise<void> {
    try {
      const started = (await api.call('vm.fenceStart', {
        uuid,
        lostHost,
        host: startOn,
        confirmHostOff: true,
        confirmName: typed,
        ...(acceptLive ? { acceptLiveWatchers: true } : {}),
        ...(wholeIp ? { wholeIp: true } : {}),
      })) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  // A failed job may be confirmed again (after a take-over of the lease, or the plan read again).
  const running = job !== undefined && job.state !== 'failed'
  const canConfirm =
    plan !== null &&
    plan.blocks.length === 0 &&
    hostOff &&
    (plan.liveWatchers.length === 0 || acceptLive) &&
    (!plan.needsWholeIp || wholeIp) &&
    typedMatches(typed, name) &&
    startOn !== '' &&
    !running

  return (
    <SheetFrame
      id="fence"
      title={t('fencing.title', { host: lostHost, name })}
      closeLabel={t('fencing.cancel')}
      onClose={onClose}
      closeDisabled={job?.state === 'running'}
    >
      <p>{t('fencing.intro', { host: lostHost, name })}</p>
      {!plan && !error && <p className="muted">{t('fencing.loading')}</p>}
      {error && <ErrorBox error={error} testId="fence-error" />}
      {plan && (
        <>
          {plan.blocks.length > 0 && (
            <ul className="checks" data-testid="fence-blocks">
              {plan.blocks.map((block) => (
                <li key={block.text} className="check check-fail">
                  ✗ {sentence(block)}
                </li>
              ))}
            </ul>
          )}
          <h2>
            {t('fencing.targets')}{' '}
            <button type="button" className="link small" onClick={() => void read()}>
              {t('fencing.checkAgain')}
            </button>
          </h2>
          {plan.targets.length === 0 ? (
            <p className="muted">{t('fencing.noTargets', { host: lostHost })}</p>
          ) : (
            <table className="table" data-testid="fence-targets">
              <thead>
                <tr>
                  <th>{t('fencing.address')}</th>
                  <th>{t('fencing.image')}</th>
                  <th>{t('fencing.source')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.targets.map((target) => (
                  <tr key={target.address} data-source={target.source}>
                    <td>
                      <code translate="no">{target.address}</code>
                    </td>
                    <td>
                      <code translate="no">{target.image}</code>
                    </td>
                    <td>{t(`fencing.sources.${target.source}`, { host: lostHost })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {plan.warnings.length > 0 && (
            <>
              <h2>{t('fencing.warnings')}</h2>
              <ul className="checks" data-testid="fence-warnings">
                {plan.warnings.map((warning, index) => (
                  <li key={`${warning.text}:${index}`} className="check check-warn" data-text={warning.text}>
                    ⚠ {sentence(warning)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2>{t('fencing.facts')}</h2>
          <ul className="checks" data-testid="fence-notes">
            {plan.notes.map((note, index) => (
              <li key={`${note.text}:${index}`} className="check" data-text={note.text}>
                {sentence(note)}
              </li>
            ))}
          </ul>
          {!running && (
            <div className="confirm" data-testid="fence-confirm">
              <label>
                {t('fencing.startOn')}{' '}
                <select
                  value={startOn}
                  onChange={(event) => setTo(event.target.value)}
                  data-testid="fence-start-host"
                >
                  {targets.map((host) => (
                    <option key={host} value={host} translate="no">
                      {host}
                    </option>
                  ))}
                </select>
              </label>
              <p>
                <Consent checked={hostOff} onChange={setHostOff} testId="fence-host-off">
                  {t('fencing.confirmOff', { host: lostHost })}
                </Consent>
              </p>
              {plan.liveWatchers.length > 0 && (
                <p className="warning">
                  <Consent checked={acceptLive} onChange={setAcceptLive} testId="fence-accept-live">
                    {t('fencing.confirmLive', { count: plan.liveWatchers.length })}
                  </Consent>
                </p>
              )}
              {plan.hostIps.length > 0 && (
                <p>
                  <Consent checked={wholeIp} onChange={setWholeIp} testId="fence-whole-ip">
                    {t('fencing.wholeIp', { ips: plan.hostIps.join(', '), host: lostHost })}
                  </Consent>
                </p>
              )}
              <TypedName
                label={t('fencing.typeName', { name })}
                value={typed}
                onChange={setTyped}
                testId="fence-name"
              />{' '}
              <button
                type="button"
                className="danger"
                disabled={!canConfirm}
                onClick={() => void confirm()}
                data-testid="fence-confirm-button"
              >
                {t('fencing.confirm', { host: lostHost, to: startOn || '?' })}
              </button>
            </div>
          )}
        </>
      )}
      {job && (
        <div className={`job-status job-${job.state}`} data-testid="fence-job" data-state={job.state}>
          <strong>
            {job.state === 'succeeded'
              ? t('fencing.done', { host: startOn })
              : job.state === 'failed'
                ? t('fencing.failed')
                : t('fencing.running')}
          </strong>
          {job.step && job.state === 'running' && <span className="muted"> · {jobText.step(job)}</span>}
          <ul className="small">
            {job.log.map((line) => (
              <li key={`${line.at}:${line.text}`}>{jobText.line(line)}</li>
            ))}
          </ul>
          {job.state === 'failed' && (
            <div className="error">
              {/* In the user's language; a lease held by another instance says who, since when, and offers the take-over. */}
              <GuardError error={job.error} testid="fence-job-error" />
            </div>
          )}
        </div>
      )}
    </SheetFrame>
  )
}
