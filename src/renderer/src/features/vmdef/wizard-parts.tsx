import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Check } from '../../../../shared/messages'
import { DOMAIN_TYPES } from '../../../../shared/vmdef'
import { CheckList } from '../../components/CheckList'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import { useAppStore } from '../../store'
import { MEMORY_RANGE, VCPU_RANGE, type FormIssues, type WizardForm } from './wizard-form'

/**
 * What the creation wizard and the clone dialog share: a labelled field with its problem or help,
 * the name's broken rule in words, the network fields (failover MAC and IP, or RIPE's generated
 * MAC), sizes, "then start it on", and the pre-checks asked and shown for the form as it is.
 */

export function Field({
  label,
  help,
  problem,
  problemTestId = 'vm-create-problem',
  children,
}: {
  label: string
  help?: ReactNode
  problem?: string | false | undefined
  problemTestId?: string
  children: ReactNode
}) {
  return (
    <label className="wizard-field">
      <span className="wizard-label">{label}</span>
      <span className="wizard-input">
        {children}
        {problem ? (
          <span className="wizard-problem small" role="alert" data-testid={problemTestId}>
            {problem}
          </span>
        ) : (
          help && <span className="muted small">{help}</span>
        )}
      </span>
    </label>
  )
}

/** A name's broken rule, said live (an empty field is only a hint until something is typed). */
export function nameText(t: TFunction, issue: FormIssues['name'], name: string): string | undefined {
  if (!issue || name === '') return undefined
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
      return t('vmWizard.nameRule.taken', { name })
    case 'reading':
      // Not a problem of the name: NameField says why it is not checked yet.
      return undefined
  }
}

/**
 * The new VM's name: its rules under it and, until the window has read the cluster's VMs
 * (useKnownVmNames), that it is checked against theirs then; its broken rule live.
 */
export function NameField({
  prefix,
  label,
  name,
  issue,
  onChange,
}: {
  prefix: string
  label: string
  name: string
  issue: FormIssues['name']
  onChange(name: string): void
}) {
  const { t } = useTranslation()
  const vmsKnown = useAppStore((state) => state.inventoryKnown)
  const help = (
    <>
      {t('vmWizard.nameHelp')}
      {!vmsKnown && (
        <>
          {' '}
          <strong role="status" data-testid={`${prefix}-reading`}>
            {t('vmWizard.namesReading')}
          </strong>
        </>
      )}
    </>
  )
  return (
    <Field label={label} help={help} problem={nameText(t, issue, name)} problemTestId={`${prefix}-problem`}>
      <input
        type="text"
        value={name}
        onChange={(event) => onChange(event.target.value)}
        // Waiting for the VMs is no fault of the name.
        aria-invalid={name !== '' && issue !== undefined && issue.rule !== 'reading'}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
        data-testid={`${prefix}-name`}
      />
    </Field>
  )
}

type NetworkKind = 'ovh' | 'failover' | 'ripe'

/**
 * OVH's failover IP (chosen from the account, its virtual MAC reused or created by the job: the
 * wizard's), failover (the virtual MAC typed, the failover IP recorded) or RIPE (the MAC the plan
 * generated). Without OVH access the typed path says how to configure it.
 */
