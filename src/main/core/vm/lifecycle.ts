import type { DomainDefinition, DomainOnHost, HostInventory, Vm } from '../../../shared/inventory'
import { englishLine, msg, withDetail, type Message } from '../../../shared/messages'
import { ApiError, errorText, commandStep } from '../../../shared/errors'
import { isUuid, isValidName } from '../../../shared/names'
import { isWholeArgument } from '../../../shared/validators'
import type { RbdImageRef } from '../ceph/image'
import type { Rbd } from '../ceph/rbd'
import { parsePoolXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import { isActive } from '../inventory/cluster-model'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { LeaseCheck, Leases } from '../lease/cluster-lease'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import type { RemoteRunner } from '../remote/runner'
import { domainArgv } from '../libvirt/domain'
import { hostArgv } from '../libvirt/host'
import { judgeHostFiles } from '../migration/precheck-judge'
import {
  backingChecksOf,
  hostFilePaths,
  hostFilesOf,
  localDisksOf,
  missingBackingFile,
  poolVolumesOf,
  startFilesOn,
  type BackingFile,
  type StartFiles,
  type VolumeFile,
} from './host-files'

/**
 * Start, shut down, force off and reboot a VM on a chosen host, with the guards the runbook leaves to
 * memory. Start is refused while the VM runs elsewhere, while its RBD images are open (watchers),
 * while a managed save exists, while the chosen host lacks a local disk file (or a file of its
 * backing chain), a volume of a local storage pool, a CD-ROM image or a boot file the VM opens,
 * or while a host cannot be asked (until that host is fenced: fencing.ts);
 * the check and the start happen under the cluster lease, so two admins cannot both start it.
 */

export interface LifecycleDeps {
  runner: RemoteRunner
  inventory: InventoryService
  rbd: Rbd
  vmLocks: KeyedMutex
  /** The cluster lease (Ceph): taken by every operation that changes the VM. */
  lease: Leases
  hostNames(): string[]
  /** Logs the change on the host for the other admins (`logger -t hyperdesk`). */
  audit(host: string, action: string, vm: string): Promise<void>
  /** A fence of `host` covers this VM (fencing.ts): that host's silence no longer blocks a start. */
  isFenced?(host: string, uuid: string): boolean
  /**
   * After a start: record the new QEMU's Ceph client addresses (watcher-recorder.ts); `since` is
   * when `virsh start` was sent (Date.now()), so a recording asked for since can be joined.
   */
  started?(host: string, domain: DomainOnHost, since: number): Promise<void>
}

export interface StartRequest {
  uuid: string
  host: string
}

export interface Refusal {
  code: string
  /** English (logs, and the window's fallback); `text` is the same for the window. */
  message: string
  text: Message
  host?: string
}

/** A refusal from its message: the English (with what the host said) is rendered from it. */
function refusal(code: string, text: Message, host?: string): Refusal {
  return { code, message: englishLine(text), text, ...(host !== undefined ? { host } : {}) }
}

/** The VM's disks that live on Ceph, from its definition on one host. */
function rbdImagesOf(domain: DomainOnHost): RbdImageRef[] {
  return (domain.definition?.disks ?? []).flatMap((disk) =>
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

/** A VM whose definition could not be read has unknown disks: the guard cannot check them. */
export function uncheckableDisks(domain: DomainOnHost, host: string): Refusal[] {
  if (domain.definitionError || !domain.definition)
    return [
      refusal(
        'definition-unreadable',
        // The reason the definition could not be read travels as the host's words (detail).
        withDetail(
          msg('vmErrors.refusedDefinitionUnreadable', { name: domain.name, host }),
          domain.definitionError?.message,
        ),
        host,
      ),
    ]
  return []
}

/**
 * Why a host cannot be reached, as a message: the inventory's last error (its detail — what the host
 * printed — kept, never the command line), the core's English only for an error made before messages.
 */
function unreachableWhy(inventory: HostInventory): Message {
  if (inventory.errorText) return inventory.errorText
  return inventory.error ? msg('common.untranslated', { text: inventory.error }) : msg('vmErrors.noAnswer')
}

/** Pools whose volumes live on the host itself (like a file disk): one host's QEMU only. */
const LOCAL_POOL_TYPES = new Set(['dir', 'fs', 'logical', 'disk', 'zfs'])

/**
 * The VM's disks defined through a libvirt storage pool (<source pool=… volume=…/>), resolved on
 * `host` with `virsh pool-dumpxml`. Every one: a pool `host` does not define, or a local pool's
 * volume (like a file disk, each host's own) that `virsh vol-path` does not find there, or whose
 * file is gone while libvirt still lists it (a pool not refreshed since), is refused. Where each
 * volume is, and whether its file is there, is the start's files probe's answer (`localVolume`, by
 * the disk's target: the probe asks every volume, its pool's type unknown yet), not one more exec.
 * A writable one besides: a volume of an RBD pool is the image CEPHPOOL/VOLUME, checked like any
 * RBD disk; any other pool (NFS, iSCSI, Gluster…), or one that cannot be read, is refused with the
 * way out. Read-only volumes (install media) cannot be corrupted by a second QEMU.
 */
export async function resolvePoolVolumes(
  runner: Pick<RemoteRunner, 'virsh'>,
  host: string,
  domain: DomainOnHost,
  localVolume: (target: string) => Promise<VolumeFile | undefined>,
): Promise<{ images: RbdImageRef[]; refusals: Refusal[] }> {
  const images: RbdImageRef[] = []
  const refusals: Refusal[] = []
  for (const disk of domain.definition?.disks ?? []) {
    if (!disk.volume) continue
    const { pool, volume } = disk.volume
    // Why Hyperdesk cannot check who has the volume open: only a writable one is refused for that.
    const refuse = (why: Message, said?: string) =>
      !disk.readonly &&
      refusals.push(
        refusal(
          'disk-unchecked',
          withDetail(
            msg('vmErrors.refusedVolume', { name: domain.name, target: disk.target, volume, pool, why }),
            said,
          ),
          host,
        ),
      )
    // A name from the XML reaches virsh as one argument; an option-like or control-character name never does.
    if (
      pool.startsWith('-') ||
      [...pool].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)
    ) {
      refuse(msg('vmErrors.poolNameRefused'))
      continue
    }
    const step = `virsh pool-dumpxml ${pool}`
    const result = await runner.virsh(host, hostArgv.poolXml(pool), {
      step: commandStep(step),
      allowFailure: true,
      timeoutSeconds: 15,
    })
    if (result.exitCode !== 0) {
      const names = { name: domain.name, target: disk.target, volume, pool, host }
      // libvirt's VIR_ERR_NO_STORAGE_POOL, in English (LC_ALL=C): this host has no such pool.
      if (/Storage pool not found/.test(result.stderr))
        refusals.push(
          refusal('pool-missing', withDetail(msg('vmErrors.refusedPoolMissing', names), result.stderr), host),
        )
      else refuse(msg('vmErrors.poolUnreadable', { host, reason: `exit ${result.exitCode}` }), result.stderr)
      continue
    }
    let source: ReturnType<typeof parsePoolXml>
    try {
      source = parsePoolXml(result.stdout, { host, vm: domain.name, target: disk.target })
    } catch (error) {
      refuse(msg('vmErrors.poolDefinitionUnreadable'), (error as Error).message)
      continue
    }
    if (source.type === 'rbd') {
      // Shared: nothing of a read-only one to check; a writable one is checked like any RBD disk.
      if (disk.readonly) continue
      if (source.cephPool && isValidName(source.cephPool) && isValidName(volume))
        images.push({ pool: source.cephPool, image: volume })
      else refuse(msg('vmErrors.poolRbdName', { image: `${source.cephPool ?? ''}/${volume}` }))
    } else if (!LOCAL_POOL_TYPES.has(source.type)) refuse(msg('vmErrors.poolShared', { type: source.type }))
    else if (!isWholeArgument(volume)) refuse(msg('vmErrors.poolNameRefused'))
    else {
      const found = await localVolume(disk.target)
      const names = { name: domain.name, target: disk.target, volume, pool, host }
      if (!found)
        refusals.push(
          refusal('local-volume-unchecked', msg('vmErrors.refusedLocalVolumeUnanswered', names), host),
        )
      else if (found.path === undefined)
        refusals.push(
          refusal(
            'local-volume-missing',
            withDetail(msg('vmErrors.refusedLocalVolumeMissing', names), found.said),
            host,
          ),
        )
      else if (!found.exists)
        refusals.push(
          refusal(
            'local-volume-file-missing',
            msg('vmErrors.refusedLocalVolumeFileMissing', { ...names, path: found.path }),
            host,
          ),
        )
    }
  }
  return { images, refusals }
}

/** The paths a start asks its host about (local disks, named backing files, host files), once each. */
function startFileQuestions(definition: DomainDefinition) {
  const files = hostFilesOf(definition)
  const disks = localDisksOf(definition)
  const backing = backingChecksOf(definition)
  const paths = [
    ...new Set([
      ...disks.map((disk) => disk.file),
      ...backing.named.map((named) => named.file),
      ...hostFilePaths(files),
    ]),
  ]
  return { files, disks, backing, paths }
}

/** A start's lease: the checks and `virsh start` (60 s) fit well within it; it is renewed if not. */
const START_LEASE_SECONDS = 180

/** The lease names a start takes: the VM and every RBD disk it would open. */
export function startLeaseNames(uuid: string, images: readonly RbdImageRef[]): string[] {
  return [vmLeaseName(uuid), ...images.map((image) => imageLeaseName(image.pool, image.image))]
}

/** What a start's lease is taken for (shown to the other instances that find it held). */
function startOperation(name: string, host: string): string {
  return `start ${name} on ${host}`
}

/** What a start still does once the VM runs, begun but not awaited under the lease. */
interface AfterStart {
  after: Promise<void>
}

/** A lease the caller of startLocked already holds (the fence job), and the names it covers. */
export interface HeldStartLease {
  names: readonly string[]
  lease: LeaseCheck
  /**
   * The lost host the job has just fenced for this VM, after reading it unreachable: the start's
   * checks keep that read. Its copy can no longer write and counts nowhere as running, so a new read
   * changes no refusal, and a host whose libvirtd hangs would make it wait a whole refresh timeout again.
   */
  fencedHost?: string
}

export class Lifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  private checkTarget(uuid: string, host: string): void {
    if (!isUuid(uuid)) throw ApiError.of('vm.invalid-uuid', msg('vmErrors.invalidUuid', { value: uuid }))
    if (!this.deps.hostNames().includes(host))
      throw ApiError.of('host.unknown', msg('vmErrors.unknownHost', { host }), { host })
  }

  private domainOn(host: string, uuid: string): DomainOnHost {
    const domain = this.deps.inventory.host(host)?.domains.find((candidate) => candidate.uuid === uuid)
    if (!domain) {
      throw ApiError.of('vm.not-defined', msg('vmErrors.notDefinedOn', { uuid, host }), {
        host,
        hint: msg('vmErrors.notDefinedOnHint'),
      })
    }
    return domain
  }

  /** Why the VM must not start on `host` now; empty when it may. Reads fresh state from every host. */
  async startRefusals(
    request: StartRequest,
    context?: JobContext,
  ): Promise<{ refusals: Refusal[]; vm: Vm | undefined; images: RbdImageRef[] }> {
    return this.readChecks(request, context, false)
  }

  /**
   * startRefusals' checks; with `locks`, also a QEMU's lock on each disk (qemuLocks), read beside
   * them: its refusals come after theirs, and its read's failure is told after theirs.
   */
  private async readChecks(
    request: StartRequest,
    context: JobContext | undefined,
    locks: boolean,
    fencedHost?: string,
  ): Promise<{ refusals: Refusal[]; vm: Vm | undefined; images: RbdImageRef[] }> {
    const refusals: Refusal[] = []
    context?.step(msg('jobSteps.readingStates'), 0.1)
    const snapshot = await this.deps.inventory.refreshAll({}, fencedHost ? [fencedHost] : [])
    const vm = snapshot.vms.find((candidate) => candidate.uuid === request.uuid)
    const domain = this.domainOn(request.host, request.uuid)
    const name = domain.name
    for (const inventory of snapshot.hosts) {
      // A host that cannot be asked blocks the start until it is fenced for this VM (fencing.ts).
      if (!inventory.reachable && !this.deps.isFenced?.(inventory.host, request.uuid)) {
        refusals.push(
          refusal(
            'host-unreachable',
            msg('vmErrors.refusedUnreachable', {
              host: inventory.host,
              name,
              why: unreachableWhy(inventory),
            }),
            inventory.host,
          ),
        )
      }
    }
    // A fenced copy is no place the VM runs, but while it exists its host cannot start another.
    const target = snapshot.hosts.find((inventory) => inventory.host === request.host)
    const copyHere = target?.domains.find((candidate) => candidate.uuid === request.uuid)
    if (copyHere && isActive(copyHere.state) && !(vm?.runningOn ?? []).includes(request.host)) {
      refusals.push(
        refusal(
          'fenced-copy',
          msg('vmErrors.refusedFencedCopy', { name, host: request.host, state: copyHere.state }),
          request.host,
        ),
      )
    }
    for (const host of vm?.runningOn ?? []) {
      refusals.push(
        host === request.host
          ? refusal('already-running', msg('vmErrors.refusedAlreadyRunning', { name, host }), host)
          : refusal(
              'running-elsewhere',
              msg('vmErrors.refusedRunningElsewhere', { name, host, target: request.host }),
              host,
            ),
      )
    }
    for (const inventory of snapshot.hosts) {
      const copy = inventory.domains.find((candidate) => candidate.uuid === request.uuid)
      if (copy?.managedSave) {
        refusals.push(
          refusal(
            'managed-save',
            msg('vmErrors.refusedManagedSave', { name, host: inventory.host }),
            inventory.host,
          ),
        )
      }
    }
    refusals.push(...uncheckableDisks(domain, request.host))
    // A target refused as unreachable is asked nothing more: each read there would wait for its
    // connection (up to 17 s while it reconnects), to add reasons to a refusal already certain.
    const targetSilent = refusals.some(
      (entry) => entry.code === 'host-unreachable' && entry.host === request.host,
    )
    // All asked side by side, every read independent of the others: the pool volumes, the files QEMU
    // opens from this host's disk as it starts (one probe, which also finds each pool volume's file)
    // and, when nothing refused yet, each RBD disk's watchers (`rbd status`) and QEMU locks. The disks'
    // sharing reads count only when nothing else refuses: a start refused already is not asked them,
    // and one the volumes or files refuse is told at once, not after them (a target that reconnects
    // holds them up to 17 s), since their answer cannot change that refusal.
    const direct = rbdImagesOf(domain)
    const sharing = refusals.length === 0
    const files = target?.reachable ? this.startFiles(request.host, domain) : undefined
    const directWatchers = sharing ? this.watchersOf(request.host, direct) : undefined
    const directLocks = sharing && locks ? this.qemuLocks(request.host, direct) : undefined
    // Each is awaited below, or left unread by a refused start: never an unhandled rejection.
    for (const read of [files, directWatchers, directLocks]) void read?.catch(() => undefined)
    const [volumes, missingFiles] = await Promise.allSettled([
      targetSilent
        ? { images: [], refusals: [] }
        : resolvePoolVolumes(this.deps.runner, request.host, domain, async (disk) =>
            (await files)?.volumes.get(disk),
          ),
      files ? files.then((found) => this.missingFiles(request.host, domain, found)) : [],
    ])
    if (volumes.status === 'rejected') throw volumes.reason
    if (missingFiles.status === 'rejected') throw missingFiles.reason
    refusals.push(...volumes.value.refusals, ...missingFiles.value)
    const images = [...direct, ...volumes.value.images]
    if (refusals.length > 0 || !directWatchers) return { refusals, vm, images }
    // Nothing refused: the start goes on only once every disk's sharing is read. A pool volume's
    // image is known once its pool is read: its watchers and locks are read then.
    context?.step(msg('jobSteps.checkingDisksFree'), 0.3)
    const volumeWatchers = this.watchersOf(request.host, volumes.value.images)
    const volumeLocks = locks ? this.qemuLocks(request.host, volumes.value.images) : undefined
    void volumeWatchers.catch(() => undefined)
    void volumeLocks?.catch(() => undefined)
    // A failed watchers read is told before a failed lock read, and their refusals in that order.
    const watchers = [...(await directWatchers), ...(await volumeWatchers)]
    refusals.push(
      ...watchers.flatMap(({ image, addresses }) =>
        addresses.length > 0
          ? [
              refusal(
                'image-in-use',
                msg('vmErrors.refusedImageInUse', { image: `${image.pool}/${image.image}`, addresses }),
              ),
            ]
          : [],
      ),
    )
    refusals.push(...((await directLocks) ?? []), ...((await volumeLocks) ?? []))
    return { refusals, vm, images }
  }

  /** Each disk's watchers (`rbd status`), every disk's read beside the others'. */
  private watchersOf(
    host: string,
    images: readonly RbdImageRef[],
  ): Promise<Array<{ image: RbdImageRef; addresses: string[] }>> {
    return Promise.all(
      images.map(async (image) => ({
        image,
        addresses: (await this.deps.rbd.watchers(host, image)).map((watcher) => watcher.address),
      })),
    )
  }

  /**
   * The start's one probe of `host` (vm/host-files.ts): the CD-ROM images and boot files the
   * definition opens (judged as the migration judges its destination's: judgeHostFiles), its local
   * disk files (localDisksOf) and their backing files (backingChecksOf: those the definition names,
   * and the chain qemu-img reads from each layered image's header), and where each pool volume's file
   * is (judged by resolvePoolVolumes), all in one exec. No exec for a VM that opens none.
   */
  private startFiles(host: string, domain: DomainOnHost): Promise<StartFiles> {
    if (!domain.definition) return Promise.resolve({ present: new Set(), chains: [], volumes: new Map() })
    const { paths, backing } = startFileQuestions(domain.definition)
    return startFilesOn(
      this.deps.runner,
      host,
      paths,
      backing.chains,
      poolVolumesOf(domain.definition),
      msg('errorSteps.startFilesOn', { host }),
    )
  }

  /** What the start's probe says is missing on `host` (see startFiles), each a refusal. */
  private missingFiles(host: string, domain: DomainOnHost, found: StartFiles): Refusal[] {
    if (!domain.definition) return []
    const { files, disks, backing } = startFileQuestions(domain.definition)
    const { present, chains } = found
    const missingDisks = disks
      .filter((disk) => !present.has(disk.file))
      .map((disk) =>
        refusal(
          'local-disk-missing',
          msg('vmErrors.refusedLocalDiskMissing', {
            name: domain.name,
            target: disk.target,
            file: disk.file,
            host,
          }),
          host,
        ),
      )
    const missingBacking: BackingFile[] = [
      ...backing.named.filter((named) => !present.has(named.file)),
      ...backing.chains.flatMap((chain, index) => {
        const file = missingBackingFile(chains[index])
        // The image the chain starts from was there a moment before: only a file under it counts.
        return file !== undefined && file !== chain.file
          ? [{ target: chain.target, disk: chain.disk, file }]
          : []
      }),
    ]
    const missingBackingFiles = missingBacking.map((missing) =>
      refusal(
        'backing-file-missing',
        msg('vmErrors.refusedBackingFileMissing', {
          name: domain.name,
          target: missing.target,
          file: missing.disk,
          backing: missing.file,
          host,
        }),
        host,
      ),
    )
    const missingHostFiles = judgeHostFiles(host, files, present)
      .filter((check) => check.level === 'fail')
      .map((check) => refusal(`${check.id}-missing`, check.message, host))
    return [...missingDisks, ...missingBackingFiles, ...missingHostFiles]
  }

  async start(request: StartRequest, context: JobContext): Promise<{ host: string }> {
    this.checkTarget(request.uuid, request.host)
    return this.deps.vmLocks.run(request.uuid, () => this.startLocked(request, context))
  }

  /**
   * The start workflow itself, for a caller that already holds the VM's lock (the fence job): under the
   * cluster lease of the VM and of each of its disks, every check from fresh state, then virsh start.
   * A caller that already holds the lease over some of these names (the fence job) passes it as `held`;
   * only the names it does not cover are taken here, and both are checked before `virsh start`.
   */
  async startLocked(
    request: StartRequest,
    context: JobContext,
    held?: HeldStartLease,
  ): Promise<{ host: string }> {
    this.checkTarget(request.uuid, request.host)
    const domain = this.domainOn(request.host, request.uuid)
    const names = startLeaseNames(request.uuid, rbdImagesOf(domain))
    const operation = startOperation(domain.name, request.host)
    let launched: AfterStart
    if (!held)
      launched = await this.deps.lease.run(
        names,
        operation,
        START_LEASE_SECONDS,
        (lease) => this.checkAndStart(request, domain, context, lease),
        context,
      )
    else {
      const missing = names.filter((name) => !held.names.includes(name))
      launched =
        missing.length === 0
          ? await this.checkAndStart(request, domain, context, held.lease, held.fencedHost)
          : await this.deps.lease.run(
              missing,
              operation,
              START_LEASE_SECONDS,
              (taken) =>
                this.checkAndStart(
                  request,
                  domain,
                  context,
                  {
                    // Two leases (two cookies), so two checks, but of different names: read side by side.
                    // The held one's failure is told first, as when they ran one after the other.
                    check: async (step, needSeconds) => {
                      const [first, second] = await Promise.allSettled([
                        held.lease.check(step, needSeconds),
                        taken.check(step, needSeconds),
                      ])
                      if (first.status === 'rejected') throw first.reason
                      if (second.status === 'rejected') throw second.reason
                    },
                  },
                  held.fencedHost,
                ),
              context,
            )
    }
    await launched.after
    return { host: request.host }
  }

  /**
   * Under the lease: every refusal (start checks, a QEMU's lock on a disk), then virsh start and its
   * audit line. Then the lease is no longer needed (the VM runs: any other start's checks see it), so
   * what follows — the host read again, the new QEMU's Ceph clients recorded — is begun and returned
   * unawaited (`after`): the lease is released while it runs, and the caller waits for it.
   */
  private async checkAndStart(
    request: StartRequest,
    domain: DomainOnHost,
    context: JobContext,
    lease: LeaseCheck,
    fencedHost?: string,
  ): Promise<AfterStart> {
    const checked = await this.readChecks(request, context, true, fencedHost)
    const refusals = checked.refusals
    if (refusals.length > 0) {
      throw ApiError.of(
        'vm.start.refused',
        msg('vmErrors.startRefused', {
          name: domain.name,
          host: request.host,
          reasons: refusals.map((entry) => entry.text),
        }),
        {
          host: request.host,
          step: msg('errorSteps.preStartChecks'),
          details: { refusals },
          ...(refusals.some((entry) => entry.code === 'host-unreachable')
            ? { hint: msg('vmErrors.startRefusedFenceHint') }
            : {}),
        },
      )
    }
    await lease.check(commandStep(`virsh start ${domain.name}`))
    context.step(msg('jobSteps.starting', { name: domain.name, host: request.host }), 0.6)
    const since = Date.now()
    await this.deps.runner.virsh(request.host, domainArgv.start(request.uuid), {
      step: commandStep(`virsh start ${domain.name}`),
      timeoutSeconds: 60,
    })
    await this.deps.audit(request.host, 'start', domain.name)
    context.step(msg('jobSteps.started'), 0.9)
    const after = this.afterStart(request.host, domain, context, since)
    // Awaited by startLocked once the lease is released; a failure meanwhile is not left unhandled.
    void after.catch(() => undefined)
    return { after }
  }

  /** The started VM's host read again, then its Ceph clients recorded (a failure there only logged). */
  private async afterStart(
    host: string,
    domain: DomainOnHost,
    context: JobContext,
    since: number,
  ): Promise<void> {
    await this.deps.inventory.refreshHost(host)
    await this.deps.started?.(host, domain, since).catch((error: unknown) => {
      context.log(msg('jobSteps.clientsNotRecorded', { error: errorText(ApiError.from(error)) }))
    })
  }

  /**
   * librbd's exclusive lock (cookie "auto …") on a disk: a QEMU holds it — running, or on a host that
   * was lost. Read with the lock listing (the cluster lease, not an rbd lock, serialises starts).
   */
  private async qemuLocks(host: string, images: readonly RbdImageRef[]): Promise<Refusal[]> {
    // Each disk's locks side by side: a VM with several disks waits for one read, not one per disk.
    const owners = await Promise.all(
      images.map(async (image) => ({
        image,
        owner: (await this.deps.rbd.locks(host, image)).find((lock) => lock.id.startsWith('auto ')),
      })),
    )
    return owners.flatMap(({ image, owner }) =>
      owner
        ? [
            refusal(
              'image-locked',
              msg('vmErrors.refusedImageLocked', {
                image: `${image.pool}/${image.image}`,
                owner: owner.address ?? owner.locker,
              }),
            ),
          ]
        : [],
    )
  }

  /** ACPI shutdown, then wait for the guest to stop; on timeout the result offers a force off. */
  async shutdown(
    uuid: string,
    host: string,
    timeoutSeconds: number,
    context: JobContext,
  ): Promise<{ stopped: boolean }> {
    this.checkTarget(uuid, host)
    return this.deps.vmLocks.run(uuid, async () => {
      const domain = this.domainOn(host, uuid)
      context.step(msg('jobSteps.askingShutdown', { name: domain.name }), 0.1)
      await this.deps.runner.virsh(host, domainArgv.shutdown(uuid), {
        step: commandStep(`virsh shutdown ${domain.name}`),
        signal: context.signal,
      })
      await this.deps.audit(host, 'shutdown', domain.name)
      const deadline = Date.now() + timeoutSeconds * 1000
      while (Date.now() < deadline) {
        if (context.signal.aborted)
          throw ApiError.of('job.cancelled', msg('vmErrors.shutdownWaitStopped', { name: domain.name }), {
            host,
          })
        const state = await this.deps.runner.virsh(host, domainArgv.state(uuid), {
          step: commandStep('virsh domstate'),
          allowFailure: true,
        })
        if (state.stdout.trim() === 'shut off') {
          await this.deps.inventory.refreshHost(host)
          return { stopped: true }
        }
        context.progress(
          0.1 + (0.8 * (timeoutSeconds * 1000 - (deadline - Date.now()))) / (timeoutSeconds * 1000),
        )
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      context.log(msg('jobSteps.didNotStop', { name: domain.name, seconds: timeoutSeconds }))
      return { stopped: false }
    })
  }

  /** Power cut. The caller must have the user confirm by typing the VM's name. */
  async forceOff(uuid: string, host: string, confirmName: string, context: JobContext): Promise<void> {
    this.checkTarget(uuid, host)
    return this.deps.vmLocks.run(uuid, async () => {
      const domain = this.domainOn(host, uuid)
      if (confirmName !== domain.name) {
        throw ApiError.of('vm.confirm-mismatch', msg('vmErrors.confirmForceOff', { name: domain.name }), {
          host,
        })
      }
      await this.deps.lease.run(
        [vmLeaseName(uuid)],
        `force off ${domain.name} on ${host}`,
        START_LEASE_SECONDS,
        async (lease) => {
          await lease.check(commandStep(`virsh destroy ${domain.name}`))
          context.step(msg('jobSteps.forcingOff', { name: domain.name }), 0.3)
          await this.deps.runner.virsh(host, domainArgv.destroy(uuid), {
            step: commandStep(`virsh destroy ${domain.name}`),
          })
          await this.deps.audit(host, 'force off', domain.name)
          await this.deps.inventory.refreshHost(host)
        },
        context,
      )
    })
  }

  async reboot(uuid: string, host: string, context: JobContext): Promise<void> {
    this.checkTarget(uuid, host)
    return this.deps.vmLocks.run(uuid, async () => {
      const domain = this.domainOn(host, uuid)
      context.step(msg('jobSteps.rebooting', { name: domain.name }), 0.3)
      await this.deps.runner.virsh(host, domainArgv.reboot(uuid), {
        step: commandStep(`virsh reboot ${domain.name}`),
      })
      await this.deps.audit(host, 'reboot', domain.name)
    })
  }
}
