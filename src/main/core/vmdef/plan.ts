import { ApiError } from '../../../shared/errors'
import type { HostState } from '../../../shared/hosts'
import type { Check } from '../../../shared/messages/check'
import { msg, type MessageCode, type ParamValue } from '../../../shared/messages/message'
import { ISO_PATH_PATTERN, type CreatePlan, type CreateVmInput } from '../../../shared/vmdef'
import type { VMDEF_TEXTS } from '../../../shared/vmdef-texts'
import { hostStatusMessage } from '../../../shared/messages/host-status'
import { rbdSaysNotFound } from '../ceph/connect-failure'
import { imageArgv } from '../ceph/image'
import { readCephDf } from '../ceph/formats/ceph-df'
import { readCluster } from '../ceph/health'
import type { InventoryService } from '../inventory/inventory-service'
import { parseNodememstats } from '../inventory/virsh-parse'
import { parseCapabilityMachines, parseDomcapsMachine } from '../inventory/domain-xml'
import { hostArgv, parseVolList } from '../libvirt/host'
import { pathsArgv, presentPaths, sectionError, sectionText, type Sections } from '../remote/framing'
import type { RemoteRunner } from '../remote/runner'
import { pickRbdHost } from '../storage/rbd-host'
import { planNetwork, type MacUse } from './network'
import { planVirtualMac, type IpClaim, type OvhForVmdef, type PlannedVirtualMac } from './ovh-mac'
import { commonMachine, type HostMachines } from './machine'

/**
 * Creation's pre-checks, on every host and in Ceph, before anything is made: every host online, the
 * name unused on every host and as an image, the MAC unused by every definition on every host, the
 * bridge and the ISO on every host, one Ceph secret UUID with a value on every host, the domain type
 * and a machine type every host offers, memory on the host that will start it, the pool's space.
 * Read fresh (the inventory is refreshed with every definition first). Changes nothing.
 */

export interface PlanDeps {
  runner: RemoteRunner
  inventory: InventoryService
  hostNames(): string[]
  hostStates(): HostState[]
  pools(): string[]
  /** The libvirt images pool whose ISO volumes the wizard offers (uploaded ones included). */
  imagesPool?(): string
  /** OVH, for a failover IP whose virtual MAC the job reuses or creates (ovh-mac.ts). */
  ovh?(): OvhForVmdef
}

/** What the job needs besides the checks. */
export interface PlanFacts {
  rbdHost?: string
  secretUuid?: string
  machine?: string
  domainType: 'kvm' | 'qemu'
  mac?: string
  failoverIp?: string
  /** An OVH failover IP's virtual MAC, reused or made by the job before anything else. */
  virtualMac?: PlannedVirtualMac
  /** Every MAC the definitions use (the job checks the one OVH made against them). */
  usedMacs?: MacUse[]
}

const MiB = 1024
const LIST_MARK = '@@hyperdesk-list '

export type VmdefText = keyof typeof VMDEF_TEXTS
/** A message of the vmdef area (its parameters are checked by the catalog tests, not here). */
export function vmdefMsg(text: VmdefText, params: Record<string, ParamValue> = {}, detail?: string) {
  return {
    code: `vmdef.${text}` as MessageCode,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(detail ? { detail } : {}),
  }
}

function adder(checks: Check[]) {
  return (
    id: string,
    status: 'pass' | 'warn' | 'fail',
    text: VmdefText,
    params: Record<string, ParamValue>,
    detail?: string,
  ) => checks.push({ id, level: status === 'pass' ? 'ok' : status, message: vmdefMsg(text, params, detail) })
}

/** The bridges of one host (`/sys/class/net/X/bridge`), in one exec. */
export async function listBridges(runner: RemoteRunner, host: string): Promise<string[]> {
  const result = await runner.run(
    host,
    [
      'sh',
      '-c',
      `for p in /sys/class/net/*/bridge; do [ -e "$p" ] && printf '${LIST_MARK}%s\\n' "$p"; done; true`,
    ],
    { timeoutSeconds: 15, step: msg('errorSteps.listBridges', { host }) },
  )
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith(LIST_MARK))
    .flatMap((line) => /^\/sys\/class\/net\/([^/]+)\/bridge$/.exec(line.slice(LIST_MARK.length))?.[1] ?? [])
}

/**
 * ISO images the cluster's definitions already use as CD-ROM media: the wizard offers those present on
 * every host (etalab cannot list /var/lib/libvirt/images itself, mode 0711 on the runbook's hosts).
 */
export function knownIsos(inventory: InventoryService, hosts: readonly string[]): string[] {
  const isos = new Set<string>()
  for (const host of hosts)
    for (const domain of inventory.host(host)?.domains ?? [])
      for (const disk of domain.definition?.disks ?? [])
        if (disk.device === 'cdrom' && disk.file && ISO_PATH_PATTERN.test(disk.file)) isos.add(disk.file)
  return [...isos].sort()
}

