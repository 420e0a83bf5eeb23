import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import type { HostState } from '../../../shared/hosts'
import type { DomainDefinition, DomainState } from '../../../shared/inventory'
import type { MigrationCheck, MigrationPlan } from '../../../shared/migration'
import {
  migrationCheckMessage,
  type MigrationCheckParams,
  type MigrationCheckText,
} from '../../../shared/migration-checks'
import { isUuid } from '../../../shared/names'
import { canonicalDomainXml, parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { isActive } from '../inventory/cluster-model'
import { parseNodememstats, stateFromWord } from '../inventory/virsh-parse'
import { migrationFollowUps } from './follow-ups'
import { jobActive, parseDomjobinfo } from './progress'
import { pathsArgv, presentPaths, sectionError, sectionText, type Sections } from '../remote/framing'

/**
 * The pre-checks of a live migration, each pass/warn/fail with its reason, read fresh from the source,
 * the destination and every other host (see planMigration for the execs): the destination is online and defines the VM
 * with the same UUID and the same definition (no drift), has the memory, the bridges, the ISO, the
 * Ceph secret with a value and the CPU model; the VM does not run there and has no managed save.
 */

export interface MigrationDeps {
  runner: RemoteRunner
  inventory: InventoryService
  /** The core's per-VM lock, shared with start/shutdown so they never interleave with a migration. */
  vmLocks: KeyedMutex
  hostNames(): string[]
  /** The host as configured: migration address, gateway. */
  hostConfig(name: string): ResolvedHost | undefined
  /** Connection state and the doctor's last report. */
  hostState(name: string): HostState | undefined
  audit(host: string, action: string, vm: string): Promise<void>
}

export interface PlanRequest {
  uuid: string
  from?: string
  to: string
}

/** What the migration itself needs from the plan besides what the UI sees. */
export interface PlanDetails {
  plan: MigrationPlan
  definition?: DomainDefinition
}

const MiB = 1024

export function checkHostName(deps: Pick<MigrationDeps, 'hostNames'>, host: string, role: string): void {
  if (!deps.hostNames().includes(host)) {
    throw new ApiError({
      code: 'host.unknown',
      host,
      message: `No host named ${JSON.stringify(host)} in the cluster file (${role}).`,
      hint: `Known hosts: ${deps.hostNames().join(', ') || 'none'}.`,
    })
  }
}

export function checkUuid(uuid: string): void {
  if (!isUuid(uuid))
    throw new ApiError({ code: 'vm.invalid-uuid', message: `Not a VM UUID: ${JSON.stringify(uuid)}` })
}

/** The host part of a libvirt URI: IPv6 addresses in brackets. */
export function uriHost(address: string): string {
  if (!/^[A-Za-z0-9.:-]+$/.test(address) || address.startsWith('-'))
    throw new ApiError({
      code: 'config.invalid-address',
      message: `Migration address ${JSON.stringify(address)} is not a host name or an IP address.`,
    })
  return address.includes(':') ? `[${address}]` : address
}

function attributeValues(xml: string, element: string, attribute: string): string[] {
  const pattern = new RegExp(`<${element}\\b[^>]*\\b${attribute}=(['"])([^'"]*)\\1`, 'g')
  return [...xml.matchAll(pattern)].map((match) => match[2] ?? '')
}

export async function planMigration(deps: MigrationDeps, request: PlanRequest): Promise<PlanDetails> {
  checkUuid(request.uuid)
  checkHostName(deps, request.to, 'destination')
  if (request.from !== undefined) checkHostName(deps, request.from, 'source')
  const uuid = request.uuid.toLowerCase()
  const to = request.to
  const destinationState = deps.hostState(to)
  const destinationOnline = destinationState?.status === 'online'
  const online = (host: string) => deps.hostState(host)?.status === 'online'

  // Everything is read fresh, in one round of questions in parallel, each to its host's long-lived
  // virsh session (remote/virsh-session.ts; no virsh start per question): the source (its definitions, job
  // and state); the destination's side — at once when this VM was planned before (see lastNeeds),
  // else as soon as the source's definition is known; and the VM's state on every other online host
  // (a copy started there behind the inventory's back would run twice). The inventory only says where
  // to look first; a wrong guess costs one more round.
  const cached = deps.inventory.vm(uuid)
  const guess = request.from ?? cached?.runningOn[0]
  const ahead = destinationOnline ? readDestinationAhead(deps, to, uuid) : undefined
  const inspect = (host: string) =>
    inspectSource(deps, { uuid, host, to, name: cached?.name, destinationOnline, ahead })
  const early = guess !== undefined && guess !== to ? inspect(guess) : undefined
  const elsewhere = deps
    .hostNames()
    // The destination's state comes with its read-ahead, when there is one.
    .filter((host) => (early === undefined || host !== guess) && (ahead === undefined || host !== to))
    .filter(online)
    .map((host) => domainState(deps.runner, host, uuid).then((state) => [host, state] as const))
  const [stateList, earlySource, aheadRead] = await Promise.all([
    Promise.all(elsewhere),
    early,
    ahead?.catch(() => undefined),
  ])
  const states = new Map<string, DomainState | null | undefined>(stateList)
  if (ahead)
    states.set(to, aheadRead ? sectionState(aheadRead.sections) : await domainState(deps.runner, to, uuid))
  let source = earlySource
  if (source && guess !== undefined) states.set(guess, source.state)

  // In the cluster file's order, as the inventory lists them.
  const hosts = deps.hostNames()
  const runningOn = hosts.filter((host) => {
    const state = states.get(host)
    return state ? isActive(state) : false
  })
  const definedOn = hosts.filter((host) => states.get(host))
  if (definedOn.length === 0 && !source?.definition) {
    throw new ApiError({
      code: 'vm.unknown',
      message: `No VM with UUID ${uuid} on any reachable host.`,
      hint: 'Refresh the inventory; check that the hosts are online.',
    })
  }
  const from = request.from ?? runningOn[0] ?? guess ?? definedOn[0] ?? to
  if (from === to) {
    throw new ApiError({
      code: 'vm.migrate.same-host',
      host: to,
      message: `${cached?.name ?? source?.definition?.name ?? uuid} would migrate from ${from} to itself: choose another destination.`,
    })
  }
  if (from !== guess || !source) source = await inspect(from)
  const name = cached?.name ?? source.definition?.name ?? uuid

  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  if (runningOn.length > 1)
    add('source-running', 'fail', 'sourceRunningTwice', { name, hosts: runningOn.join(', ') })
  else if (runningOn[0] === from) add('source-running', 'pass', 'sourceRunning', { name, from })
  else if (runningOn[0])
    add('source-running', 'fail', 'sourceRunningElsewhere', { name, host: runningOn[0], from })
  else add('source-running', 'fail', 'sourceNotRunning', { name, to })
  if (destinationOnline) add('destination-online', 'pass', 'destinationOnline', { to })
  else
    add('destination-online', 'fail', 'destinationNotOnline', {
      to,
      status: destinationState?.status ?? 'unknown',
      reason: destinationState?.error ? ` (${destinationState.error.message})` : '',
    })

  const toConfig = deps.hostConfig(to)
  const fromConfig = deps.hostConfig(from)
  const migrationAddress = toConfig?.migrationAddress ?? to
  if (toConfig && toConfig.migrationAddress === toConfig.hostname)
    add('migration-address', 'warn', 'migrationAddressShared', { to, address: migrationAddress })
  else add('migration-address', 'pass', 'migrationAddress', { to, address: migrationAddress })

  checks.push(...source.checks)
  const definition = source.definition
  const followUps = migrationFollowUps({
    ...(definition?.hyperdesk['failoverIp'] ? { failoverIp: definition.hyperdesk['failoverIp'] } : {}),
    ...(fromConfig?.gateway ? { oldGateway: fromConfig.gateway } : {}),
    ...(toConfig?.gateway ? { newGateway: toConfig.gateway } : {}),
  })
  const persistent = source.destination?.persistent ?? false
  checks.push(...(source.destination?.checks ?? []))
  if (followUps.failoverIp) add('failover-ip', 'warn', 'failoverIp', { ip: followUps.failoverIp, to })

  const canStart = !checks.some((check) => check.status === 'fail')
  return {
    plan: { uuid, name, from, to, checks, canStart, persistent, followUps },
    ...(definition ? { definition } : {}),
  }
}

/** A batch's 'state' section (domstate): null when the VM is not defined there, undefined when unknown. */
function sectionState(sections: Sections): DomainState | null | undefined {
  const text = sectionText(sections, 'state')
  if (text !== undefined) return stateFromWord(text)
  return /failed to get domain|[Dd]omain not found/.test(sectionError(sections, 'state') ?? '')
    ? null
    : undefined
}

/** The VM's state on a host from `virsh domstate`: null when not defined there, undefined when unknown. */
async function domainState(
  runner: RemoteRunner,
  host: string,
  uuid: string,
): Promise<DomainState | null | undefined> {
  const sections = await runner
    .virshQuery(host, [{ id: 'state', command: ['domstate', uuid] }], {
      step: `read the VM's state on ${host}`,
    })
    .catch(() => undefined)
  return sections ? sectionState(sections) : undefined
}

interface SourceFindings {
  /** The VM's state on the source (null: not defined there; undefined: could not be read). */
  state: DomainState | null | undefined
  definition?: DomainDefinition
  /** The source's own checks (job running, definition readable). */
  checks: MigrationCheck[]
  /** The destination's checks, run as soon as the source's definition was known. */
  destination?: { checks: MigrationCheck[]; persistent: boolean }
}

/**
 * The source's side in one query — what will be migrated (live XML), its inactive definition (to
 * compare), any job running, its state — then at once the destination's checks, which depend on it.
 */
async function inspectSource(
  deps: MigrationDeps,
  input: {
    uuid: string
    host: string
    to: string
    name: string | undefined
    destinationOnline: boolean
    ahead: Promise<DestinationRead> | undefined
  },
): Promise<SourceFindings> {
  const { uuid, host: from, to } = input
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  let sections: Sections
  try {
    sections = await deps.runner.virshQuery(
      from,
      [
        { id: 'inactive', command: ['dumpxml', '--inactive', uuid] },
        { id: 'live', command: ['dumpxml', uuid] },
        { id: 'job', command: ['domjobinfo', uuid] },
        { id: 'state', command: ['domstate', uuid] },
      ],
      { step: `read the VM's definition on ${from}` },
    )
  } catch (error) {
    const name = input.name ?? uuid
    add('source-readable', 'fail', 'sourceUnreadable', { name, from, error: ApiError.from(error).message })
    return { state: undefined, checks }
  }
  const state = sectionState(sections)
  const sourceInactive = sectionText(sections, 'inactive')
  const liveXml = sectionText(sections, 'live') || sourceInactive
  let definition: DomainDefinition | undefined
  let parseProblem: string | undefined
  try {
    if (liveXml) definition = parseDomainXml(liveXml, { host: from, vm: input.name ?? uuid })
  } catch (error) {
    parseProblem = (error as Error).message
  }
  const name = input.name ?? definition?.name ?? uuid
  const job = sectionText(sections, 'job')
  if (job !== undefined && jobActive(parseDomjobinfo(job)))
    add('source-job', 'fail', 'sourceJob', {
      name,
      from,
      operation: parseDomjobinfo(job).operation ?? 'another operation',
    })
  if (parseProblem !== undefined)
    add('source-readable', 'fail', 'sourceUnparsable', { name, from, error: parseProblem })
  if (!sourceInactive)
    add('source-readable', 'fail', 'sourceDefinitionUnreadable', {
      name,
      from,
      error: sectionError(sections, 'inactive') ?? '',
    })
  const findings: SourceFindings = { state, checks, ...(definition ? { definition } : {}) }
  if (input.destinationOnline && definition && sourceInactive) {
    findings.destination = await checkDestination(
      deps,
      { uuid, name, from, to, definition, sourceInactive, liveXml: liveXml ?? '' },
      input.ahead,
    )
  }
  return findings
}

interface DestinationInput {
  uuid: string
  name: string
  from: string
  to: string
  definition: DomainDefinition
  sourceInactive: string
  liveXml: string
}

/** What the destination must be asked about, from the VM's definition as it runs on the source. */
interface DestinationNeeds {
  secrets: string[]
  networks: string[]
  /** The virt type whose CPU models to list, when the VM names a CPU model (cpu mode custom). */
  domcapsType?: string
  bridges: string[]
  isos: string[]
}

function destinationNeeds(definition: DomainDefinition, liveXml: string): DestinationNeeds {
  const cpuMode = attributeValues(liveXml, 'cpu', 'mode')[0]
  return {
    secrets: [...new Set(attributeValues(liveXml, 'secret', 'uuid'))].filter((s) =>
      /^[0-9a-f-]{36}$/i.test(s),
    ),
    networks: [...new Set(definition.nics.flatMap((nic) => (nic.network ? [nic.network] : [])))],
    ...(cpuMode === 'custom' || cpuMode === undefined ? { domcapsType: definition.type || 'kvm' } : {}),
    bridges: [...new Set(definition.nics.flatMap((nic) => (nic.bridge ? [nic.bridge] : [])))],
    isos: definition.disks.filter((disk) => disk.device === 'cdrom' && disk.file).map((disk) => disk.file!),
  }
}

/** Whether a read made for `asked` answers everything `needed` asks. */
function covers(asked: DestinationNeeds, needed: DestinationNeeds): boolean {
  const all = (have: string[], want: string[]) => want.every((item) => have.includes(item))
  return (
    all(asked.secrets, needed.secrets) &&
    all(asked.networks, needed.networks) &&
    all(asked.bridges, needed.bridges) &&
    all(asked.isos, needed.isos) &&
    (needed.domcapsType === undefined || needed.domcapsType === asked.domcapsType)
  )
}

interface DestinationRead {
  needs: DestinationNeeds
  sections: Sections
  present: Set<string>
}

/** The destination's side, fresh: its definition, state, memory, secrets, networks, CPU models, paths. */
async function readDestination(
  deps: MigrationDeps,
  to: string,
  uuid: string,
  needs: DestinationNeeds,
): Promise<DestinationRead> {
  const sections = [
    { id: 'inactive', command: ['dumpxml', '--inactive', uuid] },
    { id: 'state', command: ['domstate', uuid] },
    { id: 'info', command: ['dominfo', uuid] },
    { id: 'memory', command: ['nodememstats'] },
    ...needs.secrets.map((secret) => ({ id: `secret:${secret}`, command: ['secret-get-value', secret] })),
    ...needs.networks.map((network, index) => ({ id: `net:${index}`, command: ['net-info', network] })),
    ...(needs.domcapsType
      ? [{ id: 'domcaps', command: ['domcapabilities', '--virttype', needs.domcapsType] }]
      : []),
  ]
  const paths = [...needs.bridges.map((bridge) => `/sys/class/net/${bridge}/bridge`), ...needs.isos]
  const step = `pre-checks on ${to}`
  const [answers, present] = await Promise.all([
    deps.runner.virshQuery(to, sections, { step }),
    paths.length === 0
      ? new Set<string>()
      : deps.runner
          .run(to, pathsArgv(paths), { timeoutSeconds: 15, step })
          .then((result) => presentPaths(result.stdout, paths)),
  ])
  return { needs, sections: answers, present }
}

/**
 * What the last plan of each VM had to ask its destination. The next plan of that VM (typically the
 * migration right after the user saw its plan) asks a destination the same at once, in parallel with
 * the source; if the VM's definition now needs more, the destination is asked again. Only the shape
 * of the questions is reused: every answer is read fresh.
 */
const lastNeeds = new Map<string, DestinationNeeds>()
const LAST_NEEDS_KEPT = 1000

/** The destination read ahead with what the last plan of this VM needed, if there was one. */
export function readDestinationAhead(
  deps: MigrationDeps,
  to: string,
  uuid: string,
): Promise<DestinationRead> | undefined {
  const needs = lastNeeds.get(uuid)
  if (!needs) return undefined
  const read = readDestination(deps, to, uuid, needs)
  read.catch(() => undefined) // judged (or replaced) by checkDestination
  return read
}

/** The destination's checks, and whether its definition equals the source's (→ --persistent). */
async function checkDestination(
  deps: MigrationDeps,
  input: DestinationInput,
  ahead: Promise<DestinationRead> | undefined,
): Promise<{ checks: MigrationCheck[]; persistent: boolean }> {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const { uuid, name, from, to, definition, liveXml } = input
  const needs = destinationNeeds(definition, liveXml)
  lastNeeds.delete(uuid)
  lastNeeds.set(uuid, needs)
  if (lastNeeds.size > LAST_NEEDS_KEPT) lastNeeds.delete(lastNeeds.keys().next().value!)
  const { secrets, networks, bridges, isos } = needs
  const localDisks = definition.disks.filter((disk) => disk.device !== 'cdrom' && !disk.rbd)
  let read: DestinationRead
  try {
    const early = ahead ? await ahead.catch(() => undefined) : undefined
    read = early && covers(early.needs, needs) ? early : await readDestination(deps, to, uuid, needs)
  } catch (error) {
    add('destination-readable', 'fail', 'destinationUnreadable', { to, error: ApiError.from(error).message })
    return { checks, persistent: false }
  }
  const { sections: destination, present } = read
  const cpuMode = attributeValues(liveXml, 'cpu', 'mode')[0]

  const destinationInactive = sectionText(destination, 'inactive')
  let persistent = false
  if (!destinationInactive) {
    add('defined', 'fail', 'notDefined', {
      name,
      uuid,
      to,
      error: sectionError(destination, 'inactive') ?? '',
      from,
    })
  } else {
    add('defined', 'pass', 'defined', { name, to })
    persistent = canonicalDomainXml(destinationInactive) === canonicalDomainXml(input.sourceInactive)
    add('drift', persistent ? 'pass' : 'fail', persistent ? 'noDrift' : 'drift', { name, from, to })
  }

  const state = sectionText(destination, 'state')?.trim()
  if (state === undefined)
    add('not-running-on-destination', destinationInactive ? 'warn' : 'pass', 'destinationStateUnknown', {
      name,
      to,
    })
  else if (state === 'shut off')
    add('not-running-on-destination', 'pass', 'notRunningOnDestination', { name, to })
  else add('not-running-on-destination', 'fail', 'runningOnDestination', { name, state, to })

  const info = sectionText(destination, 'info') ?? ''
  const managedSave = /^Managed save:\s+yes/m.test(info)
  // The fix names the VM by UUID: a name pasted into a shell could be anything libvirt allows.
  add('managed-save', managedSave ? 'fail' : 'pass', managedSave ? 'managedSave' : 'noManagedSave', {
    name,
    uuid,
    to,
  })

  // Free + buffers + cached: what the kernel can hand to a new QEMU (the inventory's figure too).
  const availableKiB = parseNodememstats(sectionText(destination, 'memory') ?? '').availableKiB
  const needKiB = definition.memoryKiB
  if (availableKiB === undefined) add('memory', 'warn', 'memoryUnknown', { to })
  else {
    const figures = { name, to, need: Math.round(needKiB / MiB), available: Math.round(availableKiB / MiB) }
    if (availableKiB < needKiB) add('memory', 'fail', 'memoryShort', figures)
    else if (availableKiB < needKiB + 256 * MiB) add('memory', 'warn', 'memoryTight', figures)
    else add('memory', 'pass', 'memory', figures)
  }

  const rbdDisks = definition.disks.flatMap((d) => (d.rbd ? [`${d.rbd.pool}/${d.rbd.image}`] : []))
  if (localDisks.length > 0)
    add('disks-shared', 'fail', 'disksLocal', {
      disks: localDisks.map((disk) => `${disk.target} (${disk.file ?? 'no source'})`).join(', '),
    })
  else if (rbdDisks.length > 0) add('disks-shared', 'pass', 'disksShared', { disks: rbdDisks.join(', ') })
  else add('disks-shared', 'pass', 'noDisks', {})
  const missingIsos = isos.filter((iso) => !present.has(iso))
  if (missingIsos.length > 0) add('cdrom', 'fail', 'cdromMissing', { images: missingIsos.join(', '), to })
  else if (isos.length > 0) add('cdrom', 'pass', 'cdromPresent', { images: isos.join(', '), to })
  else add('cdrom', 'pass', 'noCdrom', {})

  const missingBridges = bridges.filter((bridge) => !present.has(`/sys/class/net/${bridge}/bridge`))
  const inactiveNetworks = networks.filter(
    (network) =>
      !/^Active:\s+yes/m.test(sectionText(destination, `net:${read.needs.networks.indexOf(network)}`) ?? ''),
  )
  if (missingBridges.length > 0 || inactiveNetworks.length > 0)
    add('bridges', 'fail', 'bridgesMissing', {
      to,
      // Names only (the same in every language): a bridge as is, a libvirt network with its kind.
      missing: [...missingBridges, ...inactiveNetworks.map((network) => `network:${network}`)].join(', '),
    })
  else if (bridges.length + networks.length > 0)
    add('bridges', 'pass', 'bridgesPresent', {
      bridges: [...bridges, ...networks.map((network) => `network:${network}`)].join(', '),
      to,
    })
  else add('bridges', 'pass', 'noBridges', {})

  const secretProblems = secrets.flatMap((secret) => {
    const error = sectionError(destination, `secret:${secret}`)
    const value = sectionText(destination, `secret:${secret}`)
    if (error) return [`${secret}: ${error}`]
    return value?.trim() ? [] : [`${secret}: no value`]
  })
  if (secretProblems.length > 0)
    add('ceph-secret', 'fail', 'secretUnusable', { to, problems: secretProblems.join('; '), from })
  else if (secrets.length > 0)
    add('ceph-secret', 'pass', 'secretPresent', { secrets: secrets.join(', '), to })
  else add('ceph-secret', 'pass', 'noSecret', {})

  checks.push(
    cpuCheck(deps, { name, from, to, definition, cpuMode, domcaps: sectionText(destination, 'domcaps') }),
  )
  return { checks, persistent }
}

function cpuCheck(
  deps: MigrationDeps,
  input: {
    name: string
    from: string
    to: string
    definition: DomainDefinition
    cpuMode?: string
    domcaps?: string
  },
): MigrationCheck {
  const { name, from, to, definition, cpuMode } = input
  const check = (status: MigrationCheck['status'], text: MigrationCheckText, params: MigrationCheckParams) =>
    migrationCheck('cpu', status, text, params)
  if (cpuMode === 'host-passthrough' || cpuMode === 'host-model') {
    const source = deps.inventory.host(from)?.facts.cpuModel
    const destination = deps.inventory.host(to)?.facts.cpuModel
    if (source && source === destination) return check('pass', 'cpuSame', { model: source, mode: cpuMode })
    return check(cpuMode === 'host-passthrough' ? 'fail' : 'warn', 'cpuDiffers', {
      name,
      mode: cpuMode,
      from,
      source: source ?? '?',
      to,
      destination: destination ?? '?',
    })
  }
  const model = definition.cpuModel
  if (!model) return check('pass', 'cpuDefault', { name })
  const usable = new RegExp(
    `<model usable='(yes|no|unknown)'[^>]*>${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</model>`,
  ).exec(input.domcaps ?? '')?.[1]
  if (usable === 'yes') return check('pass', 'cpuModelUsable', { model, to })
  if (usable === 'no') return check('fail', 'cpuModelUnusable', { model, to })
  return check('warn', 'cpuModelUnknown', { model, to })
}

/** A check: its English message from the shared sentences, its key and values for the UI to translate. */
function migrationCheck(
  id: string,
  status: MigrationCheck['status'],
  text: MigrationCheckText,
  params: MigrationCheckParams,
): MigrationCheck {
  return { id, status, message: migrationCheckMessage(text, params), text, params }
}

function checkAdder(checks: MigrationCheck[]) {
  return (
    id: string,
    status: MigrationCheck['status'],
    text: MigrationCheckText,
    params: MigrationCheckParams,
  ) => checks.push(migrationCheck(id, status, text, params))
}
