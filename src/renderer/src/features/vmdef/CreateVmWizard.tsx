import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import { KEYBOARD_LAYOUTS } from '../../../../shared/keyboard'
import type { Check } from '../../../../shared/messages'
import {
  CreateVmResultSchema,
  DOMAIN_TYPES,
  RemainSchema,
  type CreatePlan,
  type CreateVmParams,
} from '../../../../shared/vmdef'
import { useApi } from '../../api/context'
import { CheckList } from '../../components/CheckList'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import { SheetFrame } from '../../components/SheetFrame'
import { formatSize } from '../../format'
import { useAppStore } from '../../store'
import { IsoUpload } from './IsoUpload'
import {
  initialForm,
  MEMORY_RANGE,
  readForm,
  VCPU_RANGE,
  type FormIssues,
  type WizardForm,
} from './wizard-form'
import './vmdef.css'

const NO_POOLS: string[] = []
/** The pre-checks run once the form has been still this long (they ask every host). */
const PLAN_DELAY_MS = 600

/**
 * The creation wizard (issue 19): the form with the runbook's rules checked as the user types, the
 * pre-checks of every host for exactly what the form holds (one CheckList), then one job — image,
 * the same definition on every host, optionally started with its console opened — with its
 * progress; on failure, what the undo could not remove and the cleanup action.
 */
