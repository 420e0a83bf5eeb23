import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { HostState } from '../../../shared/hosts'
import type { DomainDefinition, DomainState } from '../../../shared/inventory'
import type { MigrationPlan } from '../../../shared/migration'
import { isUuid } from '../../../shared/names'
import { domainCpuMode, domcapsModelUsable, parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { Leases } from '../lease/cluster-lease'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { isActive } from '../inventory/cluster-model'
import { parseNodememstats, stateFromWord } from '../inventory/virsh-parse'
import { parseDomjobinfo } from './progress'
import {
  bridgePath,
  judgeMigration,
  type DestinationFacts,
  type MigrationFacts,
  type SourceFacts,
} from './precheck-judge'
import { sectionError, sectionText, type Sections } from '../remote/framing'
import { hostFilePaths, hostFilesOf, presentOn } from '../vm/host-files'
import { domainArgv } from '../libvirt/domain'
import { hostArgv } from '../libvirt/host'

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
  /** The cluster lease (Ceph): a migration holds its VM's, so no other app instance changes it meanwhile. */
  lease: Leases
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

/** What a host named in a request is for, as the refusal of an unknown one says. */
const HOST_ROLES = {
  destination: msg('migrationErrors.roleDestination'),
  source: msg('migrationErrors.roleSource'),
  reference: msg('migrationErrors.roleReference'),
  syncSource: msg('migrationErrors.roleSyncSource'),
} as const

export function checkHostName(
  deps: Pick<MigrationDeps, 'hostNames'>,
  host: string,
  role: keyof typeof HOST_ROLES,
): void {
  const hosts = deps.hostNames()
  if (!hosts.includes(host)) {
    throw ApiError.of('host.unknown', msg('migrationErrors.unknownHost', { host, role: HOST_ROLES[role] }), {
      host,
      hint:
        hosts.length > 0
          ? msg('migrationErrors.unknownHostHint', { hosts })
          : msg('migrationErrors.noHostHint'),
    })
  }
}

export function checkUuid(uuid: string): void {
  if (!isUuid(uuid)) throw ApiError.of('vm.invalid-uuid', msg('vmErrors.invalidUuid', { value: uuid }))
}

/** The host part of a libvirt URI: IPv6 addresses in brackets. */
export function uriHost(address: string): string {
  if (!/^[A-Za-z0-9.:-]+$/.test(address) || address.startsWith('-'))
    throw ApiError.of('config.invalid-address', msg('migrationErrors.invalidAddress', { value: address }), {
      hint: msg('migrationErrors.invalidAddressHint'),
    })
  return address.includes(':') ? `[${address}]` : address
}

export async function planMigration(deps: MigrationDeps, request: PlanRequest): Promise<PlanDetails> {
  checkUuid(request.uuid)
  checkHostName(deps, request.to, 'destination')
  if (request.from !== undefined) checkHostName(deps, request.from, 'source')
  const facts = await gatherFacts(deps, { ...request, uuid: request.uuid.toLowerCase() })
  const { checks, canStart, persistent, followUps } = judgeMigration(facts)
  const { uuid, name, from, to } = facts
  const definition = facts.source.definition
  return {
    plan: { uuid, name, from, to, checks, canStart, persistent, followUps },
    ...(definition ? { definition } : {}),
  }
}

/**
 * Everything the judgement needs, read fresh, in one round of questions in parallel, each to its
 * host's long-lived virsh session (remote/virsh-session.ts; no virsh start per question): the source
 * (its definitions, job and state); the destination's side — at once when this VM was planned before
 * (see DestinationQuestions), else as soon as the source's definition is known; and the VM's state on
 * every other online host (a copy started there behind the inventory's back would run twice). The
 * inventory only says where to look first; a wrong guess costs one more round.
 */
async function gatherFacts(deps: MigrationDeps, request: PlanRequest): Promise<MigrationFacts> {
  const { uuid, to } = request
  const destinationState = deps.hostState(to)
  const destinationOnline = destinationState?.status === 'online'
  const online = (host: string) => deps.hostState(host)?.status === 'online'
  const cached = deps.inventory.vm(uuid)
  const guess = request.from ?? cached?.runningOn[0]
  const ahead = destinationOnline ? readDestinationAhead(deps, to, uuid) : undefined
  const inspect = (host: string) => readSource(deps, { uuid, host, to, destinationOnline, ahead })
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
  if (definedOn.length === 0 && !source?.facts.definition) {
    throw ApiError.of('vm.unknown', msg('migrationErrors.vmNotFound', { uuid }), {
      step: msg('errorSteps.preChecks'),
      hint: msg('migrationErrors.vmNotFoundHint'),
    })
  }
  const from = request.from ?? runningOn[0] ?? guess ?? definedOn[0] ?? to
  if (from === to) {
    const name = cached?.name ?? source?.facts.definition?.name ?? uuid
    throw ApiError.of('vm.migrate.same-host', msg('migrationErrors.sameHost', { name, host: from }), {
      host: to,
      step: msg('errorSteps.preChecks'),
    })
  }
  if (from !== guess || !source) source = await inspect(from)
  const toConfig = deps.hostConfig(to)
  const migrationAddress = toConfig?.migrationAddress ?? to
  const fromGateway = deps.hostConfig(from)?.gateway
  const sourceModel = deps.inventory.host(from)?.facts.cpuModel
  const destinationModel = deps.inventory.host(to)?.facts.cpuModel
  return {
    uuid,
    name: cached?.name ?? source.facts.definition?.name ?? uuid,
    from,
    to,
    runningOn,
    destinationHost: {
      status: destinationState?.status ?? 'unknown',
      ...(destinationState?.error ? { error: destinationState.error.message } : {}),
    },
    migrationAddress,
    migrationAddressShared: toConfig !== undefined && toConfig.migrationAddress === toConfig.hostname,
    gateways: {
      ...(fromGateway ? { old: fromGateway } : {}),
      ...(toConfig?.gateway ? { new: toConfig.gateway } : {}),
    },
    cpuModels: {
      ...(sourceModel ? { source: sourceModel } : {}),
      ...(destinationModel ? { destination: destinationModel } : {}),
    },
    source: source.facts,
    ...(source.destination ? { destination: source.destination } : {}),
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
    .virshQuery(host, [{ id: 'state', command: domainArgv.state(uuid) }], {
      step: msg('errorSteps.readVmStateOn', { host }),
    })
    .catch(() => undefined)
  return sections ? sectionState(sections) : undefined
}

interface SourceRead {
  /** The VM's state on the source (null: not defined there; undefined: could not be read). */
  state: DomainState | null | undefined
  facts: SourceFacts
  /** The destination's facts, read as soon as the source's definition was known. */
  destination?: DestinationFacts
}

/**
 * The source's side in one query — what will be migrated (live XML), its inactive definition (to
 * compare), any job running, its state — then at once the destination's side, which depends on it.
 */
async function readSource(
  deps: MigrationDeps,
  input: {
    uuid: string
    host: string
    to: string
    destinationOnline: boolean
    ahead: Promise<DestinationRead> | undefined
  },
): Promise<SourceRead> {
  const { uuid, host: from, to } = input
  let sections: Sections
  try {
    sections = await deps.runner.virshQuery(
      from,
      [
        { id: 'inactive', command: domainArgv.xml(uuid, 'inactive') },
        { id: 'live', command: domainArgv.xml(uuid, 'live') },
        { id: 'job', command: domainArgv.jobInfo(uuid) },
        { id: 'state', command: domainArgv.state(uuid) },
      ],
      { step: msg('errorSteps.readDefinitionOn', { host: from }) },
    )
  } catch (error) {
    return { state: undefined, facts: { readError: ApiError.from(error).message } }
  }
  const inactiveXml = sectionText(sections, 'inactive')
  const liveXml = sectionText(sections, 'live') || inactiveXml
  const job = sectionText(sections, 'job')
  const facts: SourceFacts = {
    ...(inactiveXml ? { inactiveXml } : { inactiveError: sectionError(sections, 'inactive') ?? '' }),
    ...(job !== undefined ? { job: parseDomjobinfo(job) } : {}),
  }
  if (liveXml) {
    try {
      facts.definition = parseDomainXml(liveXml, { host: from, vm: deps.inventory.vm(uuid)?.name ?? uuid })
      const cpuMode = domainCpuMode(liveXml)
      if (cpuMode) facts.cpuMode = cpuMode
    } catch (error) {
      facts.parseError = (error as Error).message
    }
  }
  const read: SourceRead = { state: sectionState(sections), facts }
  if (input.destinationOnline && facts.definition && inactiveXml)
    read.destination = await destinationFacts(
      deps,
      to,
      uuid,
      needsOf(facts.definition, facts.cpuMode),
      input.ahead,
    )
  return read
}

/** What the destination must be asked about, from the VM's definition as it runs on the source. */
interface DestinationNeeds {
  secrets: string[]
  networks: string[]
  /** The virt type whose CPU models to list, when the VM names a CPU model (cpu mode custom). */
  domcapsType?: string
  /** The CPU model to look up in that list. */
  cpuModel?: string
  bridges: string[]
  /** The CD-ROM images and boot files QEMU opens from the host's own disk (vm/host-files.ts). */
  isos: readonly string[]
  bootFiles: readonly string[]
}

function needsOf(definition: DomainDefinition, cpuMode: string | undefined): DestinationNeeds {
  const secrets = definition.disks.flatMap((disk) => disk.rbd?.auth?.secretUuid ?? [])
  return {
    secrets: [...new Set(secrets)].filter((secret) => isUuid(secret)),
    networks: [...new Set(definition.nics.flatMap((nic) => (nic.network ? [nic.network] : [])))],
    ...(cpuMode === 'custom' || cpuMode === undefined ? { domcapsType: definition.type || 'kvm' } : {}),
    ...(definition.cpuModel ? { cpuModel: definition.cpuModel } : {}),
    bridges: [...new Set(definition.nics.flatMap((nic) => (nic.bridge ? [nic.bridge] : [])))],
    ...hostFilesOf(definition),
  }
}

/** Whether a read made for `asked` answers everything `needed` asks. */
function covers(asked: DestinationNeeds, needed: DestinationNeeds): boolean {
  const all = (have: readonly string[], want: readonly string[]) => want.every((item) => have.includes(item))
  return (
    all(asked.secrets, needed.secrets) &&
    all(asked.networks, needed.networks) &&
    all(asked.bridges, needed.bridges) &&
    all(asked.isos, needed.isos) &&
    all(asked.bootFiles, needed.bootFiles) &&
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
    { id: 'inactive', command: domainArgv.xml(uuid, 'inactive') },
    { id: 'state', command: domainArgv.state(uuid) },
    { id: 'info', command: domainArgv.info(uuid) },
    { id: 'memory', command: hostArgv.memory() },
    ...needs.secrets.map((secret) => ({ id: `secret:${secret}`, command: hostArgv.secretValue(secret) })),
    ...needs.networks.map((network, index) => ({ id: `net:${index}`, command: hostArgv.network(network) })),
    ...(needs.domcapsType ? [{ id: 'domcaps', command: hostArgv.cpuModels(needs.domcapsType) }] : []),
  ]
  const paths = [...needs.bridges.map(bridgePath), ...hostFilePaths(needs)]
  const step = msg('errorSteps.preChecksOn', { host: to })
  const [answers, present] = await Promise.all([
    deps.runner.virshQuery(to, sections, { step }),
    presentOn(deps.runner, to, paths, step),
  ])
  return { needs, sections: answers, present }
}

/**
 * What the last plan of each VM had to ask its destination, per core (kept with the MigrationDeps it
 * was planned with, and gone with them: no state shared between cores). The next plan of that VM
 * (typically the migration right after the user saw its plan) asks a destination the same at once, in
 * parallel with the source; if the VM's definition now needs more, the destination is asked again.
 * Only the shape of the questions is reused: every answer is read fresh.
 */
class DestinationQuestions {
  private static readonly KEPT = 1000
  private static readonly byDeps = new WeakMap<MigrationDeps, DestinationQuestions>()
  private readonly needs = new Map<string, DestinationNeeds>()

  static of(deps: MigrationDeps): DestinationQuestions {
    let questions = DestinationQuestions.byDeps.get(deps)
    if (!questions) {
      questions = new DestinationQuestions()
      DestinationQuestions.byDeps.set(deps, questions)
    }
    return questions
  }

  get(uuid: string): DestinationNeeds | undefined {
    return this.needs.get(uuid)
  }

  remember(uuid: string, needs: DestinationNeeds): void {
    this.needs.delete(uuid)
    this.needs.set(uuid, needs)
    if (this.needs.size > DestinationQuestions.KEPT) this.needs.delete(this.needs.keys().next().value!)
  }
}

/** The destination read ahead with what the last plan of this VM needed, if there was one. */
function readDestinationAhead(
  deps: MigrationDeps,
  to: string,
  uuid: string,
): Promise<DestinationRead> | undefined {
  const needs = DestinationQuestions.of(deps).get(uuid)
  if (!needs) return undefined
  const read = readDestination(deps, to, uuid, needs)
  read.catch(() => undefined) // used (or replaced) by destinationFacts
  return read
}

/** The destination's facts: the read-ahead when it covers what the VM needs, else a fresh read. */
async function destinationFacts(
  deps: MigrationDeps,
  to: string,
  uuid: string,
  needs: DestinationNeeds,
  ahead: Promise<DestinationRead> | undefined,
): Promise<DestinationFacts> {
  DestinationQuestions.of(deps).remember(uuid, needs)
  const { secrets, networks, bridges, isos, bootFiles } = needs
  let read: DestinationRead
  try {
    const early = ahead ? await ahead.catch(() => undefined) : undefined
    read = early && covers(early.needs, needs) ? early : await readDestination(deps, to, uuid, needs)
  } catch (error) {
    return {
      readError: ApiError.from(error).message,
      info: '',
      networks: [],
      secrets: [],
      bridges,
      isos,
      bootFiles,
      present: new Set(),
    }
  }
  const { sections, present } = read
  const inactiveXml = sectionText(sections, 'inactive')
  const state = sectionText(sections, 'state')?.trim()
  const availableKiB = parseNodememstats(sectionText(sections, 'memory') ?? '').availableKiB
  const domcaps = sectionText(sections, 'domcaps')
  const usable = needs.cpuModel && domcaps ? domcapsModelUsable(domcaps, needs.cpuModel) : undefined
  return {
    ...(inactiveXml ? { inactiveXml } : { inactiveError: sectionError(sections, 'inactive') ?? '' }),
    ...(state !== undefined ? { state } : {}),
    info: sectionText(sections, 'info') ?? '',
    ...(availableKiB !== undefined ? { availableKiB } : {}),
    networks: networks.map((name) => ({
      name,
      active: /^Active:\s+yes/m.test(sectionText(sections, `net:${read.needs.networks.indexOf(name)}`) ?? ''),
    })),
    secrets: secrets.map((uuid) => {
      const error = sectionError(sections, `secret:${uuid}`)
      const value = sectionText(sections, `secret:${uuid}`)
      return { uuid, ...(error ? { error } : {}), ...(value !== undefined ? { value } : {}) }
    }),
    bridges,
    isos,
    bootFiles,
    present,
    ...(usable === 'yes' || usable === 'no' || usable === 'unknown' ? { cpuModelUsable: usable } : {}),
  }
}
