/**
 * The migration's failover IP step (issue 20, item 3), as the sheet and guided maintenance read it
 * from the failover IP view: OVH moves whole blocks, so the plan lists every address of the VM's
 * block with the VMs claiming each, and the other VMs that would move too.
 */
import { describe, expect, it } from 'vitest'
import { blockMoveFor, type FailoverView } from '../../src/shared/ovh'

const vm = (uuid: string, name: string, runningOn: string[]) => ({ uuid, name, runningOn })
const WEB = vm('00000000-0000-4000-8000-000000000001', 'web', ['hv1'])
const DB = vm('00000000-0000-4000-8000-000000000002', 'db', ['hv1'])
const SOLO = vm('00000000-0000-4000-8000-000000000003', 'solo', ['hv2'])

function view(badges: FailoverView['badges'] = []): FailoverView {
  const address = (ip: string, vms: ReturnType<typeof vm>[] = []) => ({
    ip,
    vms,
    virtualMacs: [],
    firewallHosts: [],
  })
  return {
    endpoint: 'ovh-eu',
    hosts: [{ host: 'hv1', serviceName: 'ns1' }, { host: 'hv2', serviceName: 'ns2' }, { host: 'hv3' }],
    blocks: [
      {
        block: '1.2.3.8/30',
        routedTo: 'ns1',
        routedHost: 'hv1',
        addresses: [
          address('1.2.3.8'),
          address('1.2.3.9', [WEB]),
          address('1.2.3.10', [DB]),
          address('1.2.3.11'),
        ],
      },
      { block: '1.2.3.20/32', routedTo: 'ns2', routedHost: 'hv2', addresses: [address('1.2.3.20', [SOLO])] },
    ],
    badges,
    firewallUnread: [],
  }
}

describe('moving a VM’s failover block with it', () => {
  it('lists every address of the block and the other VMs that move too', () => {
    expect(blockMoveFor(view(), WEB, 'hv2')).toEqual({
      vm: 'web',
      failoverIp: '1.2.3.9',
      block: '1.2.3.8/30',
      routedTo: 'ns1',
      toServer: 'ns2',
      needed: true,
      addresses: [
        { ip: '1.2.3.8', vms: [] },
        { ip: '1.2.3.9', vms: ['web'] },
        { ip: '1.2.3.10', vms: ['db'] },
        { ip: '1.2.3.11', vms: [] },
      ],
      othersMoving: [{ name: 'db', ip: '1.2.3.10', runningOn: ['hv1'] }],
    })
  })

  it('needs nothing when the block already routes to the destination, or the VM has no failover IP', () => {
    expect(blockMoveFor(view(), SOLO, 'hv2')).toMatchObject({ needed: false, othersMoving: [] })
    expect(blockMoveFor(view(), vm('00000000-0000-4000-8000-000000000009', 'ripe', ['hv1']), 'hv2')).toEqual({
      vm: 'ripe',
      toServer: 'ns2',
      needed: false,
      addresses: [],
      othersMoving: [],
    })
  })

  it('is blocked before asking OVH when the destination has no server or the block has a duplicate MAC', () => {
    expect(blockMoveFor(view(), SOLO, 'hv3')).toMatchObject({ needed: true, blockedBy: 'unmappedHost' })
    const duplicate = view([
      { code: 'duplicateMac', ip: '1.2.3.8/30', params: { ip: '1.2.3.8/30', detail: 'x' } },
    ])
    expect(blockMoveFor(duplicate, WEB, 'hv2')).toMatchObject({ needed: true, blockedBy: 'duplicateMac' })
  })
})
