import { ApiError } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages'
import type { HostState } from '../../../shared/hosts'
import { formatBytes, type GrowResult, type ImageUser, type Refusal } from '../../../shared/storage'
import { imageArgv, imageSpec, snapshotArgv, snapshotSpec, type RbdImageRef } from '../ceph/image'
import { Rbd, RbdReader, type Watcher } from '../ceph/rbd'
import type { InventoryService, InventorySnapshot } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { LeaseCheck, Leases } from '../lease/cluster-lease'
import { imageLeaseName, vmLeaseName } from '../../../shared/lease'
import { guardMessage } from '../../../shared/guard-texts'
import { safetySnapshotInfo } from '../../../shared/storage'
import type { RemoteRunner, RunOptions } from '../remote/runner'
import { imageKey, unknownHosts, unreadableDefinitions, usersByImage } from './image-users'
import { listStorage } from './listing'
import {
  explainCephFailure,
  LONG_RBD_TIMEOUT_SECONDS,
  pickRbdHost,
  rbdWithProgress,
  type CephAccess,
} from './rbd-host'
import { domainArgv } from '../libvirt/domain'

/**
 * Image and snapshot operations with the runbook's safety rules. What can destroy data (shrink,
 * rollback, delete) first reads every host's state afresh and is refused — with every reason at
 * once — while a VM using the image may run (on a host that answers or one that does not), while
 * anyone has the image open (watchers), or while its snapshots would be lost. They run under the VM's
 * lock (never interleaved with a start or a migration) and the image's own lock, and under the
 * cluster lease of the image and of those VMs (never interleaved with another app instance), which is
 * re-checked before each step that changes data.
 */

/** A storage operation's lease; renewed while a long rbd step runs. */
const STORAGE_LEASE_SECONDS = 300

export interface StorageDeps {
  runner: RemoteRunner
  inventory: InventoryService
  vmLocks: KeyedMutex
  /** The cluster lease (Ceph): the image and every VM using it, across app instances. */
  lease: Leases
  hostStates(): HostState[]
  hostNames(): string[]
  pools(): string[]
  ceph(): CephAccess
  /** Logs the change on the host for the other admins. */
  audit(host: string, action: string): Promise<void>
}

interface ImageParams {
  pool: string
  image: string
}

/** A snapshot name that says why it exists and when, e.g. hyperdesk-before-shrink-20261125-091500. */
export function safetySnapshotName(reason: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `hyperdesk-before-${reason}-${stamp}`
}

type CheckedAction =
  'growChecks' | 'shrinkChecks' | 'deleteImageChecks' | 'deleteSnapshotChecks' | 'rollbackChecks'

const CHECKS_OF = {
  grow: 'growChecks',
  shrink: 'shrinkChecks',
  delete: 'deleteImageChecks',
  rollback: 'rollbackChecks',
} as const

/** The refusals are shown one by one (their codes); the English message lists them for the logs. */
function refused(action: CheckedAction, host: string, image: string, refusals: Refusal[]): ApiError {
  const error = ApiError.of(
    'storage.refused',
    msg('storageErrors.refused', { image, count: refusals.length }),
    {
      host,
      step: msg(`errorSteps.${action}`),
      details: { refusals },
    },
  )
  error.message = `Not done: ${refusals.map((refusal) => refusal.message).join(' ')}`
  return error
}

/** Typing the object's name (the image's, or the snapshot's) is what confirms a destructive operation. */
function nameRefusal(typed: string, expected: string): Refusal[] {
  if (typed === expected) return []
  return [
    {
      code: 'confirm-name',
      message: guardMessage('confirmNameMismatch', { typed: JSON.stringify(typed), expected }),
    },
  ]
}

function watcherRefusal(spec: string, watchers: Watcher[]): Refusal[] {
  if (watchers.length === 0) return []
  return [
    {
      code: 'watchers',
      message: `${spec} is open by ${watchers.map((w) => w.address).join(', ')}: a QEMU or another client still uses it.`,
    },
  ]
}

/** A VM whose definition could not be read may use any image: refuse until it is readable. */
function unreadableRefusals(snapshot: InventorySnapshot, spec: string): Refusal[] {
  return unreadableDefinitions(snapshot).map(({ host, name }) => ({
    code: 'definition-unreadable',
    host,
    message: `${name}'s definition on ${host} could not be read: it may use ${spec}. Refresh, or fix that definition first.`,
  }))
}

