import type { HostInventory, Vm, VmFlag } from '../../../../shared/inventory'

/**
 * The cluster tree as a flat list of rows (so it can be virtualised): each host with the VMs running
 * on it, then the VMs running nowhere, each with where it is defined. Pure, for tests.
 */
export type TreeRow =
  | {
      kind: 'host'
      key: string
      host: string
      inventory: HostInventory | undefined
      runningCount: number
      collapsed: boolean
      warnings: number
    }
  | {
      kind: 'vm'
      key: string
      vm: Vm
      host: string | null
      state: string
      flags: VmFlag[]
      /** Last known state from a host that cannot be asked now. */
      stale: boolean
      /** A fenced copy (its Ceph clients blocklisted): one to destroy, not a place it runs. */
      fenced: boolean
      /** The host's inventory (when it became unreachable). */
      inventory?: HostInventory | undefined
    }
  | { kind: 'group'; key: string; group: 'stopped'; count: number; collapsed: boolean }

/** Flags that mean "look now": a VM's data may be at risk or an action will be refused. */
export const DANGER_FLAGS: readonly VmFlag[] = [
  'running-twice',
  'uuid-mismatch',
  'autostart-multiple',
  'managed-save',
  'drift',
]

export interface TreeInput {
  hostNames: readonly string[]
  inventories: Readonly<Record<string, HostInventory>>
  vms: readonly Vm[]
  filter: string
  collapsed: ReadonlySet<string>
}

type VmRow = Extract<TreeRow, { kind: 'vm' }>

/** A VM row and the lowercased name the filter looks in. */
interface Named {
  row: VmRow
  name: string
}

/**
 * The tree before the filter and the folds: each host with the rows of the VMs running on it, then
 * the VMs running nowhere. Built once per inventory update; a keystroke only picks among its rows,
 * which stay the same objects (the tree's rows are memoized on them, issue 23 item 2).
 */
export interface TreeGroups {
  hosts: {
    host: string
    inventory: HostInventory | undefined
    vms: Named[]
    warnings: number
  }[]
  /** Stopped VMs, with where each is defined (the filter looks there too). */
  stopped: (Named & { definedOn: string[] })[]
}

export function groupTree({
  hostNames,
  inventories,
  vms,
}: Pick<TreeInput, 'hostNames' | 'inventories' | 'vms'>): TreeGroups {
  // One pass over the VMs for all hosts (a filter per host walked every VM once per host).
  const names = new Map(vms.map((vm) => [vm, vm.name.toLowerCase()]))
  const runningOn = new Map<string, Vm[]>(hostNames.map((host) => [host, []]))
  for (const vm of vms) {
    // A VM last seen running on a host that is now unreachable stays under it, marked as stale.
    // A fenced copy stays under its host too, marked as fenced (never as a second running copy).
    for (const host of new Set([...vm.runningOn, ...vm.lastKnownRunningOn, ...(vm.fencedOn ?? [])]))
      runningOn.get(host)?.push(vm)
  }
  const hosts = hostNames.map((host) => {
    const inventory = inventories[host]
    const running = runningOn.get(host)!
    // By UUID: a find per VM would cost hosts × VMs² (900 VMs: ~270 000 compares).
    const domains = new Map(inventory?.domains.map((domain) => [domain.uuid, domain]))
    return {
      host,
      inventory,
      warnings: running.filter((vm) => vm.flags.some((flag) => DANGER_FLAGS.includes(flag))).length,
      vms: running.map((vm): Named => ({
        name: names.get(vm)!,
        row: {
          kind: 'vm',
          key: `vm:${host}:${vm.uuid}`,
          vm,
          host,
          state: domains.get(vm.uuid)?.state ?? 'running',
          flags: vm.flags,
          stale: !vm.runningOn.includes(host) && !(vm.fencedOn ?? []).includes(host),
          fenced: (vm.fencedOn ?? []).includes(host),
          inventory,
        },
      })),
    }
  })
  const stopped = vms
    .filter((vm) => vm.runningOn.length === 0 && vm.lastKnownRunningOn.length === 0)
    .map((vm) => ({
      name: names.get(vm)!,
      definedOn: vm.definedOn.map((host) => host.toLowerCase()),
      row: {
        kind: 'vm' as const,
        key: `vm:-:${vm.uuid}`,
        vm,
        host: null,
        state: 'shutoff',
        flags: vm.flags,
        stale: false,
        fenced: false,
      },
    }))
  return { hosts, stopped }
}

