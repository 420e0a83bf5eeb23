import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { KEYBOARD_LAYOUTS } from '../../../../shared/keyboard'
import type { FailoverView, OvhStatus } from '../../../../shared/ovh'
import { useApi } from '../../api/context'
import { usePlan } from '../../api/use-plan'
import { Data } from '../../components/Data'
import { SheetFrame } from '../../components/SheetFrame'
import { formatSize } from '../../format'
import { useAppStore, useKnownVmNames } from '../../store'
import { IsoUpload } from './IsoUpload'
import { OvhFailoverChoice } from './OvhFailoverChoice'
import { useSheetJob } from './SheetJob'
import { ChecksThenJob } from './VmJob'
import { initialForm, readForm, type WizardForm } from './wizard-form'
import { Field, NameField, NetworkFields, SizeFields, StartOnField, usePlanFor } from './wizard-parts'
import './vmdef.css'

const NO_POOLS: string[] = []

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
  const knownNames = useKnownVmNames()
  const guestLayout = useAppStore((state) => state.config?.config?.guestKeyboardLayout)
  const [form, setForm] = useState<WizardForm>(() => initialForm(pools, guestLayout))
  const [openConsole, setOpenConsole] = useState(true)
  const [uploading, setUploading] = useState(false)
  const sheetJob = useSheetJob()
  const { jobId, job } = sheetJob
  // Once its job started, the form is what was sent: the new VM must not make its own name "taken".
  // Before the VMs are read, no name can be checked: the form waits for them (no plan asked).
  const { issues, params } = readForm(form, jobId ? [] : knownNames)
  const key = params ? JSON.stringify(params) : ''
  const planState = usePlanFor(
    (forParams: NonNullable<typeof params>) => api.call('vm.createPlan', forParams),
    params,
    key,
  )
  const plan = planState.plan
  /** The plan when it answers the form as it is now. */
  const fresh = planState.current ? plan : null
  const set = <K extends keyof WizardForm>(field: K, value: WizardForm[K]) =>
    setForm((previous) => ({ ...previous, [field]: value }))

  // OVH: its failover IPs when access is configured (the network's default then), else a note
  // saying how to configure it beside the typed virtual MAC.
  const ovh = usePlan<{ status: OvhStatus; view?: FailoverView }>(async () => {
    const status = await api.call('ovh.status', {})
    return status.configured ? { status, view: await api.call('ovh.failoverView', {}) } : { status }
  }, 'ovh')
  const ovhConfigured = ovh.plan?.status.configured === true
  const networkTouched = useRef(false)
  useEffect(() => {
    if (ovhConfigured && !networkTouched.current) set('network', 'ovh')
  }, [ovhConfigured])

  // Bridges: only those on every host are offered; keep the choice among them.
  useEffect(() => {
    const bridges = plan?.bridges
    if (bridges && bridges.length > 0 && !bridges.includes(form.bridge)) set('bridge', bridges[0]!)
  }, [plan, form.bridge])

  const running = job?.state === 'running'

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
        <NameField
          prefix="vm-create"
          label={t('vmWizard.name')}
          name={form.name}
          issue={issues.name}
          onChange={(name) => set('name', name)}
        />
        <Field
          label={t('vmWizard.pool')}
          help={
            fresh?.poolFreeBytes !== undefined
              ? t('vmWizard.poolFree', { free: formatSize(fresh.poolFreeBytes) })
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
        <SizeFields prefix="vm-create" form={form} issues={issues} set={set} />
        <NetworkFields
          prefix="vm-create"
          form={form}
          issues={issues}
          set={set}
          onNetwork={(kind) => {
            networkTouched.current = true
            set('network', kind)
          }}
          generatedMac={fresh?.mac}
          ovh={{
            offered: ovhConfigured,
            choice: (
              <OvhFailoverChoice
                view={ovh.plan?.view ?? null}
                error={ovh.error}
                startOn={form.startOn}
                chosen={form.ovhIp}
                missing={issues.ovhIp === true && form.name !== ''}
                onChoose={(ip, host) => setForm((previous) => ({ ...previous, ovhIp: ip, ovhHost: host }))}
              />
            ),
            unconfigured: ovh.plan && !ovhConfigured && (
              <p className="muted small wizard-note" data-testid="vm-create-ovh-unconfigured">
                {t('vmWizard.ovhUnconfigured')}
              </p>
            ),
          }}
        />
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
            {fresh?.machine
              ? t('vmWizard.machineFromPlan', { machine: fresh.machine })
              : t('vmWizard.machineUnknown')}
          </span>
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
        <StartOnField
          prefix="vm-create"
          hosts={hostNames}
          startOn={form.startOn}
          onStartOn={(host) => set('startOn', host)}
          openConsole={openConsole}
          onOpenConsole={setOpenConsole}
        />
      </fieldset>

      <ChecksThenJob
        kind="create"
        ready={params !== null}
        waitingForVms={knownNames === null && !jobId}
        planState={planState}
        sheetJob={sheetJob}
        submitLabel={t('vmWizard.create', { name: form.name || '…' })}
        onSubmit={() => {
          if (params) void sheetJob.start(async () => (await api.call('vm.create', params)) as Job)
        }}
        name={params?.name ?? form.name}
        openConsole={form.startOn !== '' && openConsole}
        onClose={onClose}
      />
    </SheetFrame>
  )
}
