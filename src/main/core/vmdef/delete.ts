import { ApiError, errorText, commandStep } from '../../../shared/errors'
import type { Vm } from '../../../shared/inventory'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import { msg, type Message } from '../../../shared/messages/message'
import type { DeleteVmResult } from '../../../shared/vmdef'
import { imageArgv, imageSpec, snapshotArgv, type RbdImageRef } from '../ceph/image'
import { Rbd, RbdReader } from '../ceph/rbd'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { readDefinitionXml } from '../definitions/drift'
import { domainArgv } from '../libvirt/domain'
import { imageKey, usersByImage } from '../storage/image-users'
import { pickRbdHost } from '../storage/rbd-host'
import { withReasons, type VmdefDeps } from './create'
import { vmdefMsg } from './plan'

/**
 * Deleting a VM (the runbook's `virsh undefine` on each host, then `rbd rm`), under the VM's and its
 * images' leases, judged on a fresh read of every host taken under them:
 *  - refused while it runs anywhere (or ran on a host that no longer answers), while a host that
 *    may define it does not answer (unless that host was fenced for it), while a fenced copy still
 *    exists on a host that answers, or when the typed name is not its name;
 *  - its RBD disks deleted only when asked (the same typed name covers them); refused when one has
 *    snapshots unless a purge is asked, always when one is protected (a template clones may hang
 *    from) or open by a client (watchers); kept when another VM's definition uses them;
 *  - undefined on every host that defines it, managed save and snapshot metadata included, after
 *    the definition (with its security data) was read on each: if a host refuses, the hosts already
 *    undefined get the definition back, and nothing is deleted — one change, or none;
 *  - audited on each host (undefine) and on the host that ran rbd (each image).
 */

export interface DeleteDeps extends VmdefDeps {
  isFenced(host: string, uuid: string): boolean
}

const DELETE_LEASE_SECONDS = 300

export interface DeleteParams {
  uuid: string
  confirmName: string
  deleteImages: boolean
  purgeSnapshots: boolean
}

type ImageToDelete = RbdImageRef & { spec: string; snapshots: number }

function refusedError(name: string, refusals: readonly Message[]): ApiError {
  return withReasons(
    'vm.delete.refused',
    vmdefMsg('deleteRefused', { name, count: refusals.length }),
    refusals,
    { step: msg('errorSteps.deleteChecks'), details: { refusals } },
  )
}

/** The RBD disks of a definition. */
export function rbdDisks(deps: DeleteDeps, vm: Vm): RbdImageRef[] {
  const definition = vm.definedOn
    .map((host) => deps.inventory.domain(host, vm.uuid)?.definition)
    .find((found) => found !== undefined)
  return (definition?.disks ?? []).flatMap((disk) =>
    disk.rbd
      ? [
          {
            pool: disk.rbd.pool,
            image: disk.rbd.image,
            ...(disk.rbd.namespace ? { namespace: disk.rbd.namespace } : {}),
          },
        ]
      : [],
  )
}

export async function readVm(deps: DeleteDeps, uuid: string): Promise<Vm> {
  await Promise.all(deps.hostNames().map((host) => deps.inventory.refreshHost(host, { definitions: true })))
  const vm = deps.inventory.vm(uuid)
  if (!vm)
    throw ApiError.of('vm.unknown', vmdefMsg('vmUnknown', { uuid }), {
      step: msg('errorSteps.readEveryHost'),
    })
  return vm
}