/** The rows shown: the groups' rows that the filter names, under the hosts and group not folded. */
export function filterTree(groups: TreeGroups, filter: string, collapsed: ReadonlySet<string>): TreeRow[] {
  const needle = filter.trim().toLowerCase()
  const rows: TreeRow[] = []
  for (const { host, inventory, vms, warnings } of groups.hosts) {
    // A filter that names the host shows all its VMs; otherwise only the VMs it names.
    const wholeHost = host.toLowerCase().includes(needle)
    const visible = wholeHost ? vms : vms.filter(({ name }) => name.includes(needle))
    if (visible.length === 0 && !wholeHost) continue
    const isCollapsed = collapsed.has(`host:${host}`)
    rows.push({
      kind: 'host',
      key: `host:${host}`,
      host,
      inventory,
      runningCount: vms.length,
      collapsed: isCollapsed,
      warnings,
    })
    if (!isCollapsed) for (const { row } of visible) rows.push(row)
  }
  const stopped = groups.stopped.filter(
    ({ name, definedOn }) => name.includes(needle) || definedOn.some((host) => host.includes(needle)),
  )
  if (stopped.length > 0) {
    const isCollapsed = collapsed.has('group:stopped')
    rows.push({
      kind: 'group',
      key: 'group:stopped',
      group: 'stopped',
      count: stopped.length,
      collapsed: isCollapsed,
    })
    if (!isCollapsed) for (const { row } of stopped) rows.push(row)
  }
  return rows
}

export function buildTreeRows({ filter, collapsed, ...input }: TreeInput): TreeRow[] {
  return filterTree(groupTree(input), filter, collapsed)
}

/**
 * Rows are rebuilt at every keystroke, and every inventory update brings new VM objects: a row whose
 * fields show the same is the same row (a VM by its content; a VM row's host inventory by what it
 * shows of it, the time it became unreachable). The tree's rows are memoized on it.
 */
export function sameTreeRow(a: TreeRow, b: TreeRow): boolean {
  if (a === b) return true
  if (a.kind !== b.kind || a.key !== b.key) return false
  return sameFields(a, b, (key, x, y) => {
    if (key === 'vm') return sameVm(x as Vm, y as Vm)
    if (key === 'flags') return sameList(x as unknown[], y as unknown[])
    if (key === 'inventory' && a.kind === 'vm' && b.kind === 'vm')
      return a.inventory?.unreachableSince === b.inventory?.unreachableSince
    return false
  })
}

/** The same keys, each value identical or judged the same by `sameField` (called only when not ===). */
function sameFields<T extends object>(
  a: T,
  b: T,
  sameField: (key: string, x: unknown, y: unknown) => boolean,
): boolean {
  const [before, after] = [a, b] as unknown as Record<string, unknown>[]
  const keys = Object.keys(before!)
  return (
    keys.length === Object.keys(after!).length &&
    keys.every((key) => before![key] === after![key] || sameField(key, before![key], after![key]))
  )
}

const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((item, index) => item === b[index])

/**
 * The same VM as far as its row shows: field by field, lists item by item (a VM is strings and lists
 * of strings); a field of another shape is compared by its JSON. Two JSON.stringify per row on
 * screen at every inventory update cost more than the rest of the row's compare.
 */
function sameVm(a: Vm, b: Vm): boolean {
  return sameFields(a, b, (_key, x, y) => {
    if (Array.isArray(x) && Array.isArray(y)) return sameList(x, y)
    return typeof x === 'object' && typeof y === 'object' && JSON.stringify(x) === JSON.stringify(y)
  })
}
