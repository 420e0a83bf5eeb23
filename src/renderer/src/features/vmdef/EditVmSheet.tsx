import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import {
  BOOT_DEVICES,
  VmEditPlanSchema,
  VmEditResultSchema,
  type BootDevice,
  type VmEditChanges,
  type VmEditPlan,
} from '../../../../shared/vmedit'
import { useApi } from '../../api/context'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import { MessageText } from '../../components/MessageText'
import { SheetFrame } from '../../components/SheetFrame'
import { DiskPlanSummary, diskChanges, EditDisks, emptyDisksForm, type DisksForm } from './EditDisks'
import { EditNics, NicPlanSummary, nicChanges, nicsFormOf, type NicsForm } from './EditNics'
import { fieldNames } from './PendingMarker'
import { SheetJobStatus, useSheetJob } from './SheetJob'
import { useAppStore } from '../../store'
import './vmdef.css'

/** The boot orders offered (the runbook's is disk then CD-ROM). */
const BOOT_ORDERS: BootDevice[][] = [
  ['hd', 'cdrom'],
  ['cdrom', 'hd'],
  ['hd'],
  ['network', 'hd'],
  ['hd', 'network'],
]

interface Form {
  vcpus: string
  maxVcpus: string
  memoryMiB: string
  maxMemoryMiB: string
  description: string
  bootOrder: string
  cdroms: Record<string, string>
  autostartOn: string
  disks: DisksForm
  nics: NicsForm
}

function formOf(plan: VmEditPlan): Form | null {
  const s = plan.settings
  if (!s) return null
  return {
    vcpus: String(s.vcpus),
    maxVcpus: String(s.maxVcpus),
    memoryMiB: String(s.memoryMiB),
    maxMemoryMiB: String(s.maxMemoryMiB),
    description: s.description,
    bootOrder: s.bootOrder.join(','),
    cdroms: Object.fromEntries(s.cdroms.map((cdrom) => [cdrom.target, cdrom.iso ?? ''])),
    autostartOn: plan.hosts.find((host) => host.autostart)?.host ?? '',
    disks: emptyDisksForm(),
    nics: nicsFormOf(plan),
  }
}

const whole = (text: string): number | null => (/^\d+$/.test(text.trim()) ? Number(text) : null)

/** Only what differs from the definition as read: the core changes nothing else. */
function changesOf(form: Form, plan: VmEditPlan): VmEditChanges | null {
  const s = plan.settings
  if (!s) return null
  const numbers = [form.vcpus, form.maxVcpus, form.memoryMiB, form.maxMemoryMiB].map(whole)
  if (numbers.some((value) => value === null)) return null
  const [vcpus, maxVcpus, memoryMiB, maxMemoryMiB] = numbers as number[]
  const changes: VmEditChanges = {}
  if (vcpus !== s.vcpus) changes.vcpus = vcpus
  if (maxVcpus !== s.maxVcpus) changes.maxVcpus = maxVcpus
  if (memoryMiB !== s.memoryMiB) changes.memoryMiB = memoryMiB
  if (maxMemoryMiB !== s.maxMemoryMiB) changes.maxMemoryMiB = maxMemoryMiB
  if (form.description !== s.description) changes.description = form.description
  if (form.bootOrder !== s.bootOrder.join(',')) changes.bootOrder = form.bootOrder.split(',') as BootDevice[]
  for (const cdrom of s.cdroms) {
    const iso = form.cdroms[cdrom.target]?.trim() ?? ''
    if (iso !== (cdrom.iso ?? '')) changes.cdrom = { target: cdrom.target, iso: iso === '' ? null : iso }
  }
  const autostartNow = plan.hosts.find((host) => host.autostart)?.host ?? ''
  if (form.autostartOn !== autostartNow)
    changes.autostartOn = form.autostartOn === '' ? null : form.autostartOn
  const disks = diskChanges(form.disks)
  const nics = nicChanges(form.nics, plan)
  if (!disks || !nics) return null
  return { ...changes, ...disks, ...nics }
}

/**
 * Editing a VM's definition (issue 19 item 3): the form starts from the definition as every host has
 * it; "Show the changes" asks the core for the diff, each host's hash, what applies live and what
 * waits for a restart; "Apply" sends the same changes with those hashes. When another admin changed a
 * host meanwhile the core refuses and the new differences are shown.
 */
