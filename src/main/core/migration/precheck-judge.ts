import type { DomainDefinition } from '../../../shared/inventory'
import { FAILOVER_CHECK, type FollowUps, type MigrationCheck } from '../../../shared/migration'
import type { Message } from '../../../shared/messages'
import { type MigrationCheckParams, type MigrationCheckText } from '../../../shared/migration-checks'
import { canonicalDomainXml } from '../inventory/domain-xml'
import type { HostFiles } from '../vm/host-files'
import { migrationFollowUps } from './follow-ups'
import { jobActive, type DomainJobInfo } from './progress'

/**
 * The judgement of a live migration's pre-checks: a pure function of the facts gathered from the
 * hosts (precheck.ts reads them), so every rule is unit-tested on facts alone. Each check is
 * ok/warn/fail with a migrationChecks.* message and its values (shared/migration-checks.ts).
 */

/** What the source said: its definition (live, and inactive to compare) and any job running. */
export interface SourceFacts {
  /** The whole query failed (host unreachable, virsh stuck): nothing else is known. */
  readError?: string
  /** The inactive definition's XML, or why it could not be read. */
  inactiveXml?: string
  inactiveError?: string
  /** The definition that will be migrated (live XML, else inactive), or why it does not parse. */
  definition?: DomainDefinition
  parseError?: string
  /** `<cpu mode>` of that definition. */
  cpuMode?: string
  job?: DomainJobInfo
}

/** What the destination said, asked with what the source's definition needs. */
export interface DestinationFacts {
  /** The whole query failed: nothing else is known. */
  readError?: string
  inactiveXml?: string
  inactiveError?: string
  /** `domstate`'s word, when it answered. */
  state?: string
  /** `dominfo`'s text ('' when it did not answer). */
  info: string
  availableKiB?: number
  /** The libvirt networks the VM's NICs use, and whether each is active there. */
  networks: ReadonlyArray<{ name: string; active: boolean }>
  /** The Ceph secrets the VM's disks use: the value, or the error reading it. */
  secrets: ReadonlyArray<{ uuid: string; value?: string; error?: string }>
  /** Bridges the NICs use and ISO images the CD-ROMs hold, with those present on the host. */
  bridges: readonly string[]
  isos: readonly string[]
  /** The kernel, initrd, dtb and firmware files the VM boots with (DomainDefinition.bootFiles). */
  bootFiles: readonly string[]
  present: ReadonlySet<string>
  /** Whether the VM's CPU model is usable there (domcapabilities), when one is named. */
  cpuModelUsable?: 'yes' | 'no' | 'unknown'
}

export interface MigrationFacts {
  uuid: string
  name: string
  from: string
  to: string
  /** Every host the VM was found running on, read fresh, in the cluster file's order. */
  runningOn: readonly string[]
  destinationHost: { status: string; error?: string }
  /** The destination's migration address, and whether it is its public name (no private network). */
  migrationAddress: string
  migrationAddressShared: boolean
  gateways: { old?: string; new?: string }
  /** The CPU models the inventory knows for both hosts (for host-passthrough and host-model). */
  cpuModels: { source?: string; destination?: string }
  source: SourceFacts
  /** Read when the destination is online and the source's definition is known. */
  destination?: DestinationFacts
}

export interface MigrationJudgement {
  checks: MigrationCheck[]
  canStart: boolean
  /** Both definitions are equal: `virsh migrate --persistent` keeps the destination's. */
  persistent: boolean
  followUps: FollowUps
}

const MiB = 1024

export function judgeMigration(facts: MigrationFacts): MigrationJudgement {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const { name, from, to, runningOn } = facts
  if (runningOn.length > 1)
    add('source-running', 'fail', 'sourceRunningTwice', { name, hosts: runningOn.join(', ') })
  else if (runningOn[0] === from) add('source-running', 'ok', 'sourceRunning', { name, from })
  else if (runningOn[0])
    add('source-running', 'fail', 'sourceRunningElsewhere', { name, host: runningOn[0], from })
  else add('source-running', 'fail', 'sourceNotRunning', { name, to })
  if (facts.destinationHost.status === 'online') add('destination-online', 'ok', 'destinationOnline', { to })
  else
    add('destination-online', 'fail', 'destinationNotOnline', {
      to,
      status: facts.destinationHost.status,
      reason: facts.destinationHost.error ? ` (${facts.destinationHost.error})` : '',
    })
  const address = facts.migrationAddress
  if (facts.migrationAddressShared)
    add('migration-address', 'warn', 'migrationAddressShared', { to, address })
  else add('migration-address', 'ok', 'migrationAddress', { to, address })

  checks.push(...judgeSource(facts))
  const destination = facts.destination ? judgeDestination(facts, facts.destination) : undefined
  checks.push(...(destination?.checks ?? []))
  const definition = facts.source.definition
  const followUps = migrationFollowUps({
    ...(definition?.hyperdesk['failoverIp'] ? { failoverIp: definition.hyperdesk['failoverIp'] } : {}),
    ...(facts.gateways.old ? { oldGateway: facts.gateways.old } : {}),
    ...(facts.gateways.new ? { newGateway: facts.gateways.new } : {}),
  })
  if (followUps.failoverIp) add(FAILOVER_CHECK, 'warn', 'failoverIp', { ip: followUps.failoverIp, to })
  return {
    checks,
    canStart: !checks.some((check) => check.level === 'fail'),
    persistent: destination?.persistent ?? false,
    followUps,
  }
}

