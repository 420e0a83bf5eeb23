import { ApiError } from '../../../shared/errors'
import type { Image, PoolListing, StorageListing } from '../../../shared/storage'
import { Rbd, RbdReader, type PoolEntry } from '../ceph/rbd'
import type { InventorySnapshot } from '../inventory/inventory-service'
import type { RemoteRunner } from '../remote/runner'
import { imageKey, unknownHosts, usersByImage } from './image-users'
import { explainCephFailure } from './rbd-host'

/**
 * The storage view's data: per configured pool, its images with size, used space when it is cheap
 * (fast-diff), watchers, snapshots with dates, and the VMs whose definitions use them.
 * `rbd ls -l` gives a pool in one call; each image then costs `rbd info` and `rbd status`, plus
 * `rbd snap ls` when it has snapshots and `rbd du` when fast-diff makes it cheap. Without fast-diff
 * `rbd du` reads every object, so it is left to an explicit request (storage.du).
 */

/** rbd processes in flight at once on the chosen host (sshd allows 10 sessions; the app keeps 8). */
const CONCURRENCY = 4

export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export interface ListingDeps {
  runner: RemoteRunner
  host: string
  clientId: string
  pools: readonly string[]
  hostNames: readonly string[]
  inventory: InventorySnapshot
}

export async function listStorage(deps: ListingDeps): Promise<StorageListing> {
  const users = usersByImage(deps.inventory)
  const reader = new RbdReader(deps.runner)
  const rbd = new Rbd(deps.runner)
  const explain = (error: unknown) => explainCephFailure(error, deps.host, deps.clientId).toData()

  async function describe(pool: string, entry: PoolEntry): Promise<Image> {
    const ref = { pool, image: entry.image }
    const usedBy = users.get(imageKey(pool, entry.image)) ?? []
    const image: Image = {
      pool,
      name: entry.image,
      sizeBytes: entry.sizeBytes,
      fastDiff: false,
      features: [],
      watchers: [],
      snapshots: entry.snapshots,
      usedBy,
      orphan: usedBy.length === 0,
    }
    try {
      const [info, watchers, snapshots] = await Promise.all([
        reader.info(deps.host, ref),
        rbd.watchers(deps.host, ref),
        entry.snapshots.length > 0 ? reader.snapshots(deps.host, ref) : Promise.resolve(entry.snapshots),
      ])
      image.features = info.features
      image.fastDiff = info.features.includes('fast-diff')
      if (info.createdAt) image.createdAt = info.createdAt
      image.watchers = watchers
      image.snapshots = snapshots
      if (image.fastDiff) image.usedBytes = await reader.usedBytes(deps.host, ref)
    } catch (error) {
      image.error = explain(error)
    }
    return image
  }

  async function listPool(pool: string): Promise<PoolListing> {
    try {
      const entries = await reader.pool(deps.host, pool)
      const images = await mapLimit(entries, CONCURRENCY, (entry) => describe(pool, entry))
      return { pool, images: images.sort((a, b) => a.name.localeCompare(b.name)) }
    } catch (error) {
      return { pool, images: [], error: explain(error) }
    }
  }

  const pools = await Promise.all(deps.pools.map(listPool))
  // The same failure everywhere (no keyring, Ceph down) is one error, not one per pool.
  const first = pools[0]?.error
  if (first && pools.every((pool) => pool.error)) throw ApiError.from(first)
  return {
    host: deps.host,
    pools,
    unknownHosts: unknownHosts(deps.inventory, deps.hostNames),
    at: Date.now(),
  }
}
