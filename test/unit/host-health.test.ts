import { describe, expect, it } from 'vitest'
import { hostHealth, reachableCount } from '../../src/shared/host-health'
import { CapabilitiesSchema, type Capabilities, type HostState } from '../../src/shared/hosts'

// Every capability the doctor reports, all true: a host the app can fully use.
const allGood = Object.fromEntries(
  Object.keys(CapabilitiesSchema.shape).map((key) => [key, true]),
) as Capabilities

function state(status: HostState['status'], capabilities?: Partial<Capabilities>): HostState {
  return {
    name: 'hv1',
    target: 'etalab@hv1:22',
    status,
    since: '2026-12-03T12:00:00.000Z',
    ...(capabilities && {
      doctor: {
        host: 'hv1',
        checkedAt: '2026-12-03T12:00:01.000Z',
        durationMs: 80,
        versions: { libvirt: '9.0.0', qemu: '7.2.0', ceph: '16.2.15', openssh: '9.2p1' },
        capabilities: { ...allGood, ...capabilities },
        checks: [],
      },
    }),
  }
}

describe('what the tree shows for a host', () => {
  it('online with libvirt and Ceph usable is online', () => {
    expect(hostHealth(state('online', {}))).toEqual({ status: 'online', problems: [] })
  })

  it('reachable over SSH but libvirt unusable (not in group libvirt) is degraded, naming libvirt', () => {
    expect(hostHealth(state('online', { canUseLibvirt: false }))).toEqual({
      status: 'degraded',
      problems: ['libvirt'],
    })
  })

  it('no readable keyring or no rbd status is Ceph unusable; both problems are named', () => {
    expect(hostHealth(state('online', { cephReachable: false, canReadCephKeyring: false })).problems).toEqual(
      ['ceph'],
    )
    expect(hostHealth(state('online', { canRbdStatus: false })).problems).toEqual(['ceph'])
    expect(hostHealth(state('online', { canUseLibvirt: false, cephReachable: false }))).toEqual({
      status: 'degraded',
      problems: ['libvirt', 'ceph'],
    })
  })

  it('before the doctor has answered, online stays online; other statuses pass through', () => {
    expect(hostHealth(state('online')).status).toBe('online')
    expect(hostHealth(state('no-key')).status).toBe('no-key')
    // An old report on a host that went offline does not make it "degraded".
    expect(hostHealth(state('offline', { canUseLibvirt: false })).status).toBe('offline')
    expect(hostHealth(undefined).status).toBe('idle')
  })
})

describe("the header's host count", () => {
  it('counts reachable hosts (online or degraded) apart from the others', () => {
    expect(
      reachableCount([
        state('online', {}),
        state('online', { cephReachable: false }),
        state('offline'),
        state('no-key'),
      ]),
    ).toEqual({ online: 1, degraded: 1, total: 4 })
    expect(reachableCount([])).toEqual({ online: 0, degraded: 0, total: 0 })
  })
})