export function NetworkFields({
  prefix,
  form,
  issues,
  set,
  onNetwork,
  generatedMac,
  ovh,
}: {
  /** The test ids' prefix: vm-create, vm-clone. */
  prefix: string
  form: { network: NetworkKind; mac: string; failoverIp: string }
  issues: FormIssues
  set(field: 'mac' | 'failoverIp', value: string): void
  onNetwork(kind: NetworkKind): void
  generatedMac?: string | undefined
  /** The creation wizard's OVH choice: offered when OVH access is configured, else a note. */
  ovh?: { offered: boolean; choice: ReactNode; unconfigured?: ReactNode }
}) {
  const { t } = useTranslation()
  const problemTestId = `${prefix}-problem`
  const kinds: NetworkKind[] = ovh?.offered ? ['ovh', 'failover', 'ripe'] : ['failover', 'ripe']
  return (
    <>
      <div className="wizard-field" role="radiogroup" aria-label={t('vmWizard.network')}>
        <span className="wizard-label">{t('vmWizard.network')}</span>
        <div>
          {kinds.map((kind) => (
            <label key={kind} className="block">
              <input
                type="radio"
                name={`${prefix}-network`}
                checked={form.network === kind}
                onChange={() => onNetwork(kind)}
                data-testid={`${prefix}-network-${kind}`}
              />{' '}
              {t(`vmWizard.${kind}`)}
            </label>
          ))}
        </div>
      </div>
      {form.network === 'ovh' && ovh?.choice}
      {form.network === 'failover' && ovh?.unconfigured}
      {form.network === 'failover' && (
        <>
          <Field
            label={t('vmWizard.mac')}
            help={t('vmWizard.macHelp')}
            problem={form.mac !== '' && issues.mac && t(`vmWizard.macRule.${issues.mac}`)}
            problemTestId={problemTestId}
          >
            <input
              type="text"
              value={form.mac}
              placeholder={t('vmWizard.macExample')}
              onChange={(event) => set('mac', event.target.value)}
              aria-invalid={form.mac !== '' && issues.mac !== undefined}
              spellCheck={false}
              data-testid={`${prefix}-mac`}
            />
          </Field>
          <Field
            label={t('vmWizard.failoverIp')}
            problem={issues.failoverIp && t('vmWizard.ipInvalid')}
            problemTestId={problemTestId}
          >
            <input
              type="text"
              value={form.failoverIp}
              placeholder={t('vmWizard.ipExample')}
              onChange={(event) => set('failoverIp', event.target.value)}
              aria-invalid={issues.failoverIp}
              spellCheck={false}
              data-testid={`${prefix}-failover-ip`}
            />
          </Field>
        </>
      )}
      {form.network === 'ripe' && (
        <p className="muted small wizard-note">
          {t('vmWizard.ripeHelp')}
          {generatedMac && (
            <>
              {' '}
              <Data>→ {generatedMac}</Data>
            </>
          )}
        </p>
      )}
    </>
  )
}

/** The pre-checks run once the form has been still this long (they ask every host). */
const PLAN_DELAY_MS = 600

/** A form's plan as usePlanFor reads it; `current` when it answers the form as it is now. */
export interface PlanState<R> {
  plan: R | null
  current: boolean
  error: ApiErrorData | null
  checking: boolean
  recheck(): Promise<void>
}

/**
 * A plan (vm.createPlan, vm.clonePlan) for the form as it is, once it has been still for a moment;
 * an answer for an older form is dropped. `key` is the params' JSON.
 */
