import { ApiError } from '../../../shared/errors'
import type { DeleteVmResult } from '../../../shared/vmdef'
import { englishText, type Message } from '../../../shared/messages/message'
import { imageArgv, imageSpec, snapshotArgv, type RbdImageRef } from '../ceph/image'
import { Rbd, RbdReader } from '../ceph/rbd'
import type { JobContext } from '../jobs/job-manager'
import { imageKey, usersByImage } from '../storage/image-users'
import { pickRbdHost } from '../storage/rbd-host'
import { domainArgv } from '../libvirt/domain'
import { withReasons, type VmdefDeps } from './create'
import { vmdefMsg } from './plan'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'

/**
 * Deleting a VM (the runbook's `virsh undefine` on each host, then `rbd rm`): refused while it runs
 * anywhere, or while a host that may define it does not answer (unless a fence covers that host);
 * undefined on every host that defines it (managed save and snapshot metadata included); its RBD
 * disks deleted only when asked with the typed name, refused when they have snapshots unless a purge
 * is asked, kept when another VM's definition uses them or someone has them open. Audited on each host.
 */

export interface DeleteDeps extends VmdefDeps {
  isFenced(host: string, uuid: string): boolean
}

const DELETE_LEASE_SECONDS = 300

function refusedError(name: string, refusals: readonly Message[]): ApiError {
  return withReasons(
    'vm.delete.refused',
    vmdefMsg('deleteRefused', { name, count: refusals.length }),
    refusals,
    {
      step: 'delete checks',
      details: { refusals },
    },
  )
}

export async function deleteVm(
  deps: DeleteDeps,
  params: { uuid: string; confirmName: string; deleteImages: boolean; purgeSnapshots: boolean },
  job: JobContext,
): Promise<DeleteVmResult> {
  const uuid = params.uuid.toLowerCase()
  job.step('Reading every host', 0.05)
  await Promise.all(deps.hostNames().map((host) => deps.inventory.refreshHost(host, { definitions: true })))
  const vm = deps.inventory.vm(uuid)
  if (!vm)
    throw new ApiError({
      code: 'vm.unknown',
      step: 'delete',
      message: `No host defines a VM with UUID ${uuid}.`,
    })
  const name = vm.name
  const definition = vm.definedOn
    .map((host) => deps.inventory.domain(host, uuid)?.definition)
    .find((found) => found !== undefined)
  const images: RbdImageRef[] = params.deleteImages
    ? (definition?.disks ?? []).flatMap((disk) =>
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
    : []
  const names = [vmLeaseName(uuid), ...images.map((image) => imageLeaseName(image.pool, image.image))]
  return deps.vmLocks.run(uuid, () =>
    deps.lease.run(
      names,
      `delete ${name}`,
      DELETE_LEASE_SECONDS,
      async (lease) => {
        const refusals: Message[] = []
        if (params.confirmName !== name)
          refusals.push(vmdefMsg('deleteConfirm', { typed: JSON.stringify(params.confirmName), name }))
        const running = [...new Set([...vm.runningOn, ...vm.lastKnownRunningOn])]
        if (running.length > 0) refusals.push(vmdefMsg('deleteRunning', { name, hosts: running }))
        for (const host of vm.unknownOn.filter((host) => !deps.isFenced(host, uuid)))
          refusals.push(vmdefMsg('deleteUnreachable', { host, name }))

        // Images: kept when another VM uses them; refused when open or (without purge) snapshotted.
        const rbdHost = images.length > 0 ? pickRbdHost(deps.hostStates(), deps.hostNames()) : undefined
        const users = usersByImage(deps.inventory.snapshot())
        const toDelete: Array<RbdImageRef & { snapshots: number }> = []
        const kept: string[] = []
        for (const image of images) {
          const spec = imageSpec(image)
          const others = (users.get(imageKey(image.pool, image.image, image.namespace)) ?? []).filter(
            (user) => user.uuid !== uuid,
          )
          if (others.length > 0) {
            kept.push(spec)
            job.log(
              englishText(vmdefMsg('deleteSharedImage', { image: spec, others: others.map((o) => o.name) })),
            )
            continue
          }
          const watchers = await new Rbd(deps.runner).watchers(rbdHost!, image)
          if (watchers.length > 0)
            refusals.push(
              vmdefMsg('deleteWatchers', { image: spec, watchers: watchers.map((w) => w.address) }),
            )
          const snapshots = await new RbdReader(deps.runner).snapshots(rbdHost!, image)
          if (snapshots.length > 0 && !params.purgeSnapshots)
            refusals.push(vmdefMsg('deleteSnapshots', { image: spec, count: snapshots.length }))
          toDelete.push({ ...image, snapshots: snapshots.length })
        }
        if (refusals.length > 0) throw refusedError(name, refusals)

        const undefinedOn: string[] = []
        for (const [index, host] of vm.definedOn.entries()) {
          await lease.check(`virsh undefine ${name} on ${host}`)
          job.step(`Undefining ${name} on ${host}`, 0.2 + (0.4 * index) / vm.definedOn.length)
          await deps.runner.virsh(host, domainArgv.undefine(uuid), {
            timeoutSeconds: deps.defineTimeoutSeconds ?? 30,
            step: `virsh undefine ${name} on ${host}`,
          })
          undefinedOn.push(host)
          await deps.audit(host, `delete VM (${uuid})`, name).catch(() => undefined)
          deps.inventory.invalidateDefinition(host, uuid)
        }
        const imagesDeleted: string[] = []
        for (const image of toDelete) {
          const spec = imageSpec(image)
          if (image.snapshots > 0) {
            await lease.check(`rbd snap purge ${spec}`)
            job.step(`Purging the snapshots of ${spec}`, 0.7)
            await deps.runner.rbd(rbdHost!, snapshotArgv.purge(image), {
              step: `rbd snap purge ${spec}`,
              timeoutSeconds: 600,
            })
          }
          await lease.check(`rbd rm ${spec}`)
          job.step(`Deleting ${spec}`, 0.8)
          await deps.runner.rbd(rbdHost!, imageArgv.remove(image), {
            step: `rbd rm ${spec}`,
            timeoutSeconds: 600,
          })
          imagesDeleted.push(spec)
          await deps.audit(rbdHost!, `delete image ${spec} of VM (${uuid})`, name).catch(() => undefined)
        }
        await Promise.all(
          deps.hostNames().map((host) => deps.inventory.refreshHost(host).catch(() => undefined)),
        )
        const imagesKept = [
          ...kept,
          ...(params.deleteImages
            ? []
            : (definition?.disks ?? []).flatMap((disk) => (disk.rbd ? [imageSpec(disk.rbd)] : []))),
        ]
        job.log(
          englishText(
            vmdefMsg('deleted', {
              name,
              hosts: undefinedOn,
              images: imagesDeleted.length > 0 ? imagesDeleted : ['—'],
            }),
          ),
        )
        return { name, undefinedOn, imagesDeleted, imagesKept }
      },
      job,
    ),
  )
}
