import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import type { HostState } from '../../../shared/hosts'
import type { DomainDefinition } from '../../../shared/inventory'
import type { MigrationCheck, MigrationPlan } from '../../../shared/migration'
import { isUuid } from '../../../shared/names'
import { canonicalDomainXml, parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { parseNodememstats } from '../inventory/virsh-parse'
import { migrationFollowUps } from './follow-ups'
import { jobActive, parseDomjobinfo } from './progress'
import { runVirshSections, sectionError, sectionText } from './virsh-sections'

/**
 * The pre-checks of a live migration, each pass/warn/fail with its reason, read fresh from the source
 * and the destination (two execs on each, in parallel): the destination is online and defines the VM
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
  const checks: MigrationCheck[] = []
  const add = (id: string, status: MigrationCheck['status'], message: string) =>
    checks.push({ id, status, message })

  // The source's definition is read while every host is refreshed, from where the VM runs as far as
  // the inventory knows (kept current by events); read again only if the refresh says otherwise.
  const readSource = (host: string) =>
    runVirshSections(
      deps.runner,
      host,
      [
        { id: 'inactive', command: ['dumpxml', '--inactive', uuid] },
        { id: 'live', command: ['dumpxml', uuid] },
        { id: 'job', command: ['domjobinfo', uuid] },
      ],
      { step: `read the VM's definition on ${host}` },
    ).then(
      (sections) => ({ sections }),
      (error: unknown) => ({ error: ApiError.from(error) }),
    )
  const guess = request.from ?? deps.inventory.snapshot().vms.find((c) => c.uuid === uuid)?.runningOn[0]
  const early = guess && guess !== request.to ? readSource(guess) : undefined
  const snapshot = await deps.inventory.refreshAll()
  const vm = snapshot.vms.find((candidate) => candidate.uuid === uuid)
  if (!vm) {
    throw new ApiError({
      code: 'vm.unknown',
      message: `No VM with UUID ${uuid} on any reachable host.`,
      hint: 'Refresh the inventory; check that the hosts are online.',
    })
  }
  const name = vm.name
  const from = request.from ?? vm.runningOn[0] ?? vm.definedOn[0] ?? request.to
  const to = request.to
  if (from === to) {
    throw new ApiError({
      code: 'vm.migrate.same-host',
      host: to,
      message: `${name} would migrate from ${from} to itself: choose another destination.`,
    })
  }

  if (vm.runningOn.length > 1)
    add(
      'source-running',
      'fail',
      `${name} runs on ${vm.runningOn.join(' and ')} at once: stop the extra copy before anything else.`,
    )
  else if (vm.runningOn[0] === from) add('source-running', 'pass', `${name} runs on ${from}.`)
  else
    add(
      'source-running',
      'fail',
      vm.runningOn[0]
        ? `${name} runs on ${vm.runningOn[0]}, not on ${from}.`
        : `${name} is not running: a live migration needs a running VM (start it on ${to} instead).`,
    )

  const destinationState = deps.hostState(to)
  const destinationOnline = destinationState?.status === 'online'
  add(
    'destination-online',
    destinationOnline ? 'pass' : 'fail',
    destinationOnline
      ? `${to} is online.`
      : `${to} is ${destinationState?.status ?? 'unknown'}${destinationState?.error ? ` (${destinationState.error.message})` : ''}: connect to it first.`,
  )

  const toConfig = deps.hostConfig(to)
  const fromConfig = deps.hostConfig(from)
  const migrationAddress = toConfig?.migrationAddress ?? to
  if (toConfig && toConfig.migrationAddress === toConfig.hostname)
    add(
      'migration-address',
      'warn',
      `${to} has no separate migrationAddress in the cluster file: the migration goes over its SSH address ${migrationAddress}, not the private network the runbook uses.`,
    )
  else
    add('migration-address', 'pass', `Migration traffic goes to ${to}'s private address ${migrationAddress}.`)

  // Source: what will be migrated (live XML), its inactive definition (to compare), any job running.
  const read = await (from === guess && early ? early : readSource(from))
  if ('error' in read)
    add('source-readable', 'fail', `Could not read ${name} on ${from}: ${read.error.message}`)
  const sourceSections = 'sections' in read ? read.sections : undefined
  const sourceInactive = sourceSections && sectionText(sourceSections, 'inactive')
  const liveXml = (sourceSections && sectionText(sourceSections, 'live')) || sourceInactive
  const job = sourceSections && sectionText(sourceSections, 'job')
  if (job !== undefined && jobActive(parseDomjobinfo(job)))
    add(
      'source-job',
      'fail',
      `${name} already has a job running on ${from} (${parseDomjobinfo(job).operation ?? 'another operation'}): wait for it or abort it.`,
    )
  let definition: DomainDefinition | undefined
  try {
    if (liveXml) definition = parseDomainXml(liveXml)
  } catch (error) {
    add(
      'source-readable',
      'fail',
      `${name}'s definition on ${from} does not parse: ${(error as Error).message}`,
    )
  }
  if (sourceSections && !sourceInactive)
    add(
      'source-readable',
      'fail',
      `Could not read ${name}'s definition on ${from}: ${sectionError(sourceSections, 'inactive')}.`,
    )

  const followUps = migrationFollowUps({
    ...(definition?.hyperdesk['failoverIp'] ? { failoverIp: definition.hyperdesk['failoverIp'] } : {}),
    ...(fromConfig?.gateway ? { oldGateway: fromConfig.gateway } : {}),
    ...(toConfig?.gateway ? { newGateway: toConfig.gateway } : {}),
  })
  let persistent = false
  if (destinationOnline && definition && sourceInactive) {
    persistent = await checkDestination(
      deps,
      { uuid, name, from, to, definition, sourceInactive, liveXml: liveXml ?? '' },
      add,
    )
  }
  if (followUps.failoverIp)
    add(
      'failover-ip',
      'warn',
      `Move the failover IP ${followUps.failoverIp} to ${to} in the OVH manager before migrating (it takes minutes).`,
    )

  const canStart = !checks.some((check) => check.status === 'fail')
  return {
    plan: { uuid, name, from, to, checks, canStart, persistent, followUps },
    ...(definition ? { definition } : {}),
  }
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

/** The destination's checks; returns whether its definition equals the source's (→ --persistent). */
async function checkDestination(
  deps: MigrationDeps,
  input: DestinationInput,
  add: (id: string, status: MigrationCheck['status'], message: string) => void,
): Promise<boolean> {
  const { uuid, name, from, to, definition, liveXml } = input
  const secrets = [...new Set(attributeValues(liveXml, 'secret', 'uuid'))].filter((s) =>
    /^[0-9a-f-]{36}$/i.test(s),
  )
  const cpuMode = attributeValues(liveXml, 'cpu', 'mode')[0]
  const networks = [...new Set(definition.nics.flatMap((nic) => (nic.network ? [nic.network] : [])))]
  const sections = [
    { id: 'inactive', command: ['dumpxml', '--inactive', uuid] },
    { id: 'state', command: ['domstate', uuid] },
    { id: 'info', command: ['dominfo', uuid] },
    { id: 'memory', command: ['nodememstats'] },
    ...secrets.map((secret) => ({ id: `secret:${secret}`, command: ['secret-get-value', secret] })),
    ...networks.map((network, index) => ({ id: `net:${index}`, command: ['net-info', network] })),
    ...(cpuMode === 'custom' || cpuMode === undefined
      ? [{ id: 'domcaps', command: ['domcapabilities', '--virttype', definition.type || 'kvm'] }]
      : []),
  ]
  const bridges = [...new Set(definition.nics.flatMap((nic) => (nic.bridge ? [nic.bridge] : [])))]
  const isos = definition.disks
    .filter((disk) => disk.device === 'cdrom' && disk.file)
    .map((disk) => disk.file!)
  const localDisks = definition.disks.filter((disk) => disk.device !== 'cdrom' && !disk.rbd)
  const paths = [...bridges.map((bridge) => `/sys/class/net/${bridge}/bridge`), ...isos]
  let destination: Awaited<ReturnType<typeof runVirshSections>>
  let present: Set<string>
  try {
    ;[destination, present] = await Promise.all([
      runVirshSections(deps.runner, to, sections, { step: `pre-checks on ${to}` }),
      existingPaths(deps.runner, to, paths),
    ])
  } catch (error) {
    add('destination-readable', 'fail', `Could not run the checks on ${to}: ${ApiError.from(error).message}`)
    return false
  }

  const destinationInactive = sectionText(destination, 'inactive')
  let persistent = false
  if (!destinationInactive) {
    add(
      'defined',
      'fail',
      `${name} (UUID ${uuid}) is not defined on ${to} (${sectionError(destination, 'inactive')}): sync its definition from ${from} first.`,
    )
  } else {
    add('defined', 'pass', `${name} is defined on ${to} with the same UUID.`)
    persistent = canonicalDomainXml(destinationInactive) === canonicalDomainXml(input.sourceInactive)
    add(
      'drift',
      persistent ? 'pass' : 'fail',
      persistent
        ? `${to}'s definition equals ${from}'s: it stays defined on both after the migration.`
        : `${to}'s definition of ${name} differs from ${from}'s: sync the definition (from the host whose definition is right) before migrating, so it is kept on both hosts.`,
    )
  }

  const state = sectionText(destination, 'state')?.trim()
  if (state === undefined)
    add(
      'not-running-on-destination',
      destinationInactive ? 'warn' : 'pass',
      `Could not read ${name}'s state on ${to}.`,
    )
  else if (state === 'shut off') add('not-running-on-destination', 'pass', `${name} is shut off on ${to}.`)
  else
    add(
      'not-running-on-destination',
      'fail',
      `${name} is ${state} on ${to}: it would run twice on one disk. Stop that copy first.`,
    )

  const info = sectionText(destination, 'info') ?? ''
  if (/^Managed save:\s+yes/m.test(info))
    add(
      'managed-save',
      'fail',
      `${name} has a saved memory image on ${to}, which could start a stale copy: remove it there (virsh managedsave-remove ${name}).`,
    )
  else add('managed-save', 'pass', `${name} has no managed save on ${to}.`)

  // Free + buffers + cached: what the kernel can hand to a new QEMU (the inventory's figure too).
  const availableKiB = parseNodememstats(sectionText(destination, 'memory') ?? '').availableKiB
  const needKiB = definition.memoryKiB
  if (availableKiB === undefined) add('memory', 'warn', `Could not read ${to}'s free memory.`)
  else {
    const figures = `${name} needs ${Math.round(needKiB / MiB)} MiB; ${to} has ${Math.round(availableKiB / MiB)} MiB available`
    if (availableKiB < needKiB) add('memory', 'fail', `Not enough memory on ${to}: ${figures}.`)
    else if (availableKiB < needKiB + 256 * MiB)
      add('memory', 'warn', `${figures}: less than 256 MiB would be left for the host.`)
    else add('memory', 'pass', `${figures}.`)
  }

  if (localDisks.length > 0)
    add(
      'disks-shared',
      'fail',
      `${localDisks.map((disk) => `${disk.target} (${disk.file ?? 'no source'})`).join(', ')} not on Ceph RBD: a live migration needs every disk on shared storage.`,
    )
  else
    add(
      'disks-shared',
      'pass',
      `Every disk is on Ceph RBD (${definition.disks.flatMap((d) => (d.rbd ? [`${d.rbd.pool}/${d.rbd.image}`] : [])).join(', ') || 'none'}).`,
    )
  const missingIsos = isos.filter((iso) => !present.has(iso))
  if (missingIsos.length > 0)
    add(
      'cdrom',
      'fail',
      `The CD-ROM image ${missingIsos.join(', ')} is missing on ${to}: copy it to the same path there, or eject it.`,
    )
  else
    add(
      'cdrom',
      'pass',
      isos.length > 0 ? `${isos.join(', ')} is present on ${to}.` : 'No CD-ROM image inserted.',
    )

  const missingBridges = bridges.filter((bridge) => !present.has(`/sys/class/net/${bridge}/bridge`))
  const inactiveNetworks = networks.filter(
    (_network, index) => !/^Active:\s+yes/m.test(sectionText(destination, `net:${index}`) ?? ''),
  )
  if (missingBridges.length > 0 || inactiveNetworks.length > 0)
    add(
      'bridges',
      'fail',
      [
        ...missingBridges.map((bridge) => `bridge ${bridge} does not exist on ${to}`),
        ...inactiveNetworks.map((network) => `libvirt network ${network} is not active on ${to}`),
      ].join('; ') + '.',
    )
  else
    add('bridges', 'pass', `${[...bridges, ...networks].join(', ') || 'No bridge needed'} present on ${to}.`)

  const secretProblems = secrets.flatMap((secret) => {
    const error = sectionError(destination, `secret:${secret}`)
    const value = sectionText(destination, `secret:${secret}`)
    if (error) return [`${secret}: ${error}`]
    return value?.trim() ? [] : [`${secret}: no value`]
  })
  if (secretProblems.length > 0)
    add(
      'ceph-secret',
      'fail',
      `The Ceph secret is not usable on ${to} (${secretProblems.join('; ')}): define it there with virsh secret-define and secret-set-value, as on ${from}.`,
    )
  else
    add(
      'ceph-secret',
      'pass',
      secrets.length ? `Ceph secret ${secrets.join(', ')} has a value on ${to}.` : 'No Ceph secret needed.',
    )

  add(
    ...cpuCheck(deps, { name, from, to, definition, cpuMode, domcaps: sectionText(destination, 'domcaps') }),
  )
  return persistent
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
): [string, MigrationCheck['status'], string] {
  const { name, from, to, definition, cpuMode } = input
  if (cpuMode === 'host-passthrough' || cpuMode === 'host-model') {
    const source = deps.inventory.host(from)?.facts.cpuModel
    const destination = deps.inventory.host(to)?.facts.cpuModel
    if (source && source === destination)
      return ['cpu', 'pass', `Both hosts have a ${source} CPU (${cpuMode}).`]
    return [
      'cpu',
      cpuMode === 'host-passthrough' ? 'fail' : 'warn',
      `${name} uses the host's CPU (${cpuMode}) and ${from} has ${source ?? 'an unknown CPU'} while ${to} has ${destination ?? 'an unknown CPU'}: the guest may crash or refuse to move.`,
    ]
  }
  const model = definition.cpuModel
  if (!model) return ['cpu', 'pass', `${name} uses the hypervisor's default CPU model.`]
  const usable = new RegExp(
    `<model usable='(yes|no|unknown)'[^>]*>${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</model>`,
  ).exec(input.domcaps ?? '')?.[1]
  if (usable === 'yes') return ['cpu', 'pass', `CPU model ${model} is usable on ${to}.`]
  if (usable === 'no')
    return ['cpu', 'fail', `CPU model ${model} is not usable on ${to}'s CPU: change the VM's CPU model.`]
  return ['cpu', 'warn', `Could not confirm that CPU model ${model} is usable on ${to}.`]
}

/** Which of these paths exist on the host (one exec; paths are arguments, never parsed by a shell). */
async function existingPaths(
  runner: RemoteRunner,
  host: string,
  paths: readonly string[],
): Promise<Set<string>> {
  if (paths.length === 0) return new Set()
  const result = await runner.run(
    host,
    ['sh', '-c', 'for p do if [ -e "$p" ]; then printf "%s\\n" "$p"; fi; done', 'hyperdesk-paths', ...paths],
    { step: `look for bridges and images on ${host}`, timeoutSeconds: 15 },
  )
  return new Set(result.stdout.split('\n').filter(Boolean))
}
