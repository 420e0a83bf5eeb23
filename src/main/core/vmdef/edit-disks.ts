import { ApiError } from '../../../shared/errors'
import { imageLeaseName } from '../../../shared/lease'
import { msg, type Message } from '../../../shared/messages/message'
import type { VmEditChanges, VmEditPlan } from '../../../shared/vmedit'
import { rbdSaysNotFound } from '../ceph/connect-failure'
import { imageArgv, imageSpec, type RbdImageRef } from '../ceph/image'
import { parseRbdInfo } from '../ceph/formats/rbd-image'
import { Rbd } from '../ceph/rbd'
import { newDiskTargets, rbdDisks } from '../inventory/domain-edit'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { domainArgv } from '../libvirt/domain'
import { imageKey, unreadableDefinitions, usersByImage } from '../storage/image-users'
import { pickRbdHost } from '../storage/rbd-host'
import type { VmdefDeps } from './create'
import { VmCreator, type Made } from './create'
import { vmeditMsg } from './edit-texts'

/**
 * The disks of a definition edit (issue 19 item 3): what Ceph says about them (each RBD disk's size,
 * whether an image to attach exists, who else uses it), the checks before anything is made, and the
 * steps on Ceph around the definition's own — new images made (and tagged with the job, as a created
 * VM's) before the definition is defined on every host, grows after it (a grow is never undone: a
 * disk is never shrunk), both under the images' cluster leases.
 */

export interface DiskFacts {
  disks: VmEditPlan['disks']
  attach: VmEditPlan['attach']
  grow: VmEditPlan['grow']
  refusals: Message[]
  /** The host rbd runs on (the first online host that can read a Ceph keyring). */
  rbdHost?: string
}

type ImageState = { exists: true; sizeBytes: number } | { exists: false } | { error: string }

async function imageState(deps: VmdefDeps, host: string, ref: RbdImageRef): Promise<ImageState> {
  const command = `rbd info ${imageSpec(ref)}`
  const step = msg('errorSteps.command', { command })
  try {
    const result = await deps.runner.rbd(host, [...imageArgv.info(ref), '--format', 'json'], {
      step,
      allowFailure: true,
      timeoutSeconds: 20,
    })
    if (result.exitCode !== 0)
      return rbdSaysNotFound(result.stderr)
        ? { exists: false }
        : { error: result.stderr.trim() || `rbd exit ${result.exitCode}` }
    return { exists: true, sizeBytes: parseRbdInfo(result.stdout, command).sizeBytes }
  } catch (error) {
    return { error: ApiError.from(error).message }
  }
}

/** Reads the disks' sizes and judges the disk changes against Ceph and every definition; changes nothing. */
export async function diskFacts(
  deps: VmdefDeps,
  uuid: string,
  xml: string,
  changes: VmEditChanges,
): Promise<DiskFacts> {
  const refusals: Message[] = []
  let rbd: ReturnType<typeof rbdDisks> = []
  try {
    rbd = rbdDisks(xml)
  } catch {
    // An unreadable definition is the plan's own refusal (xmlInvalid).
  }
  const attach = changes.attachDisks ?? []
  const grow = changes.growDisks ?? []
  let host: string | undefined
  let noHost = ''
  try {
    host = pickRbdHost(deps.hostStates(), deps.hostNames())
  } catch (error) {
    noHost = ApiError.from(error).message
  }
  const unchecked = (image: string, detail: string) =>
    vmeditMsg('diskUnchecked', { image, host: host ?? '—' }, detail)
  const sizes = await Promise.all(
    rbd.map((disk) => (host ? imageState(deps, host, disk) : Promise.resolve({ error: noHost }))),
  )
  const disks: VmEditPlan['disks'] = rbd.map((disk, index) => {
    const state = sizes[index]!
    return {
      target: disk.target,
      source: disk.spec,
      pool: disk.pool,
      image: disk.image,
      ...('exists' in state && state.exists ? { sizeBytes: state.sizeBytes } : {}),
    }
  })
  const plannedGrow: VmEditPlan['grow'] = []
  for (const wanted of grow) {
    const disk = disks.find((candidate) => candidate.target === wanted.target)
    if (!disk) continue // Not an RBD disk, or none: the XML edit says which.
    const state = sizes[disks.indexOf(disk)]!
    if (disk.sizeBytes === undefined)
      refusals.push(unchecked(disk.source, 'error' in state ? state.error : 'no such image'))
    else if (wanted.sizeBytes <= disk.sizeBytes)
      refusals.push(
        vmeditMsg('diskNotLarger', {
          target: disk.target,
          image: disk.source,
          from: disk.sizeBytes,
          to: wanted.sizeBytes,
        }),
      )
    else
      plannedGrow.push({
        target: disk.target,
        image: disk.source,
        fromBytes: disk.sizeBytes,
        toBytes: wanted.sizeBytes,
      })
  }
  let targets: string[] = []
  try {
    targets = newDiskTargets(xml, changes)
  } catch {
    // No free target: the XML edit refuses it.
  }
  const plannedAttach: VmEditPlan['attach'] = []
  if (attach.length > 0) {
    const snapshot = deps.inventory.snapshot()
    const users = usersByImage(snapshot)
    const unreadable = unreadableDefinitions(snapshot)
    const pools = deps.pools()
    const rbdClient = new Rbd(deps.runner)
    await Promise.all(
      attach.map(async (wanted, index) => {
        const image = `${wanted.pool}/${wanted.image}`
        if (!pools.includes(wanted.pool)) {
          refusals.push(vmeditMsg('diskPool', { pool: wanted.pool, pools }))
          return
        }
        if (!host) {
          refusals.push(unchecked(image, noHost))
          return
        }
        const state = await imageState(deps, host, wanted)
        if ('error' in state) refusals.push(unchecked(image, state.error))
        else if (wanted.sizeBytes !== undefined && state.exists)
          refusals.push(vmeditMsg('diskImageExists', { image }))
        else if (wanted.sizeBytes === undefined && !state.exists)
          refusals.push(vmeditMsg('diskImageMissing', { image }))
        else if (wanted.sizeBytes === undefined) {
          for (const user of users.get(imageKey(wanted.pool, wanted.image)) ?? []) {
            if (user.uuid === uuid) continue
            const where = snapshot.hosts.find((inventory) =>
              inventory.domains.some((domain) => domain.uuid === user.uuid),
            )
            refusals.push(vmeditMsg('diskImageUsed', { image, vm: user.name, host: where?.host ?? '—' }))
          }
          for (const { host: on, name: vm } of unreadable)
            refusals.push(vmeditMsg('diskUnreadable', { vm, host: on, image }))
          try {
            const watchers = await rbdClient.watchers(host, wanted)
            if (watchers.length > 0)
              refusals.push(
                vmeditMsg('diskImageOpen', { image, watchers: watchers.map((watcher) => watcher.address) }),
              )
          } catch (error) {
            refusals.push(unchecked(image, ApiError.from(error).message))
          }
        }
        const target = targets[index]
        if (target)
          plannedAttach.push({
            target,
            pool: wanted.pool,
            image: wanted.image,
            ...(wanted.sizeBytes !== undefined ? { sizeBytes: wanted.sizeBytes } : {}),
          })
      }),
    )
    plannedAttach.sort((a, b) => a.target.localeCompare(b.target))
  }
  return { disks, attach: plannedAttach, grow: plannedGrow, refusals, ...(host ? { rbdHost: host } : {}) }
}

