import crypto from 'node:crypto'
import { ApiError } from '../../../shared/errors'
import type { HostState } from '../../../shared/hosts'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import type { CreateVmInput, CreateVmResult, Remain } from '../../../shared/vmdef'
import type { KeyboardLayout } from '../../../shared/keyboard'
import { englishText, type Message } from '../../../shared/messages/message'
import { imageArgv, imageSpec, type RbdImageRef } from '../ceph/image'
import { canonicalDomainXml, domainMachine, parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import type { LeaseCheck, Leases } from '../lease/cluster-lease'
import { domainArgv } from '../libvirt/domain'
import { buildDomainXml, type VmSpec } from './builder'
import { createPlan, vmdefMsg, type PlanFacts } from './plan'
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
  ceph(): { clientId: string }
  /** The cluster file's guestKeyboardLayout: a new VM's layout when the wizard names none. */
  guestKeyboardLayout(): KeyboardLayout
  audit(host: string, action: string, vm: string): Promise<void>
  /** Starts the new VM with every start guard (Lifecycle.start). */
  start(uuid: string, host: string, job: JobContext): Promise<unknown>
  /** virsh define / undefine timeout on a host (default 30 s). */
  defineTimeoutSeconds?: number
}

/** The image-meta key that tags an image with the creation job that made it. */
export const CREATE_JOB_META = 'hyperdesk.create-job'

/** The creation holds the new VM's and its image's leases; its steps are short. */
const CREATE_LEASE_SECONDS = 300

/** What the job made so far, for its undo. */
interface Made {
  image?: { host: string; spec: string; pool: string; image: string; tagged: boolean }
  /** Hosts where define was sent (answered or not): the undo asks each. */
  defineSent: string[]
}

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

/** The remains as the failure message's lists: hosts whose definition stayed, images that stayed. */
function remainLists(remains: readonly Remain[]): { hosts: string[]; images: string[] } {
  const hosts = remains.flatMap((remain) => (remain.kind === 'definition' ? [remain.host] : []))
  const images = remains.flatMap((remain) =>
    remain.kind === 'image' ? [`${remain.pool}/${remain.image}`] : [],
  )
  return { hosts: hosts.length > 0 ? hosts : ['—'], images: images.length > 0 ? images : ['—'] }
}

