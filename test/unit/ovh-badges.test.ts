import { describe, expect, it } from 'vitest'
import {
  blockAddresses,
  blockContains,
  failoverBadges,
  parseBlock,
  type BadgeInput,
} from '../../src/shared/ovh'
import {
  badgesOf,
  FAILOVER_BADGE_LEVELS,
  FAILOVER_BADGES,
  FAILOVER_BADGE_TEXTS,
  isOvhValidationUrl,
  OVH_VALIDATION_HOSTS,
} from '../../src/shared/ovh'
import { OVH_ENDPOINTS } from '../../src/main/core/ovh/credentials'
import { fillPlaceholders } from '../../src/shared/placeholders'

/** The failover IP view's badge rules: what OVH or the hosts' firewall will break. */

const hosts = [
  { name: 'hv1', serviceName: 'ns1.ip-10-77-11.eu' },
  { name: 'hv2', serviceName: 'ns2.ip-10-77-12.eu' },
  { name: 'hv3', serviceName: 'ns3.ip-10-77-13.eu' },
]
const healthy: BadgeInput = {
  blocks: [{ block: '10.77.100.1/32', routedTo: 'ns1.ip-10-77-11.eu' }],
  hosts,
  vms: [{ name: 'labvm1', failoverIp: '10.77.100.1', runningOn: 'hv1', macs: ['02:00:00:77:01:01'] }],
  virtualMacs: [
    {
      server: 'ns1.ip-10-77-11.eu',
      macAddress: '02:00:00:77:01:01',
      type: 'ovh',
      addresses: [{ ipAddress: '10.77.100.1', virtualMachineName: 'labvm1' }],
    },
  ],
  firewall: { hv1: ['10.77.100.1'], hv2: ['10.77.100.1'], hv3: ['10.77.100.1'] },
}

describe('IPv4 blocks', () => {
  it('knows a /29 moves its eight addresses together', () => {
    expect(parseBlock('10.77.100.9/29')).toEqual({ base: parseBlock('10.77.100.8/29')!.base, prefix: 29 })
    expect(blockAddresses('10.77.100.8/29')).toEqual(
      [8, 9, 10, 11, 12, 13, 14, 15].map((n) => `10.77.100.${n}`),
    )
    expect(blockContains('10.77.100.8/29', '10.77.100.15')).toBe(true)
    expect(blockContains('10.77.100.8/29', '10.77.100.16')).toBe(false)
    expect(blockContains('10.77.100.1', '10.77.100.1')).toBe(true)
    expect(parseBlock('10.77.100.1/33')).toBeUndefined()
    expect(parseBlock('2001:db8::/64')).toBeUndefined()
  })
})

