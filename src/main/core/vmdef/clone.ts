import crypto from 'node:crypto'
import { ApiError } from '../../../shared/errors'
import type { DomainDefinition, Vm } from '../../../shared/inventory'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import type { Check } from '../../../shared/messages/check'
import { englishText, msg, type Message, type ParamValue } from '../../../shared/messages/message'
import {
  cloneSnapshotName,
  type ClonePlan,
  type CloneVmInput,
  type CloneVmResult,
  type CreateVmInput,
} from '../../../shared/vmdef'
import { imageArgv, imageSpec, snapshotArgv, type RbdImageRef } from '../ceph/image'
import { RbdReader } from '../ceph/rbd'
import { domainMachine } from '../inventory/domain-xml'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { readDefinitionXml } from '../definitions/drift'
import { pickRbdHost } from '../storage/rbd-host'
import { buildDomainXml } from './builder'
import { clonedDomainXml } from './clone-xml'
import { cancelled, checkLine, withReasons, type Made, type VmCreator, type VmdefDeps } from './create'
import { generateMac } from './mac'
import { createPlan, vmdefMsg, type PlanFacts, type VmdefText } from './plan'

/**
 * Cloning a VM that is off, or a template (a protected RBD snapshot), into a new VM — what the runbook
 * would do by hand with `rbd snap create/protect/clone`, then an edited `virsh dumpxml` defined on each
 * host — as one job, through creation's pipeline (create.ts):
 *  1. the creation's pre-checks for the new VM (name, image, MAC, bridge, secret… on every host:
 *     plan.ts) and the source's (off everywhere, one RBD disk; a template is a protected snapshot);
 *  2. a VM's disk is snapshotted (`clone-NAME`) and the snapshot protected — the source's data is never
 *     written; then the copy-on-write clone POOL/NAME (its creation reserves the name), tagged with the
 *     job as a created image is;
 *  3. the definition — the source's with a new name, UUID, MAC and disk (clone-xml.ts), or a template's
 *     built as a creation's — defined on every host with one UUID and read back (create.ts);
 *  4. optionally flattened (`rbd flatten`: the clone no longer depends on the snapshot, which the job
 *     then removes when it made it) and started, after the lease.
 * A failure in 2–3 undefines what was defined, removes the clone only while it carries this job's tag,
 * then the snapshot the job made (never another one); what remains is listed for vm.cleanupCreate.
 */

const CLONE_LEASE_SECONDS = 300

/** The source as the plan and the job judge it. */
interface Source {
  parent?: RbdImageRef
  snapshot?: string
  makesSnapshot: boolean
  vm?: Vm
  definition?: DomainDefinition
  /** A VM's definition as a host printed it (with its security data): the clone's starting point. */
  xml?: string
  sizeBytes?: number
}

function add(
  checks: Check[],
  id: string,
  level: Check['level'],
  text: VmdefText,
  params: Record<string, ParamValue>,
  detail?: string,
): void {
  checks.push({ id, level, message: vmdefMsg(text, params, detail) })
}

/** The definition of a VM as one of its hosts has it (the inventory's, read with every definition). */
function definitionOf(deps: VmdefDeps, vm: Vm): DomainDefinition | undefined {
  return vm.definedOn
    .map((host) => deps.inventory.domain(host, vm.uuid)?.definition)
    .find((found) => found !== undefined)
}

/** A VM source's checks: known, off on every host that answers, every host answering, one RBD disk. */
export function judgeVmSource(
  vm: Vm | undefined,
  definition: DomainDefinition | undefined,
  uuid: string,
  checks: Check[],
): RbdImageRef | undefined {
  if (!vm || !definition) {
    add(checks, 'source', 'fail', 'cloneSourceUnknown', { uuid })
    return undefined
  }
  const running = [...vm.runningOn, ...vm.lastKnownRunningOn]
  if (running.length > 0)
    add(checks, 'source', 'fail', 'cloneSourceRunning', { name: vm.name, hosts: running })
  for (const host of vm.unknownOn)
    add(checks, 'source', 'fail', 'cloneSourceUnreachable', { name: vm.name, host })
  if (running.length === 0 && vm.unknownOn.length === 0)
    add(checks, 'source', 'ok', 'cloneSourceOff', { name: vm.name })
  const disks = definition.disks.filter((disk) => disk.device !== 'cdrom')
  for (const disk of disks.filter((entry) => !entry.rbd))
    add(checks, 'disk', 'fail', 'cloneLocalDisk', {
      name: vm.name,
      target: disk.target,
      source: disk.file ?? disk.volume?.volume ?? disk.network?.name ?? '?',
    })
  const rbd = disks.flatMap((disk) => (disk.rbd && !disk.rbd.snapshot ? [disk.rbd] : []))
  if (rbd.length !== 1 || disks.length !== 1) {
    if (rbd.length !== 1) add(checks, 'disk', 'fail', 'cloneDiskCount', { name: vm.name, count: rbd.length })
    return undefined
  }
  const [disk] = rbd
  return { pool: disk!.pool, image: disk!.image, ...(disk!.namespace ? { namespace: disk!.namespace } : {}) }
}