export class StorageOps {
  private readonly reader: RbdReader
  private readonly rbd: Rbd

  constructor(private readonly deps: StorageDeps) {
    this.reader = new RbdReader(deps.runner)
    this.rbd = new Rbd(deps.runner)
  }

  /** The host rbd runs on for this operation (see pickRbdHost). */
  host(): string {
    return pickRbdHost(this.deps.hostStates(), this.deps.hostNames())
  }

  async list(pool?: string) {
    if (pool !== undefined) this.checkPool(pool)
    const host = this.host()
    return listStorage({
      runner: this.deps.runner,
      host,
      clientId: this.deps.ceph().clientId,
      pools: pool !== undefined ? [pool] : this.deps.pools(),
      hostNames: this.deps.hostNames(),
      inventory: this.deps.inventory.snapshot(),
    })
  }

  async create(params: ImageParams & { sizeBytes: number }) {
    this.checkPool(params.pool)
    const host = this.host()
    const spec = imageSpec(params)
    const result = await this.call(host, imageArgv.create(params, params.sizeBytes), {
      step: msg('errorSteps.command', { command: `rbd create ${spec}` }),
      allowFailure: true,
    })
    if (result.exitCode === 17) {
      throw ApiError.of('storage.image-exists', msg('storageErrors.imageExists', { image: spec }), {
        host,
        step: msg('errorSteps.command', { command: `rbd create ${spec}` }),
        hint: msg('storageErrors.imageExistsHint'),
      })
    }
    if (result.exitCode !== 0) throw this.failed(host, `rbd create ${spec}`, result)
    await this.audit(host, `create image ${spec} (${formatBytes(params.sizeBytes)})`)
    return { host, pool: params.pool, image: params.image, sizeBytes: params.sizeBytes }
  }

  /** Grows the image: live through the QEMU that has it open, else with rbd resize. */
  grow(params: ImageParams & { sizeBytes: number }, job: JobContext): Promise<GrowResult> {
    this.checkPool(params.pool)
    return this.locked(params, 'grow', job, async (_snapshot, users, lease) => {
      const host = this.host()
      const spec = imageSpec(params)
      job.step(msg('jobSteps.readingImage'), 0.3)
      const { sizeBytes: fromBytes } = await this.read(() => this.reader.info(host, params), host)
      const refusals: Refusal[] = []
      if (params.sizeBytes <= fromBytes)
        refusals.push({
          code: 'not-larger',
          message: `${spec} is already ${formatBytes(fromBytes)}: growing needs a larger size (to make it smaller, shrink it).`,
        })
      for (const user of users) {
        for (const unreachable of user.lastKnownRunningOn)
          refusals.push({
            code: 'host-unknown',
            host: unreachable,
            message: `${user.name} was running on ${unreachable}, which cannot be reached: its QEMU must be told of the new size there (virsh blockresize).`,
          })
      }
      const running = users.flatMap((user) => user.runningOn.map((on) => ({ user, host: on })))
      if (running.length > 1)
        refusals.push({
          code: 'vm-running',
          message: `${spec} is open by several running QEMUs (${running.map((r) => `${r.user.name} on ${r.host}`).join(', ')}): resize it by hand.`,
        })
      if (refusals.length > 0) throw refused('growChecks', host, spec, refusals)
      const live = running[0]
      await lease.check(msg('errorSteps.growImage', { image: spec }))
      if (live) {
        job.step(msg('jobSteps.growingLive', { image: spec, vm: live.user.name, host: live.host }), 0.5)
        await this.deps.runner.virsh(
          live.host,
          domainArgv.blockResize(live.user.uuid, live.user.target, params.sizeBytes),
          {
            step: msg('errorSteps.command', {
              command: `virsh blockresize ${live.user.name} ${live.user.target}`,
            }),
            timeoutSeconds: 120,
          },
        )
      } else {
        job.step(msg('jobSteps.growingRbd', { image: spec }), 0.5)
        await this.call(host, imageArgv.resize(params, params.sizeBytes), {
          step: msg('errorSteps.command', { command: `rbd resize ${spec}` }),
          timeoutSeconds: 600,
        })
      }
      const by = live ? live.host : host
      await this.audit(by, `grow image ${spec} ${formatBytes(fromBytes)} → ${formatBytes(params.sizeBytes)}`)
      return {
        method: live ? 'blockresize' : 'rbd-resize',
        host: by,
        fromBytes,
        toBytes: params.sizeBytes,
        usedBy: users,
      }
    })
  }

