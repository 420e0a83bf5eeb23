/**
 * The Ceph panel's parsers on JSON as Ceph 16 prints it (taken from the lab, with an OSD down and
 * noout set per host), an older layout (health summary as a string, no flags_set), the privileged
 * command lines, and the cluster file's privilege fields.
 */
import { describe, expect, it } from 'vitest'
import {
  allPgsClean,
  parseHealthDetail,
  parseOsdFlags,
  parseOsdTree,
  parsePgs,
  parseQuorum,
} from '../../src/main/core/ceph/health'
import { permissionHelp, privilegedArgv, privilegeOf } from '../../src/main/core/ceph/privileged'
import { nooutCommand } from '../../src/main/core/ceph/cluster-commands'
import { parseClusterConfig } from '../../src/shared/config'

const tree = {
  nodes: [
    { id: -2, name: 'sata', type: 'root', children: [-6, -5] },
    { id: -5, name: 'ceph-a-sata', type: 'host', children: [2] },
    { id: 2, name: 'osd.2', type: 'osd', crush_weight: 1, status: 'down', reweight: 1 },
    { id: -6, name: 'ceph-b-sata', type: 'host', children: [3] },
    { id: 3, name: 'osd.3', type: 'osd', crush_weight: 1, status: 'up', reweight: 0, device_class: 'hdd' },
    { id: -1, name: 'ssd', type: 'root', children: [-3] },
    { id: -3, name: 'ceph-a-ssd', type: 'host', children: [0] },
    { id: 0, name: 'osd.0', type: 'osd', crush_weight: 1, status: 'up', reweight: 1, device_class: 'ssd' },
  ],
  stray: [],
}

describe('Ceph parsers', () => {
  it('reads health checks with their detail and a plain-words explanation', () => {
    const health = parseHealthDetail({
      status: 'HEALTH_WARN',
      checks: {
        OSD_DOWN: {
          severity: 'HEALTH_WARN',
          summary: { message: '1 osds down', count: 1 },
          detail: [{ message: 'osd.2 (root=sata,host=ceph-a-sata) is down' }],
        },
        SOMETHING_NEW: { severity: 'HEALTH_ERR', summary: { message: 'a new check' }, detail: [] },
      },
    })
    expect(health.status).toBe('HEALTH_WARN')
    expect(health.checks[0]).toMatchObject({
      code: 'OSD_DOWN',
      severity: 'HEALTH_WARN',
      summary: '1 osds down',
      detail: ['osd.2 (root=sata,host=ceph-a-sata) is down'],
    })
    expect(health.checks[0]!.explanation).toMatch(/degraded/)
    // Unknown checks keep Ceph's own words rather than an invented explanation.
    expect(health.checks[1]!.explanation).toBe('a new check')
    // Older layouts (Luminous's compat fields, Jewel's refusal): test/unit/ceph-formats.test.ts.
  })

  it('puts each OSD under its CRUSH host and root, up/in and device class', () => {
    expect(parseOsdTree(tree)).toEqual([
      {
        id: 0,
        name: 'osd.0',
        host: 'ceph-a-ssd',
        root: 'ssd',
        deviceClass: 'ssd',
        up: true,
        in: true,
        crushWeight: 1,
        reweight: 1,
      },
      {
        id: 2,
        name: 'osd.2',
        host: 'ceph-a-sata',
        root: 'sata',
        up: false,
        in: true,
        crushWeight: 1,
        reweight: 1,
      },
      {
        id: 3,
        name: 'osd.3',
        host: 'ceph-b-sata',
        root: 'sata',
        deviceClass: 'hdd',
        up: true,
        in: false,
        crushWeight: 1,
        reweight: 0,
      },
    ])
  })

  it('keeps only the flags an admin sets, and per-node flags', () => {
    expect(
      parseOsdFlags({
        flags: 'noout,sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit',
        flags_set: ['noout', 'pglog_hardlimit', 'purged_snapdirs', 'recovery_deletes', 'sortbitwise'],
        crush_node_flags: { 'ceph-a-ssd': ['noout'], 'ceph-b-ssd': [] },
      }),
    ).toEqual({ flags: ['noout'], groupFlags: [{ node: 'ceph-a-ssd', flags: ['noout'] }] })
    // Luminous: no flags_set, no crush_node_flags.
    expect(parseOsdFlags({ flags: 'noout,sortbitwise' })).toEqual({ flags: ['noout'], groupFlags: [] })
  })

  it('reads monitors with quorum and leader, pools, PG states', () => {
    expect(
      parseQuorum({
        quorum_names: ['a', 'c'],
        quorum_leader_name: 'a',
        monmap: {
          mons: [
            { name: 'a', rank: 0, public_addr: '10.0.0.1:6789/0' },
            { name: 'b', rank: 1, addr: '10.0.0.2:6789/0' },
            { name: 'c', rank: 2, public_addr: '10.0.0.3:6789/0' },
          ],
        },
      }),
    ).toEqual([
      { name: 'a', rank: 0, address: '10.0.0.1:6789', inQuorum: true, leader: true },
      { name: 'b', rank: 1, address: '10.0.0.2:6789', inQuorum: false, leader: false },
      { name: 'c', rank: 2, address: '10.0.0.3:6789', inQuorum: true, leader: false },
    ])
    // pgmap and osdmap as Ceph 16 prints them in `ceph status` (the rest of it is not read).
    const osdmap = { epoch: 36, num_osds: 4, num_up_osds: 4, num_in_osds: 4 }
    const clean = parsePgs({
      fsid: 'cdf77098-b29d-4259-95d4-cae4515e6049',
      osdmap,
      pgmap: { num_pgs: 17, pgs_by_state: [{ state_name: 'active+clean', count: 17 }] },
    })
    expect(allPgsClean(clean)).toBe(true)
    const degraded = parsePgs({
      fsid: 'cdf77098-b29d-4259-95d4-cae4515e6049',
      osdmap,
      pgmap: {
        num_pgs: 17,
        pgs_by_state: [
          { state_name: 'active+clean', count: 9 },
          { state_name: 'active+undersized+degraded', count: 8 },
        ],
      },
    })
    expect(allPgsClean(degraded)).toBe(false)
    expect(allPgsClean({ total: 0, byState: [] })).toBe(false)
  })
})