describe('failoverBadges', () => {
  it('shows nothing when routing, MAC and firewall agree', () => {
    expect(failoverBadges(healthy)).toEqual([])
  })

  it('a VM running on hv2 while its IP routes to hv1’s server', () => {
    const badges = failoverBadges({ ...healthy, vms: [{ ...healthy.vms[0]!, runningOn: 'hv2' }] })
    expect(badges).toEqual([
      {
        code: 'routedElsewhere',
        ip: '10.77.100.1',
        params: {
          ip: '10.77.100.1',
          vm: 'labvm1',
          host: 'hv2',
          server: 'ns1.ip-10-77-11.eu',
          hostServer: 'ns2.ip-10-77-12.eu',
        },
      },
    ])
  })

  it('an IP claimed by two VMs', () => {
    const badges = failoverBadges({
      ...healthy,
      vms: [...healthy.vms, { name: 'labvm3', failoverIp: '10.77.100.1', macs: ['02:00:00:77:01:01'] }],
    })
    expect(badges.map((b) => [b.code, b.params['vms']])).toEqual([['claimedTwice', 'labvm1, labvm3']])
  })

  it('a virtual MAC that does not match the VM’s NIC, and an IP with no virtual MAC', () => {
    expect(
      failoverBadges({ ...healthy, vms: [{ ...healthy.vms[0]!, macs: ['52:54:00:aa:bb:cc'] }] }),
    ).toEqual([
      {
        code: 'macMismatch',
        ip: '10.77.100.1',
        params: { ip: '10.77.100.1', vm: 'labvm1', mac: '02:00:00:77:01:01', nicMacs: '52:54:00:aa:bb:cc' },
      },
    ])
    expect(failoverBadges({ ...healthy, virtualMacs: [] }).map((b) => b.code)).toEqual(['noVirtualMac'])
  })

  it('an IP missing from some hosts’ firewall (hosts not read are not blamed)', () => {
    const badges = failoverBadges({
      ...healthy,
      firewall: { hv1: ['10.77.100.1'], hv2: [], hv3: ['10.77.100.2'] },
    })
    expect(badges).toEqual([
      { code: 'firewallMissing', ip: '10.77.100.1', params: { ip: '10.77.100.1', hosts: 'hv2, hv3' } },
    ])
    expect(failoverBadges({ ...healthy, firewall: { hv1: ['10.77.100.1'] } })).toEqual([])
  })

  it('duplicate virtual MACs that block a move: one address under two MACs, one MAC on two servers', () => {
    const twice = failoverBadges({
      ...healthy,
      virtualMacs: [
        ...healthy.virtualMacs,
        {
          server: 'ns2.ip-10-77-12.eu',
          macAddress: '02:00:00:77:01:01',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.1', virtualMachineName: 'old' }],
        },
      ],
    })
    // the parameters are data only (no English inside them): the sentence is the catalog's
    expect(twice.filter((b) => b.code === 'duplicateMac').map((b) => b.params)).toEqual([
      {
        ip: '10.77.100.1/32',
        addresses: '10.77.100.1',
        macs: '02:00:00:77:01:01@ns1.ip-10-77-11.eu, 02:00:00:77:01:01@ns2.ip-10-77-12.eu',
      },
    ])
    // one MAC on two servers for two addresses of a /30
    const spread = failoverBadges({
      ...healthy,
      blocks: [{ block: '10.77.100.0/30', routedTo: 'ns1.ip-10-77-11.eu' }],
      virtualMacs: [
        ...healthy.virtualMacs,
        {
          server: 'ns2.ip-10-77-12.eu',
          macAddress: '02:00:00:77:01:01',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.2', virtualMachineName: 'old' }],
        },
      ],
    })
    expect(spread.filter((b) => b.code === 'duplicateMac').map((b) => b.params)).toEqual([
      {
        ip: '10.77.100.0/30',
        addresses: '10.77.100.1, 10.77.100.2',
        macs: '02:00:00:77:01:01@ns1.ip-10-77-11.eu, 02:00:00:77:01:01@ns2.ip-10-77-12.eu',
      },
    ])
  })

  it('a block routed to a server no host maps to', () => {
    expect(
      failoverBadges({ ...healthy, blocks: [{ block: '10.77.100.1/32', routedTo: 'ns9.example' }] }).map(
        (b) => b.code,
      ),
    ).toEqual(expect.arrayContaining(['unmappedServer', 'routedElsewhere']))
  })

  it('every badge has an English sentence whose placeholders its params fill', () => {
    const scenarios = failoverBadges({
      blocks: [
        { block: '10.77.100.0/30', routedTo: 'ns9.example' },
        { block: '10.77.100.4/30', routedTo: 'ns1.ip-10-77-11.eu' },
      ],
      hosts,
      vms: [
        { name: 'a', failoverIp: '10.77.100.1', runningOn: 'hv2', macs: [] },
        { name: 'b', failoverIp: '10.77.100.1', macs: [] },
        { name: 'c', failoverIp: '10.77.100.5', runningOn: 'hv1', macs: ['52:54:00:00:00:01'] },
      ],
      virtualMacs: [
        {
          server: 'ns1.ip-10-77-11.eu',
          macAddress: '02:00:00:00:00:05',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.5', virtualMachineName: 'c' }],
        },
        {
          server: 'ns2.ip-10-77-12.eu',
          macAddress: '02:00:00:00:00:05',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.6', virtualMachineName: 'x' }],
        },
      ],
      firewall: { hv1: [] },
    })
    expect(new Set(scenarios.map((b) => b.code))).toEqual(new Set(FAILOVER_BADGES))
    for (const badge of scenarios) {
      const sentence = fillPlaceholders(
        FAILOVER_BADGE_TEXTS[badge.code],
        badge.params,
        (name) => `<${name} missing>`,
      )
      expect(sentence).not.toMatch(/missing>/)
    }
    expect(
      fillPlaceholders(
        FAILOVER_BADGE_TEXTS.routedElsewhere,
        scenarios.find((b) => b.code === 'routedElsewhere')!.params,
      ),
    ).toBe(
      'a runs on hv2 but 10.77.100.1 routes to ns9.example: move the block to ns2.ip-10-77-12.eu or OVH drops its traffic.',
    )
  })
})

describe('the view’s helpers', () => {
  it('says a missing virtual MAC once per address, however many VMs claim it', () => {
    const badges = failoverBadges({
      ...healthy,
      vms: [...healthy.vms, { name: 'labvm3', failoverIp: '10.77.100.1', macs: [] }],
      virtualMacs: [],
    })
    expect(badges.map((b) => b.code).sort()).toEqual(['claimedTwice', 'noVirtualMac'])
  })

  it('orders an address’s badges worst first, and every badge has a level', () => {
    expect(Object.keys(FAILOVER_BADGE_LEVELS).sort()).toEqual([...FAILOVER_BADGES].sort())
    const badges = failoverBadges({
      ...healthy,
      vms: [{ ...healthy.vms[0]!, runningOn: 'hv2' }],
      firewall: { hv1: ['10.77.100.1'], hv3: [] },
    })
    expect(badgesOf({ badges: [...badges].reverse() }, '10.77.100.1').map((b) => b.code)).toEqual([
      'routedElsewhere',
      'firewallMissing',
    ])
  })

  it('lets the desktop shell open only OVH’s consumer key validation page', () => {
    expect(isOvhValidationUrl('https://eu.api.ovh.com/auth/?credentialToken=Zx8w4tGvP2hQkL9s')).toBe(true)
    expect(isOvhValidationUrl('https://www.ovh.com/auth/sso/api?credentialToken=abc')).toBe(true)
    for (const url of [
      'http://eu.api.ovh.com/auth/?credentialToken=abc',
      'https://eu.api.ovh.com.evil.example/auth/?credentialToken=abc',
      'https://user:pw@eu.api.ovh.com/auth/?credentialToken=abc',
      'https://eu.api.ovh.com:8443/auth/?credentialToken=abc',
      'https://eu.api.ovh.com/auth/',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(isOvhValidationUrl(url), url).toBe(false)
  })

  it('knows the host of every endpoint the credentials accept', () => {
    for (const url of Object.values(OVH_ENDPOINTS))
      expect(OVH_VALIDATION_HOSTS, url).toContain(new URL(url).hostname)
  })
})
