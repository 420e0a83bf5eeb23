import type { HostInventory, Vm, VmFlag } from '../../../../shared/inventory'
import { sameFields, sameList } from '../../store/share-vms'

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

/** A host and the VMs listed under it (running there, last seen there or fenced there). */
interface HostGroup {
  host: string
  vms: Vm[]
  warnings: number
  /** Its VMs' rows while the host has no inventory yet (see `hostRows`). */
  unread?: HostRows
  /** Its VMs the last filter named (see `narrowed`). */
  named?: Named
}

/**
 * The VMs a filter named: every VM a longer filter that contains it can name is among them. With
 * their lowercased names, index for index: the next keystroke reads those, not lowerName's WeakMap.
 */
interface Named {
  needle: string
  vms: readonly Vm[]
  names: readonly string[]
}

/**
 * The VMs of `all` that `names` accepts for `needle` (given a VM and its lowercased name), from the
 * last filter's (`last`) when `needle` contains it: a keystroke that adds a character looks only
 * among the VMs the one before named, not among the hundreds of the host (a name that contains
 * "app-29" contains "app-2").
 */
function narrowed(
  all: readonly Vm[],
  last: Named | undefined,
  needle: string,
  names: (vm: Vm, name: string) => boolean,
): Named {
  const vms: Vm[] = []
  const lower: string[] = []
  if (last !== undefined && needle.includes(last.needle)) {
    for (let index = 0; index < last.vms.length; index++) {
      const vm = last.vms[index]!
      const name = last.names[index]!
      if (names(vm, name)) {
        vms.push(vm)
        lower.push(name)
      }
    }
  } else {
    for (let index = 0; index < all.length; index++) {
      const vm = all[index]!
      const name = lowerName(vm)
      if (names(vm, name)) {
        vms.push(vm)
        lower.push(name)
      }
    }
  }
  return { needle, vms, names: lower }
}

/** A host's VM rows for one inventory of it (a row shows the VM's state there, when it went away). */
interface HostRows {
  rows: Map<Vm, VmRow>
  /** The host's domains by UUID, read when a first row needs its state. */
  domains?: Map<string, { state: string }>
}

/**
 * Each host inventory's VM rows, kept across groupings: an update that brings another host's VMs
 * groups the cluster again, and the rows on screen (their host's inventory and VMs unchanged) stay
 * the same objects, not made again with the host's index of domains (hundreds of entries) for the
 * tree to compare with those it shows. Rows are made only for rows on screen; a new inventory of the
 * host (its refresh) starts new ones.
 */
const rowsOfInventory = new WeakMap<HostInventory, HostRows>()

function hostRows(group: HostGroup, inventory: HostInventory | undefined): HostRows {
  if (inventory === undefined) return (group.unread ??= { rows: new Map() })
  let shown = rowsOfInventory.get(inventory)
  if (!shown) rowsOfInventory.set(inventory, (shown = { rows: new Map() }))
  return shown
}

/** A stopped VM's row depends on the VM alone: kept while the store keeps the VM's object. */
const stoppedRows = new WeakMap<Vm, VmRow>()

/**
 * The tree before the filter and the folds: each host with the VMs listed under it, then the VMs
 * running nowhere. Built from the VMs alone, in one pass that only sorts them into lists, so only a
 * change of the cluster's VMs groups again (a host's refresh with the same VMs brings a new host
 * inventory, not a new list: the store keeps it). A row object is made only for a row on screen
 * (issue 23 item 2: ~40 of 900), and the same VM gives the same row object for as long as its host's
 * inventory lives (a keystroke, a fold, a scroll or another host's update reuses it).
 */
export interface TreeGroups {
  hosts: HostGroup[]
  /** Stopped VMs (the filter also looks in the hosts they are defined on). */
  stopped: Vm[]
  /** The stopped VMs the last filter named. */
  stoppedNamed?: Named
}

