import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LeaseSession, leaseSessionCommand, parseSessionLine } from '../../src/main/core/lease/lease-session'
import { LEASE_SESSION_PROGRAM } from '../../src/main/core/lease/lease-session-program'
import type { HostConnection } from '../../src/main/core/ssh/connection'
import { ApiError } from '../../src/shared/errors'

/** The lease session's protocol (lease-session.ts): lines as its python prints them, and its faults. */
describe('lease session protocol', () => {
  it('reads the ready line, a fatal line and answers; anything else is ignored', () => {
    expect(parseSessionLine('{"ready": true, "client": "client.6251"}')).toEqual({
      kind: 'ready',
      client: 'client.6251',
    })
    expect(parseSessionLine('{"ready": true, "client": "client.x; rm"}')).toBeUndefined()
    expect(parseSessionLine('{"fatal": "no-binding", "error": "No module named \'rados\'"}')).toEqual({
      kind: 'fatal',
      reason: 'no-binding',
      error: "No module named 'rados'",
    })
    expect(parseSessionLine('{"id": 3, "ok": true}')).toEqual({ kind: 'answer', id: 3, answer: { ok: true } })
    expect(parseSessionLine('{"id": 4, "ok": true, "value": [{"name": "vm:x", "lockers": []}]}')).toEqual({
      kind: 'answer',
      id: 4,
      answer: { ok: true, value: [{ name: 'vm:x', lockers: [] }] },
    })
    // As the lab's Pacific answered a renewal of a lock another cookie holds.
    expect(
      parseSessionLine(
        '{"id": 4, "errno": 2, "error": "[errno 2] RADOS object not found (Ioctx.read(libvirt-ssd): failed to read hyperdesk.lease)"}',
      ),
    ).toMatchObject({ kind: 'answer', id: 4, answer: { ok: false, errno: 2 } })
    expect(parseSessionLine('{"id": 5, "errno": null, "error": "KeyError(\'op\')"}')).toMatchObject({
      answer: { ok: false, errno: undefined },
    })
    for (const noise of ['', 'warning: something', '[]', 'null', '{"id": "1", "ok": true}'])
      expect(parseSessionLine(noise)).toBeUndefined()
  })

  it('runs the system python3 with the client, timeout and pool quoted; the program comes on stdin', () => {
    const command = leaseSessionCommand({
      clientId: 'libvirt',
      monitorTimeoutSeconds: 10,
      pool: "x';rm -rf /'",
    })
    expect(command).toContain('exec /usr/bin/python3 -u -c ')
    expect(command.endsWith(` libvirt 10 'x'\\'';rm -rf /'\\'''`)).toBe(true)
    // Uses cls_lock's class calls with exact durations and MUST_RENEW for a check.
    expect(LEASE_SESSION_PROGRAM).toContain('EXCLUSIVE, ENTITY_CLIENT, MUST_RENEW = 1, 8, 0x2')
    expect(LEASE_SESSION_PROGRAM).toContain('"renew": call("lock", lambda req: lock(req, MUST_RENEW))')
  })
})

describe('lease session faults', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A host whose python connects, then answers nothing (a hung Ceph call). */
  function hungHost() {
    const execs: string[] = []
    const connection = {
      async exec(command: string) {
        execs.push(command)
        const channel = Object.assign(new EventEmitter(), {
          stderr: Object.assign(new EventEmitter(), { resume: () => undefined }),
          close: () => channel.emit('close', null),
          resume: () => undefined,
          end: () => undefined,
          write(text: string) {
            if (execs.length === 1 && !text.startsWith('{'))
              queueMicrotask(() => {
                channel.stderr.emit('data', Buffer.from('HYPERDESK_PID 4242\n'))
                channel.emit('data', Buffer.from('{"ready": true, "client": "client.77"}\n'))
              })
            return true
          },
        })
        return channel
      },
    } as unknown as HostConnection
    return { connection, execs }
  }

  it('a call unanswered past the Ceph timeout fails naming the host and its client, and the python is killed', async () => {
    vi.useFakeTimers()
    const host = hungHost()
    const session = new LeaseSession(
      'hv1',
      () => host.connection,
      () => ({
        clientId: 'libvirt',
        monitorTimeoutSeconds: 10,
        pool: 'libvirt-ssd',
      }),
    )
    const call = session.call({ op: 'unlock', name: 'vm:x', cookie: 'c' })
    const failed = call.then(
      () => {
        throw new Error('answered')
      },
      (error: unknown) => ApiError.from(error),
    )
    await vi.advanceTimersByTimeAsync(14_000)
    expect(session.client).toBe('client.77')
    await vi.advanceTimersByTimeAsync(2_000)
    const error = await failed
    expect(error.code).toBe('lease.session-timeout')
    expect(error.host).toBe('hv1')
    expect(error.details).toEqual({ locker: 'client.77' })
    expect(error.message).toBe(
      'The lease’s Ceph session on hv1 did not answer “unlock vm:x” within 15 s: it was stopped.',
    )
    expect(host.execs[1]).toBe('kill -s KILL 4242 2>/dev/null; true')
    expect(session.client).toBeUndefined()
  })

  it('a host without python3 is left to the CLI for a while', async () => {
    const execs: string[] = []
    let now = 0
    const connection = {
      async exec(command: string) {
        execs.push(command)
        const channel = Object.assign(new EventEmitter(), {
          stderr: new EventEmitter(),
          close: () => undefined,
          write: () => true,
        })
        setImmediate(() => {
          channel.stderr.emit(
            'data',
            Buffer.from('HYPERDESK_PID 9\nsh: 1: exec: /usr/bin/python3: not found\n'),
          )
          channel.emit('close', 127)
        })
        return channel
      },
    } as unknown as HostConnection
    const session = new LeaseSession(
      'hv2',
      () => connection,
      () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 10, pool: 'libvirt-ssd' }),
      () => now,
    )
    const error = await session.call({ op: 'unlock', name: 'vm:x', cookie: 'c' }).then(
      () => {
        throw new Error('answered')
      },
      (e: unknown) => ApiError.from(e),
    )
    expect(error.code).toBe('lease.session-unavailable')
    expect(error.message).toContain('/usr/bin/python3: not found')
    expect(session.usable).toBe(false)
    now += 11 * 60_000
    expect(session.usable).toBe(true)
    expect(execs).toHaveLength(1)
  })
})
