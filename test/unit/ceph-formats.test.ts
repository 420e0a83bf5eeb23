/**
 * Ceph's JSON as each supported release prints it (fixtures and their sources:
 * test/unit/fixtures/ceph/SOURCES.md), read by the release-family parsers; output of no known shape
 * is an error naming the command, the host and the Ceph version, never a guess.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { blocklistWord, parseBlocklist } from '../../src/main/core/ceph/formats/blocklist'
import { readCephDf } from '../../src/main/core/ceph/formats/ceph-df'
import { readCephHealth } from '../../src/main/core/ceph/formats/ceph-health'
import { readOsdDumpFlags, readOsdTree } from '../../src/main/core/ceph/formats/ceph-osd'
import { readQuorum, readStatusPgs } from '../../src/main/core/ceph/formats/ceph-status'
import { CephShapeError, jsonValue } from '../../src/main/core/ceph/formats/json'
import { parseRbdDu, parseRbdInfo, parseRbdLsLong } from '../../src/main/core/ceph/formats/rbd-image'
import { parseRbdLocks } from '../../src/main/core/ceph/formats/rbd-locks'
import { parseRbdSnapList, parseSnapshotProtection } from '../../src/main/core/ceph/formats/rbd-snapshots'
import { parseRbdStatus } from '../../src/main/core/ceph/formats/rbd-status'
import { Rbd, RbdReader } from '../../src/main/core/ceph/rbd'
import type { RemoteResult, RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'
import { ApiError } from '../../src/shared/errors'
import { parseDf, parseHealthDetail, parseOsdFlags, parsePgs } from '../../src/main/core/ceph/health'

const dir = path.join(__dirname, 'fixtures', 'ceph')
const fixture = (release: string, name: string) => fs.readFileSync(path.join(dir, release, name), 'utf8')
const json = (release: string, name: string) => jsonValue(fixture(release, name), name)

describe('rbd status: watchers of every release', () => {
  it('reads the Luminous object form, every repeated "watcher" key included', () => {
    const one = parseRbdStatus(fixture('luminous', 'rbd-status-one.json'), 'rbd status p/i')
    expect(one).toEqual({
      family: 'luminous-mimic',
      watchers: [{ address: '192.168.3.2:0/654154289', client: 8937, cookie: 2 }],
    })
    const two = parseRbdStatus(fixture('luminous', 'rbd-status-two.json'), 'rbd status p/i')
    // JSON.parse would keep only the second one: a start guard must see both QEMUs.
    expect(JSON.parse(fixture('luminous', 'rbd-status-two.json')).watchers).toEqual({
      watcher: expect.objectContaining({ client: 4135 }),
    })
    expect(two.watchers.map((watcher) => watcher.client)).toEqual([4133, 4135])
    expect(parseRbdStatus(fixture('luminous', 'rbd-status-none.json'), 'rbd status p/i').watchers).toEqual([])
  })

  it('reads the Nautilus-and-later array form (Pacific, captured)', () => {
    expect(parseRbdStatus(fixture('pacific', 'rbd-status-running.json'), 'rbd status p/i')).toEqual({
      family: 'nautilus-tentacle',
      watchers: [{ address: '10.77.0.1:0/4183032465', client: 4133, cookie: 139678644703120 }],
    })
  })

  it('refuses shapes no release prints', () => {
    for (const text of [
      '{"watchers":{"client":{"address":"x","client":1}}}',
      '{"watchers":[{"addr":"x"}]}',
      '{}',
      '',
      'rbd: error opening image',
      '{"watchers":[]}{"watchers":[]}',
    ])
      expect(() => parseRbdStatus(text, 'rbd status p/i'), text).toThrow(CephShapeError)
  })
})

describe('rbd snap ls: protection in every release', () => {
  it('Luminous and Mimic do not say: protection is left to rbd info of the snapshot', () => {
    const luminous = parseRbdSnapList(fixture('luminous', 'rbd-snap-ls.json'), 'rbd snap ls p/i')
    expect(luminous.family).toBe('luminous')
    expect(luminous.snapshots).toEqual([
      { name: 'snap', sizeBytes: 536870912, protected: undefined },
      { name: 'snap2', sizeBytes: 1073741824, protected: undefined },
    ])
    const mimic = parseRbdSnapList(fixture('mimic', 'rbd-snap-ls.json'), 'rbd snap ls p/i')
    expect(mimic.family).toBe('mimic')
    expect(mimic.snapshots[0]).toEqual({
      name: 'snap',
      sizeBytes: 536870912,
      protected: undefined,
      createdAt: 'Thu Jan 11 10:12:41 2018',
    })
    expect(parseSnapshotProtection(fixture('luminous', 'rbd-info-snap-protected.json'), 'rbd info')).toBe(
      true,
    )
    expect(parseSnapshotProtection(fixture('luminous', 'rbd-info-snap-unprotected.json'), 'rbd info')).toBe(
      false,
    )
    expect(parseSnapshotProtection(fixture('pacific', 'rbd-info-snap.json'), 'rbd info')).toBe(true)
  })

  it('Nautilus and later say it in the listing', () => {
    for (const release of ['pacific', 'reef']) {
      const { family, snapshots } = parseRbdSnapList(fixture(release, 'rbd-snap-ls.json'), 'rbd snap ls p/i')
      expect(family).toBe('nautilus-tentacle')
      expect(snapshots.map((snapshot) => snapshot.protected)).toEqual([true, false])
    }
  })

  it('an image (not a snapshot) in rbd info has no protection to read', () => {
    expect(() => parseSnapshotProtection(fixture('pacific', 'rbd-info.json'), 'rbd info')).toThrow(
      CephShapeError,
    )
  })
})

describe('rbd info, ls -l, du, lock ls', () => {
  it('reads info in every release, format 1 images without features', () => {
    expect(parseRbdInfo(fixture('luminous', 'rbd-info-format1.json'), 'rbd info')).toEqual({
      sizeBytes: 1073741824,
      features: [],
    })
    expect(parseRbdInfo(fixture('mimic', 'rbd-info.json'), 'rbd info')).toMatchObject({
      features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'],
      createdAt: 'Thu Jan 11 10:12:40 2018',
    })
    expect(parseRbdInfo(fixture('pacific', 'rbd-info.json'), 'rbd info').sizeBytes).toBe(25165824)
  })

  it('reads ls -l rows with snapshot protection (Luminous and Pacific)', () => {
    const luminous = parseRbdLsLong(fixture('luminous', 'rbd-ls-l.json'), 'rbd ls -l')
    expect(luminous.filter((row) => row.snapshot)).toEqual([
      { image: 'foo', snapshot: 'snap', sizeBytes: 1073741824, protected: false },
      { image: 'bar', snapshot: 'snap', sizeBytes: 536870912, protected: true },
      { image: 'bar', snapshot: 'snap2', sizeBytes: 1073741824, protected: false },
    ])
    const pacific = parseRbdLsLong(fixture('pacific', 'rbd-ls-l.json'), 'rbd ls -l')
    expect(pacific.find((row) => row.snapshot === 's1')?.protected).toBe(true)
  })

  it("reads du's own line, not a snapshot's", () => {
    expect(parseRbdDu(fixture('luminous', 'rbd-du.json'), 'rbd du', 'child')).toBe(4194304)
    expect(parseRbdDu(fixture('pacific', 'rbd-du.json'), 'rbd du', 'hd-formats-fixture')).toBe(0)
    expect(parseRbdDu(fixture('pacific', 'rbd-du.json'), 'rbd du', 'other')).toBeUndefined()
  })

  it('reads lock ls as an object keyed by id (Luminous) and as a list (Mimic on)', () => {
    expect(parseRbdLocks(fixture('luminous', 'rbd-lock-ls.json'), 'rbd lock ls').locks).toEqual([
      { id: 'id1', locker: 'client.4123', address: '192.168.0.10:0/1234567' },
      { id: 'id2', locker: 'client.4124', address: '192.168.0.11:0/7654321' },
      { id: 'id3', locker: 'client.4125', address: '192.168.0.12:0/1111111' },
    ])
    expect(parseRbdLocks(fixture('luminous', 'rbd-lock-ls-none.json'), 'rbd lock ls').locks).toEqual([])
    for (const release of ['mimic', 'reef'])
      expect(parseRbdLocks(fixture(release, 'rbd-lock-ls.json'), 'rbd lock ls')).toEqual({
        family: 'mimic-tentacle',
        locks: [{ id: 'id', locker: 'client.4123', address: '192.168.0.10:0/1234567' }],
      })
    expect(parseRbdLocks(fixture('pacific', 'rbd-lock-ls.json'), 'rbd lock ls').locks[0]?.id).toBe(
      'hyperdesk-fixture',
    )
    expect(() => parseRbdLocks('{"id1":{"owner":"x"}}', 'rbd lock ls')).toThrow(CephShapeError)
  })
})

describe('ceph osd blocklist / blacklist ls', () => {
  it('names the command as the release spells it', () => {
    expect(blocklistWord(12)).toBe('blacklist')
    expect(blocklistWord(15)).toBe('blacklist')
    expect(blocklistWord(16)).toBe('blocklist')
    expect(blocklistWord(20)).toBe('blocklist')
  })

  it("reads Pacific's list followed by a second, empty one", () => {
    expect(fixture('pacific', 'ceph-blocklist-one.json')).toMatch(/\]\[\]$/)
    for (const name of ['ceph-blocklist-one.json', 'ceph-blacklist-one.json'])
      expect(parseBlocklist(fixture('pacific', name), 'ceph osd blocklist ls')).toEqual([
        { address: '10.77.0.250:0/12345', until: '2026-12-03T09:18:33.136582+0000' },
      ])
    expect(parseBlocklist(fixture('pacific', 'ceph-blocklist.json'), 'ceph osd blocklist ls')).toEqual([])
    expect(() => parseBlocklist('{"blocklist":[]}', 'ceph osd blocklist ls')).toThrow(CephShapeError)
  })

  it('skips range entries (second array) and reads older releases’ single array', () => {
    // Range entries: shape of ceph/ceph src/mon/OSDMonitor.cc (Quincy, `osd blocklist ls`: range, until); values made up.
    expect(
      parseBlocklist(
        '[][{"range":"10.77.0.0/24","until":"2026-12-10T00:00:00.000000+0000"}]',
        'ceph osd blocklist ls',
      ),
    ).toEqual([])
    // Luminous `osd blacklist ls` (same source file): utime_t printed as "YYYY-MM-DD HH:MM:SS.uuuuuu"; values made up.
    expect(
      parseBlocklist(
        '[{"addr":"192.168.0.2:0/3451651720","until":"2019-10-04 14:09:16.389431"}]',
        'ceph osd blacklist ls',
      ),
    ).toEqual([{ address: '192.168.0.2:0/3451651720', until: '2019-10-04 14:09:16.389431' }])
    expect(() => parseBlocklist('Error EINVAL: oops', 'ceph osd blocklist ls')).toThrow(CephShapeError)
  })
})

describe('ceph health, status, df, osd dump across releases', () => {
  it('reads Luminous health (with its compat fields) and Pacific health', () => {
    const luminous = readCephHealth(json('luminous', 'ceph-health-detail.json'))
    expect(luminous.family).toBe('luminous-mimic')
    expect(luminous.health.checks.map((check) => check.code)).toEqual(['POOL_APP_NOT_ENABLED', 'MON_DOWN'])
    expect(luminous.health.checks[1]?.detail).toEqual([
      'mon.ceph3 (rank 0) addr 10.72.37.76:6789/0 is down (out of quorum)',
    ])
    const pacific = readCephHealth(json('pacific', 'ceph-health-detail-noout.json'))
    expect(pacific.family).toBe('nautilus-tentacle')
    expect(pacific.health).toEqual({
      status: 'HEALTH_WARN',
      checks: [
        {
          code: 'OSD_FLAGS',
          severity: 'HEALTH_WARN',
          summary: '1 OSDs or CRUSH {nodes, device-classes} have {NOUP,NODOWN,NOIN,NOOUT} flags set',
          detail: ['host ceph-a-ssd has flags noout'],
        },
      ],
    })
    // The health inside `ceph status` has the same shape.
    const status = json('luminous', 'ceph-status.json') as { health: unknown }
    expect(readCephHealth(status.health).health.checks).toHaveLength(3)
    // Jewel's layout (no checks, no status) is outside the supported range.
    expect(() =>
      parseHealthDetail({ overall_status: 'HEALTH_WARN', summary: [], detail: [], health: {} }),
    ).toThrow(CephShapeError)
  })

  it('reads df in percent (Luminous) and as a ratio (Pacific), always giving a ratio', () => {
    const luminous = readCephDf(json('luminous', 'ceph-df-detail.json'))
    expect(luminous.family).toBe('luminous-mimic')
    expect(luminous.df).toEqual({
      totalBytes: 494462976000,
      usedBytes: 238116864,
      pools: [
        { name: 'rbd', id: 1, storedBytes: 859, objects: 14, percentUsed: 0, maxAvailBytes: 469501706240 },
      ],
    })
    const pacific = parseDf(json('pacific', 'ceph-df.json'))
    expect(pacific.usedBytes).toBe(58146728)
    expect(pacific.pools[0]).toEqual({
      name: 'libvirt-ssd',
      id: 1,
      storedBytes: 19251323,
      objects: 14,
      percentUsed: 0.009527246467769146,
      maxAvailBytes: 1000704192,
    })
    // Luminous's percent scale read as Nautilus's ratio would be 100× too big: the families never mix.
    const mixed = {
      stats: { total_bytes: 1, total_used_bytes: 1 },
      pools: [
        {
          name: 'x',
          id: 1,
          stats: { stored: 1, kb_used: 1, bytes_used: 1, percent_used: 5, max_avail: 1, objects: 1 },
        },
      ],
    }
    expect(() => readCephDf(mixed)).toThrow(CephShapeError)
  })

  it('reads PGs and OSD counts from ceph status (osdmap nested up to Nautilus, flat after)', () => {
    expect(readStatusPgs(json('luminous', 'ceph-status.json'))).toEqual({
      fsid: '282d4751-4f33-4186-b983-b51cc21a5a8e',
      total: 102,
      byState: [
        { state: 'active+clean', count: 100 },
        { state: 'undersized+peered', count: 2 },
      ],
      osds: { total: 1, up: 1 },
    })
    expect(parsePgs(json('pacific', 'ceph-status.json'))).toEqual({
      total: 17,
      byState: [{ state: 'active+clean', count: 17 }],
    })
    expect(readStatusPgs(json('pacific', 'ceph-status.json')).osds).toEqual({ total: 4, up: 4 })
  })

  it('reads monitors (Luminous addr and Pacific address vectors)', () => {
    const luminousMons = json('luminous', 'ceph-status.json') as { quorum_names: string[]; monmap: unknown }
    expect(readQuorum({ quorum_names: luminousMons.quorum_names, monmap: luminousMons.monmap })).toEqual([
      { name: 'openSDS-arpita', rank: 0, address: '192.168.1.47:6789', inQuorum: true, leader: false },
    ])
    expect(readQuorum(json('pacific', 'ceph-quorum.json'))).toEqual([
      { name: 'a', rank: 0, address: '10.77.0.254:6789', inQuorum: true, leader: true },
    ])
  })

  it('reads flags: Pacific with per-host flags; Luminous from the flags string', () => {
    expect(parseOsdFlags(json('pacific', 'ceph-osd-dump-noout.json'))).toEqual({
      flags: [],
      groupFlags: [{ node: 'ceph-a-ssd', flags: ['noout'] }],
    })
    expect(readOsdDumpFlags({ flags: 'noout,sortbitwise,recovery_deletes' })).toEqual({
      family: 'luminous-mimic',
      flags: { flags: ['noout', 'sortbitwise', 'recovery_deletes'], groupFlags: [] },
    })
    expect(
      readOsdTree(json('pacific', 'ceph-osd-tree.json')).filter((node) => node.type === 'osd'),
    ).toHaveLength(4)
  })
})

/** A runner that answers rbd/ceph argv by their first words, and records what ran. */
function scriptedRunner(answers: Record<string, string>, version: string) {
  const ran: string[] = []
  const answer = (argv: readonly string[]): RemoteResult => {
    const line = argv.join(' ')
    ran.push(line)
    if (line.endsWith('--version') || line === 'version')
      return { stdout: version, stderr: '', exitCode: 0 } as RemoteResult
    const key = Object.keys(answers).find((prefix) => line.startsWith(prefix))
    if (key === undefined) throw new Error(`unexpected command ${line}`)
    return { stdout: answers[key] ?? '', stderr: '', exitCode: 0 } as RemoteResult
  }
  const runner = {
    rbd: async (_host: string, args: readonly string[], _options?: RunOptions) => answer(args),
    ceph: async (_host: string, args: readonly string[], _options?: RunOptions) => answer(args),
    run: async (_host: string, argv: readonly string[], _options?: RunOptions) => answer(argv),
  }
  return { runner: runner as unknown as RemoteRunner, ran }
}