  /** Shrinks a stopped, unopened image, after a snapshot that keeps the cut-off data. */
  shrink(params: ImageParams & { sizeBytes: number; confirmName: string }, job: JobContext) {
    this.checkPool(params.pool)
    return this.locked(params, 'shrink', job, async (snapshot, users, lease) => {
      const host = this.host()
      const spec = imageSpec(params)
      job.step(msg('jobSteps.checkingUnused'), 0.1)
      const { sizeBytes: fromBytes } = await this.read(() => this.reader.info(host, params), host)
      const refusals = await this.offlineRefusals(host, params, snapshot, users)
      refusals.push(...nameRefusal(params.confirmName, params.image))
      if (params.sizeBytes >= fromBytes)
        refusals.push({
          code: 'not-smaller',
          message: `${spec} is ${formatBytes(fromBytes)}: shrinking needs a smaller size.`,
        })
      if (refusals.length > 0) throw refused('shrinkChecks', host, spec, refusals)
      const snap = safetySnapshotName('shrink')
      await lease.check(msg('errorSteps.command', { command: `rbd snap create ${spec}@${snap}` }))
      job.step(msg('jobSteps.snapshotFirst', { snapshot: snap }), 0.15)
      await this.call(host, snapshotArgv.create(params, snap), {
        step: msg('errorSteps.command', { command: `rbd snap create ${spec}@${snap}` }),
      })
      await lease.check(msg('errorSteps.command', { command: `rbd resize --allow-shrink ${spec}` }))
      job.step(msg('jobSteps.shrinking', { image: spec, size: params.sizeBytes }), 0.2)
      await rbdWithProgress(
        this.deps.runner,
        host,
        this.deps.ceph(),
        imageArgv.resize(params, params.sizeBytes, true),
        msg('errorSteps.command', { command: `rbd resize --allow-shrink ${spec}` }),
        (fraction) => job.progress(0.2 + fraction * 0.75),
      )
      await this.audit(
        host,
        `shrink image ${spec} ${formatBytes(fromBytes)} → ${formatBytes(params.sizeBytes)} (snapshot ${snap})`,
      )
      return { host, fromBytes, toBytes: params.sizeBytes, snapshot: snap }
    })
  }