/** Any flag that means "look now" (most VMs have none, or only not-defined-everywhere / host-unknown). */
function hasDanger(flags: readonly VmFlag[]): boolean {
  for (let index = 0; index < flags.length; index++) if (DANGER_FLAGS.includes(flags[index]!)) return true
  return false
}

export function groupTree({ hostNames, vms }: Pick<TreeInput, 'hostNames' | 'vms'>): TreeGroups {
  const hosts = hostNames.map((host): HostGroup => ({ host, vms: [], warnings: 0 }))
  const byName = new Map(hosts.map((group) => [group.host, group]))
  const stopped: Vm[] = []
  const place = (vm: Vm, host: string, danger: boolean): void => {
    const group = byName.get(host)
    if (!group) return
    group.vms.push(vm)
    if (danger) group.warnings += 1
  }
  // Indexed loops, not for-of: this runs over every VM in a page whose code is still cold (the first
  // paint, the first updates), where a for-of per host list (two or three per VM, mostly empty) cost
  // milliseconds to run and to compile; the usual VM, running on one host and nothing else, takes one
  // step.
  for (let index = 0; index < vms.length; index++) {
    const vm = vms[index]!
    const { runningOn, lastKnownRunningOn: lastKnown, fencedOn } = vm
    const danger = hasDanger(vm.flags)
    if (runningOn.length === 1 && lastKnown.length === 0 && !fencedOn?.length) {
      // `place` written out: a call per VM in a cold page costs more than the work.
      const group = byName.get(runningOn[0]!)
      if (group) {
        group.vms.push(vm)
        if (danger) group.warnings += 1
      }
      continue
    }
    if (runningOn.length === 0 && lastKnown.length === 0) stopped.push(vm)
    // Once under each host that runs it, last saw it running (now unreachable: marked stale) or
    // fenced a copy of it (marked fenced, never a second running copy). The lists hold a host or two.
    for (let i = 0; i < runningOn.length; i++) place(vm, runningOn[i]!, danger)
    for (let i = 0; i < lastKnown.length; i++)
      if (!runningOn.includes(lastKnown[i]!)) place(vm, lastKnown[i]!, danger)
    for (let i = 0; fencedOn && i < fencedOn.length; i++) {
      const host = fencedOn[i]!
      if (!runningOn.includes(host) && !lastKnown.includes(host)) place(vm, host, danger)
    }
  }
  return { hosts, stopped }
}

/**
 * groupTree, kept: grouped again only for another list of VMs or of host names. The same groups
 * keep what the filter named in them (a keystroke narrows from the last one's VMs), whether a
 * render or an inventory update, written outside React, asks for them.
 */
export function keptGroups(): (vms: readonly Vm[], hostNames: readonly string[]) => TreeGroups {
  let last: { vms: readonly Vm[]; hostNames: readonly string[]; groups: TreeGroups } | undefined
  return (vms, hostNames) => {
    if (last?.vms !== vms || last.hostNames !== hostNames)
      last = { vms, hostNames, groups: groupTree({ hostNames, vms }) }
    return last.groups
  }
}

function hostVmRow(group: HostGroup, inventory: HostInventory | undefined, vm: Vm): VmRow {
  // A new inventory of the host (its refresh): new rows, which the tree compares with those it shows.
  const shown = hostRows(group, inventory)
  let row = shown.rows.get(vm)
  if (!row) {
    const { host } = group
    // By UUID, built once per inventory: a find per row would walk the host's domains each time.
    if (!shown.domains) {
      shown.domains = new Map()
      for (const domain of inventory?.domains ?? []) shown.domains.set(domain.uuid, domain)
    }
    const fenced = (vm.fencedOn ?? []).includes(host)
    row = {
      kind: 'vm',
      key: `vm:${host}:${vm.uuid}`,
      vm,
      host,
      state: shown.domains.get(vm.uuid)?.state ?? 'running',
      flags: vm.flags,
      stale: !vm.runningOn.includes(host) && !fenced,
      fenced,
      inventory,
    }
    shown.rows.set(vm, row)
  }
  return row
}