export async function deleteVm(
  deps: DeleteDeps,
  params: DeleteParams,
  job: JobContext,
): Promise<DeleteVmResult> {
  const uuid = params.uuid.toLowerCase()
  job.step(msg('jobSteps.readingEveryHost'), 0.05)
  const first = await readVm(deps, uuid)
  const leased = params.deleteImages ? rbdDisks(deps, first) : []
  const names = [vmLeaseName(uuid), ...leased.map((image) => imageLeaseName(image.pool, image.image))]
  return deps.vmLocks.run(uuid, () =>
    deps.lease.run(
      names,
      `delete ${first.name}`,
      DELETE_LEASE_SECONDS,
      async (lease) => {
        // Read again under the lease: nothing of this app changes it now, and what another did
        // before (a start, an edit adding a disk) is seen.
        const vm = await readVm(deps, uuid)
        const images = params.deleteImages ? rbdDisks(deps, vm) : []
        const refusals = refusalsFor(deps, vm, params)
        const unleased = images.filter((image) => !names.includes(imageLeaseName(image.pool, image.image)))
        if (unleased.length > 0)
          refusals.push(
            vmdefMsg('deleteChanged', { name: vm.name, images: unleased.map((i) => imageSpec(i)) }),
          )
        const { toDelete, kept, rbdHost } = await judgeImages(deps, vm, images, params, refusals, job)
        if (refusals.length > 0) throw refusedError(vm.name, refusals)

        const undefinedOn = await undefineEverywhere(deps, vm, lease, job)
        const imagesDeleted: string[] = []
        for (const image of toDelete) {
          if (image.snapshots > 0) {
            await lease.check(msg('errorSteps.command', { command: `rbd snap purge ${image.spec}` }))
            job.step(msg('jobSteps.purgingSnapshotsOf', { image: image.spec }), 0.7)
            await deps.runner.rbd(rbdHost!, snapshotArgv.purge(image), {
              step: msg('errorSteps.command', { command: `rbd snap purge ${image.spec}` }),
              timeoutSeconds: 600,
            })
          }
          await lease.check(msg('errorSteps.command', { command: `rbd rm ${image.spec}` }))
          job.step(msg('jobSteps.deleting', { image: image.spec }), 0.8)
          await deps.runner.rbd(rbdHost!, imageArgv.remove(image), {
            step: msg('errorSteps.command', { command: `rbd rm ${image.spec}` }),
            timeoutSeconds: 600,
          })
          imagesDeleted.push(image.spec)
          await deps
            .audit(rbdHost!, `delete image ${image.spec} of VM (${uuid})`, vm.name)
            .catch(() => undefined)
        }
        await Promise.all(
          deps.hostNames().map((host) => deps.inventory.refreshHost(host).catch(() => undefined)),
        )
        const imagesKept = [
          ...kept,
          ...(params.deleteImages ? [] : rbdDisks(deps, first).map((image) => imageSpec(image))),
        ]
        job.log(
          vmdefMsg('deleted', {
            name: vm.name,
            hosts: undefinedOn,
            images: imagesDeleted.length > 0 ? imagesDeleted : ['—'],
          }),
        )
        return { name: vm.name, undefinedOn, imagesDeleted, imagesKept }
      },
      job,
    ),
  )
}

/** Why the VM itself cannot be deleted now (its images are judged apart). */
export function refusalsFor(
  deps: Pick<DeleteDeps, 'isFenced'>,
  vm: Vm,
  params: Pick<DeleteParams, 'confirmName'>,
): Message[] {
  const refusals: Message[] = []
  if (params.confirmName !== vm.name)
    refusals.push(vmdefMsg('deleteConfirm', { typed: JSON.stringify(params.confirmName), name: vm.name }))
  const running = [...new Set([...vm.runningOn, ...vm.lastKnownRunningOn])]
  if (running.length > 0) refusals.push(vmdefMsg('deleteRunning', { name: vm.name, hosts: running }))
  for (const host of vm.unknownOn.filter((host) => !deps.isFenced(host, vm.uuid)))
    refusals.push(vmdefMsg('deleteUnreachable', { host, name: vm.name }))
  // A fenced copy on a host that answers again still runs, cut from its disks: destroy it first.
  const fencedHere = (vm.fencedOn ?? []).filter((host) => !vm.unknownOn.includes(host))
  if (fencedHere.length > 0) refusals.push(vmdefMsg('deleteFencedCopy', { name: vm.name, hosts: fencedHere }))
  return refusals
}

