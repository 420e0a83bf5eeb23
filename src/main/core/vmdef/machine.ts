/**
 * The machine type of a new VM. `pc` is an alias QEMU moves to its newest i440fx version, so a VM
 * defined as `pc` on a QEMU 7.2 host becomes pc-i440fx-7.2 there, and a host with an older QEMU cannot
 * receive it by live migration. The app pins the versioned name every host offers: each host's `virsh
 * domcapabilities --machine pc` gives the version `pc` means there, `virsh capabilities` the machine
 * types it offers (both read by inventory/domain-xml.ts, the one XML reader); the newest i440fx
 * version all hosts offer is the one.
 */

/**
 * "pc-i440fx-2.12" → [2, 12]; QEMU before 1.4 named the same i440fx machines "pc-1.1", "pc-0.11"
 * (libvirt's caps-qemu-kvm.xml fixture): read too. undefined for other machines (q35, isapc, pc).
 */
export function machineVersion(name: string): number[] | undefined {
  const match = /^pc-(?:i440fx-)?(\d+(?:\.\d+)+)$/.exec(name)
  return match ? match[1]!.split('.').map(Number) : undefined
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

export interface HostMachines {
  host: string
  /** What `pc` means on this host (domcapabilities), e.g. pc-i440fx-7.2. */
  pc?: string
  /** Every machine type it offers (capabilities). */
  offered: Set<string>
}

/**
 * The newest versioned i440fx machine that every host offers and that is no newer than what `pc`
 * means on the oldest host; undefined when there is none (the caller names the hosts).
 */
export function commonMachine(hosts: readonly HostMachines[]): string | undefined {
  if (hosts.length === 0) return undefined
  const ceilings = hosts.map((host) => (host.pc ? machineVersion(host.pc) : undefined))
  if (ceilings.some((ceiling) => ceiling === undefined)) return undefined
  const ceiling = ceilings.reduce((lowest, next) => (compareVersions(next!, lowest!) < 0 ? next : lowest))!
  const candidates = [...(hosts[0]?.offered ?? [])]
    .filter((name) => hosts.every((host) => host.offered.has(name)))
    .map((name) => ({ name, version: machineVersion(name) }))
    .filter(
      (entry): entry is { name: string; version: number[] } =>
        entry.version !== undefined && compareVersions(entry.version, ceiling) <= 0,
    )
    // Newest first; between two names of one version, QEMU's current pc-i440fx-X.Y one.
    .sort(
      (a, b) =>
        compareVersions(b.version, a.version) ||
        Number(b.name.includes('i440fx')) - Number(a.name.includes('i440fx')),
    )
  return candidates[0]?.name
}