/** Reads the source (fresh inventory, rbd) and adds its checks. */
async function readSource(
  deps: VmdefDeps,
  params: CloneVmInput,
  rbdHost: string,
  checks: Check[],
): Promise<Source> {
  const reader = new RbdReader(deps.runner)
  let source: Source
  if (params.source.kind === 'vm') {
    const vm = deps.inventory.vm(params.source.uuid.toLowerCase())
    const definition = vm ? definitionOf(deps, vm) : undefined
    const parent = judgeVmSource(vm, definition, params.source.uuid, checks)
    const xml = vm && parent ? await readSourceXml(deps, vm, checks) : undefined
    source = {
      ...(xml ? { xml } : {}),
      makesSnapshot: true,
      ...(vm ? { vm } : {}),
      ...(definition ? { definition } : {}),
      ...(parent ? { parent, snapshot: cloneSnapshotName(params.name) } : {}),
    }
  } else {
    const { pool, image, snapshot } = params.source
    source = { makesSnapshot: false, parent: { pool, image }, snapshot }
  }
  if (!source.parent || !source.snapshot) return source
  const parent = imageSpec(source.parent)
  const snapshot = source.snapshot
  try {
    source.sizeBytes = (await reader.info(rbdHost, source.parent)).sizeBytes
    const found = (await reader.snapshots(rbdHost, source.parent)).find((entry) => entry.name === snapshot)
    if (source.makesSnapshot) {
      if (found)
        add(checks, 'snapshot', 'fail', 'cloneSnapshotTaken', { parent, snapshot, name: params.name })
    } else if (!found) add(checks, 'snapshot', 'fail', 'cloneTemplateMissing', { parent, snapshot })
    else if (!found.protected)
      add(checks, 'snapshot', 'fail', 'cloneTemplateUnprotected', { parent, snapshot })
    else add(checks, 'snapshot', 'ok', 'cloneTemplate', { parent, snapshot })
    add(checks, 'clone', 'ok', 'cloneDisk', { pool: source.parent.pool, name: params.name, parent, snapshot })
  } catch (error) {
    add(checks, 'snapshot', 'fail', 'cloneSourceUnreadable', { parent }, ApiError.from(error).message)
  }
  return source
}