/** The images an edit changes (attached, grown): their cluster leases are taken with the VM's. */
export function diskLeaseNames(deps: VmdefDeps, uuid: string, changes: VmEditChanges): string[] {
  const names = (changes.attachDisks ?? []).map((disk) => imageLeaseName(disk.pool, disk.image))
  const definition = deps
    .hostNames()
    .map((host) => deps.inventory.domain(host, uuid)?.definition)
    .find((found) => found !== undefined)
  for (const grow of changes.growDisks ?? []) {
    const rbd = definition?.disks.find((disk) => disk.target === grow.target)?.rbd
    if (rbd) names.push(imageLeaseName(rbd.pool, rbd.image))
  }
  return [...new Set(names)]
}

/** The Ceph steps of a disk edit and their undo (new images removed while they carry the job's tag). */
export class DiskSteps {
  private readonly creator: VmCreator
  private readonly made: NonNullable<Made['image']>[] = []
  readonly grown: string[] = []

  constructor(
    private readonly deps: VmdefDeps,
    private readonly plan: VmEditPlan,
    private readonly rbdHost: string | undefined,
    private readonly lease: LeaseCheck,
    private readonly job: JobContext,
  ) {
    this.creator = new VmCreator(deps)
  }

  private host(): string {
    return this.rbdHost ?? pickRbdHost(this.deps.hostStates(), this.deps.hostNames())
  }

  /** Makes the new images (each tagged with the job), before any definition changes. */
  async createImages(): Promise<void> {
    for (const disk of this.plan.attach) {
      if (disk.sizeBytes === undefined) continue
      const ref = { pool: disk.pool, image: disk.image }
      const made: Made = { defineSent: [] }
      try {
        await this.creator.createTaggedImage(
          'edit',
          this.host(),
          ref,
          disk.sizeBytes,
          vmeditMsg('imageCreateFailed', { image: imageSpec(ref) }),
          made,
          this.lease,
          this.job,
        )
      } finally {
        if (made.image) this.made.push(made.image)
      }
    }
  }

  /** Grows the disks: through the QEMU that has it open where the VM runs, else with rbd resize. */
  async growDisks(): Promise<void> {
    const { plan } = this
    for (const grow of plan.grow) {
      const [pool = '', image = ''] = grow.image.split('/')
      const ref = { pool, image }
      await this.lease.check(msg('errorSteps.growImage', { image: `${grow.image}` }))
      if (plan.runningOn) {
        this.job.step(
          msg('vmdefSteps.diskGrowingLive', { host: plan.runningOn, target: grow.target, image: grow.image }),
          0.8,
        )
        await this.deps.runner.virsh(
          plan.runningOn,
          domainArgv.blockResize(plan.uuid, grow.target, grow.toBytes),
          {
            step: msg('errorSteps.command', {
              command: `virsh blockresize ${plan.name} ${grow.target} on ${plan.runningOn}`,
            }),
            timeoutSeconds: 120,
          },
        )
      } else {
        const host = this.host()
        this.job.step(msg('vmdefSteps.diskGrowingOffline', { image: grow.image }), 0.8)
        await this.deps.runner.rbd(host, imageArgv.resize(ref, grow.toBytes), {
          step: msg('errorSteps.command', { command: `rbd resize ${grow.image}` }),
          timeoutSeconds: 600,
        })
      }
      this.grown.push(grow.image)
      await this.deps
        .audit(plan.runningOn ?? this.host(), `grow disk ${grow.target} (${grow.image}) of`, plan.name)
        .catch(() => undefined)
    }
  }

  /** Removes the images this job made (only while they carry its tag); the ones left, POOL/IMAGE. */
  async undo(): Promise<string[]> {
    const left: string[] = []
    for (const image of [...this.made].reverse()) {
      const remain = await this.creator.removeTaggedImage(image, this.job.id, this.job)
      if (remain) left.push(image.spec)
    }
    return left
  }
}
