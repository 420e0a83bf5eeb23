import type { Rbd } from '../../src/main/core/ceph/rbd'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { Lifecycle, type LifecycleDeps } from '../../src/main/core/vm/lifecycle'
import type { DomainOnHost, HostInventory } from '../../src/shared/inventory'
import { MemoryLeases } from './memory-lease'

/**
 * A Lifecycle for start tests: hv1 and hv2 both define `domain`; starts go to hv2. The test brings
 * the runner (what it checks: a recording, a real `sh` probe), the disks' reads and the hooks.
 */
export function twoHostStart(options: {
  domain: DomainOnHost
  runner: RemoteRunner
  rbd?: Partial<Rbd>
  hv2Reachable?: boolean
  /** Awaited by the host's read after `virsh start` (the one refreshHost a start makes). */
  refreshHost?: () => Promise<void>
  audit?: () => void
  started?: LifecycleDeps['started']
}) {
  const hosts: HostInventory[] = [
    { host: 'hv1', reachable: true, facts: {}, domains: [options.domain], refreshedAt: 0 },
    {
      host: 'hv2',
      reachable: options.hv2Reachable ?? true,
      facts: {},
      domains: [options.domain],
      refreshedAt: 0,
    },
  ]
  const inventory = {
    refreshAll: async () => ({ hosts, vms: buildVms(hosts) }),
    refreshHost: async () => {
      await options.refreshHost?.()
      return hosts[1]
    },
    host: (name: string) => hosts.find((candidate) => candidate.host === name),
  } as unknown as InventoryService
  const lease = new MemoryLeases()
  const lifecycle = new Lifecycle({
    runner: options.runner,
    inventory,
    rbd: { watchers: async () => [], locks: async () => [], ...options.rbd } as unknown as Rbd,
    vmLocks: new KeyedMutex(),
    lease,
    hostNames: () => hosts.map((h) => h.host),
    audit: async () => options.audit?.(),
    ...(options.started ? { started: options.started } : {}),
  })
  return { lifecycle, lease }
}