export function usePlanFor<P, R>(
  ask: (params: P) => Promise<R>,
  params: P | null,
  key: string,
): PlanState<R> {
  const [state, setState] = useState<{ plan: R | null; planKey: string; error: ApiErrorData | null }>({
    plan: null,
    planKey: '',
    error: null,
  })
  const [checking, setChecking] = useState(false)
  const latest = useRef('')
  async function read(forKey: string, forParams: P): Promise<void> {
    latest.current = forKey
    setChecking(true)
    try {
      const plan = await ask(forParams)
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
    plan: state.plan,
    current: state.plan !== null && state.planKey === key,
    error: state.error,
    checking,
    recheck: async () => {
      if (params) await read(key, params)
    },
  }
}

/** "Then": leave it stopped or start it on a host, with its console opened once started. */
export function StartOnField({
  prefix,
  hosts,
  startOn,
  onStartOn,
  openConsole,
  onOpenConsole,
}: {
  prefix: string
  hosts: readonly string[]
  startOn: string
  onStartOn(host: string): void
  openConsole: boolean
  onOpenConsole(open: boolean): void
}) {
  const { t } = useTranslation()
  return (
    <Field label={t('vmWizard.startOn')}>
      <select
        value={startOn}
        onChange={(event) => onStartOn(event.target.value)}
        data-testid={`${prefix}-start-on`}
      >
        <option value="">{t('vmWizard.dontStart')}</option>
        {hosts.map((host) => (
          <option key={host} value={host}>
            {t('vmWizard.startOnHost', { host })}
          </option>
        ))}
      </select>
      {startOn && (
        <Consent checked={openConsole} onChange={onOpenConsole} testId={`${prefix}-open-console`}>
          {t('vmWizard.openConsole')}
        </Consent>
      )}
    </Field>
  )
}

type SizeForm = Pick<WizardForm, 'vcpus' | 'memoryMiB' | 'domainType'>

/** vCPUs, memory and acceleration, each checked as typed. */
export function SizeFields({
  prefix,
  form,
  issues,
  set,
}: {
  prefix: string
  form: SizeForm
  issues: FormIssues
  set<K extends keyof SizeForm>(field: K, value: SizeForm[K]): void
}) {
  const { t } = useTranslation()
  const problemTestId = `${prefix}-problem`
  return (
    <>
      <Field
        label={t('vmWizard.vcpus')}
        problem={issues.vcpus && t('vmWizard.numberInvalid', { what: t('vmWizard.vcpus'), ...VCPU_RANGE })}
        problemTestId={problemTestId}
      >
        <input
          type="number"
          min={VCPU_RANGE.min}
          max={VCPU_RANGE.max}
          value={form.vcpus}
          onChange={(event) => set('vcpus', event.target.value)}
          aria-invalid={issues.vcpus}
          data-testid={`${prefix}-vcpus`}
        />
      </Field>
      <Field
        label={t('vmWizard.memory')}
        problem={
          issues.memoryMiB && t('vmWizard.numberInvalid', { what: t('vmWizard.memory'), ...MEMORY_RANGE })
        }
        problemTestId={problemTestId}
      >
        <input
          type="number"
          min={MEMORY_RANGE.min}
          step={256}
          value={form.memoryMiB}
          onChange={(event) => set('memoryMiB', event.target.value)}
          aria-invalid={issues.memoryMiB}
          data-testid={`${prefix}-memory`}
        />
      </Field>
      <Field label={t('vmWizard.domainType')}>
        <select
          value={form.domainType}
          onChange={(event) => set('domainType', event.target.value as SizeForm['domainType'])}
          data-testid={`${prefix}-domain-type`}
        >
          {DOMAIN_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`vmWizard.domainTypes.${type}`)}
            </option>
          ))}
        </select>
      </Field>
    </>
  )
}

/**
 * The pre-checks of every host for the form as it is: a hint until the form is valid, "checking",
 * the plan's CheckList (dimmed while a newer one is read), "check again", and the plan's error.
 */
export function PlanChecks({
  prefix,
  ready,
  started,
  state,
  waitingForVms = false,
}: {
  prefix: string
  /** The form is valid (the plan is asked). */
  ready: boolean
  /** Its job started: no more checking again. */
  started: boolean
  state: PlanState<{ checks: Check[] }>
  /** The form waits for the cluster's VMs to be read (useKnownVmNames), not for the user. */
  waitingForVms?: boolean
}) {
  const { t } = useTranslation()
  const { plan, current, checking, error, recheck } = state
  return (
    <>
      <h2>
        {t('vmWizard.checks')}{' '}
        {ready && !started && (
          <button
            type="button"
            className="link small"
            disabled={checking}
            onClick={() => void recheck()}
            data-testid={`${prefix}-recheck`}
          >
            {t('vmWizard.checkAgain')}
          </button>
        )}
      </h2>
      {!ready ? (
        <p className="muted" data-testid={`${prefix}-fill`}>
          {waitingForVms ? t('vmWizard.checksWaitForVms') : t('vmWizard.fillFirst')}
        </p>
      ) : checking && !current ? (
        <p className="muted" data-testid={`${prefix}-checking`}>
          {plan ? t('vmWizard.stale') : t('vmWizard.checking')}
        </p>
      ) : null}
      {error && <ErrorBox error={error} testId={`${prefix}-plan-error`} />}
      {plan && (current || checking) && (
        <div className={current ? undefined : 'stale'}>
          <CheckList checks={plan.checks} testId={`${prefix}-checks`} />
        </div>
      )}
    </>
  )
}