/** The source's own checks: readable, parsable, no job running. */
export function judgeSource(facts: Pick<MigrationFacts, 'name' | 'from' | 'source'>): MigrationCheck[] {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const { name, from, source } = facts
  if (source.readError !== undefined) {
    add('source-readable', 'fail', 'sourceUnreadable', { name, from, error: source.readError })
    return checks
  }
  if (source.job && jobActive(source.job))
    add('source-job', 'fail', 'sourceJob', {
      name,
      from,
      operation: source.job.operation ?? 'another operation',
    })
  if (source.parseError !== undefined)
    add('source-readable', 'fail', 'sourceUnparsable', { name, from, error: source.parseError })
  if (!source.inactiveXml)
    add('source-readable', 'fail', 'sourceDefinitionUnreadable', {
      name,
      from,
      error: source.inactiveError ?? '',
    })
  return checks
}

/** The destination's checks, and whether its definition equals the source's (→ --persistent). */
export function judgeDestination(
  facts: Pick<MigrationFacts, 'uuid' | 'name' | 'from' | 'to' | 'source' | 'cpuModels'>,
  destination: DestinationFacts,
): { checks: MigrationCheck[]; persistent: boolean } {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const { uuid, name, from, to } = facts
  if (destination.readError !== undefined) {
    add('destination-readable', 'fail', 'destinationUnreadable', { to, error: destination.readError })
    return { checks, persistent: false }
  }
  let persistent = false
  if (!destination.inactiveXml) {
    add('defined', 'fail', 'notDefined', { name, uuid, to, error: destination.inactiveError ?? '', from })
  } else {
    add('defined', 'ok', 'defined', { name, to })
    persistent =
      canonicalDomainXml(destination.inactiveXml) === canonicalDomainXml(facts.source.inactiveXml ?? '')
    add('drift', persistent ? 'ok' : 'fail', persistent ? 'noDrift' : 'drift', { name, from, to })
  }

  const state = destination.state
  if (state === undefined)
    add('not-running-on-destination', destination.inactiveXml ? 'warn' : 'ok', 'destinationStateUnknown', {
      name,
      to,
    })
  else if (state === 'shut off')
    add('not-running-on-destination', 'ok', 'notRunningOnDestination', { name, to })
  else add('not-running-on-destination', 'fail', 'runningOnDestination', { name, state, to })

  const managedSave = /^Managed save:\s+yes/m.test(destination.info)
  // The fix names the VM by UUID: a name pasted into a shell could be anything libvirt allows.
  add('managed-save', managedSave ? 'fail' : 'ok', managedSave ? 'managedSave' : 'noManagedSave', {
    name,
    uuid,
    to,
  })
  const definition = facts.source.definition
  if (definition) {
    checks.push(judgeMemory(name, to, definition.memoryKiB, destination.availableKiB))
    checks.push(judgeDisks(definition))
  }
  checks.push(...judgeHostResources(to, from, destination))
  if (definition) checks.push(judgeCpu(facts, definition, destination.cpuModelUsable))
  return { checks, persistent }
}

/** Free + buffers + cached: what the kernel can hand to a new QEMU (the inventory's figure too). */
export function judgeMemory(
  name: string,
  to: string,
  needKiB: number,
  availableKiB: number | undefined,
): MigrationCheck {
  if (availableKiB === undefined) return migrationCheck('memory', 'warn', 'memoryUnknown', { to })
  const figures = {
    name,
    to,
    need: Math.round(needKiB / MiB),
    available: Math.round(availableKiB / MiB),
    margin: 256,
  }
  if (availableKiB < needKiB) return migrationCheck('memory', 'fail', 'memoryShort', figures)
  if (availableKiB < needKiB + 256 * MiB) return migrationCheck('memory', 'warn', 'memoryTight', figures)
  return migrationCheck('memory', 'ok', 'memory', figures)
}

/** Every disk but CD-ROMs must be on Ceph RBD: a local file does not follow the VM. */
export function judgeDisks(definition: DomainDefinition): MigrationCheck {
  const localDisks = definition.disks.filter((disk) => disk.device !== 'cdrom' && !disk.rbd)
  const rbdDisks = definition.disks.flatMap((d) => (d.rbd ? [`${d.rbd.pool}/${d.rbd.image}`] : []))
  if (localDisks.length > 0)
    return migrationCheck('disks-shared', 'fail', 'disksLocal', {
      disks: localDisks.map((disk) => `${disk.target} (${disk.file ?? 'no source'})`).join(', '),
    })
  if (rbdDisks.length > 0)
    return migrationCheck('disks-shared', 'ok', 'disksShared', { disks: rbdDisks.join(', ') })
  return migrationCheck('disks-shared', 'ok', 'noDisks', {})
}