function stoppedVmRow(vm: Vm): VmRow {
  let row = stoppedRows.get(vm)
  if (!row) {
    row = {
      kind: 'vm',
      key: `vm:-:${vm.uuid}`,
      vm,
      host: null,
      state: 'shutoff',
      flags: vm.flags,
      stale: false,
      fenced: false,
    }
    stoppedRows.set(vm, row)
  }
  return row
}

/** Lowercased names, once per VM object (the store keeps an unchanged VM's object across updates). */
const lowerNames = new WeakMap<Vm, string>()
function lowerName(vm: Vm): string {
  let name = lowerNames.get(vm)
  if (name === undefined) {
    name = vm.name.toLowerCase()
    lowerNames.set(vm, name)
  }
  return name
}

/** A run of rows: a host's or the group's own row, or VMs listed one after another. */
type Run = { row: TreeRow } | { vms: readonly Vm[]; rowOf(vm: Vm): VmRow }

/**
 * The rows shown, as a list whose rows are made when asked for: the tree asks only for those on
 * screen. `at` gives the same object for the same row (same VM, same host inventory).
 */
export interface TreeList {
  readonly length: number
  at(index: number): TreeRow | undefined
  /** The rows from `start` to `end` (excluded), in one walk over the runs (the rows on screen). */
  slice(start: number, end: number): TreeRow[]
  /** The first row of the selection: the host row with this key, or a row of the VM with this UUID. */
  indexOfSelection(key: string | null, vmUuid: string | null): number
}

/**
 * The rows shown: the groups' rows that the filter names, under the hosts and group not folded, each
 * host's with what its inventory says.
 */
export function filterTree(
  groups: TreeGroups,
  inventories: Readonly<Record<string, HostInventory>>,
  filter: string,
  collapsed: ReadonlySet<string>,
): TreeList {
  const needle = filter.trim().toLowerCase()
  const runs: Run[] = []
  for (const group of groups.hosts) {
    const { host, vms, warnings } = group
    const inventory = inventories[host]
    // A filter that names the host shows all its VMs; otherwise only the VMs it names.
    const wholeHost = host.toLowerCase().includes(needle)
    let visible: readonly Vm[] = vms
    if (!wholeHost) {
      group.named = narrowed(vms, group.named, needle, (_vm, name) => name.includes(needle))
      visible = group.named.vms
    }
    if (visible.length === 0 && !wholeHost) continue
    const isCollapsed = collapsed.has(`host:${host}`)
    runs.push({
      row: {
        kind: 'host',
        key: `host:${host}`,
        host,
        inventory,
        runningCount: vms.length,
        collapsed: isCollapsed,
        warnings,
      },
    })
    if (!isCollapsed && visible.length > 0)
      runs.push({ vms: visible, rowOf: (vm) => hostVmRow(group, inventory, vm) })
  }
  let stopped: readonly Vm[] = groups.stopped
  if (needle !== '') {
    groups.stoppedNamed = narrowed(
      stopped,
      groups.stoppedNamed,
      needle,
      (vm, name) => name.includes(needle) || vm.definedOn.some((host) => host.toLowerCase().includes(needle)),
    )
    stopped = groups.stoppedNamed.vms
  }
  if (stopped.length > 0) {
    const isCollapsed = collapsed.has('group:stopped')
    runs.push({
      row: {
        kind: 'group',
        key: 'group:stopped',
        group: 'stopped',
        count: stopped.length,
        collapsed: isCollapsed,
      },
    })
    if (!isCollapsed) runs.push({ vms: stopped, rowOf: stoppedVmRow })
  }
  const sizes = runs.map((run) => ('row' in run ? 1 : run.vms.length))
  return {
    length: sizes.reduce((sum, size) => sum + size, 0),
    at(index) {
      // A run per host and two for the stopped group: a walk over them is a few steps.
      let offset = index
      for (let i = 0; i < runs.length; i++) {
        const run = runs[i]!
        if (offset < sizes[i]!) return 'row' in run ? run.row : run.rowOf(run.vms[offset]!)
        offset -= sizes[i]!
      }
      return undefined
    },
    slice(start, end) {
      const rows: TreeRow[] = []
      let first = 0
      for (let i = 0; i < runs.length && first < end; i++) {
        const run = runs[i]!
        const size = sizes[i]!
        const from = Math.max(start, first)
        const to = Math.min(end, first + size)
        for (let index = from; index < to; index++)
          rows.push('row' in run ? run.row : run.rowOf(run.vms[index - first]!))
        first += size
      }
      return rows
    },
    indexOfSelection(key, vmUuid) {
      let start = 0
      for (const [i, run] of runs.entries()) {
        if ('row' in run) {
          if (run.row.key === key) return start
        } else if (vmUuid !== null) {
          const found = run.vms.findIndex((vm) => vm.uuid === vmUuid)
          if (found >= 0) return start + found
        }
        start += sizes[i]!
      }
      return -1
    },
  }
}