  /** Deletes an image nobody uses; its snapshots only with purgeSnapshots. */
  remove(params: ImageParams & { confirmName: string; purgeSnapshots?: boolean }, job: JobContext) {
    this.checkPool(params.pool)
    return this.locked(params, 'delete', job, async (snapshot, users, lease) => {
      const host = this.host()
      const spec = imageSpec(params)
      job.step(msg('jobSteps.checkingUnused'), 0.1)
      const refusals: Refusal[] = []
      refusals.push(...nameRefusal(params.confirmName, params.image))
      for (const user of users)
        refusals.push({
          code: 'in-use',
          message: `${user.name}'s definition uses ${spec} as its disk ${user.target}: remove the disk from the VM (or the VM) first.`,
        })
      for (const unknown of unknownHosts(snapshot, this.deps.hostNames()))
        refusals.push({
          code: 'host-unknown',
          host: unknown,
          message: `${unknown} cannot be reached: a definition there may use ${spec}.`,
        })
      refusals.push(...unreadableRefusals(snapshot, spec))
      const watchers = await this.read(() => this.rbd.watchers(host, params), host)
      refusals.push(...watcherRefusal(spec, watchers))
      const snapshots = await this.read(() => this.reader.snapshots(host, params), host)
      if (snapshots.length > 0 && !params.purgeSnapshots)
        refusals.push({
          code: 'snapshots',
          message: `${spec} has ${snapshots.length} snapshot(s) (${snapshots.map((s) => s.name).join(', ')}): delete them, or ask to purge them with the image.`,
        })
      const protectedSnaps = snapshots.filter((s) => s.protected)
      if (protectedSnaps.length > 0 && params.purgeSnapshots)
        refusals.push({
          code: 'protected-snapshots',
          message: `${spec} has protected snapshots (${protectedSnaps.map((s) => s.name).join(', ')}), which clones may depend on: unprotect them by hand first.`,
        })
      if (refusals.length > 0) throw refused('deleteImageChecks', host, spec, refusals)
      if (snapshots.length > 0) {
        await lease.check(msg('errorSteps.command', { command: `rbd snap purge ${spec}` }))
        job.step(msg('jobSteps.purging', { count: snapshots.length, image: spec }), 0.2)
        await rbdWithProgress(
          this.deps.runner,
          host,
          this.deps.ceph(),
          snapshotArgv.purge(params),
          msg('errorSteps.command', { command: `rbd snap purge ${spec}` }),
          (fraction) => job.progress(0.2 + fraction * 0.3),
        )
      }
      await lease.check(msg('errorSteps.command', { command: `rbd rm ${spec}` }))
      job.step(msg('jobSteps.deleting', { image: spec }), 0.5)
      await rbdWithProgress(
        this.deps.runner,
        host,
        this.deps.ceph(),
        imageArgv.remove(params),
        msg('errorSteps.command', { command: `rbd rm ${spec}` }),
        (fraction) => job.progress(0.5 + fraction * 0.45),
      )
      const purged = snapshots.map((s) => s.name)
      await this.audit(
        host,
        `delete image ${spec}${purged.length ? ` with snapshots ${purged.join(', ')}` : ''}`,
      )
      return { host, purgedSnapshots: purged }
    })
  }

  async snapshotCreate(params: ImageParams & { snapshot: string }) {
    this.checkPool(params.pool)
    const host = this.host()
    const spec = snapshotSpec(params, params.snapshot)
    const result = await this.call(host, snapshotArgv.create(params, params.snapshot), {
      step: msg('errorSteps.command', { command: `rbd snap create ${spec}` }),
      allowFailure: true,
      timeoutSeconds: 120,
    })
    if (result.exitCode === 17) {
      throw ApiError.of(
        'storage.snapshot-exists',
        msg('storageErrors.snapshotExists', { image: imageSpec(params), snapshot: params.snapshot }),
        {
          host,
          step: msg('errorSteps.command', { command: `rbd snap create ${spec}` }),
          hint: msg('storageErrors.snapshotExistsHint'),
        },
      )
    }
    if (result.exitCode !== 0) throw this.failed(host, `rbd snap create ${spec}`, result)
    await this.audit(host, `snapshot ${spec}`)
    return { host, pool: params.pool, image: params.image, snapshot: params.snapshot }
  }

  /**
   * Deletes a snapshot: the user types its name; a safety snapshot the app took before a shrink or a
   * rollback also needs a second consent that says what it holds. Under the image's lease.
   */
  snapshotDelete(
    params: ImageParams & { snapshot: string; confirmName: string; confirmSafetySnapshot?: boolean },
  ) {
    this.checkPool(params.pool)
    const spec = snapshotSpec(params, params.snapshot)
    return this.deps.vmLocks.run(`rbd:${imageKey(params.pool, params.image)}`, () =>
      this.deps.lease.run(
        [imageLeaseName(params.pool, params.image)],
        `delete snapshot ${spec}`,
        STORAGE_LEASE_SECONDS,
        async (lease) => {
          const host = this.host()
          const snap = await this.findSnapshot(host, params)
          const refusals: Refusal[] = [...nameRefusal(params.confirmName, params.snapshot)]
          if (snap.protected)
            refusals.push({
              code: 'protected-snapshot',
              message: `${spec} is protected (clones may depend on it): unprotect it by hand first (rbd snap unprotect).`,
            })
          const safety = safetySnapshotInfo(params.snapshot)
          if (safety && params.confirmSafetySnapshot !== true)
            refusals.push({
              code: 'safety-snapshot',
              message: guardMessage('safetySnapshotConsent', {
                snapshot: params.snapshot,
                reason: safety.reason,
                image: imageSpec(params),
                takenAt: safety.takenAt,
              }),
            })
          if (refusals.length > 0) throw refused('deleteSnapshotChecks', host, spec, refusals)
          await lease.check(msg('errorSteps.command', { command: `rbd snap rm ${spec}` }))
          await this.call(host, snapshotArgv.remove(params, params.snapshot), {
            step: msg('errorSteps.command', { command: `rbd snap rm ${spec}` }),
            timeoutSeconds: 600,
          })
          await this.audit(
            host,
            `delete snapshot ${spec}${safety ? ` (safety snapshot before ${safety.reason}, second consent given)` : ''}`,
          )
          return { host, pool: params.pool, image: params.image, snapshot: params.snapshot }
        },
      ),
    )
  }

