import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CoreEvents } from '../../src/main/core/events'
import { SECTION_MARKER, type BatchSection } from '../../src/main/core/remote/framing'
import { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { recordedSession } from '../support/recorded-session'

// hv1's batch as the lab (libvirt 9.0.0) answered it: labvm1 running, labvm2 and labvm3 shut off.
const recording = fs.readFileSync(path.resolve(__dirname, '../fixtures/libvirt-9.0.0/batch-hv1.txt'), 'utf8')
const LABVM2 = '1ab0c0de-0000-4000-8000-000000000002'

/**
 * hv1 behind a connection that can be down: while down, every exec and stream fails as SSH does;
 * once up, refreshes answer from the recording and `virsh event` streams stay open.
 */
function flakyHost() {
  const sections = new Map<string, string>()
  for (const part of recording.split(SECTION_MARKER).slice(1)) {
    const newline = part.indexOf('\n')
    sections.set(part.slice(0, newline).trim(), part.slice(newline + 1))
  }
  const session = recordedSession(recording)
  const state = { up: true, refreshes: 0, streamsOpened: 0, streamAttempts: 0 }
  let emit: ((line: string) => void) | undefined
  let endStream: (() => void) | undefined
  const down = () => Promise.reject(new Error('ssh: connect to host hv1 port 22: Connection refused'))
  const runner = {
    run: async (_host: string, argv: readonly string[]) => {
      if (!state.up) return down()
      state.refreshes++
      const ids = [...(argv.at(-1) ?? '').matchAll(/echo @@hyperdesk-section (\S+) ;/g)].map(
        (m) => m[1] ?? '',
      )
      // A batch with definition fingerprints answers them first (none recorded: an empty section).
      const digests = /@@hyperdesk-digest-/.test(argv.at(-1) ?? '') ? `${SECTION_MARKER}digests\n` : ''
      const stdout = digests + ids.map((id) => `${SECTION_MARKER}${id}\n${sections.get(id) ?? ''}`).join('')
      return { stdout, stderr: '', exitCode: 0 }
    },
    // A first read asks the host's virsh session (two questions: one read).
    virshQuery: async (_host: string, asked: readonly BatchSection[]) => {
      if (!state.up) return down()
      if (asked.some((section) => section.id === 'list')) state.refreshes++
      return session(asked)
    },
    stream: async (_host: string, _argv: readonly string[], onLine: (line: string) => void) => {
      state.streamAttempts++
      if (!state.up) return down()
      state.streamsOpened++
      emit = onLine
      const done = new Promise<number>((resolve) => (endStream = () => resolve(255)))
      return { close: () => endStream?.(), done }
    },
  } as unknown as RemoteRunner
  return {
    runner,
    state,
    /** sshd goes away: the open stream ends, nothing new connects. */
    goDown() {
      state.up = false
      endStream?.()
      emit = undefined
    },
    event: (line: string) => emit?.(line),
  }
}

/** Fake timers, and an inventory started on hv1 behind flakyHost(). */
function startedOnFlakyHost(eventReconnectDelaysMs?: readonly number[]) {
  vi.useFakeTimers()
  const host = flakyHost()
  const inventory = new InventoryService({
    runner: host.runner,
    events: new CoreEvents(),
    hostNames: () => ['hv1'],
    hasDomstats: () => true,
    ...(eventReconnectDelaysMs ? { eventReconnectDelaysMs } : {}),
  })
  inventory.start()
  return { host, inventory }
}

describe('inventory when a host comes back', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reopens the event stream at once on hostOnline, not after its backoff, and reads the host again', async () => {
    const { host, inventory } = startedOnFlakyHost()
    // No stream before the host is read: its start would slow that read.
    await vi.advanceTimersByTimeAsync(0)
    expect(host.state.streamAttempts).toBe(0)
    await inventory.hostOnline('hv1')
    await vi.advanceTimersByTimeAsync(0)
    expect(host.state.streamsOpened).toBe(1)

    // sshd restarts: the stream ends and every reconnection fails for a while, so the backoff grows
    // to its longest delay (10 s).
    host.goDown()
    await vi.advanceTimersByTimeAsync(20_000)
    const attemptsWhileDown = host.state.streamAttempts
    expect(attemptsWhileDown).toBeGreaterThan(3)

    // The host is back and the pool says so: the stream reopens without waiting for the next try.
    host.state.up = true
    const refreshesBefore = host.state.refreshes
    inventory.hostOnline('hv1')
    await vi.advanceTimersByTimeAsync(0)
    expect(host.state.streamAttempts).toBe(attemptsWhileDown + 1)
    expect(host.state.streamsOpened).toBe(2)
    expect(inventory.host('hv1')?.reachable).toBe(true)

    // A start right after reconnection reaches the inventory at once, through the new stream.
    host.event("2026-12-03 10:00:00.000+0000: event 'lifecycle' for domain 'labvm2': Started Booted")
    expect(inventory.domain('hv1', LABVM2)?.state).toBe('running')

    // And the stream's return reads the host once more (events between the read and the stream).
    await vi.advanceTimersByTimeAsync(200)
    expect(host.state.refreshes).toBeGreaterThan(refreshesBefore + 1)

    // The pending backoff try was cancelled: no second stream opens beside the first.
    await vi.advanceTimersByTimeAsync(15_000)
    expect(host.state.streamsOpened).toBe(2)

    // A second hostOnline while the stream is open does not open another one.
    inventory.hostOnline('hv1')
    await vi.advanceTimersByTimeAsync(0)
    expect(host.state.streamsOpened).toBe(2)
    inventory.stop()
  })

  it('waits between tries to reopen the stream as configured, the last wait repeating (1 s, 2 s… by default)', async () => {
    // A stream that ends soon after it opened retries from the second wait on: 1 s by default.
    for (const [delays, waits] of [
      [undefined, [1000, 2000, 5000, 10_000, 10_000]],
      [
        [200, 400, 800, 10_000],
        [400, 800, 10_000, 10_000],
      ],
    ] as const) {
      const { host, inventory } = startedOnFlakyHost(delays)
      await inventory.hostOnline('hv1')
      await vi.advanceTimersByTimeAsync(0)
      host.goDown()
      await vi.advanceTimersByTimeAsync(0)
      for (const wait of waits) {
        const attempts = host.state.streamAttempts
        await vi.advanceTimersByTimeAsync(wait - 1)
        expect(host.state.streamAttempts).toBe(attempts)
        await vi.advanceTimersByTimeAsync(1)
        expect(host.state.streamAttempts).toBe(attempts + 1)
      }
      inventory.stop()
      vi.useRealTimers()
    }
  })

  it('marks a lost host unreachable as soon as the pool says so, its running VMs last seen there', async () => {
    const { host, inventory } = startedOnFlakyHost()
    // Read twice (a first read in the session, then a batch); the recording's states through events.
    await inventory.hostOnline('hv1')
    await inventory.hostOnline('hv1')
    await vi.advanceTimersByTimeAsync(0)
    host.event("2026-12-03 10:00:00.000+0000: event 'lifecycle' for domain 'labvm1': Started Booted")
    expect(inventory.snapshot().vms.find((vm) => vm.name === 'labvm1')?.runningOn).toEqual(['hv1'])
    host.goDown()
    const refreshes = host.state.refreshes
    inventory.hostOffline('hv1')
    // Well before the next poll (15 s): the read failed at once.
    await vi.advanceTimersByTimeAsync(0)
    expect(inventory.host('hv1')?.reachable).toBe(false)
    const labvm1 = inventory.snapshot().vms.find((vm) => vm.name === 'labvm1')
    expect(labvm1?.runningOn).toEqual([])
    expect(labvm1?.lastKnownRunningOn).toEqual(['hv1'])
    // Already unreachable: a second offline state (a failed retry) reads nothing more.
    inventory.hostOffline('hv1')
    await vi.advanceTimersByTimeAsync(0)
    expect(host.state.refreshes).toBe(refreshes)
    inventory.stop()
  })
})
