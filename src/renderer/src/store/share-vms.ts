import type { Vm } from '../../../shared/inventory'

/**
 * Structural sharing of the cluster's VMs (issue 23 item 2). Every inventory update carries every VM
 * of the cluster as new objects, most of them unchanged: an unchanged VM keeps the object the store
 * had, and a list with nothing changed stays the same list. What shows a VM (the tree's rows, the VM
 * view, a dialog) then sees the same object and is not rendered again, and what is derived from the
 * list (the tree's grouping) is not computed again.
 */
export function shareVms(previous: readonly Vm[], next: Vm[]): Vm[] {
  if (previous.length === 0) return next
  let unchanged = previous.length === next.length
  // The core sends the VMs in a stable order: the one at the same index is the first one to try.
  let byUuid: Map<string, Vm> | undefined
  const shared = next.map((vm, index) => {
    let old = previous[index]
    // Past the end of a list whose VMs all kept their place (a host's VMs added after the others'),
    // every earlier VM is accounted for: this one is new, no index of the old list to build.
    if (old === undefined && byUuid === undefined && index >= previous.length) {
      unchanged = false
      return vm
    }
    if (old?.uuid !== vm.uuid) {
      byUuid ??= new Map(previous.map((one) => [one.uuid, one]))
      old = byUuid.get(vm.uuid)
      unchanged = false
    }
    if (old !== undefined && sameVm(old, vm)) return old
    unchanged = false
    return vm
  })
  return unchanged ? (previous as Vm[]) : shared
}

/** The same keys, each value identical or judged the same by `sameField` (called only when not ===). */
export function sameFields<T extends object>(
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

export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * Every field of a VM and how sameVm compares it. Typed as a record of every key of Vm: a field added
 * to the schema must be listed here, or this does not compile (and the unit test then checks that
 * sameVm tells a change of it).
 */
export const VM_FIELDS: Record<keyof Vm, 'text' | 'list'> = {
  uuid: 'text',
  name: 'text',
  runningOn: 'list',
  lastKnownRunningOn: 'list',
  fencedOn: 'list',
  definedOn: 'list',
  missingOn: 'list',
  unknownOn: 'list',
  flags: 'list',
}

const sameOptionalList = (x: readonly unknown[] | undefined, y: readonly unknown[] | undefined): boolean =>
  x === y || (x !== undefined && y !== undefined && sameList(x, y))

/**
 * The same VM: field by field, lists item by item. Every update compares each VM of the cluster with
 * the one the store had, in a page that has just loaded (its code not yet optimised): each field read
 * by name, not a walk over a list of keys. The lists a host's read changes for every VM (where it is
 * missing or defined: each host read at start-up) come first, so such a VM is told apart at once.
 */
export function sameVm(a: Vm, b: Vm): boolean {
  return (
    a === b ||
    (a.uuid === b.uuid &&
      sameOptionalList(a.missingOn, b.missingOn) &&
      sameOptionalList(a.definedOn, b.definedOn) &&
      sameOptionalList(a.unknownOn, b.unknownOn) &&
      a.name === b.name &&
      sameOptionalList(a.runningOn, b.runningOn) &&
      sameOptionalList(a.lastKnownRunningOn, b.lastKnownRunningOn) &&
      sameOptionalList(a.fencedOn, b.fencedOn) &&
      sameOptionalList(a.flags, b.flags))
  )
}