  /** Rolls the image back to a snapshot; a safety snapshot of the current state first by default. */
  rollback(
    params: ImageParams & { snapshot: string; safetySnapshot?: boolean; confirmName: string },
    job: JobContext,
  ) {
    this.checkPool(params.pool)
    return this.locked(params, 'rollback', job, async (snapshot, users, lease) => {
      const host = this.host()
      const spec = imageSpec(params)
      job.step(msg('jobSteps.checkingUnused'), 0.05)
      await this.findSnapshot(host, params)
      const refusals = await this.offlineRefusals(host, params, snapshot, users)
      refusals.push(...nameRefusal(params.confirmName, params.image))
      if (refusals.length > 0) throw refused('rollbackChecks', host, spec, refusals)
      let safety: string | undefined
      if (params.safetySnapshot ?? true) {
        safety = safetySnapshotName('rollback')
        await lease.check(msg('errorSteps.command', { command: `rbd snap create ${spec}@${safety}` }))
        job.step(msg('jobSteps.safetySnapshot', { snapshot: safety }), 0.08)
        await this.call(host, snapshotArgv.create(params, safety), {
          step: msg('errorSteps.command', { command: `rbd snap create ${spec}@${safety}` }),
          timeoutSeconds: 120,
        })
      }
      await lease.check(
        msg('errorSteps.command', { command: `rbd snap rollback ${spec}@${params.snapshot}` }),
      )
      job.step(msg('jobSteps.rollingBack', { image: spec, snapshot: params.snapshot }), 0.1)
      await rbdWithProgress(
        this.deps.runner,
        host,
        this.deps.ceph(),
        snapshotArgv.rollback(params, params.snapshot),
        msg('errorSteps.command', { command: `rbd snap rollback ${spec}@${params.snapshot}` }),
        (fraction) => job.progress(0.1 + fraction * 0.85),
      )
      await this.audit(
        host,
        `rollback image ${spec} to ${params.snapshot}${safety ? ` (safety snapshot ${safety})` : ''}`,
      )
      return { host, snapshot: params.snapshot, ...(safety ? { safetySnapshot: safety } : {}) }
    })
  }

  /** Used space on request: without fast-diff, rbd du reads every object of the image. */
  async du(params: ImageParams, job: JobContext) {
    this.checkPool(params.pool)
    const host = this.host()
    job.step(msg('jobSteps.measuring', { image: imageSpec(params), host }), 0.1)
    const usedBytes = await this.read(
      () =>
        this.reader.usedBytes(host, params, { signal: job.signal, timeoutSeconds: LONG_RBD_TIMEOUT_SECONDS }),
      host,
    )
    return { host, pool: params.pool, image: params.image, usedBytes }
  }

  /** What forbids changing the image's content now: a VM that may run, an unknown host, a watcher. */
  private async offlineRefusals(
    host: string,
    ref: RbdImageRef,
    snapshot: InventorySnapshot,
    users: ImageUser[],
  ): Promise<Refusal[]> {
    const refusals: Refusal[] = []
    const spec = imageSpec(ref)
    for (const unknown of unknownHosts(snapshot, this.deps.hostNames()))
      refusals.push({
        code: 'host-unknown',
        host: unknown,
        message: `${unknown} cannot be reached: a VM using ${spec} might be running there.`,
      })
    for (const user of users)
      for (const on of user.runningOn)
        refusals.push({
          code: 'vm-running',
          host: on,
          message: `${user.name} is running on ${on} with ${spec} as its disk ${user.target}: shut it down first.`,
        })
    const watchers = await this.read(() => this.rbd.watchers(host, ref), host)
    refusals.push(...watcherRefusal(spec, watchers))
    return refusals
  }