/** `virsh secret-list`: the secrets whose usage is ceph, by UUID. */
export function parseCephSecrets(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*([0-9a-f-]{36})\s+ceph\b/i.exec(line)?.[1]?.toLowerCase())
    .filter((uuid): uuid is string => uuid !== undefined)
}

interface HostRead {
  host: string
  sections?: Sections
  present?: Set<string>
  bridges?: string[]
  /** The images pool's ISO volumes (paths); empty when it has none or is not defined. */
  poolIsos?: string[]
  error?: string
}

async function readHost(
  deps: PlanDeps,
  host: string,
  domainType: string,
  params: CreateVmInput,
  isos: readonly string[],
): Promise<HostRead> {
  const step = msg('errorSteps.creationChecks', { host })
  try {
    const sections = await deps.runner.virshQuery(
      host,
      [
        { id: 'domcaps', command: hostArgv.pcMachine(domainType) },
        { id: 'caps', command: hostArgv.capabilities() },
        { id: 'secrets', command: hostArgv.secretList() },
        { id: 'memory', command: hostArgv.memory() },
        ...(deps.imagesPool ? [{ id: 'images', command: hostArgv.volList(deps.imagesPool()) }] : []),
      ],
      { step },
    )
    // A missing images pool is the upload's concern: here it only means no volume to offer.
    const poolIsos = [...parseVolList(sectionText(sections, 'images') ?? '').values()].filter(
      (path) => /\.iso$/i.test(path) && ISO_PATH_PATTERN.test(path),
    )
    const secrets = parseCephSecrets(sectionText(sections, 'secrets') ?? '')
    const values =
      secrets.length > 0
        ? await deps.runner.virshQuery(
            host,
            secrets.map((uuid) => ({ id: `value:${uuid}`, command: hostArgv.secretValue(uuid) })),
            { step },
          )
        : new Map()
    for (const [id, value] of values) sections.set(id, value)
    const paths = [`/sys/class/net/${params.bridge}/bridge`, ...(params.iso ? [params.iso] : []), ...isos]
    const [present, bridges] = await Promise.all([
      deps.runner
        .run(host, pathsArgv(paths), { timeoutSeconds: 15, step })
        .then((result) => presentPaths(result.stdout, paths)),
      listBridges(deps.runner, host),
    ])
    return { host, sections, present, bridges, poolIsos }
  } catch (error) {
    return { host, error: ApiError.from(error).message }
  }
}