describe('the rbd calls on a host of each release', () => {
  const luminousVersion =
    'ceph version 12.2.13 (584a20eb0237c657dc0567da126be145106aa47e) luminous (stable)\n'

  it('a Luminous host: both watchers, so the start guard sees them', async () => {
    const { runner } = scriptedRunner(
      { 'status libvirt-ssd/vm1': fixture('luminous', 'rbd-status-two.json') },
      luminousVersion,
    )
    const watchers = await new Rbd(runner).watchers('hv1', { pool: 'libvirt-ssd', image: 'vm1' })
    expect(watchers).toEqual([
      { address: '10.77.0.1:0/4183032465', client: 4133 },
      { address: '10.77.0.2:0/2582060319', client: 4135 },
    ])
  })

  it('a Luminous host: protection read per snapshot with rbd info IMAGE@SNAP', async () => {
    const { runner, ran } = scriptedRunner(
      {
        'snap ls libvirt-ssd/bar': fixture('luminous', 'rbd-snap-ls.json'),
        'info libvirt-ssd/bar@snap2': fixture('luminous', 'rbd-info-snap-unprotected.json'),
        'info libvirt-ssd/bar@snap': fixture('luminous', 'rbd-info-snap-protected.json'),
      },
      luminousVersion,
    )
    const snapshots = await new RbdReader(runner).snapshots('hv1', { pool: 'libvirt-ssd', image: 'bar' })
    expect(snapshots.map((snapshot) => [snapshot.name, snapshot.protected])).toEqual([
      ['snap', true],
      ['snap2', false],
    ])
    expect(ran).toContain('info libvirt-ssd/bar@snap --format json')
  })

  it('a Pacific host: no extra call, the listing says it', async () => {
    const { runner, ran } = scriptedRunner(
      { 'snap ls libvirt-ssd/x': fixture('pacific', 'rbd-snap-ls.json') },
      'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)\n',
    )
    const snapshots = await new RbdReader(runner).snapshots('hv1', { pool: 'libvirt-ssd', image: 'x' })
    expect(snapshots.map((snapshot) => snapshot.protected)).toEqual([true, false])
    expect(ran).toEqual(['snap ls libvirt-ssd/x --format json'])
  })

  it('an unknown shape: an error with the command, the host and the Ceph version', async () => {
    const { runner } = scriptedRunner(
      { 'status libvirt-ssd/vm1': '{"watchers":"none"}' },
      'ceph version 21.0.0-1 (0123abcd) umbrella (dev)\n',
    )
    const error = await new Rbd(runner).watchers('hv2', { pool: 'libvirt-ssd', image: 'vm1' }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'ceph.unknown-output',
      host: 'hv2',
      step: 'rbd status libvirt-ssd/vm1',
      details: {
        text: 'cephUnknownOutput',
        params: {
          command: 'rbd status libvirt-ssd/vm1',
          host: 'hv2',
          version: 'Ceph 21.0.0-1 umbrella (rbd client)',
        },
      },
    })
    expect(error.message).toContain('`rbd status libvirt-ssd/vm1` on hv2')
    expect(error.message).toContain('Ceph 21.0.0-1 umbrella')
  })
})
