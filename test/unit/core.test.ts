import { afterEach, describe, expect, it } from 'vitest'
import { typedCall } from '../support/in-process-core'
import { CoreSession } from '../../src/main/core/session'
import { METHOD_NAMES, EVENT_NAMES, methods, events } from '../../src/shared/contract'
import type { ServerMessage } from '../../src/shared/wire'
import { sampleCluster, tempCore } from '../support/core'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function core(cluster = sampleCluster) {
  const made = await tempCore(cluster)
  cleanups.push(made.cleanup)
  return made
}

describe('API contract', () => {
  it('lists exactly the methods and events that have schemas', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(methods).sort())
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort())
  })
})

describe('core', () => {
  it('answers a method with a result that matches its schema', async () => {
    const { core: c, configPath } = await core()
    const state = await typedCall(c, 'config.get', {})
    expect(state.status).toBe('ok')
    expect(state.path).toBe(configPath)
    expect(state.hosts.map((h) => `${h.user}@${h.hostname}`)).toEqual([
      'etalab@10.77.11.1',
      'etalab@10.77.12.1',
      'etalab@10.77.13.1',
    ])
    const info = await typedCall(c, 'app.info', {})
    expect(info).toMatchObject({ name: 'Hyperdesk', version: 'test' })
  })

  it('refuses an unknown method and invalid parameters with a code and the reason', async () => {
    const { core: c } = await core()
    await expect(c.call('vm.destroyEverything', {})).rejects.toMatchObject({ code: 'api.unknown-method' })
    await expect(c.call('__proto__', {})).rejects.toMatchObject({ code: 'api.unknown-method' })
    await expect(c.call('config.get', { unexpected: 1 })).rejects.toMatchObject({
      code: 'api.invalid-params',
      message: expect.stringContaining('unexpected'),
    })
  })

  it('emits config.changed to subscribers after a save, and not after they unsubscribe', async () => {
    const { core: c } = await core()
    const seen: string[] = []
    const unsubscribe = c.subscribe('config.changed', (state) => seen.push(state.config?.name ?? '?'))
    await typedCall(c, 'config.save', { config: { ...sampleCluster, name: 'renamed' } })
    unsubscribe()
    await typedCall(c, 'config.save', { config: { ...sampleCluster, name: 'again' } })
    expect(seen).toEqual(['renamed'])
  })
})

describe('CoreSession (the transports’ shared protocol)', () => {
  it('answers calls by id, with errors as data', async () => {
    const { core: c } = await core()
    const sent: ServerMessage[] = []
    const session = new CoreSession(c, (message) => sent.push(message))
    expect(session.handle({ kind: 'call', id: 7, method: 'app.info', params: {} })).toBe(true)
    expect(session.handle({ kind: 'call', id: 8, method: 'nope', params: {} })).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sent).toContainEqual(expect.objectContaining({ kind: 'result', id: 7, ok: true }))
    expect(sent).toContainEqual(
      expect.objectContaining({
        kind: 'result',
        id: 8,
        ok: false,
        error: expect.objectContaining({ code: 'api.unknown-method' }),
      }),
    )
  })

  it('rejects messages outside the protocol and unknown events', async () => {
    const { core: c } = await core()
    const session = new CoreSession(c, () => {})
    expect(session.handle('hello')).toBe(false)
    expect(session.handle({ kind: 'call', id: -1, method: 'app.info' })).toBe(false)
    expect(session.handle({ kind: 'subscribe', event: 'secrets.leaked' })).toBe(false)
  })

  it('forwards subscribed events and drops every subscription on close', async () => {
    const { core: c } = await core()
    const sent: ServerMessage[] = []
    const session = new CoreSession(c, (message) => sent.push(message))
    session.handle({ kind: 'subscribe', event: 'config.changed' })
    session.handle({ kind: 'subscribe', event: 'config.changed' })
    expect(session.subscriptionCount).toBe(1)
    await typedCall(c, 'config.reload', {})
    expect(sent.filter((m) => m.kind === 'event')).toHaveLength(1)
    session.close()
    expect(session.subscriptionCount).toBe(0)
    await typedCall(c, 'config.reload', {})
    expect(sent.filter((m) => m.kind === 'event')).toHaveLength(1)
  })
})
