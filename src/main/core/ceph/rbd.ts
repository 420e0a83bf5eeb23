import { ApiError } from '../../../shared/errors'
import { isValidName } from '../../../shared/names'
import type { RemoteRunner, RunOptions } from '../remote/runner'

/**
 * The `rbd` calls the VM guards need, run on a hypervisor as the configured Ceph client. Output is
 * JSON (`--format json`); every call has a timeout on the host, since rbd hangs when Ceph is down.
 */
export interface RbdImageRef {
  pool: string
  image: string
}

export interface Watcher {
  address: string
  client?: number
}

export interface ImageLock {
  id: string
  locker: string
  address?: string
}

export function imageSpec({ pool, image }: RbdImageRef): string {
  if (!isValidName(pool) || !isValidName(image)) {
    throw new ApiError({ code: 'rbd.invalid-name', message: `Invalid RBD image ${pool}/${image}` })
  }
  return `${pool}/${image}`
}

function parseJson<T>(text: string, host: string, step: string): T {
  try {
    return JSON.parse(text.trim() || 'null') as T
  } catch {
    throw new ApiError({
      code: 'rbd.bad-output',
      host,
      step,
      message: `rbd printed something that is not JSON: ${text.slice(0, 200)}`,
    })
  }
}

/** Runs as the configured Ceph client with the monitor timeouts (see RemoteRunner.rbd). */
export class Rbd {
  constructor(private readonly runner: RemoteRunner) {}

  private run(host: string, args: string[], options: RunOptions = {}) {
    return this.runner.rbd(host, args, options)
  }

  /** Clients that have the image open (a running QEMU is one). */
  async watchers(host: string, ref: RbdImageRef): Promise<Watcher[]> {
    const step = `rbd status ${imageSpec(ref)}`
    const result = await this.run(host, ['status', imageSpec(ref), '--format', 'json'], { step })
    const parsed = parseJson<{ watchers?: Array<{ address?: string; client?: number }> }>(
      result.stdout,
      host,
      step,
    )
    return (parsed?.watchers ?? []).map((watcher) => ({
      address: watcher.address ?? '?',
      ...(watcher.client !== undefined ? { client: watcher.client } : {}),
    }))
  }

  async locks(host: string, ref: RbdImageRef): Promise<ImageLock[]> {
    const step = `rbd lock ls ${imageSpec(ref)}`
    const result = await this.run(host, ['lock', 'ls', imageSpec(ref), '--format', 'json'], { step })
    const parsed = parseJson<unknown>(result.stdout, host, step)
    // Pacific and later print a list; older releases an object keyed by lock id.
    if (Array.isArray(parsed)) {
      return parsed.map((lock: { id?: string; locker?: string; address?: string }) => ({
        id: lock.id ?? '',
        locker: lock.locker ?? '',
        ...(lock.address ? { address: lock.address } : {}),
      }))
    }
    if (parsed && typeof parsed === 'object') {
      return Object.entries(parsed as Record<string, { locker?: string; address?: string }>).map(
        ([id, lock]) => ({
          id,
          locker: lock.locker ?? '',
          ...(lock.address ? { address: lock.address } : {}),
        }),
      )
    }
    return []
  }

  /**
   * Takes the image's exclusive advisory lock, or returns the lock that holds it. QEMU ignores
   * these locks; they only serialise Hyperdesk's own check-and-start across admins.
   */
  async tryLock(
    host: string,
    ref: RbdImageRef,
    lockId: string,
  ): Promise<{ acquired: true } | { acquired: false; heldBy: ImageLock[] }> {
    const step = `rbd lock add ${imageSpec(ref)}`
    const result = await this.run(host, ['lock', 'add', imageSpec(ref), lockId], { step, allowFailure: true })
    if (result.exitCode === 0) return { acquired: true }
    // EBUSY (16) or EEXIST (17): someone holds it.
    if (result.exitCode === 16 || result.exitCode === 17)
      return { acquired: false, heldBy: await this.locks(host, ref) }
    throw new ApiError({
      code: 'rbd.failed',
      host,
      step,
      message: `rbd lock add failed (exit ${result.exitCode}): ${result.stderr.trim().slice(-300)}`,
      details: { exitCode: result.exitCode },
    })
  }

