import { nameIssue, type NameIssue } from '../../../../shared/names'
import { IPV4_PATTERN } from '../../../../shared/validators'
import {
  ISO_PATH_PATTERN,
  macIssue,
  normaliseMac,
  type CloneSource,
  type CloneVmParams,
  type CreateVmParams,
  type MacIssue,
  type NetworkChoice,
  DOMAIN_TYPES,
} from '../../../../shared/vmdef'
import type { KeyboardLayout } from '../../../../shared/keyboard'
import { readSize } from '../storage/inputs'

/** What the creation wizard's fields hold, as typed. */
export interface WizardForm {
  name: string
  pool: string
  size: string
  vcpus: string
  memoryMiB: string
  /** ovh: a failover IP of the OVH account, its virtual MAC reused or created by the job. */
  network: 'ovh' | 'failover' | 'ripe'
  mac: string
  failoverIp: string
  /** The OVH failover IP chosen, and the host its block routes to (where the VM runs). */
  ovhIp: string
  ovhHost: string
  bridge: string
  iso: string
  domainType: (typeof DOMAIN_TYPES)[number]
  keyboardLayout: KeyboardLayout
  startOn: string
}

/**
 * The runbook's defaults: 2 vCPU, 1 GiB, failover network on br0, and the cluster file's guest
 * keyboard layout (guestKeyboardLayout: French unless the file says otherwise).
 */
export function initialForm(pools: readonly string[], keyboardLayout: KeyboardLayout = 'fr'): WizardForm {
  return {
    name: '',
    pool: pools[0] ?? '',
    size: '20',
    vcpus: '2',
    memoryMiB: '1024',
    network: 'failover',
    mac: '',
    failoverIp: '',
    ovhIp: '',
    ovhHost: '',
    bridge: 'br0',
    iso: '',
    domainType: 'kvm',
    keyboardLayout,
    startOn: '',
  }
}

export const VCPU_RANGE = { min: 1, max: 64 } as const
export const MEMORY_RANGE = { min: 64, max: 1024 * 1024 } as const

/** Each field's problem, as the window says it (i18n keys and their values); absent when fine. */
export interface FormIssues {
  /** 'reading': a valid name, but the window does not know the cluster's VMs yet (taken or not). */
  name?: NameIssue | { rule: 'taken' } | { rule: 'reading' }
  size?: 'storage.invalid.size' | 'storage.invalid.sizeStep'
  vcpus?: true
  memoryMiB?: true
  mac?: MacIssue
  failoverIp?: true
  /** OVH's choice made with no failover IP chosen. */
  ovhIp?: true
  iso?: true
}

function wholeIn(text: string, range: { min: number; max: number }): number | null {
  if (!/^\d+$/.test(text.trim())) return null
  const value = Number(text.trim())
  return value >= range.min && value <= range.max ? value : null
}

/** The network fields the wizard and the clone dialog share, as typed. */
export interface NetworkForm extends Pick<WizardForm, 'mac' | 'failoverIp'> {
  network: 'failover' | 'ripe'
}

/**
 * The name's broken rule (or a VM the window knows already has it), into `issues`. `takenNames` null:
 * the window has not read the cluster's VMs yet, so whether the name is taken is not known.
 */
function readName(name: string, takenNames: readonly string[] | null, issues: FormIssues): void {
  const broken = nameIssue(name)
  if (broken) issues.name = broken
  else if (takenNames === null) issues.name = { rule: 'reading' }
  else if (takenNames.includes(name)) issues.name = { rule: 'taken' }
}

/** The network choice as the contract takes it; a bad MAC or failover IP goes into `issues`. */
function readNetwork(form: NetworkForm, issues: FormIssues): NetworkChoice {
  if (form.network === 'ripe') return { kind: 'ripe' }
  const mac = normaliseMac(form.mac)
  const failoverIp = form.failoverIp.trim()
  const problem = macIssue(mac)
  if (problem) issues.mac = problem
  if (failoverIp !== '' && !IPV4_PATTERN.test(failoverIp)) issues.failoverIp = true
  return { kind: 'failover', mac, ...(failoverIp ? { failoverIp } : {}) }
}

