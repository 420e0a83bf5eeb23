import crypto from 'node:crypto'
import { ApiError, errorText } from '../../../shared/errors'
import type { HostState } from '../../../shared/hosts'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import type { CreateVmInput, CreateVmResult, Remain } from '../../../shared/vmdef'
import type { KeyboardLayout } from '../../../shared/keyboard'
import type { Check } from '../../../shared/messages/check'
import {
  englishText,
  msg,
  withDetail,
  type Message,
  type MessageCode,
} from '../../../shared/messages/message'
import { rbdSaysNotFound } from '../ceph/connect-failure'
import { imageArgv, imageSpec, snapshotArgv, type RbdImageRef } from '../ceph/image'
import { canonicalDomainXml, domainMachine, parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import type { LeaseCheck, Leases } from '../lease/cluster-lease'
import { readDefinitionXml } from '../definitions/drift'
import { domainArgv } from '../libvirt/domain'
import { buildDomainXml, type VmSpec } from './builder'
import { createPlan, vmdefMsg, type PlanFacts } from './plan'
import { virtualMacForJob, type OvhForVmdef } from './ovh-mac'
import { pickRbdHost } from '../storage/rbd-host'

/**
 * Creating a VM in one job, as the runbook does it by hand (qemu-img create, create-virtual-machine,
 * dumpxml/scp/define on the two other hosts), with nothing left half-done:
 *   1. the pre-checks on every host (plan.ts); any failure refuses before anything is made;
 *   2. the RBD image, created first — its creation is the atomic reservation of the name — and
 *      tagged with the job's id (`rbd image-meta set … hyperdesk.create-job <job>`);
 *   3. the same definition with one UUID defined on every host (`virsh define /dev/stdin`), each read
 *      back (`dumpxml --inactive`) and compared with what was sent after libvirt's normalisation;
 *   4. optionally a start on the chosen host, with every start guard (after the lease is released).
 * A failure in 2–3 (a host unreachable, libvirt refusing, Ceph full, a cancel) undefines what was
 * defined and removes the image — only if it carries this job's tag. What the undo cannot remove is
 * listed in the error (details.remains) for vmdef.cleanupCreate.
 */

export interface VmdefDeps {
  runner: RemoteRunner
  inventory: InventoryService
  vmLocks: KeyedMutex
  lease: Leases
  hostNames(): string[]
  hostStates(): HostState[]
  pools(): string[]
  /** The libvirt images pool (the wizard's ISOs, the uploads). */
  imagesPool?(): string
  ceph(): { clientId: string }
  /** The cluster file's guestKeyboardLayout: a new VM's layout when the wizard names none. */
  guestKeyboardLayout(): KeyboardLayout
  audit(host: string, action: string, vm: string): Promise<void>
  /** Starts the new VM with every start guard (Lifecycle.start). */
  start(uuid: string, host: string, job: JobContext): Promise<unknown>
  /** virsh define / undefine timeout on a host (default 30 s). */
  defineTimeoutSeconds?: number
  /** OVH, for a failover IP whose virtual MAC the job reuses or creates (ovh-mac.ts). */
  ovh?(): OvhForVmdef
}

/** The image-meta key that tags an image with the creation job that made it. */
export const CREATE_JOB_META = 'hyperdesk.create-job'

/** The creation holds the new VM's and its image's leases; its steps are short. */
const CREATE_LEASE_SECONDS = 300

/** A snapshot a clone job made of its source, for the undo (unprotected and removed). */
export interface MadeSnapshot extends RbdImageRef {
  host: string
  snapshot: string
  protected: boolean
}

/** What the job made so far, for its undo (a creation's or a clone's). */
export interface Made {
  image?: { host: string; spec: string; pool: string; image: string; tagged: boolean }
  /** Hosts where define was sent (answered or not): the undo asks each. */
  defineSent: string[]
  snapshot?: MadeSnapshot
}

/** Which job an undo reports for: its error codes (vm.create.failed, vm.clone.remains…) and texts. */
export type NewVmOperation = 'create' | 'clone'

function fieldsOf(xml: string) {
  const parsed = parseDomainXml(xml)
  return {
    name: parsed.name,
    uuid: parsed.uuid,
    type: parsed.type,
    memoryKiB: parsed.memoryKiB,
    currentMemoryKiB: parsed.currentMemoryKiB,
    vcpus: parsed.vcpus,
    disks: parsed.disks,
    nics: parsed.nics,
    graphics: parsed.graphics.map(({ type, listen, autoport }) => ({ type, listen, autoport })),
    serials: parsed.serials,
    hyperdesk: parsed.hyperdesk,
    machine: domainMachine(xml),
  }
}

/** The fields of the definition that differ between what was sent and what a host reads back. */
export function readBackDifferences(sent: string, read: string): string[] {
  const a = fieldsOf(sent)
  const b = fieldsOf(read)
  return (Object.keys(a) as (keyof typeof a)[]).filter(
    (key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]),
  )
}

