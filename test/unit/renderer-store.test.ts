import { beforeEach, describe, expect, it } from 'vitest'
import type { Api } from '../../src/renderer/src/api/client'
import type { EventName } from '../../src/shared/contract'
import type { HostErrorEntry } from '../../src/shared/host-activity'
import { useAppStore } from '../../src/renderer/src/store'
import { wireCoreEvents } from '../../src/renderer/src/store/core-events'

const initial = useAppStore.getState()
beforeEach(() => useAppStore.setState(initial, true))

/** An Api whose calls answer from `answers` and whose events the test emits. */
function fakeApi(answers: Record<string, unknown>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: 'connecting' | 'connected' | 'disconnected') => void>()
  const calls: string[] = []
  const api = {
    transport: 'websocket',
    call: (method: string) => {
      calls.push(method)
      return method in answers ? Promise.resolve(answers[method]) : Promise.reject(new Error(method))
    },
    on: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set.add(listener))
      return () => set.delete(listener)
    },
    onStatus: (listener: (status: 'connecting' | 'connected' | 'disconnected') => void) => {
      statusListeners.add(listener)
      return () => statusListeners.delete(listener)
    },
    openStream: () => {
      throw new Error('no streams here')
    },
    setConsoleFocus: () => undefined,
    setLanguage: () => undefined,
    onMenuCommand: () => () => undefined,
    notify: () => undefined,
  } as unknown as Api
  return {
    api,
    calls,
    emit: (event: EventName, payload: unknown) =>
      listeners.get(event)?.forEach((listener) => listener(payload)),
    status: (status: 'connecting' | 'connected' | 'disconnected') =>
      statusListeners.forEach((listener) => listener(status)),
    listening: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  }
}

const entry = (at: number, command: string, repeats?: number): HostErrorEntry =>
  ({
    host: 'hv1',
    at,
    command,
    code: 'remote.exit',
    exitCode: 1,
    stderr: 'no',
    ...(repeats ? { repeats } : {}),
  }) as HostErrorEntry

describe('the renderer store', () => {
  it('keeps one view: selecting a VM, a host, a panel or an image replaces what was selected', () => {
    const { select } = useAppStore.getState()
    expect(useAppStore.getState().view).toEqual({ kind: 'config' })
    select({ kind: 'host', host: 'hv1' })
    select({ kind: 'vm', uuid: 'u1' })
    expect(useAppStore.getState().view).toEqual({ kind: 'vm', uuid: 'u1' })
    select({ kind: 'storage', image: { pool: 'libvirt-ssd', image: 'vm1' } })
    expect(useAppStore.getState().view).toEqual({
      kind: 'storage',
      image: { pool: 'libvirt-ssd', image: 'vm1' },
    })
    select({ kind: 'host', host: 'hv2' })
    expect(useAppStore.getState().view).toEqual({ kind: 'host', host: 'hv2' })
  })

  it('opens console tabs once each and shows the last one left when the shown tab closes', () => {
    const { openConsole, closeConsole } = useAppStore.getState()
    openConsole({ kind: 'vnc', uuid: 'u1' })
    openConsole({ kind: 'shell', host: 'hv1' })
    openConsole({ kind: 'vnc', uuid: 'u1' })
    expect(useAppStore.getState().consoleTabs).toHaveLength(2)
    expect(useAppStore.getState().activeConsole).toBe('vnc:u1')
    closeConsole('vnc:u1')
    expect(useAppStore.getState().activeConsole).toBe('shell:hv1')
    closeConsole('shell:hv1')
    expect(useAppStore.getState().activeConsole).toBeNull()
  })

  it('keeps a host error pushed while its list loads on top, and a repeat replaces the entry it counts', () => {
    const { resetHostErrors, pushHostError, loadHostErrors } = useAppStore.getState()
    resetHostErrors('hv1')
    pushHostError(entry(30, 'virsh list', 2))
    loadHostErrors('hv1', [entry(20, 'virsh list'), entry(10, 'rbd ls')])
    expect(useAppStore.getState().hostErrors['hv1']?.map((item) => [item.at, item.command])).toEqual([
      [30, 'virsh list'],
      [10, 'rbd ls'],
    ])
  })
})

