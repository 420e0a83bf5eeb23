import type { ImageUser } from '../../../shared/storage'
import type { InventorySnapshot } from '../inventory/inventory-service'

/**
 * Which VMs use which RBD image, from the definitions the inventory holds on every host (an
 * unreachable host's last known definitions count too: its VMs still exist). Every VM is meant to be
 * defined on every host, but a definition on one host only is enough to make an image "in use".
 */
export function imageKey(pool: string, image: string, namespace?: string): string {
  return namespace ? `${pool}/${namespace}/${image}` : `${pool}/${image}`
}

export function usersByImage(snapshot: InventorySnapshot): Map<string, ImageUser[]> {
  const byImage = new Map<string, Map<string, ImageUser>>()
  for (const inventory of snapshot.hosts) {
    for (const domain of inventory.domains) {
      for (const disk of domain.definition?.disks ?? []) {
        if (!disk.rbd) continue
        const key = imageKey(disk.rbd.pool, disk.rbd.image, disk.rbd.namespace)
        const users = byImage.get(key) ?? new Map<string, ImageUser>()
        byImage.set(key, users)
        if (users.has(domain.uuid)) continue
        const vm = snapshot.vms.find((candidate) => candidate.uuid === domain.uuid)
        users.set(domain.uuid, {
          uuid: domain.uuid,
          name: vm?.name ?? domain.name,
          target: disk.target,
          runningOn: vm?.runningOn ?? [],
          lastKnownRunningOn: vm?.lastKnownRunningOn ?? [],
        })
      }
    }
  }
  return new Map([...byImage].map(([key, users]) => [key, [...users.values()]]))
}

/** Hosts whose current definitions and states are unknown (not reachable at the last refresh). */
export function unknownHosts(snapshot: InventorySnapshot, hostNames: readonly string[]): string[] {
  return hostNames.filter(
    (name) => !snapshot.hosts.some((inventory) => inventory.host === name && inventory.reachable),
  )
}

/**
 * VMs whose definition on a reachable host could not be read: their disks are unknown, so any image
 * may be one of them (see DomainOnHost.definitionError).
 */
export function unreadableDefinitions(snapshot: InventorySnapshot): Array<{ host: string; name: string }> {
  return snapshot.hosts.flatMap((inventory) =>
    inventory.domains
      .filter((domain) => domain.definitionError !== undefined)
      .map((domain) => ({ host: inventory.host, name: domain.name })),
  )
}