export async function createPlan(
  deps: PlanDeps,
  params: CreateVmInput,
  options: { definitionsRead?: boolean } = {},
): Promise<{ plan: CreatePlan; facts: PlanFacts }> {
  const checks: Check[] = []
  const add = adder(checks)
  const hosts = deps.hostNames()
  const states = deps.hostStates()
  const name = params.name
  const facts: PlanFacts = { domainType: params.domainType ?? 'kvm' }

  if (!deps.pools().includes(params.pool))
    add('pool', 'fail', 'poolUnknown', { pool: params.pool, pools: deps.pools() })
  for (const host of hosts) {
    const status = states.find((state) => state.name === host)?.status ?? 'unknown'
    if (status === 'online') add('host-online', 'pass', 'hostOnline', { host })
    else add('host-online', 'fail', 'hostOffline', { host, status: hostStatusMessage(status) })
  }
  const online = hosts.filter((host) => states.find((state) => state.name === host)?.status === 'online')

  // Every definition of every host, read now: names and MACs in use.
  // (A clone's plan has just read them for its source: not twice.)
  if (!options.definitionsRead)
    await Promise.all(online.map((host) => deps.inventory.refreshHost(host, { definitions: true })))
  const candidateIsos = knownIsos(deps.inventory, online)
  const reads = await Promise.all(
    online.map((host) => readHost(deps, host, facts.domainType, params, candidateIsos)),
  )

  const usedMacs: MacUse[] = []
  const claims: IpClaim[] = []
  let nameUsed = false
  for (const host of online) {
    const inventory = deps.inventory.host(host)
    if (!inventory?.reachable) continue
    for (const domain of inventory.domains) {
      if (domain.name === name) {
        nameUsed = true
        add('name', 'fail', 'nameUsed', { name, host, uuid: domain.uuid })
      }
      if (domain.definitionError || !domain.definition)
        add(
          'mac',
          'fail',
          'macUnconfirmed',
          { vm: domain.name, host },
          domain.definitionError?.message ?? 'not read yet',
        )
      for (const nic of domain.definition?.nics ?? []) usedMacs.push({ mac: nic.mac, vm: domain.name, host })
      const failoverIp = domain.definition?.hyperdesk['failoverIp']
      if (failoverIp) claims.push({ vm: domain.name, failoverIp })
    }
  }
  if (!nameUsed && online.length === hosts.length) add('name', 'pass', 'nameFree', { name })
  facts.usedMacs = usedMacs
  let virtualMac: CreatePlan['virtualMac']
  if (params.network.kind === 'ovh') {
    const { failoverIp, host } = params.network
    facts.failoverIp = failoverIp
    const decided = await planVirtualMac(deps.ovh?.(), {
      ip: failoverIp,
      host,
      startOn: params.startOn,
      usedMacs,
      claims,
    })
    checks.push(...decided.checks)
    if (decided.action && decided.serviceName) {
      facts.virtualMac = { ip: failoverIp, serviceName: decided.serviceName, action: decided.action }
      if (decided.action.kind === 'reuse') facts.mac = decided.action.mac
      virtualMac = {
        server: decided.serviceName,
        action: decided.action.kind,
        ...(decided.action.kind === 'reuse' ? { mac: decided.action.mac } : {}),
      }
    }
  } else {
    const network = planNetwork(params.network, usedMacs)
    facts.mac = network.mac
    if (network.failoverIp) facts.failoverIp = network.failoverIp
    for (const finding of network.findings)
      // A definition that could not be read already failed the MAC check: no "free" on top of it.
      if (finding.status === 'fail' || !checks.some((check) => check.id === 'mac'))
        add('mac', finding.status, finding.text, finding.params)
  }

  const unreadable = reads.filter((read) => read.error)
  for (const read of unreadable)
    add('host-read', 'fail', 'hostUnreadable', { host: read.host, error: read.error! })
  const readable = reads.filter((read) => !read.error)

  // Bridge and ISO on every host; the wizard's choices are those present everywhere.
  const everywhere = (list: (read: HostRead) => string[]) =>
    readable.length === 0
      ? []
      : (list(readable[0]!) ?? []).filter((item) => readable.every((read) => list(read).includes(item)))
  const bridges = everywhere((read) => read.bridges ?? [])
  const fromPools = new Set(readable.flatMap((read) => read.poolIsos ?? []))
  const isos = [...new Set([...candidateIsos, ...fromPools])]
    .sort()
    .filter(
      (iso) =>
        readable.length > 0 &&
        readable.every((read) => read.present?.has(iso) || read.poolIsos?.includes(iso)),
    )
  const missingBridge = readable.filter(
    (read) => !read.present?.has(`/sys/class/net/${params.bridge}/bridge`),
  )
  // A host that did not answer proves nothing: the bridge and the ISO are then unchecked, not present.
  const unanswered = hosts.filter((host) => !readable.some((read) => read.host === host))
  if (unanswered.length > 0)
    add('bridge', 'fail', 'bridgeUnchecked', { bridge: params.bridge, hosts: unanswered })
  if (missingBridge.length > 0)
    add('bridge', 'fail', 'bridgeMissing', {
      bridge: params.bridge,
      hosts: missingBridge.map((read) => read.host),
    })
  else if (unanswered.length === 0) add('bridge', 'pass', 'bridgePresent', { bridge: params.bridge })
  if (params.iso) {
    const missingIso = readable.filter((read) => !read.present?.has(params.iso!))
    if (unanswered.length > 0) add('iso', 'fail', 'isoUnchecked', { iso: params.iso, hosts: unanswered })
    if (missingIso.length > 0)
      add('iso', 'fail', 'isoMissing', {
        iso: params.iso,
        hosts: missingIso.map((read) => read.host),
      })
    else if (unanswered.length === 0) add('iso', 'pass', 'isoPresent', { iso: params.iso })
  } else add('iso', 'pass', 'noIso', {})

  // One Ceph secret, the same UUID everywhere, with a value everywhere.
  const reference = readable[0]
  const referenceSecrets = reference
    ? parseCephSecrets(sectionText(reference.sections!, 'secrets') ?? '')
    : []
  const secret = referenceSecrets.find((uuid) =>
    readable.every((read) => parseCephSecrets(sectionText(read.sections!, 'secrets') ?? '').includes(uuid)),
  )
  let secretProblem = false
  for (const read of readable) {
    const found = parseCephSecrets(sectionText(read.sections!, 'secrets') ?? '')
    if (found.length === 0) {
      secretProblem = true
      add('secret', 'fail', 'secretNone', { host: read.host })
    } else if (!secret && reference && read !== reference) {
      secretProblem = true
      add('secret', 'fail', 'secretDiffers', {
        host: read.host,
        found: found.join(', '),
        reference: reference.host,
        uuid: referenceSecrets.join(', '),
      })
    } else if (secret) {
      const error = sectionError(read.sections!, `value:${secret}`)
      if (error || !sectionText(read.sections!, `value:${secret}`)?.trim()) {
        secretProblem = true
        add('secret', 'fail', 'secretNoValue', { uuid: secret, host: read.host }, error ?? 'empty')
      }
    }
  }
  if (secret && !secretProblem) {
    facts.secretUuid = secret
    add('secret', 'pass', 'secretSame', { uuid: secret })
  }

  // Domain type and machine type.
  const machines: HostMachines[] = []
  for (const read of readable) {
    const domcaps = sectionText(read.sections!, 'domcaps')
    if (!domcaps) {
      add('domain-type', 'fail', params.domainType ? 'domainTypeMissing' : 'kvmMissing', {
        host: read.host,
        type: facts.domainType,
        error: sectionError(read.sections!, 'domcaps') ?? '',
      })
      continue
    }
    machines.push({
      host: read.host,
      pc: parseDomcapsMachine(domcaps),
      offered: parseCapabilityMachines(sectionText(read.sections!, 'caps') ?? ''),
    })
  }
  if (machines.length === readable.length && readable.length > 0) {
    add('domain-type', 'pass', 'domainType', { type: facts.domainType })
    const pcs = machines.map((entry) => `${entry.pc ?? '?'} on ${entry.host}`).join(', ')
    facts.machine = commonMachine(machines)
    if (facts.machine) add('machine', 'pass', 'machine', { machine: facts.machine, pcs })
    else add('machine', 'fail', 'machineNone', { pcs })
  }

  // Memory where it will start.
  if (params.startOn) {
    const read = readable.find((entry) => entry.host === params.startOn)
    const available = read
      ? parseNodememstats(sectionText(read.sections!, 'memory') ?? '').availableKiB
      : undefined
    const figures = { host: params.startOn, name, need: params.memoryMiB }
    if (available === undefined) add('memory', 'warn', 'memoryUnknown', { host: params.startOn })
    else if (available < params.memoryMiB * MiB)
      add('memory', 'fail', 'memoryShort', { ...figures, available: Math.floor(available / MiB) })
    else add('memory', 'pass', 'memory', { ...figures, available: Math.floor(available / MiB) })
  } else add('memory', 'pass', 'memoryNotStarted', { name })

  // Ceph: the image must not exist (its creation is the name's reservation), and the pool's space.
  let poolFreeBytes: number | undefined
  try {
    facts.rbdHost = pickRbdHost(states, hosts)
    const ref = { pool: params.pool, image: name }
    const spec = `${params.pool}/${name}`
    const info = await deps.runner.rbd(facts.rbdHost, imageArgv.info(ref), {
      step: msg('errorSteps.command', { command: `rbd info ${spec}` }),
      allowFailure: true,
    })
    if (info.exitCode === 0) add('image', 'fail', 'imageExists', { pool: params.pool, name })
    else if (rbdSaysNotFound(info.stderr)) add('image', 'pass', 'imageFree', { pool: params.pool, name })
    else
      add(
        'image',
        'fail',
        'imageUnreadable',
        { pool: params.pool, name },
        info.stderr.trim() || `exit ${info.exitCode}`,
      )
    try {
      const [df] = await readCluster(deps.runner, facts.rbdHost, ['df'])
      const row = readCephDf(df).df.pools.find((p) => p.name === params.pool)
      if (row) {
        poolFreeBytes = row.maxAvailBytes
        const figures = { pool: params.pool, free: row.maxAvailBytes, size: params.sizeBytes }
        add(
          'pool-space',
          row.maxAvailBytes < params.sizeBytes ? 'warn' : 'pass',
          row.maxAvailBytes < params.sizeBytes ? 'poolSpaceShort' : 'poolSpace',
          figures,
        )
      }
    } catch (error) {
      add('pool-space', 'warn', 'poolSpaceUnknown', {
        pool: params.pool,
        error: ApiError.from(error).message,
      })
    }
  } catch (error) {
    add('image', 'fail', 'imageUnreadable', { pool: params.pool, name }, ApiError.from(error).message)
  }

  const plan: CreatePlan = {
    name,
    checks,
    canCreate: !checks.some((check) => check.level === 'fail'),
    ...(facts.machine ? { machine: facts.machine } : {}),
    domainType: facts.domainType,
    ...(facts.mac ? { mac: facts.mac } : {}),
    ...(virtualMac ? { virtualMac } : {}),
    ...(facts.secretUuid ? { secretUuid: facts.secretUuid } : {}),
    bridges,
    isos,
    ...(poolFreeBytes !== undefined ? { poolFreeBytes } : {}),
  }
  return { plan, facts }
}