export function EditVmSheet({ uuid, onClose }: { uuid: string; onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const [base, setBase] = useState<VmEditPlan | null>(null)
  const [form, setForm] = useState<Form | null>(null)
  const [preview, setPreview] = useState<VmEditPlan | null>(null)
  const [previewed, setPreviewed] = useState<VmEditChanges | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [mode, setMode] = useState<'form' | 'xml'>('form')
  /** Expert mode: the definition as read (with each host's hash then), and the text being edited. */
  const [xmlBase, setXmlBase] = useState<VmEditPlan | null>(null)
  const [xml, setXml] = useState('')
  /** The plan a "changed meanwhile" refusal carried: its diff is shown. */
  const [changedPlan, setChangedPlan] = useState<VmEditPlan | null>(null)
  const sheetJob = useSheetJob()
  const { job } = sheetJob
  const busy = job?.state === 'running'
  const name = vm?.name ?? base?.name ?? uuid

  async function load(): Promise<void> {
    setError(null)
    try {
      const plan = VmEditPlanSchema.parse(await api.call('vm.editPlan', { uuid, changes: {} }))
      setBase(plan)
      setForm(formOf(plan))
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }
  useEffect(() => {
    void load()
    // Read once when the sheet opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [uuid])

  async function loadXml(): Promise<void> {
    setError(null)
    setXmlBase(null)
    try {
      const plan = VmEditPlanSchema.parse(await api.call('vm.editPlan', { uuid, changes: {}, withXml: true }))
      setXmlBase(plan)
      setXml(plan.xml ?? '')
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  function switchTo(next: 'form' | 'xml'): void {
    setMode(next)
    setPreview(null)
    setPreviewed(null)
    setChangedPlan(null)
    sheetJob.again()
    if (next === 'xml' && !xmlBase) void loadXml()
  }

  // A refusal because a host changed meanwhile carries the new plan: show its differences. In expert
  // mode its hashes become the ones an apply is checked against: the user has seen what changed.
  useEffect(() => {
    if (job?.state !== 'failed' || job.error?.code !== 'vm.edit.changed') return
    const fresh = VmEditPlanSchema.safeParse(job.error.details?.['plan'])
    if (fresh.success) {
      setChangedPlan(fresh.data)
      if (mode === 'form') setBase(fresh.data)
      else setXmlBase((loaded) => (loaded ? { ...loaded, hosts: fresh.data.hosts } : loaded))
      setPreview(null)
      setPreviewed(null)
    }
    // Only when a job ends this way.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.state, job?.error])

  const changes: VmEditChanges | null =
    mode === 'xml' ? (xml.trim() && xmlBase ? { xml } : null) : form && base ? changesOf(form, base) : null
  const fields = (names: readonly string[]) => fieldNames(t, names)

  async function showChanges(): Promise<void> {
    if (!changes) return
    setError(null)
    setChangedPlan(null)
    sheetJob.again()
    try {
      setPreview(VmEditPlanSchema.parse(await api.call('vm.editPlan', { uuid, changes })))
      setPreviewed(changes)
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }

  async function apply(): Promise<void> {
    if (!preview || !previewed) return
    setError(null)
    // Expert mode checks against the hashes of the definition the XML was read from (an edit made
    // since then would be undone by it); the form's changes apply to what the preview read.
    const guard = mode === 'xml' && xmlBase ? xmlBase : preview
    const hashes = Object.fromEntries(
      guard.hosts.flatMap((host) => (host.hash ? [[host.host, host.hash]] : [])),
    )
    // The changes as the plan resolved them (a new card's drawn MAC): the diff shown is what applies.
    await sheetJob.start(
      async () => (await api.call('vm.edit', { uuid, changes: preview.changes, hashes })) as Job,
    )
  }

  const stale = JSON.stringify(changes) !== JSON.stringify(previewed)
  const result = VmEditResultSchema.safeParse(job?.result)
  const set = (patch: Partial<Form>) => setForm((current) => (current ? { ...current, ...patch } : current))
  const number = (key: 'vcpus' | 'maxVcpus' | 'memoryMiB' | 'maxMemoryMiB', label: string) =>
    form && (
      <label className="wizard-field">
        <span className="wizard-label">{label}</span>
        <span className="wizard-input">
          <input
            type="number"
            min={1}
            value={form[key]}
            aria-invalid={whole(form[key]) === null}
            onChange={(event) => set({ [key]: event.target.value })}
            data-testid={`vm-edit-${key}`}
          />
          {whole(form[key]) === null && <span className="wizard-problem">{t('vmEdit.invalidNumber')}</span>}
        </span>
      </label>
    )

  return (
    <SheetFrame
      id="vm-edit"
      title={t('vmEdit.title', { name })}
      closeLabel={t('vmEdit.close')}
      onClose={onClose}
      closeDisabled={busy}
      className="vm-edit"
    >
      <p className="muted">{t('vmEdit.intro', { hosts: (vm?.definedOn ?? []).join(', ') })}</p>
      {!base && !error && <p className="muted">{t('vmEdit.loading')}</p>}
      <div className="vm-edit-modes" role="radiogroup" aria-label={t('vmEdit.modes')}>
        {(['form', 'xml'] as const).map((which) => (
          <label key={which}>
            <input
              type="radio"
              name="vm-edit-mode"
              checked={mode === which}
              disabled={busy}
              onChange={() => switchTo(which)}
              data-testid={`vm-edit-mode-${which}`}
            />{' '}
            {t(which === 'form' ? 'vmEdit.modeForm' : 'vmEdit.modeXml')}
          </label>
        ))}
      </div>
      {mode === 'xml' && (
        <fieldset className="vm-edit-expert" data-testid="vm-edit-expert" disabled={busy}>
          <p className="muted small">{t('vmEdit.xmlIntro')}</p>
          {!xmlBase && !error && <p className="muted">{t('vmEdit.xmlLoading')}</p>}
          {xmlBase && (
            <>
              <label className="vm-edit-xml">
                <span className="wizard-label">{t('vmEdit.xmlLabel')}</span>
                <textarea
                  value={xml}
                  rows={24}
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                  translate="no"
                  lang="en"
                  onChange={(event) => setXml(event.target.value)}
                  data-testid="vm-edit-xml"
                />
              </label>
              <p>
                <button
                  type="button"
                  className="link small"
                  onClick={() => void loadXml()}
                  data-testid="vm-edit-xml-reload"
                >
                  {t('vmEdit.xmlReload')}
                </button>
              </p>
            </>
          )}
        </fieldset>
      )}
      {mode === 'form' && form && base && (
        <fieldset className="wizard-form" data-testid="vm-edit-form" disabled={busy}>
          {number('vcpus', t('vmEdit.vcpus'))}
          {number('maxVcpus', t('vmEdit.maxVcpus'))}
          {number('memoryMiB', t('vmEdit.memory'))}
          {number('maxMemoryMiB', t('vmEdit.maxMemory'))}
          <label className="wizard-field">
            <span className="wizard-label">{t('vmEdit.bootOrder')}</span>
            <span className="wizard-input">
              <select
                value={form.bootOrder}
                onChange={(event) => set({ bootOrder: event.target.value })}
                data-testid="vm-edit-boot"
              >
                {[...new Set([form.bootOrder, ...BOOT_ORDERS.map((order) => order.join(','))])].map(
                  (order) => (
                    <option key={order} value={order}>
                      {order
                        .split(',')
                        .filter((dev): dev is BootDevice => (BOOT_DEVICES as readonly string[]).includes(dev))
                        .map((dev) => t(`vmEdit.boot.${dev}`))
                        .join(' → ')}
                    </option>
                  ),
                )}
              </select>
            </span>
          </label>
          {base.settings?.cdroms.map((cdrom) => (
            <label className="wizard-field" key={cdrom.target}>
              <span className="wizard-label">{t('vmEdit.cdrom', { target: cdrom.target })}</span>
              <span className="wizard-input">
                <input
                  type="text"
                  value={form.cdroms[cdrom.target] ?? ''}
                  placeholder={t('vmEdit.cdromEmpty')}
                  aria-label={t('vmEdit.cdromIso')}
                  onChange={(event) =>
                    set({ cdroms: { ...form.cdroms, [cdrom.target]: event.target.value } })
                  }
                  data-testid={`vm-edit-cdrom-${cdrom.target}`}
                  translate="no"
                />
                <button
                  type="button"
                  onClick={() => set({ cdroms: { ...form.cdroms, [cdrom.target]: '' } })}
                  data-testid={`vm-edit-eject-${cdrom.target}`}
                >
                  {t('vmEdit.eject')}
                </button>
              </span>
            </label>
          ))}
          <EditDisks plan={base} value={form.disks} onChange={(disks) => set({ disks })} />
          <EditNics plan={base} value={form.nics} onChange={(nics) => set({ nics })} />
          <label className="wizard-field">
            <span className="wizard-label">{t('vmEdit.autostart')}</span>
            <span className="wizard-input">
              <select
                value={form.autostartOn}
                onChange={(event) => set({ autostartOn: event.target.value })}
                data-testid="vm-edit-autostart"
              >
                <option value="">{t('vmEdit.autostartNone')}</option>
                {base.hosts.map((host) => (
                  <option key={host.host} value={host.host} translate="no">
                    {host.host}
                  </option>
                ))}
              </select>
              <span className="muted small">{t('vmEdit.autostartHelp')}</span>
            </span>
          </label>
          <label className="wizard-field">
            <span className="wizard-label">{t('vmEdit.description')}</span>
            <span className="wizard-input">
              <textarea
                rows={2}
                cols={48}
                value={form.description}
                onChange={(event) => set({ description: event.target.value })}
                data-testid="vm-edit-description"
              />
            </span>
          </label>
        </fieldset>
      )}
      {((mode === 'form' && form) || (mode === 'xml' && xmlBase)) && (
        <p className="sheet-actions">
          <button
            type="button"
            disabled={busy || !changes}
            onClick={() => void showChanges()}
            data-testid="vm-edit-preview"
          >
            {t('vmEdit.preview')}
          </button>{' '}
          <button
            type="button"
            className="primary"
            disabled={busy || !preview?.canApply || stale}
            onClick={() => void apply()}
            data-testid="vm-edit-apply"
          >
            {t('vmEdit.apply')}
          </button>
        </p>
      )}
      {preview && (
        <div className={stale ? 'stale' : undefined} data-testid="vm-edit-plan">
          {preview.refusals.length > 0 && (
            <div className="warning" role="alert" data-testid="vm-edit-refusals">
              <p>{t('vmEdit.refused')}</p>
              <ul>
                {preview.refusals.map((refusal, index) => (
                  <li key={`${refusal.code}:${index}`}>
                    <MessageText message={refusal} />
                  </li>
                ))}
              </ul>
            </div>
          )}
          {preview.runningOn && preview.live.length > 0 && (
            <p data-testid="vm-edit-live">
              {t('vmEdit.live', { host: preview.runningOn, fields: fields(preview.live) })}
            </p>
          )}
          {preview.pending.length > 0 && (
            <p className="warning" data-testid="vm-edit-pending">
              {t('vmEdit.pending', { fields: fields(preview.pending) })}
            </p>
          )}
          <DiskPlanSummary plan={preview} />
          <NicPlanSummary plan={preview} />
          {preview.autostart.enable.length + preview.autostart.disable.length > 0 && (
            <p>
              {t('vmEdit.autostartChange', {
                enable: preview.autostart.enable.join(', ') || '—',
                disable: preview.autostart.disable.join(', ') || '—',
              })}
            </p>
          )}
          <h2 className="small">{t('vmEdit.diffTitle')}</h2>
          {preview.passwords.length > 0 && (
            <ul data-testid="vm-edit-passwords">
              {preview.passwords.map((message, index) => (
                <li key={index}>
                  <MessageText message={message} />
                </li>
              ))}
            </ul>
          )}
          {preview.diff ? (
            <Data>
              <pre className="diff" data-testid="vm-edit-diff" translate="no">
                {preview.diff}
              </pre>
            </Data>
          ) : (
            preview.passwords.length === 0 && <p className="muted">{t('vmEdit.noDiff')}</p>
          )}
        </div>
      )}
      {job && (
        <SheetJobStatus
          job={job}
          prefix="vm-edit"
          running={t('vmEdit.applying')}
          failedTitle={t('vmEdit.failed')}
          succeeded={
            result.success && (
              <>
                <p>{t('vmEdit.done', { hosts: result.data.hosts.join(', ') })}</p>
                {result.data.pending.length > 0 && (
                  <p className="warning" data-testid="vm-edit-done-pending">
                    {t('vmEdit.pending', { fields: fields(result.data.pending) })}
                  </p>
                )}
              </>
            )
          }
          failed={
            job.error?.code === 'vm.edit.changed' &&
            changedPlan && (
              <>
                <p className="warning">{t(mode === 'xml' ? 'vmEdit.xmlChanged' : 'vmEdit.changed')}</p>
                {changedPlan.diff && (
                  <Data>
                    <pre className="diff" data-testid="vm-edit-new-diff" translate="no">
                      {changedPlan.diff}
                    </pre>
                  </Data>
                )}
                {changedPlan.refusals.map((refusal, index) => (
                  <p key={`${refusal.code}:${index}`}>
                    <MessageText message={refusal} />
                  </p>
                ))}
              </>
            )
          }
        />
      )}
      {sheetJob.startError && <ErrorBox error={sheetJob.startError} testId="vm-edit-error" />}
      {error && <ErrorBox error={error} testId="vm-edit-error" />}
    </SheetFrame>
  )
}