describe('core events into the store (one module)', () => {
  it('reads what the core knows on connect, applies each event, and unsubscribes everything', async () => {
    const job = { id: 'j1', startedAt: 1, state: 'running', kind: 'vm.start', target: {} }
    const core = fakeApi({
      'app.info': { version: 'test' },
      'config.get': { path: '/x', config: null, problems: [] },
      'hosts.list': [{ name: 'hv1', status: 'online' }],
      'jobs.list': [job],
      'maintenance.current': { record: null },
      'app.checkForUpdates': { state: 'newer', manual: false, text: 'newer', params: {} },
    })
    // The core's inventory answer is held: the window's shell comes without it.
    let answerInventory: (value: unknown) => void = () => undefined
    const call = core.api.call
    ;(core.api as { call: unknown }).call = (method: string, params: unknown): Promise<unknown> =>
      method === 'inventory.get'
        ? new Promise((resolve) => (answerInventory = resolve))
        : call(method as never, params as never)
    const stop = wireCoreEvents(core.api)
    // What the core knows arrives as two store updates (each update runs every subscriber's selector):
    // the shell's (cluster file, hosts, jobs) as soon as it is known, then the inventory.
    const snapshots: string[][] = []
    const unsubscribe = useAppStore.subscribe((state, before) => {
      const changed = (
        ['appInfo', 'config', 'hostStates', 'inventories', 'inventoryKnown', 'jobs'] as const
      ).filter((key) => state[key] !== before[key])
      if (changed.length > 0) snapshots.push(changed)
    })
    core.status('connected')
    await expect.poll(() => useAppStore.getState().jobs).toEqual([job])
    expect(snapshots).toEqual([['appInfo', 'config', 'hostStates', 'jobs']])
    expect(useAppStore.getState().inventoryKnown).toBe(false)
    answerInventory({ hosts: [{ host: 'hv1', domains: [] }], vms: [] })
    await expect.poll(() => useAppStore.getState().inventoryKnown).toBe(true)
    expect(snapshots).toEqual([
      ['appInfo', 'config', 'hostStates', 'jobs'],
      ['inventories', 'inventoryKnown'],
    ])
    expect(Object.keys(useAppStore.getState().inventories)).toEqual(['hv1'])
    unsubscribe()
    await expect.poll(() => useAppStore.getState().update?.state).toBe('newer')
    expect(useAppStore.getState().connection).toBe('connected')
    expect(useAppStore.getState().hostStates['hv1']?.status).toBe('online')
    expect(useAppStore.getState().maintenance).toBeNull()

    core.emit('hosts.state', { name: 'hv1', status: 'offline' })
    core.emit('jobs.update', { ...job, state: 'succeeded' })
    core.emit('maintenance.changed', { record: { host: 'hv2', status: 'running' } })
    core.emit('hosts.error', entry(5, 'ceph -s'))
    expect(useAppStore.getState().hostStates['hv1']?.status).toBe('offline')
    expect(useAppStore.getState().jobs[0]?.state).toBe('succeeded')
    expect(useAppStore.getState().maintenance?.host).toBe('hv2')
    expect(useAppStore.getState().hostErrors['hv1']?.[0]?.command).toBe('ceph -s')

    // The release check is made once per page, not at every reconnection.
    core.status('disconnected')
    core.status('connected')
    expect(core.calls.filter((method) => method === 'app.checkForUpdates')).toHaveLength(1)
    expect(core.listening()).toBeGreaterThan(0)
    stop()
    expect(core.listening()).toBe(0)
  })

  it('keeps a maintenance event that arrives while the saved record is read', async () => {
    let answer: (value: unknown) => void = () => undefined
    const core = fakeApi({})
    const call = core.api.call
    const held = (method: string, params: unknown): Promise<unknown> =>
      method === 'maintenance.current'
        ? new Promise((resolve) => (answer = resolve))
        : call(method as never, params as never)
    ;(core.api as { call: unknown }).call = held
    wireCoreEvents(core.api)
    core.status('connected')
    core.emit('maintenance.changed', { record: { host: 'hv3', status: 'running' } })
    answer({ record: null })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(useAppStore.getState().maintenance?.host).toBe('hv3')
  })
})

describe('jobs in the store', () => {
  it('an ended job is not put back to running by a late snapshot (the start call answered after its end)', () => {
    const running = {
      id: 'j1',
      kind: 'iso.upload',
      title: 'Upload x.iso',
      target: {},
      state: 'running' as const,
      log: [],
      cancellable: true,
      startedAt: 1,
    }
    const store = useAppStore.getState()
    store.updateJob({ ...running, state: 'failed', endedAt: 2 })
    store.updateJob(running)
    expect(useAppStore.getState().jobs.map((job) => job.state)).toEqual(['failed'])
    // Running updates of a running job still go through.
    store.updateJob({ ...running, id: 'j2' })
    store.updateJob({ ...running, id: 'j2', progress: 0.5 })
    expect(useAppStore.getState().jobs.find((job) => job.id === 'j2')?.progress).toBe(0.5)
  })

  it("the core's job list replaces the window's, newest first; none before nor now keeps the same list", () => {
    const job = (id: string, startedAt: number) => ({
      id,
      kind: 'iso.upload',
      title: `Upload ${id}.iso`,
      target: {},
      state: 'succeeded' as const,
      log: [],
      cancellable: false,
      startedAt,
    })
    useAppStore.setState({ jobs: [] })
    const none = useAppStore.getState().jobs
    // The same array: the jobs panel, which selects it, is not rendered again.
    useAppStore.getState().replaceJobs([])
    expect(useAppStore.getState().jobs).toBe(none)
    useAppStore.getState().replaceJobs([job('old', 1), job('new', 2)])
    expect(useAppStore.getState().jobs.map((each) => each.id)).toEqual(['new', 'old'])
    useAppStore.getState().replaceJobs([])
    expect(useAppStore.getState().jobs).toEqual([])
  })
})