/** The ISO images, boot files, bridges, networks and Ceph secrets the VM uses, on the destination. */
export function judgeHostResources(
  to: string,
  from: string,
  destination: DestinationFacts,
): MigrationCheck[] {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const { bridges, present } = destination
  checks.push(...judgeHostFiles(to, destination, present))

  const networks = destination.networks.map((network) => network.name)
  const missingBridges = bridges.filter((bridge) => !present.has(bridgePath(bridge)))
  const inactiveNetworks = destination.networks.filter((network) => !network.active).map((n) => n.name)
  if (missingBridges.length > 0 || inactiveNetworks.length > 0)
    add('bridges', 'fail', 'bridgesMissing', {
      to,
      // Names only (the same in every language): a bridge as is, a libvirt network with its kind.
      missing: [...missingBridges, ...inactiveNetworks.map((network) => `network:${network}`)].join(', '),
    })
  else if (bridges.length + networks.length > 0)
    add('bridges', 'ok', 'bridgesPresent', {
      bridges: [...bridges, ...networks.map((network) => `network:${network}`)].join(', '),
      to,
    })
  else add('bridges', 'ok', 'noBridges', {})

  const secretProblems = destination.secrets.flatMap(({ uuid, value, error }) => {
    if (error) return [`${uuid}: ${error}`]
    return value?.trim() ? [] : [`${uuid}: no value`]
  })
  if (secretProblems.length > 0)
    add('ceph-secret', 'fail', 'secretUnusable', { to, problems: secretProblems.join('; '), from })
  else if (destination.secrets.length > 0)
    add('ceph-secret', 'ok', 'secretPresent', {
      secrets: destination.secrets.map((s) => s.uuid).join(', '),
      to,
    })
  else add('ceph-secret', 'ok', 'noSecret', {})
  return checks
}

/**
 * The CD-ROM images and boot files QEMU opens from `host`'s own disk as it starts the VM there
 * (vm/host-files.ts), against those found there: a missing one fails, naming the files and the host
 * and saying to copy them to the same path. The migration judges its destination with it, and a
 * start its host (its failing checks are the start's refusals: vm/lifecycle.ts).
 */
export function judgeHostFiles(
  host: string,
  files: HostFiles,
  present: ReadonlySet<string>,
): MigrationCheck[] {
  const checks: MigrationCheck[] = []
  const add = checkAdder(checks)
  const to = host
  const { isos, bootFiles } = files
  const missingIsos = isos.filter((iso) => !present.has(iso))
  if (missingIsos.length > 0) add('cdrom', 'fail', 'cdromMissing', { images: missingIsos.join(', '), to })
  else if (isos.length > 0) add('cdrom', 'ok', 'cdromPresent', { images: isos.join(', '), to })
  else add('cdrom', 'ok', 'noCdrom', {})

  // Each host has its own copy (QEMU opens them on that host as it starts there).
  const missingBootFiles = bootFiles.filter((file) => !present.has(file))
  if (missingBootFiles.length > 0)
    add('boot-files', 'fail', 'bootFilesMissing', { files: missingBootFiles.join(', '), to })
  else if (bootFiles.length > 0)
    add('boot-files', 'ok', 'bootFilesPresent', { files: bootFiles.join(', '), to })
  else add('boot-files', 'ok', 'noBootFiles', {})
  return checks
}

/** Where a bridge shows on a Linux host (asked among the destination's paths). */
export function bridgePath(bridge: string): string {
  return `/sys/class/net/${bridge}/bridge`
}

export function judgeCpu(
  facts: Pick<MigrationFacts, 'name' | 'from' | 'to' | 'source' | 'cpuModels'>,
  definition: DomainDefinition,
  usable: DestinationFacts['cpuModelUsable'],
): MigrationCheck {
  const { name, from, to } = facts
  const cpuMode = facts.source.cpuMode
  const check = (level: MigrationCheck['level'], text: MigrationCheckText, params: MigrationCheckParams) =>
    migrationCheck('cpu', level, text, params)
  if (cpuMode === 'host-passthrough' || cpuMode === 'host-model') {
    const { source, destination } = facts.cpuModels
    if (source && source === destination) return check('ok', 'cpuSame', { model: source, mode: cpuMode })
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
  if (!model) return check('ok', 'cpuDefault', { name })
  if (usable === 'yes') return check('ok', 'cpuModelUsable', { model, to })
  if (usable === 'no') return check('fail', 'cpuModelUnusable', { model, to })
  return check('warn', 'cpuModelUnknown', { model, to })
}

/** A check whose message is a migrationChecks.* sentence; a failing one blocks the migration. */
function migrationCheck(
  id: string,
  level: MigrationCheck['level'],
  text: MigrationCheckText,
  params: MigrationCheckParams,
): MigrationCheck {
  const message: Message = { code: `migrationChecks.${text}`, params }
  return level === 'fail' ? { id, level, message, blocks: ['migrate'] } : { id, level, message }
}

function checkAdder(checks: MigrationCheck[]) {
  return (
    id: string,
    level: MigrationCheck['level'],
    text: MigrationCheckText,
    params: MigrationCheckParams,
  ) => checks.push(migrationCheck(id, level, text, params))
}