/** Every row of a list, made now (for tests and small trees). */
export function rowsOf(list: TreeList): TreeRow[] {
  return Array.from({ length: list.length }, (_, index) => list.at(index)!)
}

export function buildTreeRows({ filter, collapsed, ...input }: TreeInput): TreeRow[] {
  return rowsOf(filterTree(groupTree(input), input.inventories, filter, collapsed))
}

/** The flags a VM's row shows (tree-row-dom.ts): the danger ones, and a host that could not be asked. */
export function rowShowsFlag(flag: VmFlag): boolean {
  return flag === 'host-unknown' || DANGER_FLAGS.includes(flag)
}

/**
 * The same flags shown, in the same order. The others are not on the row: the second host read at
 * start-up flags every VM read before it not-defined-everywhere (it is missing there), which wrote
 * every row on screen again for nothing.
 */
function sameShownFlags(a: readonly VmFlag[], b: readonly VmFlag[]): boolean {
  if (a === b) return true
  let i = 0
  let j = 0
  for (;;) {
    while (i < a.length && !rowShowsFlag(a[i]!)) i++
    while (j < b.length && !rowShowsFlag(b[j]!)) j++
    if (i === a.length || j === b.length) return i === a.length && j === b.length
    if (a[i] !== b[j]) return false
    i++
    j++
  }
}

/**
 * A VM as its row shows it (tree-row-dom.ts reads these of `row.vm`, and nothing else): its name,
 * where it is defined (a stopped VM's row) and the flags it shows. Each host read at start-up changes
 * every VM of the cluster (one more host where it is defined, or missing, and so maybe
 * not-defined-everywhere) but none of these: the rows on screen are then not written again. A field
 * the row comes to show must be compared here.
 */
function sameShownVm(a: Vm, b: Vm): boolean {
  return (
    a === b ||
    (a.uuid === b.uuid &&
      a.name === b.name &&
      sameList(a.definedOn, b.definedOn) &&
      sameShownFlags(a.flags, b.flags))
  )
}

/**
 * Each inventory update groups the rows again (new row objects), and brings a new host inventory: a
 * row whose fields show the same is the same row (a VM by what its row shows of it, mostly the same
 * object: the store keeps an unchanged VM's; a VM row's host inventory by what it shows of it, the
 * time it became unreachable). The tree writes a row on screen again only when it is not the same.
 */
export function sameTreeRow(a: TreeRow, b: TreeRow): boolean {
  if (a === b) return true
  if (a.kind !== b.kind || a.key !== b.key) return false
  return sameFields(a, b, (key, x, y) => {
    if (key === 'vm') return sameShownVm(x as Vm, y as Vm)
    if (key === 'flags') return sameShownFlags(x as VmFlag[], y as VmFlag[])
    if (key === 'inventory' && a.kind === 'vm' && b.kind === 'vm')
      return a.inventory?.unreachableSince === b.inventory?.unreachableSince
    return false
  })
}
