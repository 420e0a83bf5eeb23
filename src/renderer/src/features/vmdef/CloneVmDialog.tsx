import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { CloneVmResultSchema, type CloneSource } from '../../../../shared/vmdef'
import { useApi } from '../../api/context'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { SheetFrame } from '../../components/SheetFrame'
import { useAppStore, useKnownVmNames } from '../../store'
import { useSheetJob } from './SheetJob'
import { ChecksThenJob } from './VmJob'
import { initialCloneForm, readCloneForm, type CloneForm } from './wizard-form'
import { Field, NameField, NetworkFields, SizeFields, StartOnField, usePlanFor } from './wizard-parts'
import './vmdef.css'

const NO_POOLS: string[] = []

/** The pool of a VM's RBD disk as the window's inventory has it (the clone's default pool). */
function useSourcePool(source: CloneSource): string | undefined {
  const vm = useAppStore((state) =>
    source.kind === 'vm' ? state.vms.find((candidate) => candidate.uuid === source.uuid) : undefined,
  )
  const inventories = useAppStore((state) => state.inventories)
  if (source.kind === 'snapshot') return source.pool
  return (vm?.definedOn ?? [])
    .map((host) => inventories[host]?.domains.find((domain) => domain.uuid === source.uuid)?.definition)
    .find((found) => found !== undefined)
    ?.disks.find((disk) => disk.device === 'disk' && disk.rbd)?.rbd?.pool
}

/**
 * Cloning (issue 19 item 2) from a VM that is off or from a template (a protected snapshot): the new
 * name checked as the wizard checks one (refused before anything runs), its disk's pool, its network
 * (a new MAC), a template's sizes, an optional flatten and a start; the core's pre-checks for exactly
 * that (one CheckList), then the vm.clone job followed as a creation's.
 */