/**
 * The remains as the failure message's lists: hosts whose definition stayed, images (and snapshots,
 * POOL/IMAGE@SNAP) that stayed.
 */
export function remainLists(remains: readonly Remain[]): { hosts: string[]; images: string[] } {
  const hosts = remains.flatMap((remain) => (remain.kind === 'definition' ? [remain.host] : []))
  const images = remains.flatMap((remain) =>
    remain.kind === 'image'
      ? [`${remain.pool}/${remain.image}`]
      : remain.kind === 'snapshot'
        ? [`${remain.pool}/${remain.image}@${remain.snapshot}`]
        : [],
  )
  return { hosts: hosts.length > 0 ? hosts : ['—'], images: images.length > 0 ? images : ['—'] }
}

/** An error whose English message also lists its reasons (the window shows each reason's message). */
export function withReasons(
  code: string,
  text: Message,
  reasons: readonly Message[],
  extra: { step?: Message; details?: Record<string, unknown> } = {},
): ApiError {
  const error = ApiError.of(code, text, extra)
  error.message = [englishText(text), ...reasons.map(englishText)].join(' ')
  return error
}

export class VmCreator {
  constructor(private readonly deps: VmdefDeps) {}

  plan(params: CreateVmInput) {
    return createPlan(this.deps, params).then((result) => result.plan)
  }

  async create(params: CreateVmInput, job: JobContext): Promise<CreateVmResult> {
    const uuid = crypto.randomUUID()
    const spec = imageSpec({ pool: params.pool, image: params.name })
    const leaseNames = [vmLeaseName(uuid), imageLeaseName(params.pool, params.name)]
    const created = await this.deps.vmLocks.run(uuid, () =>
      this.deps.lease.run(
        leaseNames,
        `create ${params.name}`,
        CREATE_LEASE_SECONDS,
        (lease) => this.createLocked(params, uuid, spec, lease, job),
        job,
      ),
    )
    return this.startIfAsked(created, params.startOn, job)
  }

  /** Starts a new VM with every start guard, under its own lease (the creation's is released by now). */
  async startIfAsked<T extends CreateVmResult>(
    created: T,
    host: string | undefined,
    job: JobContext,
  ): Promise<T> {
    if (!host) return created
    job.step(msg('jobSteps.starting', { name: created.name, host }), 0.95)
    try {
      await this.deps.start(created.uuid, host, job)
      return { ...created, started: { host, ok: true } }
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(msg('vmdefSteps.createdNotStarted', { host, error: errorText(ApiError.from(error)) }))
      return { ...created, started: { host, ok: false, error: message } }
    }
  }

