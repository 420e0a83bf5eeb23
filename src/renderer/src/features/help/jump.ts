/** One place to jump to: a host or a VM. */
export type JumpTarget = { kind: 'host'; name: string } | { kind: 'vm'; name: string; uuid: string }

/**
 * The hosts and VMs whose name holds the query (any case), names that start with it first, then by
 * name; hosts before VMs of the same name; at most `limit`. An empty query lists everything.
 */
export function jumpMatches(
  query: string,
  hosts: string[],
  vms: Array<{ name: string; uuid: string }>,
  limit = 20,
): JumpTarget[] {
  const wanted = query.trim().toLowerCase()
  const all: JumpTarget[] = [
    ...hosts.map((name) => ({ kind: 'host' as const, name })),
    ...vms.map((vm) => ({ kind: 'vm' as const, name: vm.name, uuid: vm.uuid })),
  ]
  const rank = (target: JumpTarget): number => (target.name.toLowerCase().startsWith(wanted) ? 0 : 1)
  return all
    .filter((target) => target.name.toLowerCase().includes(wanted))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.name.localeCompare(b.name) ||
        (a.kind === b.kind ? 0 : a.kind === 'host' ? -1 : 1),
    )
    .slice(0, limit)
}
