import { describe, expect, it } from 'vitest'
import {
  buildTreeRows,
  filterTree,
  groupTree,
  keptGroups,
  rowsOf,
  sameTreeRow,
} from '../../src/renderer/src/features/cluster/tree-rows'
import type { HostInventory, Vm } from '../../src/shared/inventory'

const vm = (name: string, runningOn: string[], flags: Vm['flags'] = []): Vm => ({
  uuid: `uuid-${name}`,
  name,
  runningOn,
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2', 'hv3'],
  missingOn: [],
  unknownOn: [],
  flags,
})
const inventory = (host: string): HostInventory => ({
  host,
  reachable: true,
  facts: {},
  domains: [],
  refreshedAt: 0,
})
const base = {
  hostNames: ['hv1', 'hv2', 'hv3'],
  inventories: { hv1: inventory('hv1'), hv2: inventory('hv2'), hv3: inventory('hv3') },
  vms: [vm('web', ['hv1']), vm('db', ['hv2']), vm('old', []), vm('twin', ['hv1', 'hv2'], ['running-twice'])],
  filter: '',
  collapsed: new Set<string>(),
}
const keys = (rows: ReturnType<typeof buildTreeRows>) => rows.map((row) => row.key)

describe('cluster tree rows', () => {
  it('lists each host with its running VMs, then the stopped ones', () => {
    expect(keys(buildTreeRows(base))).toEqual([
      'host:hv1',
      'vm:hv1:uuid-web',
      'vm:hv1:uuid-twin',
      'host:hv2',
      'vm:hv2:uuid-db',
      'vm:hv2:uuid-twin',
      'host:hv3',
      'group:stopped',
      'vm:-:uuid-old',
    ])
    const hv1 = buildTreeRows(base)[0]
    expect(hv1).toMatchObject({ kind: 'host', runningCount: 2, warnings: 1 })
  })

  it('filters by VM name, or shows a whole host when the filter names it', () => {
    expect(keys(buildTreeRows({ ...base, filter: 'DB' }))).toEqual(['host:hv2', 'vm:hv2:uuid-db'])
    expect(keys(buildTreeRows({ ...base, filter: 'hv1' }))).toEqual([
      'host:hv1',
      'vm:hv1:uuid-web',
      'vm:hv1:uuid-twin',
      'group:stopped',
      'vm:-:uuid-old',
    ])
  })

  it('folds a host or the stopped group', () => {
    const rows = buildTreeRows({ ...base, collapsed: new Set(['host:hv1', 'group:stopped']) })
    expect(keys(rows)).toEqual([
      'host:hv1',
      'host:hv2',
      'vm:hv2:uuid-db',
      'vm:hv2:uuid-twin',
      'host:hv3',
      'group:stopped',
    ])
  })

  it('lists every one of hundreds of VMs', () => {
    const many = Array.from({ length: 600 }, (_, i) => vm(`vm-${i}`, i % 4 === 0 ? [] : [`hv${(i % 3) + 1}`]))
    const rows = buildTreeRows({ ...base, vms: many })
    expect(rows.filter((row) => row.kind === 'vm')).toHaveLength(600)
  })

  it('keeps a VM under an unreachable host where it was last seen running, not among the stopped', () => {
    const lost = { ...vm('lost', []), lastKnownRunningOn: ['hv3'] }
    const rows = buildTreeRows({ ...base, vms: [lost] })
    expect(rows.map((row) => row.key)).toEqual(['host:hv1', 'host:hv2', 'host:hv3', 'vm:hv3:uuid-lost'])
    expect(rows[3]).toMatchObject({ kind: 'vm', stale: true })
  })

  it('lists a VM once under each host that runs it, last saw it or fenced it; a host not in the file shows none', () => {
    const copies = {
      ...vm('copies', ['hv1', 'hv9']),
      lastKnownRunningOn: ['hv1', 'hv3'],
      fencedOn: ['hv2', 'hv3'],
    }
    const rows = buildTreeRows({ ...base, vms: [copies] })
    expect(keys(rows)).toEqual([
      'host:hv1',
      'vm:hv1:uuid-copies',
      'host:hv2',
      'vm:hv2:uuid-copies',
      'host:hv3',
      'vm:hv3:uuid-copies',
    ])
    expect(rows.filter((row) => row.kind === 'vm')).toMatchObject([
      { stale: false, fenced: false },
      { stale: false, fenced: true },
      { stale: false, fenced: true },
    ])
  })

  it('a VM row differs when what it shows of its VM does (each list item by item), not when the rest does', () => {
    const rowOf = (vms: Vm[]) =>
      buildTreeRows({ ...base, vms }).find((one) => one.kind === 'vm' && one.vm.uuid === 'uuid-web')!
    const row = rowOf([vm('web', ['hv1'])])
    // What its row shows: the name, where it is defined (a stopped VM's row) and the flags it shows.
    for (const change of [
      { name: 'web2' },
      { definedOn: ['hv1', 'hv2'] },
      { flags: ['drift' as const] },
      { flags: ['not-defined-everywhere' as const, 'host-unknown' as const] },
    ])
      expect(sameTreeRow(row, rowOf([{ ...vm('web', ['hv1']), ...change }])), JSON.stringify(change)).toBe(
        false,
      )
    // Where it is missing or unknown (every VM's, at each host read at start-up), and fences elsewhere:
    // the same row on screen, not written again.
    // So is a flag the row does not show (the second host read flags every VM read before it
    // not-defined-everywhere).
    for (const change of [
      { missingOn: ['hv3'] },
      { unknownOn: ['hv2'] },
      { fencedOn: [] },
      { flags: ['not-defined-everywhere' as const] },
    ])
      expect(sameTreeRow(row, rowOf([{ ...vm('web', ['hv1']), ...change }])), JSON.stringify(change)).toBe(
        true,
      )
    // A fence on its own host changes its row (fenced), and moves it from running to fenced.
    const fenced = rowOf([{ ...vm('web', ['hv2']), fencedOn: ['hv1'] }])
    expect(fenced).toMatchObject({ host: 'hv1', fenced: true })
    expect(sameTreeRow(row, fenced)).toBe(false)
    // A stopped VM's row says where it is defined.
    const stopped = (definedOn: string[]) =>
      buildTreeRows({ ...base, vms: [{ ...vm('web', []), definedOn }] }).find((one) => one.kind === 'vm')!
    expect(sameTreeRow(stopped(['hv1']), stopped(['hv1', 'hv2']))).toBe(false)
    expect(sameTreeRow(stopped(['hv1']), stopped(['hv1']))).toBe(true)
  })

  it('a row rebuilt with the same content is the same row; one that shows something new is not', () => {
    const before = buildTreeRows(base)
    // A keystroke rebuilds every row; an inventory update brings new VM and host objects.
    const again = buildTreeRows({
      ...base,
      vms: base.vms.map((one) => structuredClone(one)),
      inventories: { ...base.inventories, hv1: { ...inventory('hv1'), refreshedAt: 5 } },
    })
    before.forEach((row, index) => {
      expect(again[index]).not.toBe(row)
      expect(sameTreeRow(row, again[index]!)).toBe(row.kind !== 'host' || row.host !== 'hv1')
    })
    const changed = buildTreeRows({
      ...base,
      vms: base.vms.map((one) => (one.name === 'web' ? { ...one, flags: ['drift' as const] } : one)),
      inventories: {
        ...base.inventories,
        hv1: { ...inventory('hv1'), reachable: false, unreachableSince: 9 },
      },
    })
    const web = (rows: typeof before) => rows.find((row) => row.key === 'vm:hv1:uuid-web')!
    expect(sameTreeRow(web(before), web(changed))).toBe(false)
    // The host's unreachable time shows on its VMs' rows (last seen at…).
    const twin = (rows: typeof before) => rows.find((row) => row.key === 'vm:hv1:uuid-twin')!
    expect(sameTreeRow(twin(before), twin(changed))).toBe(false)
    expect(sameTreeRow(web(before), twin(before))).toBe(false)
  })

  it('a keystroke picks among the same row objects (no row to compare again), grouped once per update', () => {
    const groups = groupTree(base)
    const all = rowsOf(filterTree(groups, base.inventories, '', new Set()))
    const some = rowsOf(filterTree(groups, base.inventories, 'TW', new Set()))
    expect(keys(some)).toEqual(['host:hv1', 'vm:hv1:uuid-twin', 'host:hv2', 'vm:hv2:uuid-twin'])
    for (const row of some.filter((one) => one.kind === 'vm')) expect(all).toContain(row)
    // A stopped VM is found by a host it is defined on.
    expect(keys(rowsOf(filterTree(groups, base.inventories, 'HV3', new Set())))).toEqual([
      'host:hv3',
      'group:stopped',
      'vm:-:uuid-old',
    ])
  })

  it('typing, erasing and typing again on one grouping shows what a fresh grouping shows at each step', () => {
    const many = [
      ...Array.from({ length: 60 }, (_, i) => vm(`hv${(i % 3) + 1}-app-${i}`, [`hv${(i % 3) + 1}`])),
      { ...vm('app-lost', []), lastKnownRunningOn: ['hv3'] },
      { ...vm('app-fenced', ['hv1']), fencedOn: ['hv2'] },
      { ...vm('app-stopped-2', []), definedOn: ['hv2'] },
    ]
    const input = { ...base, vms: many }
    const groups = groupTree(input)
    // Each prefix narrows from the one before; an erased character or a new word starts again.
    const typed = [
      'a',
      'ap',
      'app-',
      'app-2',
      'app-',
      'hv',
      'hv2',
      'hv2-',
      'hv2-app-1',
      'p-1',
      'APP-5',
      'app-s',
      'x',
      '',
    ]
    for (const filter of typed)
      expect(keys(rowsOf(filterTree(groups, input.inventories, filter, new Set())))).toEqual(
        keys(buildTreeRows({ ...input, filter })),
      )
    // With a host and the stopped group folded, the same.
    const collapsed = new Set(['host:hv2', 'group:stopped'])
    const folded = groupTree(input)
    for (const filter of typed)
      expect(keys(rowsOf(filterTree(folded, input.inventories, filter, collapsed)))).toEqual(
        keys(buildTreeRows({ ...input, filter, collapsed })),
      )
    // A host's update while filtered (a VM renamed, one gone, one come): its grouping, typed on.
    const updated = {
      ...input,
      vms: [
        ...many
          .filter((one) => one.name !== 'hv2-app-13')
          .map((one) => (one.name === 'hv2-app-1' ? { ...one, name: 'hv2-app-99' } : one)),
        vm('hv2-app-100', ['hv2']),
      ],
    }
    const regrouped = groupTree(updated)
    for (const filter of ['hv2-app-1', 'hv2-app-10', 'hv2-app-1', 'hv2-app-9', 'app-'])
      expect(keys(rowsOf(filterTree(regrouped, updated.inventories, filter, new Set())))).toEqual(
        keys(buildTreeRows({ ...updated, filter })),
      )
  })

  it('a host refreshed with the same VMs keeps the grouping; its rows show what its new inventory says', () => {
    const groups = groupTree(base)
    const web = (inventories: typeof base.inventories) =>
      rowsOf(filterTree(groups, inventories, '', new Set())).find((row) => row.key === 'vm:hv1:uuid-web')
    const first = web(base.inventories)
    expect(first).toMatchObject({ state: 'running' })
    // The same inventory: the same row object.
    expect(web(base.inventories)).toBe(first)
    const paused = {
      ...base.inventories,
      hv1: {
        ...inventory('hv1'),
        domains: [
          { uuid: 'uuid-web', name: 'web', state: 'paused' as const, autostart: false, managedSave: false },
        ],
      },
    }
    const again = web(paused)
    expect(again).toMatchObject({ state: 'paused' })
    expect(sameTreeRow(first!, again!)).toBe(false)
  })

  it("another host's update groups again; the rows of a host with the same inventory and VMs stay the same objects", () => {
    const rowsWith = (vms: typeof base.vms) =>
      rowsOf(filterTree(groupTree({ ...base, vms }), base.inventories, '', new Set()))
    const before = rowsWith(base.vms)
    // A VM comes on hv2: a new list of VMs (the store keeps the others' objects), a new grouping.
    const after = rowsWith([...base.vms, vm('new', ['hv2'])])
    for (const row of before.filter((one) => one.kind === 'vm'))
      expect(after.find((one) => one.key === row.key)).toBe(row)
    expect(after.some((row) => row.key === 'vm:hv2:uuid-new')).toBe(true)
  })

  it('kept groups: the same VMs and host names give the same groups (what the filter named in them too); another list of either groups again', () => {
    const groupsOf = keptGroups()
    const groups = groupsOf(base.vms, base.hostNames)
    filterTree(groups, base.inventories, 'tw', new Set())
    const again = groupsOf(base.vms, base.hostNames)
    expect(again).toBe(groups)
    // The keystroke's narrowing is still there for the next one (a render or an update outside React).
    expect(again.hosts[0]?.named?.vms.map((one) => one.name)).toEqual(['twin'])
    const more = [...base.vms, vm('new', ['hv2'])]
    const regrouped = groupsOf(more, base.hostNames)
    expect(regrouped).not.toBe(groups)
    expect(regrouped.hosts[1]?.vms.map((one) => one.name)).toEqual(['db', 'twin', 'new'])
    expect(groupsOf(more, ['hv1'])).not.toBe(regrouped)
    expect(groupsOf(more, ['hv1']).hosts.map((group) => group.host)).toEqual(['hv1'])
  })

  it('makes a row only when asked for it, the same object each time; finds the selection by key or VM', () => {
    const many = Array.from({ length: 900 }, (_, i) => vm(`vm-${i}`, [`hv${(i % 3) + 1}`]))
    const list = filterTree(groupTree({ ...base, vms: many }), base.inventories, '', new Set())
    expect(list.length).toBe(903)
    expect(list.at(0)).toMatchObject({ kind: 'host', key: 'host:hv1', runningCount: 300 })
    expect(list.at(300)).toMatchObject({ key: 'vm:hv1:uuid-vm-897' })
    expect(list.at(301)).toMatchObject({ key: 'host:hv2' })
    expect(list.at(302)).toBe(list.at(302))
    expect(list.at(903)).toBeUndefined()
    // The rows on screen, in one walk: the same objects as `at` gives, across a host's edge.
    expect(list.slice(297, 305)).toEqual(Array.from({ length: 8 }, (_, i) => list.at(297 + i)))
    for (const [index, row] of list.slice(297, 305).entries()) expect(row).toBe(list.at(297 + index))
    expect(list.slice(900, 910)).toHaveLength(3)
    expect(list.slice(0, 0)).toEqual([])
    expect(list.indexOfSelection('host:hv3', null)).toBe(602)
    expect(list.indexOfSelection(null, 'uuid-vm-4')).toBe(303)
    expect(list.indexOfSelection(null, 'uuid-none')).toBe(-1)
    // A VM listed under two hosts: its first row.
    const twin = filterTree(groupTree(base), base.inventories, 'twin', new Set())
    expect(twin.indexOfSelection(null, 'uuid-twin')).toBe(1)
  })
})