/**
 * The form read: each field's problem (the name's broken rule first of all, live), and the
 * parameters of vm.createPlan / vm.create when nothing is wrong. `takenNames` are the VMs the window
 * already knows (the pre-checks ask every host again).
 */
export function readForm(
  form: WizardForm,
  takenNames: readonly string[] | null,
): { issues: FormIssues; params: CreateVmParams | null } {
  const issues: FormIssues = {}
  readName(form.name, takenNames, issues)
  const size = readSize(form.size)
  if ('error' in size) issues.size = size.error
  const vcpus = wholeIn(form.vcpus, VCPU_RANGE)
  if (vcpus === null) issues.vcpus = true
  const memoryMiB = wholeIn(form.memoryMiB, MEMORY_RANGE)
  if (memoryMiB === null) issues.memoryMiB = true
  const network: CreateVmParams['network'] =
    form.network === 'ovh'
      ? { kind: 'ovh', failoverIp: form.ovhIp, host: form.ovhHost }
      : readNetwork({ ...form, network: form.network }, issues)
  if (form.network === 'ovh' && (form.ovhIp === '' || form.ovhHost === '')) issues.ovhIp = true
  const iso = form.iso.trim()
  if (iso !== '' && (!ISO_PATH_PATTERN.test(iso) || iso.split('/').includes('..'))) issues.iso = true
  if (Object.keys(issues).length > 0 || !('bytes' in size) || vcpus === null || memoryMiB === null)
    return { issues, params: null }
  return {
    issues,
    params: {
      name: form.name,
      pool: form.pool,
      sizeBytes: size.bytes,
      vcpus,
      memoryMiB,
      network,
      bridge: form.bridge,
      ...(iso ? { iso } : {}),
      keyboardLayout: form.keyboardLayout,
      domainType: form.domainType,
      ...(form.startOn ? { startOn: form.startOn } : {}),
    },
  }
}

/**
 * What the clone dialog's fields hold, as typed. A template's clone also takes its sizes and
 * acceleration (a VM's clone keeps its source's).
 */
export interface CloneForm extends NetworkForm {
  name: string
  /** '' = the source's own pool. */
  pool: string
  vcpus: string
  memoryMiB: string
  domainType: (typeof DOMAIN_TYPES)[number]
  flatten: boolean
  startOn: string
}

export function initialCloneForm(): CloneForm {
  return {
    name: '',
    pool: '',
    network: 'failover',
    mac: '',
    failoverIp: '',
    vcpus: '2',
    memoryMiB: '1024',
    domainType: 'kvm',
    flatten: false,
    startOn: '',
  }
}

/**
 * The clone dialog read as the wizard's form is: the name's rule live (refused before anything
 * runs), the network, a template's sizes; the parameters of vm.clonePlan / vm.clone when fine.
 */
export function readCloneForm(
  form: CloneForm,
  source: CloneSource,
  takenNames: readonly string[] | null,
): { issues: FormIssues; params: CloneVmParams | null } {
  const issues: FormIssues = {}
  readName(form.name, takenNames, issues)
  const network = readNetwork(form, issues)
  const template = source.kind === 'snapshot'
  const vcpus = template ? wholeIn(form.vcpus, VCPU_RANGE) : null
  const memoryMiB = template ? wholeIn(form.memoryMiB, MEMORY_RANGE) : null
  if (template && vcpus === null) issues.vcpus = true
  if (template && memoryMiB === null) issues.memoryMiB = true
  if (Object.keys(issues).length > 0) return { issues, params: null }
  return {
    issues,
    params: {
      source,
      name: form.name,
      ...(form.pool ? { pool: form.pool } : {}),
      network,
      ...(template && vcpus !== null && memoryMiB !== null
        ? { vcpus, memoryMiB, domainType: form.domainType }
        : {}),
      flatten: form.flatten,
      ...(form.startOn ? { startOn: form.startOn } : {}),
    },
  }
}
