import type { HostInventory, Vm } from '../../../../shared/inventory'

/**
 * The ISO paths in a VM's CD-ROM drives on the hosts that define it: what the VM view offers to
 * eject (a migration needs them on the destination) and what the eject dialog names.
 */
export function loadedIsos(vm: Vm | undefined, inventories: Record<string, HostInventory>): string[] {
  if (!vm) return []
  return [
    ...new Set(
      vm.definedOn.flatMap((host) =>
        (
          inventories[host]?.domains.find((domain) => domain.uuid === vm.uuid)?.definition?.disks ?? []
        ).flatMap((disk) => (disk.device === 'cdrom' && disk.file ? [disk.file] : [])),
      ),
    ),
  ].sort()
}