  private async findSnapshot(host: string, params: ImageParams & { snapshot: string }) {
    const snapshots = await this.read(() => this.reader.snapshots(host, params), host)
    const snap = snapshots.find((candidate) => candidate.name === params.snapshot)
    if (!snap) {
      throw ApiError.of(
        'storage.no-snapshot',
        msg('storageErrors.noSnapshot', { image: imageSpec(params), snapshot: params.snapshot }),
        {
          host,
          step: msg('errorSteps.command', { command: `rbd snap ls ${imageSpec(params)}` }),
          hint: msg('storageErrors.noSnapshotHint'),
        },
      )
    }
    return snap
  }

  /**
   * Runs `task` with the image's lock and the lock of every VM using it (sorted, so two operations
   * never wait on each other crosswise), on a fresh read of every host.
   */
  private async locked<T>(
    ref: RbdImageRef,
    action: keyof typeof CHECKS_OF,
    job: JobContext,
    task: (snapshot: InventorySnapshot, users: ImageUser[], lease: LeaseCheck) => Promise<T>,
  ): Promise<T> {
    const before = usersByImage(this.deps.inventory.snapshot()).get(imageKey(ref.pool, ref.image)) ?? []
    const keys = [...new Set(before.map((user) => user.uuid))].sort()
    const names = [imageLeaseName(ref.pool, ref.image), ...keys.map(vmLeaseName)]
    const withKeys = (remaining: string[]): Promise<T> => {
      const [key, ...rest] = remaining
      if (key === undefined) {
        return this.deps.vmLocks.run(`rbd:${imageKey(ref.pool, ref.image)}`, () =>
          this.deps.lease.run(
            names,
            `${action} ${imageSpec(ref)}`,
            STORAGE_LEASE_SECONDS,
            async (lease) => {
              const snapshot = await this.deps.inventory.refreshAll()
              const users = usersByImage(snapshot).get(imageKey(ref.pool, ref.image)) ?? []
              // A VM that started using the image since: its lease is not held, so refuse rather than guess.
              const unleased = users.filter((user) => !keys.includes(user.uuid))
              if (unleased.length > 0)
                throw refused(
                  CHECKS_OF[action],
                  this.host(),
                  imageSpec(ref),
                  unleased.map((user) => ({
                    code: 'users-changed',
                    message: `${user.name} started using ${imageSpec(ref)} during the checks: try again.`,
                  })),
                )
              return task(snapshot, users, lease)
            },
            job,
          ),
        )
      }
      return this.deps.vmLocks.run(key, () => withKeys(rest))
    }
    return withKeys(keys)
  }

  private checkPool(pool: string): void {
    if (!this.deps.pools().includes(pool)) {
      throw ApiError.of(
        'storage.unknown-pool',
        msg('storageErrors.unknownPool', { pool, pools: this.deps.pools() }),
        {
          step: msg('errorSteps.checkPool'),
          hint: msg('storageErrors.unknownPoolHint'),
        },
      )
    }
  }

  private async call(host: string, args: string[], options: RunOptions) {
    try {
      return await this.deps.runner.rbd(host, args, options)
    } catch (error) {
      throw explainCephFailure(error, host, this.deps.ceph().clientId)
    }
  }

  private async read<T>(read: () => Promise<T>, host: string): Promise<T> {
    try {
      return await read()
    } catch (error) {
      throw explainCephFailure(error, host, this.deps.ceph().clientId)
    }
  }

  private failed(host: string, command: string, result: { exitCode: number; stderr: string }): ApiError {
    const stderr = result.stderr.trim().slice(-600)
    return explainCephFailure(
      ApiError.of(
        'remote.failed',
        withDetail(msg('storageErrors.failed', { command, host, exitCode: result.exitCode }), stderr),
        {
          host,
          step: msg('errorSteps.command', { command }),
          details: { exitCode: result.exitCode, stderr },
        },
      ),
      host,
      this.deps.ceph().clientId,
    )
  }

  private async audit(host: string, action: string): Promise<void> {
    // The change is done; a syslog hiccup must not turn it into a failure.
    await this.deps.audit(host, action).catch(() => undefined)
  }
}