export function CloneVmDialog({ source, onClose }: { source: CloneSource; onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const pools = useAppStore((state) => state.config?.config?.pools ?? NO_POOLS)
  const hosts = useAppStore((state) => state.config?.hosts)
  const vms = useAppStore((state) => state.vms)
  const knownNames = useKnownVmNames()
  const vm = source.kind === 'vm' ? vms.find((candidate) => candidate.uuid === source.uuid) : undefined
  const sourcePool = useSourcePool(source)
  const [form, setForm] = useState<CloneForm>(initialCloneForm)
  const [openConsole, setOpenConsole] = useState(true)
  const sheetJob = useSheetJob()
  const { jobId, job } = sheetJob
  // Once its job started, the form is what was sent: the new VM must not make its own name "taken".
  // Before the VMs are read (a template's clone opens from the storage view), no name can be checked.
  const { issues, params } = readCloneForm(form, source, jobId ? [] : knownNames)
  const key = params ? JSON.stringify(params) : ''
  const planState = usePlanFor(
    (forParams: NonNullable<typeof params>) => api.call('vm.clonePlan', forParams),
    params,
    key,
  )
  /** The plan when it answers the form as it is now. */
  const fresh = planState.current ? planState.plan : null
  const set = <K extends keyof CloneForm>(field: K, value: CloneForm[K]) =>
    setForm((previous) => ({ ...previous, [field]: value }))

  const jobRunning = job?.state === 'running'
  const sourceName =
    source.kind === 'vm' ? (vm?.name ?? source.uuid) : `${source.pool}/${source.image}@${source.snapshot}`
  const runningOn = [...new Set([...(vm?.runningOn ?? []), ...(vm?.lastKnownRunningOn ?? [])])]

  const result = CloneVmResultSchema.safeParse(job?.result)
  const cloned = job?.state === 'succeeded' && result.success ? result.data : null

  return (
    <SheetFrame
      id="vm-clone"
      title={
        source.kind === 'vm'
          ? t('vmClone.titleVm', { name: sourceName })
          : t('vmClone.titleTemplate', { template: sourceName })
      }
      closeLabel={t('vmClone.close')}
      onClose={onClose}
      closeDisabled={jobRunning}
      className="vm-wizard"
    >
      <p className="muted">
        {source.kind === 'vm' ? t('vmClone.introVm', { name: sourceName }) : t('vmClone.introTemplate')}
      </p>
      {runningOn.length > 0 && (
        <p className="warning" role="alert" data-testid="vm-clone-running">
          {t('vmClone.running', { name: sourceName, hosts: runningOn.join(', ') })}
        </p>
      )}
      <fieldset className="wizard-form" disabled={job !== undefined} data-testid="vm-clone-form">
        <NameField
          prefix="vm-clone"
          label={t('vmClone.name')}
          name={form.name}
          issue={issues.name}
          onChange={(name) => set('name', name)}
        />
        <Field label={t('vmClone.pool')}>
          <select
            value={form.pool}
            onChange={(event) => set('pool', event.target.value)}
            data-testid="vm-clone-pool"
            translate="no"
          >
            <option value="">
              {sourcePool
                ? t('vmClone.sameAsSource', { pool: sourcePool })
                : t('vmClone.sameAsSourceUnknown')}
            </option>
            {pools
              .filter((pool) => pool !== sourcePool)
              .map((pool) => (
                <option key={pool} value={pool}>
                  {pool}
                </option>
              ))}
          </select>
        </Field>
        {source.kind === 'vm' ? (
          <Field label={t('vmClone.kept')}>
            <span data-testid="vm-clone-kept">
              {fresh?.vcpus !== undefined && fresh.memoryMiB !== undefined
                ? t('vmClone.keptFromPlan', {
                    vcpus: fresh.vcpus,
                    memory: fresh.memoryMiB,
                    machine: fresh.machine ?? '?',
                    name: sourceName,
                  })
                : t('vmClone.keptUnknown', { name: sourceName })}
            </span>
          </Field>
        ) : (
          <SizeFields prefix="vm-clone" form={form} issues={issues} set={set} />
        )}
        <NetworkFields
          prefix="vm-clone"
          form={form}
          issues={issues}
          set={set}
          onNetwork={(kind) => {
            if (kind !== 'ovh') set('network', kind)
          }}
          generatedMac={fresh?.mac}
        />
        {/* Not a Field: its checkbox has its own label. */}
        <div className="wizard-field">
          <span className="wizard-label">{t('vmClone.flattenLabel')}</span>
          <span className="wizard-input">
            <Consent
              checked={form.flatten}
              onChange={(flatten) => set('flatten', flatten)}
              testId="vm-clone-flatten"
            >
              {t('vmClone.flatten')}
            </Consent>
            <span className="muted small">{t('vmClone.flattenHelp')}</span>
          </span>
        </div>
        <StartOnField
          prefix="vm-clone"
          hosts={hosts?.map((host) => host.name) ?? []}
          startOn={form.startOn}
          onStartOn={(host) => set('startOn', host)}
          openConsole={openConsole}
          onOpenConsole={setOpenConsole}
        />
      </fieldset>

      <ChecksThenJob
        kind="clone"
        ready={params !== null}
        waitingForVms={knownNames === null && !jobId}
        planState={planState}
        sheetJob={sheetJob}
        submitLabel={t('vmClone.submit', { name: form.name || '…' })}
        onSubmit={() => {
          if (params) void sheetJob.start(async () => (await api.call('vm.clone', params)) as Job)
        }}
        name={params?.name ?? form.name}
        openConsole={form.startOn !== '' && openConsole}
        onClose={onClose}
        done={
          cloned && (
            <p className={cloned.flattenError ? 'warning' : undefined} data-testid="vm-clone-flatten-result">
              {cloned.flattenError ? (
                <>
                  {t('vmClone.flattenFailed')} <Data>{cloned.flattenError}</Data>
                </>
              ) : (
                t(cloned.flattened ? 'vmClone.flattened' : 'vmClone.dependsOn', {
                  image: cloned.image,
                  parent: cloned.parent,
                })
              )}
            </p>
          )
        }
      />
    </SheetFrame>
  )
}
