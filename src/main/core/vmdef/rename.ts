import { ApiError, errorText } from '../../../shared/errors'
import type { Vm } from '../../../shared/inventory'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import { msg, type Message } from '../../../shared/messages/message'
import type { RenameVmResult } from '../../../shared/vmdef'
import { rbdSaysNotFound } from '../ceph/connect-failure'
import { imageArgv, imageSpec, type RbdImageRef } from '../ceph/image'
import { Rbd } from '../ceph/rbd'
import { canonicalDomainXml, parseDomainXml } from '../inventory/domain-xml'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { readDefinitionXml } from '../definitions/drift'
import { domainArgv } from '../libvirt/domain'
import { pickRbdHost } from '../storage/rbd-host'
import { withReasons } from './create'
import { refusalsFor, rbdDisks, readVm, type DeleteDeps } from './delete'
import { vmdefMsg } from './plan'

/**
 * Renaming a VM that is off (the runbook has no procedure: an admin would `virsh domrename` on each
 * host, `rbd rename` the disk, then fix each definition's disk source): one job, under the VM's and
 * its images' leases, judged on a fresh read of every host, that undoes itself on failure:
 *  1. refused while it runs anywhere, a host does not answer (unless fenced), a fenced copy is left,
 *     it has a managed save or libvirt snapshot metadata on a host (libvirt refuses to rename those:
 *     said before anything runs), the new name is taken by a definition or an image, or an image is
 *     open by a client (watchers);
 *  2. each host's definition read with its security data (for the undo and the edit);
 *  3. its RBD images named after it (`NAME`, or `NAME-…`/`NAME_…`/`NAME.…`) renamed (`rbd rename`);
 *  4. on each host `virsh domrename`, then the definition with the renamed disks defined again;
 *  5. each host read back: the new name, the new disk sources.
 * A failure in 3–5 renames back what was renamed and defines back what was defined; what the undo
 * could not restore is listed in the error.
 */

const RENAME_LEASE_SECONDS = 300

export interface RenameParams {
  uuid: string
  newName: string
  renameImages: boolean
}

interface ImageRename {
  from: RbdImageRef
  to: RbdImageRef
}

/** The image's new name when it is named after the VM (NAME, or NAME followed by - _ .), else none. */
export function renamedImage(image: string, oldName: string, newName: string): string | undefined {
  if (image === oldName) return newName
  if (image.startsWith(oldName) && /^[-_.]/.test(image.slice(oldName.length)))
    return newName + image.slice(oldName.length)
  return undefined
}