/** An error whose English message also lists its reasons (the window shows each reason's message). */
export function withReasons(
  code: string,
  text: Message,
  reasons: readonly Message[],
  extra: { step?: string; details?: Record<string, unknown> } = {},
): ApiError {
  return new ApiError({
    code,
    message: [englishText(text), ...reasons.map(englishText)].join(' '),
    text,
    ...extra,
  })
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
    if (!params.startOn) return created
    // Started with every start guard, under its own lease: the creation's is released by now.
    job.step(`Starting ${params.name} on ${params.startOn}`, 0.95)
    try {
      await this.deps.start(uuid, params.startOn, job)
      return { ...created, started: { host: params.startOn, ok: true } }
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(`The VM was created on every host but did not start on ${params.startOn}: ${message}`)
      return { ...created, started: { host: params.startOn, ok: false, error: message } }
    }
  }

  private async createLocked(
    params: CreateVmInput,
    uuid: string,
    spec: string,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<CreateVmResult> {
    job.step('Checking every host', 0.02)
    const { plan, facts } = await createPlan(this.deps, params)
    const failed = plan.checks.filter((check) => check.level === 'fail')
    if (failed.length > 0 || !facts.machine || !facts.secretUuid || !facts.mac || !facts.rbdHost)
      throw withReasons(
        'vm.create.refused',
        vmdefMsg('refused', { name: params.name, count: failed.length }),
        failed.map((check) => check.message),
        { step: 'pre-checks', details: { checks: plan.checks } },
      )
    for (const check of plan.checks) job.log(`${check.level}: ${englishText(check.message)}`)
    const made: Made = { defineSent: [] }
    const xml = buildDomainXml(this.specFor(params, uuid, facts))
    const hosts = this.deps.hostNames()
    try {
      await this.createImage(params, spec, facts.rbdHost, made, lease, job)
      await this.defineEverywhere(params.name, uuid, xml, hosts, made, lease, job)
    } catch (error) {
      throw await this.undo(params.name, uuid, made, ApiError.from(error), job)
    }
    await Promise.all(
      hosts.map((host) =>
        this.deps.audit(host, `create VM (${uuid}) with disk ${spec}`, params.name).catch(() => undefined),
      ),
    )
    await Promise.all(hosts.map((host) => this.deps.inventory.refreshHost(host, { definitions: true })))
    return {
      uuid,
      name: params.name,
      mac: facts.mac,
      machine: facts.machine,
      image: spec,
      hosts,
    }
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

  private async createImage(
    params: CreateVmInput,
    spec: string,
    host: string,
    made: Made,
    lease: LeaseCheck,
    job: JobContext,
  ): Promise<void> {
    if (job.signal.aborted) throw cancelled()
    await lease.check(`rbd create ${spec}`)
    job.step(`Creating the image ${spec} (${Math.round(params.sizeBytes / 2 ** 20)} MiB)`, 0.2)
    const result = await this.deps.runner.rbd(
      host,
      imageArgv.create({ pool: params.pool, image: params.name }, params.sizeBytes),
      {
        step: `rbd create ${spec}`,
        allowFailure: true,
        signal: job.signal,
      },
    )
    if (result.exitCode === 17 || /File exists/.test(result.stderr))
      throw ApiError.of(
        'vm.create.image-exists',
        vmdefMsg('imageExists', { pool: params.pool, name: params.name }),
        {
          host,
          step: `rbd create ${spec}`,
        },
      )
    if (result.exitCode !== 0)
      throw ApiError.of(
        'vm.create.image-failed',
        vmdefMsg('imageCreateFailed', { image: spec }, result.stderr.trim() || `rbd exit ${result.exitCode}`),
        { host, step: `rbd create ${spec}` },
      )
    made.image = { host, spec, pool: params.pool, image: params.name, tagged: false }
    job.step(`Tagging ${spec} with this job`, 0.3)
    await this.deps.runner.rbd(host, imageArgv.setMeta(made.image, CREATE_JOB_META, job.id), {
      step: `rbd image-meta set ${spec}`,
    })
    made.image.tagged = true
  }

  private async defineEverywhere(
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
      await lease.check(`virsh define ${name} on ${host}`)
      job.step(`Defining ${name} on ${host}`, 0.4 + (0.4 * index) / hosts.length)
      made.defineSent.push(host)
      await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
        stdin: xml,
        timeoutSeconds,
        step: `virsh define ${name} on ${host}`,
      })
    }
    // Read back on every host: libvirt normalises (adds controllers, addresses), so what is compared is
    // each meaningful field, and whether every host normalised to the same definition.
    job.step('Reading the definitions back', 0.85)
    const canonical = new Map<string, string>()
    for (const host of hosts) {
      const result = await this.deps.runner.virsh(host, domainArgv.xmlToCopy(uuid), {
        timeoutSeconds,
        step: `virsh dumpxml ${name} on ${host}`,
      })
      const fields = readBackDifferences(xml, result.stdout)
      if (fields.length > 0)
        throw ApiError.of('vm.create.read-back', vmdefMsg('readBackDiffers', { host, fields }), {
          host,
          step: `read back ${name} on ${host}`,
        })
      canonical.set(host, canonicalDomainXml(result.stdout))
    }
    const distinct = new Set(canonical.values())
    if (distinct.size > 1)
      job.log(
        `The hosts normalised the definition differently (libvirt versions differ): the VM view shows which lines.`,
      )
  }

  /** Undoes what `made` lists; the error says what was undone, or exactly what remains. */
  private async undo(
    name: string,
    uuid: string,
    made: Made,
    cause: ApiError,
    job: JobContext,
  ): Promise<ApiError> {
    job.step(`Undoing: ${cause.message}`, 0.9)
    const remains: Remain[] = []
    for (const host of made.defineSent) {
      const remain = await this.undefineIfPresent(host, uuid, job)
      if (remain) remains.push(remain)
    }
    if (made.image) {
      const remain = await this.removeTaggedImage(made.image, job.id, job)
      if (remain) remains.push(remain)
    }
    const step = cause.step ?? 'create'
    const causeText: Message =
      cause.text ?? vmdefMsg('stepFailed', { step, host: cause.host ?? '?' }, cause.message)
    const where = { ...(cause.host ? { host: cause.host } : {}), step }
    if (remains.length === 0)
      return ApiError.of('vm.create.failed', vmdefMsg('failedUndone', { name, cause: causeText }), {
        ...where,
        details: { remains: [], cause: cause.toData() },
      })
    return ApiError.of(
      'vm.create.remains',
      vmdefMsg('failedRemains', { name, cause: causeText, ...remainLists(remains) }),
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
    for (const remain of remains) {
      job.step(
        remain.kind === 'definition'
          ? `Undefining on ${remain.host}`
          : `Removing ${remain.pool}/${remain.image}`,
      )
      const still =
        remain.kind === 'definition'
          ? await this.undefineIfPresent(remain.host, remain.uuid, job)
          : await this.removeTaggedImage(
              {
                host: pickRbdHost(this.deps.hostStates(), this.deps.hostNames()),
                spec: imageSpec(remain),
                pool: remain.pool,
                image: remain.image,
              },
              jobId,
              job,
            )
      if (still) left.push(still)
      else
        removed.push(
          remain.kind === 'definition' ? `definition on ${remain.host}` : `${remain.pool}/${remain.image}`,
        )
    }
    return { removed, remains: left }
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
        step: `virsh domstate ${uuid} on ${host}`,
      })
      if (
        state.exitCode !== 0 &&
        /failed to get domain|Domain not found|no domain with matching/i.test(state.stderr)
      ) {
        job.log(`${host}: not defined there`)
        return undefined
      }
      await this.deps.runner.virsh(host, domainArgv.undefine(uuid), {
        timeoutSeconds,
        step: `virsh undefine ${uuid} on ${host}`,
      })
      job.log(`${host}: undefined`)
      this.deps.inventory.invalidateDefinition(host, uuid)
      void this.deps.inventory.refreshHost(host).catch(() => undefined)
      return undefined
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(`${host}: could not undefine: ${message}`)
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
        step: `rbd image-meta get ${image.spec}`,
      })
      if (tag.exitCode !== 0 && /error opening image/.test(tag.stderr)) {
        job.log(`${image.spec}: not there`)
        return undefined
      }
      if (tag.exitCode !== 0 || tag.stdout.trim() !== jobId) {
        job.log(`${image.spec}: not removed, it does not carry this job's tag (${CREATE_JOB_META})`)
        return remain(`its ${CREATE_JOB_META} is not this job's`)
      }
      await this.deps.runner.rbd(image.host, imageArgv.remove(image), {
        step: `rbd rm ${image.spec}`,
        timeoutSeconds: 120,
      })
      job.log(`${image.spec}: removed`)
      return undefined
    } catch (error) {
      const message = ApiError.from(error).message
      job.log(`${image.spec}: could not remove: ${message}`)
      return remain(message.split('\n')[0] ?? message)
    }
  }
}

function cancelled(): ApiError {
  return ApiError.of('vm.create.cancelled', vmdefMsg('cancelled'), { step: 'create' })
}