  async unlock(host: string, ref: RbdImageRef, lockId: string): Promise<void> {
    const lock = (await this.locks(host, ref)).find((candidate) => candidate.id === lockId)
    if (!lock) return
    // Removing a lock is "breaking" it for librbd, which would also blocklist the locker: that needs
    // mon caps client.libvirt does not have (EACCES), and the locker (a finished `rbd lock add`) is gone.
    await this.run(
      host,
      ['--rbd-blocklist-on-break-lock=false', 'lock', 'rm', imageSpec(ref), lockId, lock.locker],
      {
        step: `rbd lock rm ${imageSpec(ref)}`,
      },
    )
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

/** rbd prints booleans as "true"/"false" strings in some places (snapshot "protected"). */
function truthy(value: unknown): boolean {
  return value === true || value === 'true'
}

/** Read-only calls for the storage view; one rbd process each, JSON output. */
export class RbdReader {
  constructor(private readonly runner: RemoteRunner) {}

  private async json<T>(host: string, args: string[], step: string, options: RunOptions = {}): Promise<T> {
    const result = await this.runner.rbd(host, [...args, '--format', 'json'], { step, ...options })
    return parseJson<T>(result.stdout, host, step)
  }

  /** Every image of a pool with its size and snapshots, in one call (`rbd ls -l`). */
  async pool(host: string, pool: string): Promise<PoolEntry[]> {
    if (!isValidName(pool))
      throw new ApiError({ code: 'rbd.invalid-name', message: `Invalid pool ${JSON.stringify(pool)}` })
    type Row = { image?: string; size?: number; snapshot?: string; protected?: unknown }
    const rows = (await this.json<Row[] | null>(host, ['ls', '-l', pool], `rbd ls -l ${pool}`)) ?? []
    const byName = new Map<string, PoolEntry>()
    for (const row of rows) {
      if (!row.image) continue
      let entry = byName.get(row.image)
      if (!entry) {
        entry = { image: row.image, sizeBytes: 0, snapshots: [] }
        byName.set(row.image, entry)
      }
      if (row.snapshot)
        entry.snapshots.push({
          name: row.snapshot,
          sizeBytes: row.size ?? 0,
          protected: truthy(row.protected),
        })
      else entry.sizeBytes = row.size ?? 0
    }
    return [...byName.values()]
  }

  async info(host: string, ref: RbdImageRef): Promise<ImageInfo> {
    const step = `rbd info ${imageSpec(ref)}`
    const info = await this.json<{ size?: number; features?: string[]; create_timestamp?: string }>(
      host,
      ['info', imageSpec(ref)],
      step,
    )
    return {
      sizeBytes: info?.size ?? 0,
      features: info?.features ?? [],
      ...(info?.create_timestamp ? { createdAt: info.create_timestamp } : {}),
    }
  }

  /** Snapshots with their creation dates (`rbd ls -l` has no dates). */
  async snapshots(host: string, ref: RbdImageRef): Promise<SnapshotEntry[]> {
    const step = `rbd snap ls ${imageSpec(ref)}`
    type Row = { name?: string; size?: number; protected?: unknown; timestamp?: string }
    const rows = (await this.json<Row[] | null>(host, ['snap', 'ls', imageSpec(ref)], step)) ?? []
    return rows.map((row) => ({
      name: row.name ?? '',
      sizeBytes: row.size ?? 0,
      protected: truthy(row.protected),
      ...(row.timestamp ? { createdAt: row.timestamp } : {}),
    }))
  }

  /**
   * Space used by the image itself (`rbd du`). Cheap with fast-diff; without it rbd reads every
   * object of the image, so callers only ask on request, with a long timeout and a cancel signal.
   */
  async usedBytes(host: string, ref: RbdImageRef, options: RunOptions = {}): Promise<number> {
    const step = `rbd du ${imageSpec(ref)}`
    const du = await this.json<{ images?: Array<{ name?: string; snapshot?: string; used_size?: number }> }>(
      host,
      ['du', imageSpec(ref)],
      step,
      options,
    )
    // Snapshots are listed too; the image's own line is the one without a snapshot name.
    const own = (du?.images ?? []).find((row) => row.name === ref.image && !row.snapshot)
    return own?.used_size ?? 0
  }
}
