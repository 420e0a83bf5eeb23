import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { hostCpuPercent, type HostStats } from '../../src/shared/host-activity'
import { HOST_ERRORS_KEPT, HostErrorLog } from '../../src/main/core/hosts/host-errors'
import { parseNodecpustats } from '../../src/main/core/hosts/host-stats'

// libvirt 9.0's `LC_ALL=C virsh nodecpustats` on a lab host (all CPUs, cumulative, nanoseconds).
const NODECPUSTATS = `user:                  6568240000000
system:                4249100000000
idle:                 10168850000000
iowait:                  47190000000
`

function failure(host: string, n: number, code = 'remote.failed'): ApiError {
  return new ApiError({
    code,
    host,
    step: `step ${n}`,
    message: `step ${n} on ${host} failed (exit 1): virsh dominfo nope\nerror: failed to get domain 'nope'`,
    hint: 'a hint',
    details: {
      command: `virsh dominfo nope-${n}`,
      exitCode: 1,
      stderr: "error: failed to get domain 'nope'",
    },
  })
}

describe('host errors', () => {
  it('keeps the last failed commands per host, newest first, with step, command, exit code and stderr', () => {
    const pushed: string[] = []
    const log = new HostErrorLog((entry) => pushed.push(entry.command))
    for (let n = 1; n <= HOST_ERRORS_KEPT + 5; n++) log.record(failure('hv1', n), 1000 + n)
    log.record(failure('hv2', 1), 5000)
    const hv1 = log.list('hv1')
    expect(hv1).toHaveLength(HOST_ERRORS_KEPT)
    expect(hv1[0]).toEqual({
      at: 1000 + HOST_ERRORS_KEPT + 5,
      host: 'hv1',
      code: 'remote.failed',
      step: `step ${HOST_ERRORS_KEPT + 5}`,
      command: `virsh dominfo nope-${HOST_ERRORS_KEPT + 5}`,
      exitCode: 1,
      stderr: "error: failed to get domain 'nope'",
      message: expect.stringContaining('failed (exit 1)'),
      hint: 'a hint',
    })
    expect(hv1.at(-1)?.step).toBe('step 6')
    expect(log.list('hv2').map((entry) => entry.host)).toEqual(['hv2'])
    expect(log.list('hv3')).toEqual([])
    expect(pushed).toHaveLength(HOST_ERRORS_KEPT + 6)
  })

  it('counts the same failure in a row instead of filling the buffer with it', () => {
    const pushed: Array<number | undefined> = []
    const log = new HostErrorLog((entry) => pushed.push(entry.repeats))
    log.record(failure('hv1', 1), 1)
    for (let n = 0; n < 30; n++) log.record(failure('hv1', 2), 10 + n)
    log.record(failure('hv1', 1), 100)
    expect(log.list('hv1').map((entry) => [entry.command, entry.repeats, entry.at])).toEqual([
      ['virsh dominfo nope-1', undefined, 100],
      ['virsh dominfo nope-2', 30, 39],
      ['virsh dominfo nope-1', undefined, 1],
    ])
    expect(pushed.slice(0, 3)).toEqual([undefined, undefined, 2])
  })

  it('does not keep a user’s cancel, nor an error with no host', () => {
    const log = new HostErrorLog()
    log.record(failure('hv1', 1, 'remote.cancelled'))
    log.record(new ApiError({ code: 'internal', message: 'no host' }))
    expect(log.list('hv1')).toEqual([])
  })

  it('keeps a timeout or a lost connection, whose exit code may be unknown', () => {
    const log = new HostErrorLog()
    log.record(
      new ApiError({
        code: 'host.offline',
        host: 'hv1',
        message: 'lost',
        details: { command: 'virsh list', exitCode: null, stderr: '' },
      }),
    )
    expect(log.list('hv1')[0]).toMatchObject({ code: 'host.offline', exitCode: null, command: 'virsh list' })
  })
})

describe('host statistics', () => {
  it('reads nodecpustats, and refuses an incomplete answer', () => {
    expect(parseNodecpustats(NODECPUSTATS)).toEqual({
      userNs: 6568240000000,
      systemNs: 4249100000000,
      idleNs: 10168850000000,
      iowaitNs: 47190000000,
    })
    expect(parseNodecpustats('user: 1\nsystem: 2\nidle: 3\n')).toEqual({
      userNs: 1,
      systemNs: 2,
      idleNs: 3,
      iowaitNs: 0,
    })
    expect(parseNodecpustats('error: failed to connect to the hypervisor')).toBeUndefined()
  })

  it('computes CPU use between two samples over all CPUs', () => {
    const sample = (user: number, system: number, idle: number): HostStats => ({
      at: 0,
      cpu: { userNs: user, systemNs: system, idleNs: idle, iowaitNs: 0 },
      memoryTotalKiB: 1,
      memoryAvailableKiB: 1,
    })
    expect(hostCpuPercent(sample(100, 100, 800), sample(400, 200, 1400))).toBe(40)
    expect(hostCpuPercent(sample(1, 1, 1), sample(1, 1, 1))).toBe(0)
  })
})
