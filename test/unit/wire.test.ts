import { describe, expect, it } from 'vitest'
import { ServerMessageSchema } from '../../src/shared/wire'

describe("the core's messages to a window (ServerMessageSchema)", () => {
  it('takes an event, an answer and a refusal as they are', () => {
    const messages = [
      { kind: 'event', event: 'inventory.changed', payload: { vms: [] } },
      { kind: 'result', id: 4, ok: true, value: [1, 2] },
      { kind: 'result', id: 5, ok: false, error: { code: 'transport.disconnected', message: 'Lost it.' } },
    ]
    for (const message of messages)
      expect(ServerMessageSchema.safeParse(message)).toEqual({ success: true, data: message })
  })

  it('refuses a malformed message of each kind', () => {
    const malformed = [
      null,
      5,
      { kind: 'other' },
      { kind: 'event', event: 3, payload: 1 },
      { kind: 'result', ok: true, value: 1 },
      { kind: 'result', id: 1, ok: 'yes', value: 1 },
      { kind: 'result', id: 1, ok: false },
      { kind: 'result', id: 1, ok: false, error: { message: 'no code' } },
    ]
    for (const message of malformed)
      expect(ServerMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(false)
  })
})