export function CreateVmWizard({ onClose }: { onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const pools = useAppStore((state) => state.config?.config?.pools ?? NO_POOLS)
  const hosts = useAppStore((state) => state.config?.hosts)
  const vms = useAppStore((state) => state.vms)
  const guestLayout = useAppStore((state) => state.config?.config?.guestKeyboardLayout)
  const [form, setForm] = useState<WizardForm>(() => initialForm(pools, guestLayout))
  const [openConsole, setOpenConsole] = useState(true)
  const [uploading, setUploading] = useState(false)
  const [jobId, setJobId] = useState<string | null>(null)
  const [startError, setStartError] = useState<ApiErrorData | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
  // Once its job started, the form is what was sent: the new VM must not make its own name "taken".
  const { issues, params } = readForm(form, jobId ? [] : vms.map((vm) => vm.name))
  const key = params ? JSON.stringify(params) : ''
  const { plan, planKey, error: planError, checking, recheck } = usePlanFor(params, key)
  const set = <K extends keyof WizardForm>(field: K, value: WizardForm[K]) =>
    setForm((previous) => ({ ...previous, [field]: value }))

  // Bridges: only those on every host are offered; keep the choice among them.
  useEffect(() => {
    const bridges = plan?.bridges
    if (bridges && bridges.length > 0 && !bridges.includes(form.bridge)) set('bridge', bridges[0]!)
  }, [plan, form.bridge])

  const current = plan !== null && planKey === key
  const running = job?.state === 'running'
  const canCreate = params !== null && current && plan.canCreate && !checking && job === undefined

  async function create(): Promise<void> {
    if (!params) return
    setStartError(null)
    try {
      const started = (await api.call('vm.create', params)) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
    } catch (caught) {
      setStartError(ApiError.from(caught).toData())
    }
  }

  const hostNames = hosts?.map((host) => host.name) ?? []
  // None on every host (or no host answered): keep the choice shown; the pre-checks say what is wrong.
  const bridges = plan && plan.bridges.length > 0 ? plan.bridges : [form.bridge]

  return (
    <SheetFrame
      id="vm-create"
      title={t('vmWizard.title')}
      closeLabel={t('vmWizard.close')}
      onClose={onClose}
      closeDisabled={running}
      className="vm-wizard"
    >
      <p className="muted">{t('vmWizard.intro')}</p>
      <fieldset className="wizard-form" disabled={job !== undefined} data-testid="vm-create-form">
        <Field label={t('vmWizard.name')} help={t('vmWizard.nameHelp')} problem={nameText(t, issues, form)}>
          <input
            type="text"
            value={form.name}
            onChange={(event) => set('name', event.target.value)}
            aria-invalid={form.name !== '' && issues.name !== undefined}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            data-testid="vm-create-name"
          />
        </Field>
        <Field
          label={t('vmWizard.pool')}
          help={
            current && plan.poolFreeBytes !== undefined
              ? t('vmWizard.poolFree', { free: formatSize(plan.poolFreeBytes) })
              : t('vmWizard.poolFreeUnknown')
          }
        >
          <select
            value={form.pool}
            onChange={(event) => set('pool', event.target.value)}
            data-testid="vm-create-pool"
            translate="no"
          >
            {pools.map((pool) => (
              <option key={pool} value={pool}>
                {pool}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('vmWizard.size')}
          problem={issues.size && t(issues.size)}
          help={params ? <Data>= {formatSize(params.sizeBytes)}</Data> : undefined}
        >
          <input
            type="text"
            value={form.size}
            size={10}
            placeholder={t('vmWizard.sizePlaceholder')}
            onChange={(event) => set('size', event.target.value)}
            aria-invalid={issues.size !== undefined}
            data-testid="vm-create-size"
          />
        </Field>
        <Field
          label={t('vmWizard.vcpus')}
          problem={issues.vcpus && t('vmWizard.numberInvalid', { what: t('vmWizard.vcpus'), ...VCPU_RANGE })}
        >
          <input
            type="number"
            min={VCPU_RANGE.min}
            max={VCPU_RANGE.max}
            value={form.vcpus}
            onChange={(event) => set('vcpus', event.target.value)}
            aria-invalid={issues.vcpus}
            data-testid="vm-create-vcpus"
          />
        </Field>
        <Field
          label={t('vmWizard.memory')}
          problem={
            issues.memoryMiB && t('vmWizard.numberInvalid', { what: t('vmWizard.memory'), ...MEMORY_RANGE })
          }
        >
          <input
            type="number"
            min={MEMORY_RANGE.min}
            step={256}
            value={form.memoryMiB}
            onChange={(event) => set('memoryMiB', event.target.value)}
            aria-invalid={issues.memoryMiB}
            data-testid="vm-create-memory"
          />
        </Field>
        <div className="wizard-field" role="radiogroup" aria-label={t('vmWizard.network')}>
          <span className="wizard-label">{t('vmWizard.network')}</span>
          <div>
            {(['failover', 'ripe'] as const).map((kind) => (
              <label key={kind} className="block">
                <input
                  type="radio"
                  name="vm-create-network"
                  checked={form.network === kind}
                  onChange={() => set('network', kind)}
                  data-testid={`vm-create-network-${kind}`}
                />{' '}
                {t(`vmWizard.${kind}`)}
              </label>
            ))}
          </div>
        </div>
        {form.network === 'failover' ? (
          <>
            <Field
              label={t('vmWizard.mac')}
              help={t('vmWizard.macHelp')}
              problem={form.mac !== '' && issues.mac && t(`vmWizard.macRule.${issues.mac}`)}
            >
              <input
                type="text"
                value={form.mac}
                placeholder={t('vmWizard.macExample')}
                onChange={(event) => set('mac', event.target.value)}
                aria-invalid={form.mac !== '' && issues.mac !== undefined}
                spellCheck={false}
                data-testid="vm-create-mac"
              />
            </Field>
            <Field label={t('vmWizard.failoverIp')} problem={issues.failoverIp && t('vmWizard.ipInvalid')}>
              <input
                type="text"
                value={form.failoverIp}
                placeholder={t('vmWizard.ipExample')}
                onChange={(event) => set('failoverIp', event.target.value)}
                aria-invalid={issues.failoverIp}
                spellCheck={false}
                data-testid="vm-create-failover-ip"
              />
            </Field>
          </>
        ) : (
          <p className="muted small wizard-note">
            {t('vmWizard.ripeHelp')}
            {current && plan.mac && (
              <>
                {' '}
                <Data>→ {plan.mac}</Data>
              </>
            )}
          </p>
        )}
        <Field
          label={t('vmWizard.bridge')}
          help={plan && plan.bridges.length === 0 ? t('vmWizard.bridgeNone') : t('vmWizard.bridgeHelp')}
        >
          <select
            value={form.bridge}
            onChange={(event) => set('bridge', event.target.value)}
            data-testid="vm-create-bridge"
            translate="no"
          >
            {bridges.map((bridge) => (
              <option key={bridge} value={bridge}>
                {bridge}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('vmWizard.iso')}
          help={t('vmWizard.isoHelp')}
          problem={issues.iso && t('vmWizard.isoInvalid')}
        >
          <input
            type="text"
            list="vm-create-isos"
            value={form.iso}
            placeholder={t('vmWizard.noIso')}
            onChange={(event) => set('iso', event.target.value)}
            aria-invalid={issues.iso}
            spellCheck={false}
            data-testid="vm-create-iso"
          />
          <datalist id="vm-create-isos">
            {(plan?.isos ?? []).map((iso) => (
              <option key={iso} value={iso} />
            ))}
          </datalist>
          <button
            type="button"
            className="link small"
            onClick={() => setUploading(true)}
            disabled={uploading}
            data-testid="vm-create-upload-iso"
          >
            {t('isoUpload.open')}
          </button>
        </Field>
        {uploading && (
          <IsoUpload onUploaded={(path) => set('iso', path)} onClose={() => setUploading(false)} />
        )}
        <Field label={t('vmWizard.machine')}>
          <span data-testid="vm-create-machine">
            {current && plan.machine
              ? t('vmWizard.machineFromPlan', { machine: plan.machine })
              : t('vmWizard.machineUnknown')}
          </span>
        </Field>
        <Field label={t('vmWizard.domainType')}>
          <select
            value={form.domainType}
            onChange={(event) => set('domainType', event.target.value as WizardForm['domainType'])}
            data-testid="vm-create-domain-type"
          >
            {DOMAIN_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`vmWizard.domainTypes.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('vmWizard.keyboard')}>
          <select
            value={form.keyboardLayout}
            onChange={(event) => set('keyboardLayout', event.target.value as WizardForm['keyboardLayout'])}
            data-testid="vm-create-keyboard"
          >
            {KEYBOARD_LAYOUTS.map((layout) => (
              <option key={layout} value={layout}>
                {t(`vmWizard.keyboards.${layout}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('vmWizard.startOn')}>
          <select
            value={form.startOn}
            onChange={(event) => set('startOn', event.target.value)}
            data-testid="vm-create-start-on"
          >
            <option value="">{t('vmWizard.dontStart')}</option>
            {hostNames.map((host) => (
              <option key={host} value={host}>
                {t('vmWizard.startOnHost', { host })}
              </option>
            ))}
          </select>
          {form.startOn && (
            <Consent checked={openConsole} onChange={setOpenConsole} testId="vm-create-open-console">
              {t('vmWizard.openConsole')}
            </Consent>
          )}
        </Field>
      </fieldset>

      <h2>
        {t('vmWizard.checks')}{' '}
        {params && !job && (
          <button
            type="button"
            className="link small"
            disabled={checking}
            onClick={() => void recheck()}
            data-testid="vm-create-recheck"
          >
            {t('vmWizard.checkAgain')}
          </button>
        )}
      </h2>
      {!params ? (
        <p className="muted" data-testid="vm-create-fill">
          {t('vmWizard.fillFirst')}
        </p>
      ) : checking && !current ? (
        <p className="muted" data-testid="vm-create-checking">
          {plan ? t('vmWizard.stale') : t('vmWizard.checking')}
        </p>
      ) : null}
      {planError && <ErrorBox error={planError} testId="vm-create-plan-error" />}
      {plan && (current || checking) && (
        <div className={current ? undefined : 'stale'}>
          <CheckList checks={plan.checks} testId="vm-create-checks" />
        </div>
      )}

      {!job && (
        <div className="dialog-buttons">
          <button
            type="button"
            className="primary"
            disabled={!canCreate}
            onClick={() => void create()}
            data-testid="vm-create-submit"
          >
            {t('vmWizard.create', { name: form.name || '…' })}
          </button>
        </div>
      )}
      {startError && <ErrorBox error={startError} testId="vm-create-start-error" />}
      {job && (
        <CreateJob
          job={job}
          name={params?.name ?? form.name}
          openConsole={form.startOn !== '' && openConsole}
          onRetry={() => setJobId(null)}
          onShow={(uuid) => {
            useAppStore.getState().select({ kind: 'vm', uuid })
            onClose()
          }}
        />
      )}
    </SheetFrame>
  )
}

function Field({
  label,
  help,
  problem,
  children,
}: {
  label: string
  help?: ReactNode
  problem?: string | false | undefined
  children: ReactNode
}) {
  return (
    <label className="wizard-field">
      <span className="wizard-label">{label}</span>
      <span className="wizard-input">
        {children}
        {problem ? (
          <span className="wizard-problem small" role="alert" data-testid="vm-create-problem">
            {problem}
          </span>
        ) : (
          help && <span className="muted small">{help}</span>
        )}
      </span>
    </label>
  )
}

/** The name's broken rule, said live (an empty field is only a hint until something is typed). */
function nameText(t: TFunction, issues: FormIssues, form: WizardForm): string | undefined {
  const issue = issues.name
  if (!issue || form.name === '') return undefined
  switch (issue.rule) {
    case 'empty':
      return t('vmWizard.nameRule.empty')
    case 'tooLong':
      return t('vmWizard.nameRule.tooLong', { max: String(issue.max) })
    case 'start':
      return t('vmWizard.nameRule.start')
    case 'character':
      return t('vmWizard.nameRule.character', { character: issue.character === ' ' ? '␠' : issue.character })
    case 'taken':
      return t('vmWizard.nameRule.taken', { name: form.name })
  }
}

/**
 * vm.createPlan for the form as it is, once it has been still for a moment; an answer for an older
 * form is dropped.
 */
function usePlanFor(
  params: CreateVmParams | null,
  key: string,
): {
  plan: CreatePlan | null
  planKey: string
  error: ApiErrorData | null
  checking: boolean
  recheck(): Promise<void>
} {
  const api = useApi()
  const [state, setState] = useState<{
    plan: CreatePlan | null
    planKey: string
    error: ApiErrorData | null
  }>({
    plan: null,
    planKey: '',
    error: null,
  })
  const [checking, setChecking] = useState(false)
  const latest = useRef('')
  async function read(forKey: string, forParams: CreateVmParams): Promise<void> {
    latest.current = forKey
    setChecking(true)
    try {
      const plan = await api.call('vm.createPlan', forParams)
      if (latest.current === forKey) setState({ plan, planKey: forKey, error: null })
    } catch (caught) {
      if (latest.current === forKey)
        setState((previous) => ({ ...previous, planKey: '', error: ApiError.from(caught).toData() }))
    } finally {
      if (latest.current === forKey) setChecking(false)
    }
  }
  useEffect(() => {
    if (!params) {
      latest.current = ''
      setChecking(false)
      return
    }
    setChecking(true)
    const timer = setTimeout(() => void read(key, params), PLAN_DELAY_MS)
    return () => clearTimeout(timer)
    // The key is the params' JSON: read again only when what would be sent changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  return {
    ...state,
    checking,
    recheck: async () => {
      if (params) await read(key, params)
    },
  }
}

/** The creation job: progress and steps, then the VM (and its console), or what remains and the cleanup. */
function CreateJob({
  job,
  name,
  openConsole,
  onRetry,
  onShow,
}: {
  job: Job
  name: string
  openConsole: boolean
  onRetry(): void
  onShow(uuid: string): void
}) {
  const { t } = useTranslation()
  const api = useApi()
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

  return (
    <div
      ref={box}
      className={`job-status job-${job.state}`}
      data-testid="vm-create-job"
      data-state={job.state}
    >
      {job.state === 'running' && (
        <>
          <strong>{t('vmWizard.running', { name })}</strong>
          {job.step && <span className="muted"> · {job.step}</span>}
          <progress max={1} value={job.progress ?? undefined} aria-label={t('vmWizard.running', { name })} />
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
              data-testid="vm-create-cancel"
            >
              {t('vmWizard.cancel')}
            </button>
          )}
        </>
      )}
      {created && (
        <div data-testid="vm-create-done">
          <p>
            <strong>
              {t('vmWizard.succeeded', {
                name: created.name,
                hosts: created.hosts.join(', '),
                mac: created.mac,
                machine: created.machine,
              })}
            </strong>
          </p>
          {created.started && (
            <p className={created.started.ok ? undefined : 'warning'} data-testid="vm-create-started">
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
                data-testid="vm-create-console"
              >
                {t('vmWizard.openConsoleNow')}
              </button>
            )}
            <button
              type="button"
              className="primary"
              onClick={() => onShow(created.uuid)}
              data-testid="vm-create-show"
            >
              {t('vmWizard.openVm')}
            </button>
          </div>
        </div>
      )}
      {(job.state === 'failed' || job.state === 'cancelled') && job.error && (
        <div data-testid="vm-create-failed">
          <ErrorBox title={t('vmWizard.failed')} error={job.error} testId="vm-create-error" />
          {failedChecks && failedChecks.length > 0 && (
            <>
              <p>{t('vmWizard.refusedChecks')}</p>
              <CheckList
                checks={failedChecks.filter((check) => check.level === 'fail')}
                testId="vm-create-refused"
              />
            </>
          )}
          {remains.success &&
            (remains.data.length === 0 ? (
              <p className="muted" data-testid="vm-create-nothing-left">
                {t('vmWizard.nothingRemains')}
              </p>
            ) : (
              <>
                <p>{t('vmWizard.remains')}</p>
                <ul data-testid="vm-create-remains">
                  {remains.data.map((remain) => (
                    <li
                      key={
                        remain.kind === 'definition' ? `d:${remain.host}` : `i:${remain.pool}/${remain.image}`
                      }
                      data-remain={remain.kind}
                    >
                      {remain.kind === 'definition'
                        ? t('vmWizard.remainDefinition', remain)
                        : t('vmWizard.remainImage', remain)}
                    </li>
                  ))}
                </ul>
                {(!cleanup || cleanup.state === 'failed') && (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => void clean()}
                    data-testid="vm-create-cleanup"
                  >
                    {t('vmWizard.cleanup')}
                  </button>
                )}
              </>
            ))}
          {cleanupError && <ErrorBox error={cleanupError} testId="vm-create-cleanup-error" />}
          {cleanup && (
            <div data-testid="vm-create-cleanup-job" data-state={cleanup.state}>
              {cleanup.state === 'running'
                ? t('vmWizard.cleanupRunning')
                : cleanup.state === 'succeeded'
                  ? t('vmWizard.cleanupDone')
                  : cleanup.error && <ErrorBox title={t('vmWizard.cleanupFailed')} error={cleanup.error} />}
            </div>
          )}
          <div className="dialog-buttons">
            <button type="button" onClick={onRetry} data-testid="vm-create-retry">
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