/** The definition with its new name and its renamed RBD disks (each source pool/image), checked. */
export function renamedDefinition(
  xml: string,
  uuid: string,
  newName: string,
  images: readonly ImageRename[],
): string {
  // The domain's <name> is its first; the new name is ASCII letters, digits and - _ . only.
  let out = xml.replace(/<name>[^<]*<\/name>/, `<name>${newName}</name>`)
  for (const { from, to } of images)
    out = out.replace(
      new RegExp(`(<source\\b[^>]*\\bname=)(['"])${escapeRegExp(imageSpec(from))}\\2`, 'g'),
      `$1$2${imageSpec(to)}$2`,
    )
  const parsed = parseDomainXml(out)
  const sources = parsed.disks.flatMap((disk) => (disk.rbd ? [imageSpec(disk.rbd)] : []))
  if (
    parsed.name !== newName ||
    parsed.uuid !== uuid ||
    images.some(({ to }) => !sources.includes(imageSpec(to)))
  )
    throw ApiError.of('internal', msg('vmdefErrors.renameReadBack', { uuid, name: newName }), {
      step: msg('errorSteps.editDefinition'),
    })
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export async function renameVm(
  deps: DeleteDeps,
  params: RenameParams,
  job: JobContext,
): Promise<RenameVmResult> {
  const uuid = params.uuid.toLowerCase()
  job.step(msg('jobSteps.readingEveryHost'), 0.05)
  const first = await readVm(deps, uuid)
  const planned = params.renameImages ? imageRenames(rbdDisks(deps, first), first.name, params.newName) : []
  const names = [
    vmLeaseName(uuid),
    ...planned.flatMap(({ from, to }) => [
      imageLeaseName(from.pool, from.image),
      imageLeaseName(to.pool, to.image),
    ]),
  ]
  return deps.vmLocks.run(uuid, () =>
    deps.lease.run(
      names,
      `rename ${first.name} to ${params.newName}`,
      RENAME_LEASE_SECONDS,
      async (lease) => {
        const vm = await readVm(deps, uuid)
        const images = params.renameImages ? imageRenames(rbdDisks(deps, vm), vm.name, params.newName) : []
        const refusals = await renameRefusals(deps, vm, params.newName, images, job)
        const unleased = images.filter(({ to }) => !names.includes(imageLeaseName(to.pool, to.image)))
        if (unleased.length > 0)
          refusals.push(
            vmdefMsg('deleteChanged', { name: vm.name, images: unleased.map(({ from }) => imageSpec(from)) }),
          )
        if (refusals.length > 0)
          throw withReasons(
            'vm.rename.refused',
            vmdefMsg('renameRefused', { name: vm.name, count: refusals.length }),
            refusals,
            { step: msg('errorSteps.renameChecks'), details: { refusals } },
          )
        return new Renaming(deps, vm, params.newName, images, lease, job).run()
      },
      job,
    ),
  )
}

function imageRenames(disks: readonly RbdImageRef[], oldName: string, newName: string): ImageRename[] {
  return disks.flatMap((from) => {
    const image = renamedImage(from.image, oldName, newName)
    return image ? [{ from, to: { ...from, image } }] : []
  })
}

async function renameRefusals(
  deps: DeleteDeps,
  vm: Vm,
  newName: string,
  images: readonly ImageRename[],
  job: JobContext,
): Promise<Message[]> {
  const refusals = refusalsFor(deps, vm, { confirmName: vm.name }).map((message) =>
    message.code === 'vmdef.deleteRunning' ? vmdefMsg('renameRunning', message.params ?? {}) : message,
  )
  if (newName === vm.name) refusals.push(vmdefMsg('renameSame', { name: vm.name }))
  for (const inventory of deps.inventory.snapshot().hosts)
    for (const domain of inventory.domains) {
      if (domain.name === newName && domain.uuid !== vm.uuid)
        refusals.push(vmdefMsg('nameUsed', { name: newName, host: inventory.host, uuid: domain.uuid }))
      if (domain.uuid === vm.uuid && domain.managedSave && inventory.reachable)
        refusals.push(vmdefMsg('renameManagedSave', { name: vm.name, host: inventory.host }))
    }
  for (const host of vm.definedOn) {
    const listed = await deps.runner.virsh(host, domainArgv.snapshotNames(vm.uuid), {
      timeoutSeconds: deps.defineTimeoutSeconds ?? 30,
      step: msg('errorSteps.commandOn', { command: `virsh snapshot-list ${vm.name}`, host }),
    })
    const snapshots = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    if (snapshots.length > 0) refusals.push(vmdefMsg('renameSnapshots', { name: vm.name, host, snapshots }))
  }
  if (images.length === 0) return refusals
  const rbdHost = pickRbdHost(deps.hostStates(), deps.hostNames())
  for (const { from, to } of images) {
    const info = await deps.runner.rbd(rbdHost, imageArgv.info(to), {
      step: msg('errorSteps.command', { command: `rbd info ${imageSpec(to)}` }),
      allowFailure: true,
    })
    if (info.exitCode === 0) refusals.push(vmdefMsg('imageExists', { pool: to.pool, name: to.image }))
    else if (!rbdSaysNotFound(info.stderr))
      refusals.push(
        vmdefMsg(
          'imageUnreadable',
          { pool: to.pool, name: to.image },
          info.stderr.trim() || `exit ${info.exitCode}`,
        ),
      )
    const watchers = await new Rbd(deps.runner).watchers(rbdHost, from)
    if (watchers.length > 0)
      refusals.push(
        vmdefMsg('deleteWatchers', { image: imageSpec(from), watchers: watchers.map((w) => w.address) }),
      )
  }
  job.log(
    msg('vmdefSteps.imagesToRename', {
      images: images.map(({ from, to }) => `${imageSpec(from)} → ${imageSpec(to)}`).join(', '),
    }),
  )
  return refusals
}

/** The rename's steps and their undo. */
class Renaming {
  private readonly saved = new Map<string, string>()
  private readonly renamedImages: ImageRename[] = []
  /** Hosts where domrename was sent (answered or not): the undo renames back on each. */
  private readonly renamedOn: string[] = []
  private readonly timeoutSeconds: number
  private rbdHost: string | undefined

  constructor(
    private readonly deps: DeleteDeps,
    private readonly vm: Vm,
    private readonly newName: string,
    private readonly images: readonly ImageRename[],
    private readonly lease: LeaseCheck,
    private readonly job: JobContext,
  ) {
    this.timeoutSeconds = deps.defineTimeoutSeconds ?? 30
  }

  async run(): Promise<RenameVmResult> {
    const { vm, newName, job } = this
    for (const host of vm.definedOn) {
      const xml = await readDefinitionXml(this.deps.runner, host, vm.uuid, {
        timeoutSeconds: this.timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${vm.name}`, host }),
      })
      this.saved.set(host, xml)
    }
    try {
      if (this.images.length > 0) this.rbdHost = pickRbdHost(this.deps.hostStates(), this.deps.hostNames())
      for (const rename of this.images) {
        await this.lease.check(msg('errorSteps.command', { command: `rbd rename ${imageSpec(rename.from)}` }))
        job.step(
          msg('jobSteps.renamingImage', { image: imageSpec(rename.from), newName: rename.to.image }),
          0.3,
        )
        await this.deps.runner.rbd(this.rbdHost!, imageArgv.rename(rename.from, rename.to.image), {
          step: msg('errorSteps.command', {
            command: `rbd rename ${imageSpec(rename.from)} on ${this.rbdHost!}`,
          }),
        })
        this.renamedImages.push(rename)
      }
      for (const [index, host] of vm.definedOn.entries()) {
        await this.lease.check(msg('errorSteps.commandOn', { command: `virsh domrename ${vm.name}`, host }))
        job.step(
          msg('jobSteps.renamingVm', { name: vm.name, host }),
          0.4 + (0.4 * index) / vm.definedOn.length,
        )
        this.renamedOn.push(host)
        await this.deps.runner.virsh(host, domainArgv.rename(vm.uuid, newName), {
          timeoutSeconds: this.timeoutSeconds,
          step: msg('errorSteps.commandOn', { command: `virsh domrename ${vm.name}`, host }),
        })
        if (this.images.length > 0)
          await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
            stdin: renamedDefinition(this.saved.get(host)!, vm.uuid, newName, this.images),
            timeoutSeconds: this.timeoutSeconds,
            step: msg('errorSteps.commandOn', { command: `virsh define ${newName}`, host }),
          })
      }
      job.step(msg('jobSteps.readingBack'), 0.85)
      // Every host read at once (independent reads), then judged in the hosts' order as before.
      const readBacks = await Promise.allSettled(vm.definedOn.map((host) => this.readBack(host)))
      for (const [index, host] of vm.definedOn.entries()) {
        const read = readBacks[index]!
        if (read.status === 'rejected') throw read.reason
        this.checkReadBack(host, read.value)
      }
    } catch (error) {
      throw await this.undo(ApiError.from(error))
    }
    for (const host of vm.definedOn) this.deps.inventory.invalidateDefinition(host, vm.uuid)
    // Each host's audit line goes to its own syslog: side by side, not an SSH round trip a host in a row.
    await Promise.all(
      vm.definedOn.map((host) =>
        this.deps
          .audit(host, `rename VM (${vm.uuid}) from ${vm.name} to ${newName}`, newName)
          .catch(() => undefined),
      ),
    )
    await Promise.all(
      this.deps
        .hostNames()
        .map((host) => this.deps.inventory.refreshHost(host, { definitions: true }).catch(() => undefined)),
    )
    const images = this.images.map(({ from, to }) => ({ from: imageSpec(from), to: imageSpec(to) }))
    job.log(vmdefMsg('renamed', { name: vm.name, newName, hosts: vm.definedOn }))
    return { uuid: vm.uuid, oldName: vm.name, name: newName, hosts: [...vm.definedOn], images }
  }

  private readBack(host: string): Promise<string> {
    return readDefinitionXml(this.deps.runner, host, this.vm.uuid, {
      timeoutSeconds: this.timeoutSeconds,
      step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${this.newName}`, host }),
    })
  }

  private checkReadBack(host: string, xml: string): void {
    const parsed = parseDomainXml(xml)
    const sources = parsed.disks.flatMap((disk) => (disk.rbd ? [imageSpec(disk.rbd)] : []))
    const fields = [
      ...(parsed.name !== this.newName ? ['name'] : []),
      ...(this.images.some(({ to }) => !sources.includes(imageSpec(to))) ? ['disks'] : []),
    ]
    if (fields.length > 0)
      throw ApiError.of('vm.rename.read-back', vmdefMsg('readBackDiffers', { host, fields }), {
        host,
        step: msg('errorSteps.readBack', { name: `${this.newName}`, host }),
      })
  }

  /** Renames back and defines back what was done; the error says what could not be restored. */
  private async undo(cause: ApiError): Promise<ApiError> {
    const { vm, job } = this
    job.step(msg('jobSteps.undoing', { error: errorText(cause) }), 0.9)
    const left: string[] = []
    for (const host of [...this.renamedOn].reverse()) {
      try {
        if (parseDomainXml(await this.readBack(host)).name !== vm.name)
          await this.deps.runner.virsh(host, domainArgv.rename(vm.uuid, vm.name), {
            timeoutSeconds: this.timeoutSeconds,
            step: msg('errorSteps.commandUndo', { command: 'virsh domrename', host }),
          })
        // Defined again only when it differs from what was read first (its disks were renamed).
        const saved = this.saved.get(host)!
        if (canonicalDomainXml(await this.readBack(host)) !== canonicalDomainXml(saved))
          await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
            stdin: saved,
            timeoutSeconds: this.timeoutSeconds,
            step: msg('errorSteps.commandUndo', { command: `virsh define ${vm.name}`, host }),
          })
        job.log(msg('vmdefSteps.restored', { host, name: vm.name }))
      } catch (error) {
        job.log(
          msg('vmdefSteps.notRestored', { host, name: vm.name, error: errorText(ApiError.from(error)) }),
        )
        left.push(`definition on ${host}`)
      }
      this.deps.inventory.invalidateDefinition(host, vm.uuid)
    }
    for (const rename of [...this.renamedImages].reverse()) {
      try {
        await this.deps.runner.rbd(this.rbdHost!, imageArgv.rename(rename.to, rename.from.image), {
          step: msg('errorSteps.command', {
            command: `rbd rename ${imageSpec(rename.to)} ${rename.from.image}`,
          }),
        })
      } catch (error) {
        job.log(
          msg('vmdefSteps.notRenamedBack', {
            image: imageSpec(rename.to),
            error: errorText(ApiError.from(error)),
          }),
        )
        left.push(`image ${imageSpec(rename.to)}`)
      }
    }
    const step = cause.step ?? 'rename'
    const causeText: Message =
      cause.text ?? vmdefMsg('stepFailed', { step, host: cause.host ?? '?' }, cause.message)
    const where = {
      ...(cause.host ? { host: cause.host } : {}),
      step: cause.stepText ?? msg('errorSteps.rename'),
    }
    return left.length === 0
      ? ApiError.of('vm.rename.failed', vmdefMsg('renameUndone', { name: vm.name, cause: causeText }), {
          ...where,
          details: { cause: cause.toData() },
        })
      : ApiError.of(
          'vm.rename.remains',
          vmdefMsg('renamePartly', { name: vm.name, cause: causeText, remains: left }),
          { ...where, details: { remains: left, cause: cause.toData() } },
        )
  }
}