/** Images: kept when another VM uses them; refused when open, protected, or (without purge) snapshotted. */
async function judgeImages(
  deps: DeleteDeps,
  vm: Vm,
  images: readonly RbdImageRef[],
  params: DeleteParams,
  refusals: Message[],
  job: JobContext,
): Promise<{ toDelete: ImageToDelete[]; kept: string[]; rbdHost?: string }> {
  if (images.length === 0) return { toDelete: [], kept: [] }
  const rbdHost = pickRbdHost(deps.hostStates(), deps.hostNames())
  const users = usersByImage(deps.inventory.snapshot())
  const toDelete: ImageToDelete[] = []
  const kept: string[] = []
  for (const image of images) {
    const spec = imageSpec(image)
    const others = (users.get(imageKey(image.pool, image.image, image.namespace)) ?? []).filter(
      (user) => user.uuid !== vm.uuid,
    )
    if (others.length > 0) {
      kept.push(spec)
      job.log(vmdefMsg('deleteSharedImage', { image: spec, others: others.map((o) => o.name) }))
      continue
    }
    const watchers = await new Rbd(deps.runner).watchers(rbdHost, image)
    if (watchers.length > 0)
      refusals.push(vmdefMsg('deleteWatchers', { image: spec, watchers: watchers.map((w) => w.address) }))
    const snapshots = await new RbdReader(deps.runner).snapshots(rbdHost, image)
    const protectedOnes = snapshots.filter((snapshot) => snapshot.protected).map((snapshot) => snapshot.name)
    if (protectedOnes.length > 0)
      refusals.push(vmdefMsg('deleteProtected', { image: spec, snapshots: protectedOnes }))
    else if (snapshots.length > 0 && !params.purgeSnapshots)
      refusals.push(vmdefMsg('deleteSnapshots', { image: spec, count: snapshots.length }))
    toDelete.push({ ...image, spec, snapshots: snapshots.length })
  }
  return { toDelete, kept, rbdHost }
}

/**
 * Undefines on every host that defines it, each definition read first (with its security data); if a
 * host refuses, the hosts already undefined get their definition back and the error says where.
 */
async function undefineEverywhere(deps: DeleteDeps, vm: Vm, lease: LeaseCheck, job: JobContext) {
  const timeoutSeconds = deps.defineTimeoutSeconds ?? 30
  const saved = new Map<string, string>()
  for (const host of vm.definedOn) {
    const xml = await readDefinitionXml(deps.runner, host, vm.uuid, {
      timeoutSeconds,
      step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${vm.name}`, host }),
    })
    saved.set(host, xml)
  }
  const undefinedOn: string[] = []
  for (const [index, host] of vm.definedOn.entries()) {
    try {
      await lease.check(msg('errorSteps.commandOn', { command: `virsh undefine ${vm.name}`, host }))
      job.step(
        msg('jobSteps.undefiningVm', { name: vm.name, host }),
        0.2 + (0.4 * index) / vm.definedOn.length,
      )
      await deps.runner.virsh(host, domainArgv.undefine(vm.uuid), {
        timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh undefine ${vm.name}`, host }),
      })
    } catch (error) {
      throw await restoreDefinitions(deps, vm, saved, undefinedOn, host, ApiError.from(error), job)
    }
    undefinedOn.push(host)
    deps.inventory.invalidateDefinition(host, vm.uuid)
    await deps.audit(host, `delete VM (${vm.uuid})`, vm.name).catch(() => undefined)
  }
  return undefinedOn
}

async function restoreDefinitions(
  deps: DeleteDeps,
  vm: Vm,
  saved: ReadonlyMap<string, string>,
  undefinedOn: readonly string[],
  failedHost: string,
  cause: ApiError,
  job: JobContext,
): Promise<ApiError> {
  const restored: string[] = []
  const missing: string[] = []
  for (const host of undefinedOn) {
    try {
      await deps.runner.virsh(host, domainArgv.defineFromStdin(), {
        stdin: saved.get(host)!,
        timeoutSeconds: deps.defineTimeoutSeconds ?? 30,
        step: msg('errorSteps.commandUndo', { command: `virsh define ${vm.name}`, host }),
      })
      restored.push(host)
      await deps.audit(host, `delete VM (${vm.uuid}) undone: defined again`, vm.name).catch(() => undefined)
    } catch (error) {
      job.log(
        msg('vmdefSteps.notDefinedAgain', { host, name: vm.name, error: errorText(ApiError.from(error)) }),
      )
      missing.push(host)
    }
    deps.inventory.invalidateDefinition(host, vm.uuid)
  }
  const cause_: Message =
    cause.text ??
    vmdefMsg('stepFailed', { step: cause.step ?? 'virsh undefine', host: failedHost }, cause.message)
  return ApiError.of(
    missing.length === 0 ? 'vm.delete.undone' : 'vm.delete.partly',
    missing.length === 0
      ? vmdefMsg('deleteUndone', {
          name: vm.name,
          host: failedHost,
          cause: cause_,
          hosts: restored.length ? restored : ['—'],
        })
      : vmdefMsg('deletePartly', { name: vm.name, host: failedHost, cause: cause_, hosts: missing }),
    {
      host: failedHost,
      step: cause.stepText ?? commandStep('virsh undefine'),
      details: { restored, missing, cause: cause.toData() },
    },
  )
}
