import { describe, expect, it } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { parseBandwidth } from '../../src/renderer/src/components/BandwidthInput'
import { clampSidebarWidth, SIDEBAR_WIDTH } from '../../src/renderer/src/features/cluster/sidebar-width'
import { jumpMatches } from '../../src/renderer/src/features/help/jump'
import { shortcutOf } from '../../src/renderer/src/features/help/shortcuts'
import { endedJobs, isLongJob } from '../../src/renderer/src/features/help/use-job-notices'

/** What a desktop app does (issue 21 item 4), the window's side: shortcuts, jump, notices, tree width. */

const key = (key: string, more: Partial<Parameters<typeof shortcutOf>[0]> = {}) =>
  shortcutOf({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...more })

describe('app shortcuts', () => {
  it('Ctrl/Cmd+K jumps, F5 refreshes, ? shows help — but ? typed in a field is a character', () => {
    expect(key('k', { ctrlKey: true })).toBe('jump')
    expect(key('K', { metaKey: true })).toBe('jump')
    expect(key('k', { ctrlKey: true, inField: true })).toBe('jump')
    expect(key('F5')).toBe('refresh')
    expect(key('?')).toBe('help')
    expect(key('?', { inField: true })).toBeNull()
    expect(key('k')).toBeNull()
    expect(key('k', { ctrlKey: true, altKey: true })).toBeNull()
    expect(key('F5', { ctrlKey: true })).toBeNull()
  })
})

describe('jump to a VM or a host', () => {
  const vms = [
    { name: 'web1', uuid: 'u1' },
    { name: 'db-web', uuid: 'u2' },
    { name: 'hv1', uuid: 'u3' },
  ]
  it('names that start with the query first, hosts before VMs of the same name, any case', () => {
    expect(jumpMatches('WEB', ['hv1', 'hv2'], vms).map((target) => target.name)).toEqual(['web1', 'db-web'])
    expect(jumpMatches('hv1', ['hv1', 'hv2'], vms)).toEqual([
      { kind: 'host', name: 'hv1' },
      { kind: 'vm', name: 'hv1', uuid: 'u3' },
    ])
    expect(jumpMatches('  ', ['hv1'], vms)).toHaveLength(4)
    expect(jumpMatches('zzz', ['hv1'], vms)).toEqual([])
    expect(jumpMatches('', ['hv1', 'hv2'], vms, 2)).toHaveLength(2)
  })
})

describe('desktop notices', () => {
  const job = (id: string, kind: string, state: Job['state']): Job => ({
    id,
    kind,
    title: id,
    target: {},
    state,
    log: [],
    cancellable: false,
    startedAt: 1,
  })
  it('only long jobs that were running and have ended', () => {
    const before = [
      job('a', 'vm.migrate', 'running'),
      job('b', 'vm.start', 'running'),
      job('c', 'host.maintenance', 'succeeded'),
    ]
    const after = [
      job('a', 'vm.migrate', 'failed'),
      job('b', 'vm.start', 'succeeded'),
      job('c', 'host.maintenance', 'succeeded'),
      job('d', 'storage.grow', 'succeeded'),
    ]
    expect(endedJobs(before, after).map((ended) => ended.id)).toEqual(['a', 'b'])
    expect(
      endedJobs(before, after)
        .filter((ended) => isLongJob(ended.kind))
        .map((ended) => ended.id),
    ).toEqual(['a'])
    for (const kind of [
      'vm.migrate',
      'host.maintenance',
      'storage.grow',
      'storage.rollback',
      'vm.fenceStart',
      'vm.syncDefinition',
    ])
      expect(isLongJob(kind)).toBe(true)
    for (const kind of ['vm.start', 'vm.shutdown', 'vm.forceOff']) expect(isLongJob(kind)).toBe(false)
  })
})

describe('tree width', () => {
  it('stays between its bounds and leaves the main pane 480 px', () => {
    expect(clampSidebarWidth(100, 1600)).toBe(SIDEBAR_WIDTH.min)
    expect(clampSidebarWidth(900, 1600)).toBe(SIDEBAR_WIDTH.max)
    expect(clampSidebarWidth(400, 1600)).toBe(400)
    expect(clampSidebarWidth(560, 1024)).toBe(1024 - 480)
    expect(clampSidebarWidth(Number.NaN, 1600)).toBe(SIDEBAR_WIDTH.default)
  })
})

describe('migration bandwidth cap (migration and maintenance sheets)', () => {
  it('empty is no cap; a whole number of MiB/s from 1 to 100000; anything else is refused', () => {
    expect(parseBandwidth('')).toEqual({ ok: true })
    expect(parseBandwidth('  ')).toEqual({ ok: true })
    expect(parseBandwidth('100')).toEqual({ ok: true, value: 100 })
    expect(parseBandwidth(' 1 ')).toEqual({ ok: true, value: 1 })
    expect(parseBandwidth('100000')).toEqual({ ok: true, value: 100_000 })
    for (const bad of ['0', '-5', '1.5', '1e3', '100001', 'abc', '12 MiB', '0x10'])
      expect(parseBandwidth(bad), bad).toEqual({ ok: false })
  })
})
