import { ApiError, commandStep } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { isValidName } from '../../../shared/names'
import type { RemoteRunner, RunOptions } from '../remote/runner'
import { imageArgv, imageSpec, poolArgv, snapshotArgv, snapshotSpec, type RbdImageRef } from './image'
import { readShape } from './formats/errors'
import { parseRbdDu, parseRbdInfo, parseRbdLsLong } from './formats/rbd-image'
import { parseRbdLocks } from './formats/rbd-locks'
import { parseRbdSnapList, parseSnapshotProtection } from './formats/rbd-snapshots'
import { parseRbdStatus } from './formats/rbd-status'

/**
 * The `rbd` calls the VM guards need, run on a hypervisor as the configured Ceph client. Output is
 * JSON (`--format json`); every call has a timeout on the host, since rbd hangs when Ceph is down.
 */
export interface Watcher {
  address: string
  client?: number
}

export interface ImageLock {
  id: string
  locker: string
  address?: string
}

/** Runs as the configured Ceph client with the monitor timeouts (see RemoteRunner.rbd). */
export class Rbd {
  constructor(private readonly runner: RemoteRunner) {}

  private run(host: string, args: string[], options: RunOptions = {}) {
    return this.runner.rbd(host, args, options)
  }

  /** Clients that have the image open (a running QEMU is one), as every supported release prints them. */
  async watchers(host: string, ref: RbdImageRef): Promise<Watcher[]> {
    const step = `rbd status ${imageSpec(ref)}`
    const result = await this.run(host, imageArgv.status(ref), { step: commandStep(step) })
    const { watchers } = await readShape(this.runner, host, 'rbd', () => parseRbdStatus(result.stdout, step))
    return watchers.map((watcher) => ({ address: watcher.address, client: watcher.client }))
  }

  /** Advisory locks: an object keyed by lock id (Luminous) or a list (Mimic and later). */
  async locks(host: string, ref: RbdImageRef): Promise<ImageLock[]> {
    const step = `rbd lock ls ${imageSpec(ref)}`
    const result = await this.run(host, imageArgv.locks(ref), { step: commandStep(step) })
    const { locks } = await readShape(this.runner, host, 'rbd', () => parseRbdLocks(result.stdout, step))
    return locks
  }

  /** Removes a lock without blocklisting its locker (the caller fenced it already, or it is ours). */
  async breakLock(host: string, ref: RbdImageRef, lock: ImageLock): Promise<void> {
    // Without blocklisting (see imageArgv.unlock): the locker (a finished `rbd lock add`) is gone.
    await this.run(host, imageArgv.unlock(ref, lock), {
      step: commandStep(`rbd lock rm ${imageSpec(ref)}`),
    })
  }
}

/** An image as `rbd ls -l` lists it, with the snapshots it lists after it. */
export interface PoolEntry {
  image: string
  sizeBytes: number
  snapshots: Array<{ name: string; sizeBytes: number; protected: boolean }>
}

export interface ImageInfo {
  sizeBytes: number
  features: string[]
  createdAt?: string
}

export interface SnapshotEntry {
  name: string
  sizeBytes: number
  protected: boolean
  createdAt?: string
}

/** Read-only calls for the storage view; one rbd process each, JSON output. */
export class RbdReader {
  constructor(private readonly runner: RemoteRunner) {}

  private async output<T>(
    host: string,
    args: string[],
    step: string,
    parse: (text: string) => T,
    options: RunOptions = {},
  ): Promise<T> {
    const result = await this.runner.rbd(host, [...args, '--format', 'json'], {
      step: commandStep(step),
      ...options,
    })
    return readShape(this.runner, host, 'rbd', () => parse(result.stdout))
  }

  /** Every image of a pool with its size and snapshots, in one call (`rbd ls -l`). */
  async pool(host: string, pool: string): Promise<PoolEntry[]> {
    if (!isValidName(pool))
      throw ApiError.of('rbd.invalid-name', msg('cephErrors.invalidPool', { pool: JSON.stringify(pool) }))
    const step = `rbd ls -l ${pool}`
    // An empty pool prints nothing at all on some releases.
    const rows = await this.output(host, poolArgv.listLong(pool), step, (text) =>
      text.trim() === '' ? [] : parseRbdLsLong(text, step),
    )
    const byName = new Map<string, PoolEntry>()
    for (const row of rows) {
      let entry = byName.get(row.image)
      if (!entry) {
        entry = { image: row.image, sizeBytes: 0, snapshots: [] }
        byName.set(row.image, entry)
      }
      if (row.snapshot !== undefined)
        entry.snapshots.push({
          name: row.snapshot,
          sizeBytes: row.sizeBytes,
          protected: row.protected ?? false,
        })
      else entry.sizeBytes = row.sizeBytes
    }
    return [...byName.values()]
  }

  async info(host: string, ref: RbdImageRef): Promise<ImageInfo> {
    const step = `rbd info ${imageSpec(ref)}`
    return this.output(host, imageArgv.info(ref), step, (text) => parseRbdInfo(text, step))
  }

  /**
   * Snapshots with their dates and protection. Releases whose `snap ls` does not say whether a
   * snapshot is protected (Luminous, Mimic) are asked per snapshot with `rbd info IMAGE@SNAP`.
   */
  async snapshots(host: string, ref: RbdImageRef): Promise<SnapshotEntry[]> {
    const step = `rbd snap ls ${imageSpec(ref)}`
    const { snapshots } = await this.output(host, snapshotArgv.list(ref), step, (text) =>
      parseRbdSnapList(text, step),
    )
    const out: SnapshotEntry[] = []
    for (const snapshot of snapshots) {
      const isProtected = snapshot.protected ?? (await this.snapshotProtected(host, ref, snapshot.name))
      out.push({
        name: snapshot.name,
        sizeBytes: snapshot.sizeBytes,
        protected: isProtected,
        ...(snapshot.createdAt ? { createdAt: snapshot.createdAt } : {}),
      })
    }
    return out
  }

  private snapshotProtected(host: string, ref: RbdImageRef, snapshot: string): Promise<boolean> {
    const step = `rbd info ${snapshotSpec(ref, snapshot)}`
    return this.output(host, snapshotArgv.info(ref, snapshot), step, (text) =>
      parseSnapshotProtection(text, step),
    )
  }

  /**
   * Space used by the image itself (`rbd du`). Cheap with fast-diff; without it rbd reads every
   * object of the image, so callers only ask on request, with a long timeout and a cancel signal.
   */
  async usedBytes(host: string, ref: RbdImageRef, options: RunOptions = {}): Promise<number> {
    const step = `rbd du ${imageSpec(ref)}`
    const used = await this.output(
      host,
      imageArgv.usage(ref),
      step,
      (text) => parseRbdDu(text, step, ref.image),
      options,
    )
    if (used === undefined)
      throw ApiError.of(
        'rbd.bad-output',
        msg('cephErrors.duMissingImage', { command: step, host, image: ref.image }),
        {
          host,
          step: commandStep(step),
        },
      )
    return used
  }
}