  private async createLocked(
    params: CreateVmInput,
    uuid: string,
    spec: string,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<CreateVmResult> {
    job.step(msg('jobSteps.checkingEveryHost'), 0.02)
    const { plan, facts } = await createPlan(this.deps, params)
    const failed = plan.checks.filter((check) => check.level === 'fail')
    // An OVH failover IP without a virtual MAC yet gets its MAC from the job's first step.
    const macToMake = facts.virtualMac?.action.kind === 'create'
    if (
      failed.length > 0 ||
      !facts.machine ||
      !facts.secretUuid ||
      (!facts.mac && !macToMake) ||
      !facts.rbdHost
    )
      throw withReasons(
        'vm.create.refused',
        vmdefMsg('refused', { name: params.name, count: failed.length }),
        failed.map((check) => check.message),
        { step: msg('errorSteps.preChecks'), details: { checks: plan.checks } },
      )
    for (const check of plan.checks) job.log(checkLine(check))
    // OVH first: a task that fails or is cancelled leaves nothing made (no image, no definition).
    if (facts.virtualMac)
      facts.mac = await virtualMacForJob(
        this.deps.ovh!(),
        facts.virtualMac,
        params.name,
        facts.usedMacs ?? [],
        job,
      )
    const made: Made = { defineSent: [] }
    const xml = buildDomainXml(this.specFor(params, uuid, facts))
    const hosts = this.deps.hostNames()
    try {
      await this.createImage(params, spec, facts.rbdHost, made, lease, job)
      await this.defineEverywhere(params.name, uuid, xml, hosts, made, lease, job)
    } catch (error) {
      if (macToMake && facts.virtualMac)
        job.log(msg('ovhCreate.keptAfterFailure', { ip: facts.virtualMac.ip, mac: facts.mac! }))
      throw await this.undo(params.name, uuid, made, ApiError.from(error), job)
    }
    await this.announce(hosts, params.name, `create VM (${uuid}) with disk ${spec}`)
    return {
      uuid,
      name: params.name,
      mac: facts.mac!,
      machine: facts.machine,
      image: spec,
      hosts,
    }
  }

  /** Audits the new VM on every host and reads their definitions again. */
  async announce(hosts: readonly string[], name: string, action: string): Promise<void> {
    await Promise.all(hosts.map((host) => this.deps.audit(host, action, name).catch(() => undefined)))
    await Promise.all(hosts.map((host) => this.deps.inventory.refreshHost(host, { definitions: true })))
  }

  private specFor(params: CreateVmInput, uuid: string, facts: PlanFacts): VmSpec {
    return {
      name: params.name,
      uuid,
      domainType: facts.domainType,
      machine: facts.machine!,
      vcpus: params.vcpus,
      memoryMiB: params.memoryMiB,
      disk: {
        pool: params.pool,
        image: params.name,
        cephUser: this.deps.ceph().clientId,
        secretUuid: facts.secretUuid!,
      },
      ...(params.iso ? { iso: params.iso } : {}),
      nic: { mac: facts.mac!, bridge: params.bridge },
      keyboardLayout: params.keyboardLayout ?? this.deps.guestKeyboardLayout(),
      ...(facts.failoverIp ? { failoverIp: facts.failoverIp } : {}),
    }
  }

  /** Creates the image (the name's atomic reservation), then tags it with the job. */
  private async createImage(
    params: CreateVmInput,
    spec: string,
    host: string,
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    const ref = { pool: params.pool, image: params.name }
    await this.createTaggedImage(
      'create',
      host,
      ref,
      params.sizeBytes,
      vmdefMsg('imageCreateFailed', { image: spec }),
      made,
      lease,
      job,
    )
  }

  /** A new empty image made with `rbd create` and tagged with the job (a new VM's, or an edit's new disk). */
  async createTaggedImage(
    operation: NewVmOperation | 'edit',
    host: string,
    ref: RbdImageRef,
    sizeBytes: number,
    failed: Message,
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    const spec = imageSpec(ref)
    await this.makeImage(
      {
        operation,
        host,
        ref,
        argv: imageArgv.create(ref, sizeBytes),
        step: msg('errorSteps.command', { command: `rbd create ${spec}` }),
        title: msg('jobSteps.creatingImage', { image: spec, size: sizeBytes }),
        failed,
      },
      made,
      lease,
      job,
    )
  }

  /**
   * Makes the new VM's image with one rbd command (create, or clone): the command's success is the
   * name's atomic reservation (an existing image fails it); then tags it with the job.
   */
  async makeImage(
    image: {
      /** An edit makes a new disk's image the same way (vm.edit.image-exists…). */
      operation: NewVmOperation | 'edit'
      host: string
      ref: RbdImageRef
      argv: string[]
      step: Message
      title: Message
      failed: Message
    },
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    const { host, ref, step } = image
    if (job.signal.aborted) throw cancelled()
    await lease.check(step)
    job.step(image.title, 0.2)
    const result = await this.deps.runner.rbd(host, image.argv, {
      step,
      allowFailure: true,
      signal: job.signal,
    })
    if (result.exitCode === 17 || /File exists/.test(result.stderr))
      throw ApiError.of(
        `vm.${image.operation}.image-exists`,
        vmdefMsg('imageExists', { pool: ref.pool, name: ref.image }),
        { host, step },
      )
    if (result.exitCode !== 0)
      throw ApiError.of(
        `vm.${image.operation}.image-failed`,
        withDetail(image.failed, result.stderr.trim() || `rbd exit ${result.exitCode}`),
        { host, step },
      )
    made.image = { host, spec: imageSpec(ref), pool: ref.pool, image: ref.image, tagged: false }
    await this.tagImage(made, job)
  }

  /** Tags the image the job just made with its id: the undo and the cleanup remove only tagged images. */
  async tagImage(made: Made, job: JobContext): Promise<void> {
    const image = made.image!
    job.step(msg('jobSteps.taggingImage', { image: image.spec }), 0.3)
    await this.deps.runner.rbd(image.host, imageArgv.setMeta(image, CREATE_JOB_META, job.id), {
      step: msg('errorSteps.command', { command: `rbd image-meta set ${image.spec}` }),
    })
    image.tagged = true
  }

  /** Defines the same XML on every host (in order), then reads each back and compares. */
  async defineEverywhere(
    name: string,
    uuid: string,
    xml: string,
    hosts: readonly string[],
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    const timeoutSeconds = this.deps.defineTimeoutSeconds ?? 30
    for (const [index, host] of hosts.entries()) {
      if (job.signal.aborted) throw cancelled()
      await lease.check(msg('errorSteps.commandOn', { command: `virsh define ${name}`, host }))
      job.step(msg('jobSteps.definingVm', { name, host }), 0.4 + (0.4 * index) / hosts.length)
      made.defineSent.push(host)
      await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
        stdin: xml,
        timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh define ${name}`, host }),
      })
    }
    // Read back on every host: libvirt normalises (adds controllers, addresses), so what is compared is
    // each meaningful field, and whether every host normalised to the same definition.
    job.step(msg('jobSteps.readingBack'), 0.85)
    const canonical = new Map<string, string>()
    // The hosts are read at once (one after another cost a virsh round trip per host: 1.3 s for three
    // on a loaded lab), then judged in their order as before: the first host that differs or fails is told.
    const reads = await Promise.allSettled(
      hosts.map((host) =>
        readDefinitionXml(this.deps.runner, host, uuid, {
          timeoutSeconds,
          step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${name}`, host }),
        }),
      ),
    )
    for (const [index, host] of hosts.entries()) {
      const read = reads[index]!
      if (read.status === 'rejected') throw read.reason
      const fields = readBackDifferences(xml, read.value)
      if (fields.length > 0)
        throw ApiError.of('vm.create.read-back', vmdefMsg('readBackDiffers', { host, fields }), {
          host,
          step: msg('errorSteps.readBack', { name: `${name}`, host }),
        })
      canonical.set(host, canonicalDomainXml(read.value))
    }
    const distinct = new Set(canonical.values())
    if (distinct.size > 1) job.log(msg('vmdefSteps.normalisedDifferently'))
  }

  /** Undoes what `made` lists; the error says what was undone, or exactly what remains. */
  async undo(
    name: string,
    uuid: string,
    made: Made,
    cause: ApiError,
    job: JobContext,
    operation: NewVmOperation = 'create',
  ): Promise<ApiError> {
    job.step(msg('jobSteps.undoing', { error: errorText(cause) }), 0.9)
    const remains: Remain[] = []
    for (const host of made.defineSent) {
      const remain = await this.undefineIfPresent(host, uuid, job)
      if (remain) remains.push(remain)
    }
    if (made.image) {
      const remain = await this.removeTaggedImage(made.image, job.id, job)
      if (remain) remains.push(remain)
    }
    // The snapshot a clone made of its source: only once its clone is gone (nothing hangs from it).
    if (made.snapshot && !remains.some((remain) => remain.kind === 'image')) {
      const remain = await this.removeJobSnapshot(made.snapshot, job)
      if (remain) remains.push(remain)
    } else if (made.snapshot)
      remains.push({
        kind: 'snapshot',
        pool: made.snapshot.pool,
        image: made.snapshot.image,
        snapshot: made.snapshot.snapshot,
        error: 'its clone is still there',
      })
    const step = cause.step ?? operation
    const causeText: Message =
      cause.text ?? vmdefMsg('stepFailed', { step, host: cause.host ?? '?' }, cause.message)
    const where = {
      ...(cause.host ? { host: cause.host } : {}),
      step: cause.stepText ?? msg(`errorSteps.${operation}`),
    }
    const texts = {
      create: { undone: 'failedUndone', remains: 'failedRemains' },
      clone: { undone: 'cloneFailedUndone', remains: 'cloneFailedRemains' },
    } as const
    if (remains.length === 0)
      return ApiError.of(
        `vm.${operation}.failed`,
        vmdefMsg(texts[operation].undone, { name, cause: causeText }),
        { ...where, details: { remains: [], cause: cause.toData() } },
      )
    return ApiError.of(
      `vm.${operation}.remains`,
      vmdefMsg(texts[operation].remains, { name, cause: causeText, ...remainLists(remains) }),
      { ...where, details: { remains, uuid, job: job.id, cause: cause.toData() } },
    )
  }

  /**
   * Removes what a failed creation listed as remaining (the caller checked that the job failed and
   * listed them): the definitions with its UUID, the image if it still carries the job's tag.
   */
  async cleanup(
    remains: readonly Remain[],
    jobId: string,
    job: JobContext,
  ): Promise<{ removed: string[]; remains: Remain[] }> {
    const removed: string[] = []
    const left: Remain[] = []
    // Definitions, then images, then snapshots (a snapshot goes once its clone is gone).
    const order = { definition: 0, image: 1, snapshot: 2 } as const
    const sorted = [...remains].sort((a, b) => order[a.kind] - order[b.kind])
    const host = () => pickRbdHost(this.deps.hostStates(), this.deps.hostNames())
    for (const remain of sorted) {
      const what =
        remain.kind === 'definition'
          ? `definition on ${remain.host}`
          : remain.kind === 'image'
            ? `${remain.pool}/${remain.image}`
            : `${remain.pool}/${remain.image}@${remain.snapshot}`
      job.step(
        remain.kind === 'definition'
          ? msg('jobSteps.undefiningOn', { host: remain.host })
          : msg('jobSteps.removingImage', { image: what }),
      )
      const still =
        remain.kind === 'definition'
          ? await this.undefineIfPresent(remain.host, remain.uuid, job)
          : remain.kind === 'image'
            ? await this.removeTaggedImage(
                { host: host(), spec: imageSpec(remain), pool: remain.pool, image: remain.image },
                jobId,
                job,
              )
            : left.some((other) => other.kind === 'image')
              ? remain
              : await this.removeJobSnapshot({ ...remain, host: host(), protected: true }, job)
      if (still) left.push(still)
      else removed.push(what)
    }
    return { removed, remains: left }
  }

  /**
   * Unprotects (when the job protected it) and removes a snapshot the job made of a clone's source;
   * rbd refuses while a clone hangs from it, and the source's other snapshots are never touched.
   */
  async removeJobSnapshot(made: MadeSnapshot, job: Pick<JobContext, 'log'>): Promise<Remain | undefined> {
    const spec = `${imageSpec(made)}@${made.snapshot}`
    try {
      if (made.protected) {
        const unprotect = await this.deps.runner.rbd(made.host, snapshotArgv.unprotect(made, made.snapshot), {
          allowFailure: true,
          step: msg('errorSteps.command', { command: `rbd snap unprotect ${spec}` }),
        })
        if (unprotect.exitCode !== 0 && rbdSaysNotFound(unprotect.stderr)) {
          job.log(msg('vmdefSteps.notThere', { what: spec }))
          return undefined
        }
        // "snap is already unprotected" (EINVAL) is fine; anything else (a clone, EBUSY) stops here.
        if (unprotect.exitCode !== 0 && !/already unprotected|\(22\)/.test(unprotect.stderr))
          throw ApiError.of(
            'vm.clone.snapshot',
            vmdefMsg('cloneSnapshotKept', { snapshot: spec }, unprotect.stderr.trim()),
            {
              host: made.host,
              step: msg('errorSteps.command', { command: `rbd snap unprotect ${spec}` }),
            },
          )
      }
      const removed = await this.deps.runner.rbd(made.host, snapshotArgv.remove(made, made.snapshot), {
        allowFailure: true,
        step: msg('errorSteps.command', { command: `rbd snap rm ${spec}` }),
      })
      if (removed.exitCode !== 0 && !rbdSaysNotFound(removed.stderr))
        throw ApiError.of(
          'vm.clone.snapshot',
          vmdefMsg('cloneSnapshotKept', { snapshot: spec }, removed.stderr.trim()),
          {
            host: made.host,
            step: msg('errorSteps.command', { command: `rbd snap rm ${spec}` }),
          },
        )
      job.log(msg('vmdefSteps.removed', { what: spec }))
      return undefined
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(msg('vmdefSteps.notRemoved', { what: spec, error: errorText(ApiError.from(error)) }))
      return {
        kind: 'snapshot',
        pool: made.pool,
        image: made.image,
        snapshot: made.snapshot,
        error: message.split('\n')[0] ?? message,
      }
    }
  }

  /** Undefines the domain with this (random, new) UUID on one host; what remains, if anything. */
  async undefineIfPresent(
    host: string,
    uuid: string,
    job: Pick<JobContext, 'log'>,
  ): Promise<Remain | undefined> {
    const timeoutSeconds = this.deps.defineTimeoutSeconds ?? 30
    try {
      const state = await this.deps.runner.virsh(host, domainArgv.state(uuid), {
        allowFailure: true,
        timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh domstate ${uuid}`, host }),
      })
      if (
        state.exitCode !== 0 &&
        /failed to get domain|Domain not found|no domain with matching/i.test(state.stderr)
      ) {
        job.log(msg('vmdefSteps.notDefinedThere', { host }))
        return undefined
      }
      await this.deps.runner.virsh(host, domainArgv.undefine(uuid), {
        timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh undefine ${uuid}`, host }),
      })
      job.log(msg('vmdefSteps.undefinedOn', { host }))
      this.deps.inventory.invalidateDefinition(host, uuid)
      void this.deps.inventory.refreshHost(host).catch(() => undefined)
      return undefined
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(msg('vmdefSteps.notUndefined', { host, error: errorText(ApiError.from(error)) }))
      return { kind: 'definition', host, uuid, error: message.split('\n')[0] ?? message }
    }
  }

  /** Removes the image only if its tag names this job; what remains, if anything. */
  async removeTaggedImage(
    image: RbdImageRef & { host: string; spec: string },
    jobId: string,
    job: Pick<JobContext, 'log'>,
  ): Promise<Remain | undefined> {
    const remain = (error: string): Remain => ({ kind: 'image', pool: image.pool, image: image.image, error })
    try {
      const tag = await this.deps.runner.rbd(image.host, imageArgv.getMeta(image, CREATE_JOB_META), {
        allowFailure: true,
        step: msg('errorSteps.command', { command: `rbd image-meta get ${image.spec}` }),
      })
      if (tag.exitCode !== 0 && /error opening image/.test(tag.stderr)) {
        job.log(msg('vmdefSteps.notThere', { what: image.spec }))
        return undefined
      }
      if (tag.exitCode !== 0 || tag.stdout.trim() !== jobId) {
        job.log(msg('vmdefSteps.notTagged', { image: image.spec, meta: CREATE_JOB_META }))
        return remain(`its ${CREATE_JOB_META} is not this job's`)
      }
      await this.deps.runner.rbd(image.host, imageArgv.remove(image), {
        step: msg('errorSteps.command', { command: `rbd rm ${image.spec}` }),
        timeoutSeconds: 120,
      })
      job.log(msg('vmdefSteps.removed', { what: image.spec }))
      return undefined
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(msg('vmdefSteps.notRemoved', { what: image.spec, error: errorText(ApiError.from(error)) }))
      return remain(message.split('\n')[0] ?? message)
    }
  }
}

export function cancelled(): ApiError {
  return ApiError.of('vm.create.cancelled', vmdefMsg('cancelled'), { step: msg('errorSteps.create') })
}

const CHECK_LINES = {
  ok: 'vmdefSteps.checkOk',
  info: 'vmdefSteps.checkInfo',
  warn: 'vmdefSteps.checkWarn',
  fail: 'vmdefSteps.checkFail',
  unknown: 'vmdefSteps.checkUnknown',
} as const satisfies Record<Check['level'], MessageCode>

/** A pre-check as a line of the job's log: its level, then what it found. */
export function checkLine(check: Check): Message {
  return msg(CHECK_LINES[check.level], { check: check.message })
}
