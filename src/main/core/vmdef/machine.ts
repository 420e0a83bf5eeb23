/**
 * The machine type of a new VM. `pc` is an alias QEMU moves to its newest i440fx version, so a VM
 * defined as `pc` on a QEMU 7.2 host becomes pc-i440fx-7.2 there, and a host with an older QEMU cannot
 * receive it by live migration. The app pins the versioned name every host offers: each host's `virsh
 * domcapabilities --machine pc` gives the version `pc` means there, `virsh capabilities` the machine
 * types it offers; the newest i440fx version all hosts offer is the one (pure parsing here).
 */

/** `<machine>pc-i440fx-7.2</machine>` of domcapabilities. */
export function parseDomcapsMachine(xml: string): string | undefined {
  return /<machine>([^<]+)<\/machine>/.exec(xml)?.[1]?.trim()
}

/** Whether domcapabilities allows a domain type (it answers only for types the host supports). */
export function parseDomcapsDomain(xml: string): string | undefined {
  return /<domain>([^<]+)<\/domain>/.exec(xml)?.[1]?.trim()
}

/**
 * The machine types `virsh capabilities` lists for x86_64 guests, with each alias's canonical name
 * (`<machine canonical='pc-i440fx-7.2'>pc</machine>`), across every `<domain type>` of that arch.
 */
export function parseCapabilityMachines(xml: string, arch = 'x86_64'): Set<string> {
  const machines = new Set<string>()
  const guests = xml.match(/<guest>[\s\S]*?<\/guest>/g) ?? []
  for (const guest of guests) {
    if (!new RegExp(`<arch name=['"]${arch}['"]`).test(guest)) continue
    for (const match of guest.matchAll(/<machine\b([^>]*)>([^<]+)<\/machine>/g)) {
      machines.add(match[2]!.trim())
      const canonical = /canonical=['"]([^'"]+)['"]/.exec(match[1] ?? '')?.[1]
      if (canonical) machines.add(canonical)
    }
  }
  return machines
}

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
