import type { DomainOnHost, DomainState, HostInventory, Vm, VmFlag } from '../../../shared/inventory'

/**
 * From each host's view to each VM's view of the cluster: where it runs, where it is defined, and
 * the dangers: running on two hosts, one name with different UUIDs, autostart on several hosts, a
 * managed save (stale memory), definitions that differ, hosts that could not be asked.
 */
/** States in which a QEMU process exists for the domain (it holds its disks). */
export function isActive(state: DomainState): boolean {
  return (
    state === 'running' ||
    state === 'paused' ||
    state === 'blocked' ||
    state === 'pmsuspended' ||
    state === 'shutdown'
  )
}

/**
 * virDomainPausedReason codes of a live migration's destination: VIR_DOMAIN_PAUSED_STARTING_UP (11)
 * while its QEMU starts, then VIR_DOMAIN_PAUSED_MIGRATION (2) while memory arrives (seen in the lab).
 */
const MIGRATION_PAUSE_REASONS = new Set([2, 11])

function pausedForMigration(domain: DomainOnHost): boolean {
  return (
    domain.state === 'paused' &&
    domain.stateReason !== undefined &&
    MIGRATION_PAUSE_REASONS.has(domain.stateReason)
  )
}

// Over ~80 lines on purpose: one pass over hosts, then flags.
export function buildVms(
  hosts: readonly HostInventory[],
  /** A fence covers this VM's copy on this host (fencing.ts). */
  isFenced: (host: string, uuid: string) => boolean = () => false,
): Vm[] {
  const byUuid = new Map<string, Vm>()
  const uuidsByName = new Map<string, Set<string>>()
  const autostartCount = new Map<string, number>()
  const hashes = new Map<string, Set<string>>()
  const managedSave = new Set<string>()
  const runningNotMigrating = new Map<string, number>()

  const vmFor = (uuid: string, name: string): Vm => {
    let vm = byUuid.get(uuid)
    if (!vm) {
      vm = {
        uuid,
        name,
        runningOn: [],
        lastKnownRunningOn: [],
        definedOn: [],
        missingOn: [],
        unknownOn: [],
        flags: [],
      }
      byUuid.set(uuid, vm)
    }
    return vm
  }

  for (const host of hosts) {
    if (!host.reachable) {
      // What the host said before it went away: not facts any more, but where to look.
      for (const domain of host.domains) {
        if (!isActive(domain.state)) continue
        const vm = vmFor(domain.uuid, domain.name)
        if (isFenced(host.host, domain.uuid)) vm.fencedOn = [...(vm.fencedOn ?? []), host.host]
        else vm.lastKnownRunningOn.push(host.host)
      }
      continue
    }
    for (const domain of host.domains) {
      const vm = vmFor(domain.uuid, domain.name)
      vm.definedOn.push(host.host)
      // A fenced copy is cut from its disks: shown as one to destroy, never as a place it runs.
      const fenced = isActive(domain.state) && isFenced(host.host, domain.uuid)
      if (fenced) vm.fencedOn = [...(vm.fencedOn ?? []), host.host]
      if (isActive(domain.state) && !fenced) vm.runningOn.push(host.host)
      if (isActive(domain.state) && !fenced && !pausedForMigration(domain)) {
        runningNotMigrating.set(domain.uuid, (runningNotMigrating.get(domain.uuid) ?? 0) + 1)
      }
      if (domain.autostart) autostartCount.set(domain.uuid, (autostartCount.get(domain.uuid) ?? 0) + 1)
      if (domain.managedSave) managedSave.add(domain.uuid)
      if (domain.definitionHash) {
        const set = hashes.get(domain.uuid) ?? new Set<string>()
        set.add(domain.definitionHash)
        hashes.set(domain.uuid, set)
      }
      const names = uuidsByName.get(domain.name) ?? new Set<string>()
      names.add(domain.uuid)
      uuidsByName.set(domain.name, names)
    }
  }

  const vms = [...byUuid.values()]
  for (const vm of vms) {
    const flags = new Set<VmFlag>()
    for (const host of hosts) {
      if (!host.reachable) vm.unknownOn.push(host.host)
      else if (!vm.definedOn.includes(host.host)) vm.missingOn.push(host.host)
    }
    // During a live migration the destination's QEMU waits paused (reason "migration"): two QEMUs
    // exist, but only one runs the guest. That is not the split-brain this flag warns about.
    if ((runningNotMigrating.get(vm.uuid) ?? 0) > 1) flags.add('running-twice')
    if ((uuidsByName.get(vm.name)?.size ?? 0) > 1) flags.add('uuid-mismatch')
    if ((autostartCount.get(vm.uuid) ?? 0) > 1) flags.add('autostart-multiple')
    if (managedSave.has(vm.uuid)) flags.add('managed-save')
    if ((hashes.get(vm.uuid)?.size ?? 0) > 1) flags.add('drift')
    if (vm.missingOn.length > 0) flags.add('not-defined-everywhere')
    if (vm.unknownOn.length > 0) flags.add('host-unknown')
    vm.flags = [...flags]
  }
  return vms.sort((a, b) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid))
}
