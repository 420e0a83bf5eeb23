import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationFollowUps } from '../../src/main/core/migration/follow-ups'
import { englishText, msg } from '../../src/shared/messages'
import { FollowUpsSchema } from '../../src/shared/migration'
import { relevantLogLines } from '../../src/main/core/migration/migrate'
import { uriHost } from '../../src/main/core/migration/precheck'
import { jobActive, parseDomjobinfo, parseSize, progressDetail } from '../../src/main/core/migration/progress'

// libvirt 9.0's `LC_ALL=C virsh domjobinfo` during a p2p live migration (lab, labvm1 hv1 → hv2).
const RUNNING = `Job type:         Unbounded
Operation:        Outgoing migration
Time elapsed:     1525         ms
Data processed:   41.257 MiB
Data remaining:   90.512 MiB
Data total:       136.883 MiB
Memory processed: 41.257 MiB
Memory remaining: 90.512 MiB
Memory total:     136.883 MiB
Memory bandwidth: 27.502 MiB/s
Dirty rate:       0            pages/s
Page size:        4096         bytes
Iteration:        1
Postcopy requests: 0
Constant pages:   1300
Normal pages:     10523
Normal data:      41.105 MiB
Expected downtime: 300          ms
Setup time:       12           ms
`
const COMPLETED = `Job type:         Completed
Operation:        Incoming migration
Time elapsed:     5311         ms
Data processed:   137.004 MiB
Data remaining:   0.000 B
Data total:       136.883 MiB
Total downtime:   61           ms
`

describe('domjobinfo', () => {
  it('reads a running migration', () => {
    const info = parseDomjobinfo(RUNNING)
    expect(jobActive(info)).toBe(true)
    expect(info.elapsedMs).toBe(1525)
    expect(info.dataProcessedBytes).toBe(Math.round(41.257 * 1024 ** 2))
    expect(info.memoryBandwidthBytesPerSecond).toBe(Math.round(27.502 * 1024 ** 2))
    const { detail, fraction } = progressDetail(info)
    expect(detail.dataRemainingBytes).toBe(Math.round(90.512 * 1024 ** 2))
    expect(fraction).toBeCloseTo(1 - 90.512 / 136.883, 3)
  })
  it('reads a completed job and no job', () => {
    const done = parseDomjobinfo(COMPLETED)
    expect(jobActive(done)).toBe(false)
    expect(done.downtimeMs).toBe(61)
    expect(done.dataRemainingBytes).toBe(0)
    expect(jobActive(parseDomjobinfo('Job type:         None        \n'))).toBe(false)
  })
  it('sizes', () => {
    expect(parseSize('1.5 KiB')).toBe(1536)
    expect(parseSize('2 GiB')).toBe(2 * 1024 ** 3)
    expect(parseSize('3.000 MiB/s')).toBe(3 * 1024 ** 2)
    expect(parseSize('lots')).toBeUndefined()
  })
})

describe('follow-ups', () => {
  // The lab guest's /etc/network/interfaces (test/lab/guest/rcS), the runbook's failover block.
  const guestFile = (ip: string, gw: string) =>
    [
      'auto lo',
      'iface lo inet loopback',
      '',
      ...migrationFollowUps({ failoverIp: ip, newGateway: gw }).interfacesLines,
      '',
    ].join('\n')

  it('gives the runbook block for the destination and a sed that turns the source block into it', () => {
    const followUps = migrationFollowUps({
      failoverIp: '10.77.100.1',
      oldGateway: '10.77.11.254',
      newGateway: '10.77.12.254',
    })
    expect(followUps.failoverIp).toBe('10.77.100.1')
    expect(followUps.gateway).toEqual({ old: '10.77.11.254', new: '10.77.12.254' })
    expect(followUps.interfacesLines).toContain('        post-up route add default gw 10.77.12.254 dev eth0')
    expect(followUps.commands[0]).toBe('ifdown eth0')
    expect(followUps.commands[2]).toBe('ifup eth0')
    // Run the sed on a copy of the source's file: it must become exactly the destination's.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-followups-'))
    const file = path.join(dir, 'interfaces')
    fs.writeFileSync(file, guestFile('10.77.100.1', '10.77.11.254'))
    const sed = followUps.commands[1]!.replace('/etc/network/interfaces', file)
    execFileSync('sh', ['-c', sed])
    expect(fs.readFileSync(file, 'utf8')).toBe(guestFile('10.77.100.1', '10.77.12.254'))
    fs.rmSync(dir, { recursive: true })
  })

  it('without an old gateway, replaces the route lines’ .254 addresses only', () => {
    const followUps = migrationFollowUps({ newGateway: '10.77.13.254' })
    expect(followUps.failoverIp).toBeUndefined()
    expect(followUps.notes.map((note) => note.code)).toContain('followUps.noFailoverIp')
    expect(followUps.notes.map(englishText).join(' ')).toMatch(
      /No failover IP is recorded.*Hyperdesk settings/,
    )
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-followups-'))
    const file = path.join(dir, 'interfaces')
    fs.writeFileSync(file, guestFile('10.77.100.254', '10.77.11.254'))
    execFileSync('sh', ['-c', followUps.commands[1]!.replace('/etc/network/interfaces', file)])
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toContain('address 10.77.100.254')
    expect(text).toContain('post-down route del default gw 10.77.13.254')
    expect(text).not.toContain('10.77.11.254')
    fs.rmSync(dir, { recursive: true })
  })

  it('says when the destination has no gateway', () => {
    const followUps = migrationFollowUps({ failoverIp: 'not-an-ip' })
    expect(followUps.commands).toEqual([])
    expect(followUps.notes).toContainEqual({
      code: 'followUps.badFailoverIp',
      params: { value: 'not-an-ip' },
    })
    expect(followUps.notes.map((note) => note.code)).toContain('followUps.noNewGateway')
    // A maintenance record saved before notes were messages still reads: its English is kept.
    expect(
      FollowUpsSchema.parse({ gateway: { new: '' }, interfacesLines: [], commands: [], notes: ['old words'] })
        .notes,
    ).toEqual([msg('common.untranslated', { text: 'old words' })])
  })
})

describe('libvirtd.log and addresses', () => {
  it('keeps the error lines logged since the migration started', () => {
    const since = Date.parse('2026-11-25T07:40:00Z')
    const log = [
      '2026-11-25 07:39:00.000+0000: 1: error : old : before the migration',
      '2026-11-25 07:40:01.100+0000: 1: info : x : chatter',
      '2026-11-25 07:40:02.200+0000: 1: error : qemuMigrationSrcPerform : Unable to connect',
    ].join('\n')
    expect(relevantLogLines(log, since)).toEqual([
      '2026-11-25 07:40:02.200+0000: 1: error : qemuMigrationSrcPerform : Unable to connect',
    ])
  })
  it('puts IPv6 in brackets and refuses what is not an address', () => {
    expect(uriHost('10.77.0.2')).toBe('10.77.0.2')
    expect(uriHost('fd00::2')).toBe('[fd00::2]')
    expect(() => uriHost('a b')).toThrow(/not a host name/)
    expect(() => uriHost('-oProxyCommand=x')).toThrow()
  })
})