describe('privileged Ceph commands', () => {
  const base = { clientId: 'libvirt', monitorTimeoutSeconds: 10, user: 'etalab' }

  it('runs as the privileged client, through sudo, or (not configured) as the plain client', () => {
    expect(
      privilegedArgv({ ...base, privilegedClientId: 'hyperdesk-maint' }, ['osd', 'set', 'noout']),
    ).toEqual(['ceph', '--id', 'hyperdesk-maint', '--connect-timeout', '10', 'osd', 'set', 'noout'])
    expect(privilegedArgv({ ...base, privilegedSudo: true }, ['osd', 'set', 'noout'])).toEqual([
      'sudo',
      '-n',
      '/usr/bin/ceph',
      '--connect-timeout',
      '10',
      'osd',
      'set',
      'noout',
    ])
    expect(privilegedArgv(base, ['osd', 'set', 'noout'])[2]).toBe('libvirt')
    expect(privilegeOf(base)).toEqual({ mode: 'none', client: 'client.libvirt' })
    expect(privilegeOf({ ...base, privilegedSudo: true }).mode).toBe('sudo')
  })

  it('explains the exact caps, the sudoers rule matching the argv, and the config field', () => {
    const help = permissionHelp(base)
    expect(help.caps).toContain(`mon 'allow r, allow command "osd set" with key=noout`)
    expect(help.caps).toContain(`mgr 'allow command "osd ok-to-stop"'`)
    expect(help.createClient).toMatch(/^ceph auth get-or-create client\.hyperdesk-maint /)
    // The sudoers command is exactly what privilegedArgv runs after `sudo -n`.
    const argv = privilegedArgv({ ...base, privilegedSudo: true }, ['osd', 'set', 'noout'])
      .slice(2)
      .join(' ')
    expect(help.sudoRule).toContain(`etalab ALL=(root) NOPASSWD: ${argv},`)
    expect(help.config).toContain('"privilegedClientId": "hyperdesk-maint"')
  })

  it('sets noout cluster-wide or on one CRUSH node', () => {
    expect(nooutCommand(true, {})).toEqual(['osd', 'set', 'noout'])
    expect(nooutCommand(false, { node: 'ns235513' })).toEqual(['osd', 'unset-group', 'noout', 'ns235513'])
  })

  it('refuses a cluster file naming both a privileged client and sudo; checks the reboot command', () => {
    const cluster = { version: 1, hosts: [{ name: 'hv1', address: '10.0.0.1' }] }
    const both = parseClusterConfig({
      ...cluster,
      ceph: { privilegedClientId: 'maint', privilegedSudo: true },
    })
    expect(both.ok).toBe(false)
    if (!both.ok)
      expect(both.problems[0]).toMatchObject({ field: 'ceph', message: expect.stringMatching(/exclude/) })
    const empty = parseClusterConfig({ ...cluster, maintenance: { rebootCommand: [] } })
    expect(empty.ok).toBe(false)
    if (!empty.ok) expect(empty.problems[0]!.field).toBe('maintenance.rebootCommand')
    const good = parseClusterConfig({
      ...cluster,
      ceph: { privilegedSudo: true },
      maintenance: { rebootCommand: ['sudo', '-n', '/sbin/reboot'] },
    })
    expect(good.ok).toBe(true)
  })
})
