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
