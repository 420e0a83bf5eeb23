import { describe, expect, it } from 'vitest'
import { sameVm, shareVms, VM_FIELDS } from '../../src/renderer/src/store/share-vms'
import { useAppStore } from '../../src/renderer/src/store'
import type { HostInventory, Vm } from '../../src/shared/inventory'

const vm = (name: string, runningOn: string[] = ['hv1']): Vm => ({
  uuid: `uuid-${name}`,
  name,
  runningOn,
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2'],
  missingOn: [],
  unknownOn: [],
  flags: [],
})
const copy = (list: Vm[]) => list.map((one) => structuredClone(one))
const host = (name: string): HostInventory => ({
  host: name,
  reachable: true,
  facts: {},
  domains: [],
  refreshedAt: 1,
})

describe('structural sharing of the VMs', () => {
  it('keeps the list when no VM changed, and each unchanged VM when some did', () => {
    const before = [vm('a'), vm('b'), vm('c')]
    expect(shareVms(before, copy(before))).toBe(before)
    const next = copy(before)
    next[1] = { ...next[1]!, runningOn: ['hv2'] }
    const shared = shareVms(before, next)
    expect(shared).not.toBe(before)
    expect(shared[0]).toBe(before[0])
    expect(shared[1]).toBe(next[1])
    expect(shared[2]).toBe(before[2])
  })

  it('finds a VM by UUID when the order changed, and takes new and removed VMs as they come', () => {
    const before = [vm('a'), vm('b'), vm('c')]
    const reordered = copy([before[2]!, before[0]!, vm('d')])
    const shared = shareVms(before, reordered)
    expect(shared.map((one) => one.name)).toEqual(['c', 'a', 'd'])
    expect(shared[0]).toBe(before[2])
    expect(shared[1]).toBe(before[0])
    expect(shared[2]).toBe(reordered[2])
    expect(shareVms(before, copy(before).slice(0, 2))).toEqual(before.slice(0, 2))
    expect(shareVms(before, copy(before).slice(0, 2))).not.toBe(before)
    expect(shareVms([], before)).toBe(before)
  })

  it('VMs added after the kept ones (a host read after the others) are new, the kept ones shared', () => {
    const before = [vm('a'), vm('b')]
    const grown = copy([...before, vm('c'), vm('d')])
    const shared = shareVms(before, grown)
    expect(shared).not.toBe(before)
    expect(shared.map((one) => one.name)).toEqual(['a', 'b', 'c', 'd'])
    expect(shared[0]).toBe(before[0])
    expect(shared[1]).toBe(before[1])
    expect(shared[2]).toBe(grown[2])
    expect(shared[3]).toBe(grown[3])
    // Moved and then added: the earlier ones are still found by UUID.
    const moved = copy([before[1]!, before[0]!, vm('c')])
    const again = shareVms(before, moved)
    expect(again[0]).toBe(before[1])
    expect(again[1]).toBe(before[0])
    expect(again[2]).toBe(moved[2])
  })

  it('a VM differs when any field does, each list item by item', () => {
    const base = { ...vm('a'), fencedOn: ['hv2'] }
    for (const change of [
      { name: 'a2' },
      { runningOn: ['hv2'] },
      { lastKnownRunningOn: ['hv1'] },
      { fencedOn: [] },
      { fencedOn: undefined },
      { definedOn: ['hv1'] },
      { missingOn: ['hv3'] },
      { unknownOn: ['hv2'] },
      { flags: ['drift' as const] },
    ])
      expect(sameVm(base, { ...base, ...change }), JSON.stringify(change)).toBe(false)
    expect(sameVm(base, structuredClone(base))).toBe(true)
    // Every field the schema has (VM_FIELDS must list them all to compile) is compared.
    for (const [key, kind] of Object.entries(VM_FIELDS)) {
      const changed = { ...base, [key]: kind === 'text' ? 'other' : ['hv9'] }
      expect(sameVm(base, changed), key).toBe(false)
    }
  })

  it('the store keeps an unchanged VM across inventory updates and answers', () => {
    const store = useAppStore.getState()
    const vms = [vm('a'), vm('b')]
    store.replaceInventory({ hosts: [host('hv1')], vms })
    store.applyInventory({ host: host('hv1'), vms: copy(vms) })
    expect(useAppStore.getState().vms).toBe(vms)
    const moved = copy(vms)
    moved[0] = { ...moved[0]!, runningOn: ['hv2'] }
    store.applyInventory({ host: host('hv2'), vms: moved })
    expect(useAppStore.getState().vms[0]).toBe(moved[0])
    expect(useAppStore.getState().vms[1]).toBe(vms[1])
    const current = useAppStore.getState().vms
    store.replaceInventory({ hosts: [host('hv1')], vms: copy(moved) })
    expect(useAppStore.getState().vms).toBe(current)
  })
})