/** The source's definition with its security data, from a host that answers (the clone starts from it). */
async function readSourceXml(deps: VmdefDeps, vm: Vm, checks: Check[]): Promise<string | undefined> {
  const online = new Set(
    deps.hostStates().flatMap((state) => (state.status === 'online' ? [state.name] : [])),
  )
  const host = vm.definedOn.find((name) => online.has(name)) ?? vm.definedOn[0]
  if (!host) return undefined
  try {
    return await readDefinitionXml(deps.runner, host, vm.uuid, {
      timeoutSeconds: deps.defineTimeoutSeconds ?? 30,
      step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${vm.name}`, host }),
    })
  } catch (error) {
    add(checks, 'source', 'fail', 'hostUnreadable', { host, error: ApiError.from(error).message })
    return undefined
  }
}

/** The clone's pool: the one asked, else its parent's (creation's pre-checks refuse one the cluster lacks). */
function clonePool(params: CloneVmInput, parent: RbdImageRef | undefined): string {
  return params.pool ?? parent?.pool ?? (params.source.kind === 'snapshot' ? params.source.pool : 'rbd')
}

/** What creation's pre-checks are asked about the new VM: a VM's clone keeps its source's sizes and bridge. */
function createInput(params: CloneVmInput, source: Source): CreateVmInput {
  const definition = source.definition
  const bridge = definition?.nics.find((nic) => nic.bridge)?.bridge
  return {
    name: params.name,
    pool: clonePool(params, source.parent),
    sizeBytes: Math.max(source.sizeBytes ?? 0, 2 ** 20),
    vcpus: definition?.vcpus ?? params.vcpus,
    memoryMiB: definition ? Math.max(64, Math.round(definition.currentMemoryKiB / 1024)) : params.memoryMiB,
    network: params.network,
    bridge: (bridge as CreateVmInput['bridge'] | undefined) ?? params.bridge,
    keyboardLayout: params.keyboardLayout,
    ...(definition?.type === 'qemu' || definition?.type === 'kvm'
      ? { domainType: definition.type }
      : params.domainType
        ? { domainType: params.domainType }
        : {}),
    ...(params.startOn ? { startOn: params.startOn } : {}),
  }
}

export interface ClonePlanned {
  plan: ClonePlan
  facts: PlanFacts
  source: Source
  input: CreateVmInput
}

export async function clonePlan(deps: VmdefDeps, params: CloneVmInput): Promise<ClonePlanned> {
  const hosts = deps.hostNames()
  // Every definition read now (the source's disk, every MAC); creation's checks read them again.
  await Promise.all(
    hosts.map((host) => deps.inventory.refreshHost(host, { definitions: true }).catch(() => undefined)),
  )
  const sourceChecks: Check[] = []
  const rbdHost = pickRbdHost(deps.hostStates(), hosts)
  const source = await readSource(deps, params, rbdHost, sourceChecks)
  const input = createInput(params, source)
  const created = await createPlan(deps, input, { definitionsRead: true })
  const machine = source.xml ? domainMachine(source.xml) : undefined
  // A VM's clone keeps its CD-ROM and machine type: creation's words about them do not apply.
  const kept = created.plan.checks.filter(
    (check) => !(source.definition && (check.id === 'iso' || check.id === 'machine')),
  )
  if (machine && source.vm) add(kept, 'machine', 'ok', 'cloneMachineKept', { name: source.vm.name, machine })
  const checks = [...sourceChecks, ...kept]
  const plan: ClonePlan = {
    ...created.plan,
    ...(machine ? { machine } : {}),
    checks,
    canCreate: !checks.some((check) => check.level === 'fail'),
    makesSnapshot: source.makesSnapshot,
    ...(source.parent ? { parent: imageSpec(source.parent) } : {}),
    ...(source.snapshot ? { snapshot: source.snapshot } : {}),
    ...(source.sizeBytes !== undefined ? { sizeBytes: source.sizeBytes } : {}),
    vcpus: input.vcpus,
    memoryMiB: input.memoryMiB,
  }
  return { plan, facts: created.facts, source, input }
}

export class VmCloner {
  constructor(
    private readonly deps: VmdefDeps,
    private readonly creator: VmCreator,
  ) {}

  plan(params: CloneVmInput): Promise<ClonePlan> {
    return clonePlan(this.deps, params).then((planned) => planned.plan)
  }

  async clone(params: CloneVmInput, job: JobContext): Promise<CloneVmResult> {
    const uuid = crypto.randomUUID()
    // The leases are named from the inventory as it is; the plan, read again under them, refuses
    // when the source's disk is not the one leased (cloneLocked).
    const { parent, vm } = await this.leasedSource(params)
    const names = [
      vmLeaseName(uuid),
      imageLeaseName(clonePool(params, parent), params.name),
      ...(parent ? [imageLeaseName(parent.pool, parent.image)] : []),
      ...(vm ? [vmLeaseName(vm.uuid)] : []),
    ]
    const cloned = await this.deps.vmLocks.run(uuid, () =>
      this.deps.lease.run(
        names,
        `clone ${vm?.name ?? (parent ? imageSpec(parent) : '?')} to ${params.name}`,
        CLONE_LEASE_SECONDS,
        (lease) => this.cloneLocked(params, uuid, names, lease, job),
        job,
      ),
    )
    const flattened = params.flatten ? await this.flatten(cloned, params.source.kind === 'vm', job) : cloned
    return this.creator.startIfAsked(flattened, params.startOn, job)
  }

  /** The source's VM and disk as the inventory has them now (for the leases' names). */
  private async leasedSource(params: CloneVmInput): Promise<{ parent?: RbdImageRef; vm?: Vm }> {
    const source = params.source
    if (source.kind === 'snapshot') return { parent: { pool: source.pool, image: source.image } }
    const read = () => {
      const vm = this.deps.inventory.vm(source.uuid.toLowerCase())
      const definition = vm ? definitionOf(this.deps, vm) : undefined
      return { vm, definition }
    }
    let found = read()
    if (!found.definition) {
      await Promise.all(
        this.deps
          .hostNames()
          .map((host) => this.deps.inventory.refreshHost(host, { definitions: true }).catch(() => undefined)),
      )
      found = read()
    }
    const parent = judgeVmSource(found.vm, found.definition, source.uuid, [])
    return { ...(found.vm ? { vm: found.vm } : {}), ...(parent ? { parent } : {}) }
  }

  private async cloneLocked(
    params: CloneVmInput,
    uuid: string,
    leased: readonly string[],
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<CloneVmResult> {
    job.step(msg('vmdefSteps.checkingHostsAndSource'), 0.02)
    const { plan, facts, source, input } = await clonePlan(this.deps, params)
    const failed = plan.checks.filter((check) => check.level === 'fail')
    const parent = source.parent
    const unleased =
      !leased.includes(imageLeaseName(input.pool, params.name)) ||
      (parent && !leased.includes(imageLeaseName(parent.pool, parent.image))) ||
      (source.vm && !leased.includes(vmLeaseName(source.vm.uuid)))
    if (
      failed.length > 0 ||
      unleased ||
      (source.vm && !source.xml) ||
      !parent ||
      !source.snapshot ||
      !facts.mac ||
      !facts.rbdHost ||
      !facts.secretUuid
    )
      throw withReasons(
        'vm.clone.refused',
        vmdefMsg('cloneRefused', { name: params.name, count: Math.max(failed.length, 1) }),
        failed.map((check) => check.message),
        { step: msg('errorSteps.preChecks'), details: { checks: plan.checks } },
      )
    for (const check of plan.checks) job.log(checkLine(check))
    const child: RbdImageRef = { pool: input.pool, image: params.name }
    const xml = this.definition(params, uuid, source, facts, input, child)
    const made: Made = { defineSent: [] }
    const hosts = this.deps.hostNames()
    try {
      await this.cloneImage(
        parent,
        source.snapshot,
        source.makesSnapshot,
        child,
        facts.rbdHost,
        made,
        lease,
        job,
      )
      await this.creator.defineEverywhere(params.name, uuid, xml, hosts, made, lease, job)
    } catch (error) {
      throw await this.creator.undo(params.name, uuid, made, ApiError.from(error), job, 'clone')
    }
    const from = `${imageSpec(parent)}@${source.snapshot}`
    await this.creator.announce(
      hosts,
      params.name,
      `clone VM (${uuid}) with disk ${imageSpec(child)} from ${from}`,
    )
    return {
      uuid,
      name: params.name,
      mac: facts.mac,
      machine: plan.machine ?? facts.machine ?? '',
      image: imageSpec(child),
      hosts,
      parent: from,
      flattened: false,
    }
  }

  /** The clone's XML: its source's, edited (a VM), or built as a creation's (a template). */
  private definition(
    params: CloneVmInput,
    uuid: string,
    source: Source,
    facts: PlanFacts,
    input: CreateVmInput,
    child: RbdImageRef,
  ): string {
    const vm = source.vm
    if (!vm || !source.definition || !source.xml)
      return buildDomainXml({
        name: params.name,
        uuid,
        domainType: facts.domainType,
        machine: facts.machine!,
        vcpus: input.vcpus,
        memoryMiB: input.memoryMiB,
        disk: { ...child, cephUser: this.deps.ceph().clientId, secretUuid: facts.secretUuid! },
        nic: { mac: facts.mac!, bridge: input.bridge },
        keyboardLayout: input.keyboardLayout ?? this.deps.guestKeyboardLayout(),
        ...(facts.failoverIp ? { failoverIp: facts.failoverIp } : {}),
      })
    // Extra NICs get their own generated MACs, unused anywhere (the first takes the chosen one).
    const used = this.usedMacs()
    const macs: string[] = []
    for (const [index] of source.definition.nics.entries()) {
      const mac = index === 0 ? facts.mac! : generateMac([...used, ...macs])
      macs.push(mac)
    }
    return clonedDomainXml(source.xml, {
      sourceName: vm.name,
      name: params.name,
      uuid,
      macs,
      disk: { from: imageSpec(source.parent!), to: imageSpec(child) },
      ...(facts.failoverIp ? { failoverIp: facts.failoverIp } : {}),
    })
  }

  private usedMacs(): string[] {
    return this.deps.inventory
      .snapshot()
      .hosts.flatMap((host) =>
        host.domains.flatMap((domain) => domain.definition?.nics.map((nic) => nic.mac) ?? []),
      )
  }

  /** Snapshot and protect the source (a VM), then the copy-on-write clone, tagged with the job. */
  private async cloneImage(
    parent: RbdImageRef,
    snapshot: string,
    makeSnapshot: boolean,
    child: RbdImageRef,
    host: string,
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    const parentSpec = imageSpec(parent)
    const from = `${parentSpec}@${snapshot}`
    if (makeSnapshot) {
      if (job.signal.aborted) throw cancelled()
      await lease.check(msg('errorSteps.command', { command: `rbd snap create ${from}` }))
      job.step(msg('vmdefSteps.snapshotting', { image: parentSpec, snapshot }), 0.1)
      await this.rbdStep(
        host,
        snapshotArgv.create(parent, snapshot),
        msg('errorSteps.command', { command: `rbd snap create ${from}` }),
        'cloneSnapshotFailed',
        { parent: parentSpec, snapshot },
      )
      made.snapshot = { ...parent, host, snapshot, protected: false }
      await this.rbdStep(
        host,
        snapshotArgv.protect(parent, snapshot),
        msg('errorSteps.command', { command: `rbd snap protect ${from}` }),
        'cloneSnapshotFailed',
        { parent: parentSpec, snapshot },
      )
      made.snapshot.protected = true
    }
    const spec = imageSpec(child)
    await this.creator.makeImage(
      {
        operation: 'clone',
        host,
        ref: child,
        argv: imageArgv.clone(parent, snapshot, child),
        step: msg('errorSteps.command', { command: `rbd clone ${from} ${spec}` }),
        title: msg('jobSteps.cloningImage', { from, image: spec }),
        failed: vmdefMsg('cloneImageFailed', { parent: parentSpec, snapshot, image: spec }),
      },
      made,
      lease,
      job,
    )
  }

  private async rbdStep(
    host: string,
    argv: string[],
    step: Message,
    text: VmdefText,
    params: Record<string, ParamValue>,
  ): Promise<void> {
    const result = await this.deps.runner.rbd(host, argv, { step, allowFailure: true })
    if (result.exitCode !== 0)
      throw ApiError.of(
        'vm.clone.snapshot-failed',
        vmdefMsg(text, params, result.stderr.trim() || `rbd exit ${result.exitCode}`),
        {
          host,
          step,
        },
      )
  }

  /**
   * Copies the parent's data into the clone (it no longer depends on the snapshot), then removes the
   * snapshot when the job made it. The clone is defined and usable either way: a failure is reported
   * in the result, not undone.
   */
  private async flatten(
    cloned: CloneVmResult,
    madeSnapshot: boolean,
    job: JobContext,
  ): Promise<CloneVmResult> {
    const host = pickRbdHost(this.deps.hostStates(), this.deps.hostNames())
    const [pool, image] = cloned.image.split('/') as [string, string]
    const [parentSpec, snapshot] = cloned.parent.split('@') as [string, string]
    job.step(msg('vmdefSteps.flattening', { image: cloned.image }), 0.9)
    const result = await this.deps.runner.rbd(host, imageArgv.flatten({ pool, image }), {
      step: msg('errorSteps.command', { command: `rbd flatten ${cloned.image}` }),
      allowFailure: true,
      timeoutSeconds: 3600,
    })
    if (result.exitCode !== 0) {
      const text = vmdefMsg(
        'cloneFlattenFailed',
        { name: cloned.name, image: cloned.image, parent: parentSpec, snapshot },
        result.stderr.trim(),
      )
      job.log(text)
      return { ...cloned, flattenError: englishText(text) }
    }
    if (madeSnapshot) {
      const [parentPool, parentImage] = parentSpec.split('/') as [string, string]
      await this.creator.removeJobSnapshot(
        { pool: parentPool, image: parentImage, host, snapshot, protected: true },
        job,
      )
    }
    return { ...cloned, flattened: true }
  }
}
