import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import {
  canonicalDomainXml,
  HYPERDESK_METADATA_NS,
  parseDomainXml,
} from '../../src/main/core/inventory/domain-xml'
import { batchCommands, splitBatchOutput } from '../../src/main/core/remote/framing'
import { virshCommandString } from '../../src/main/core/remote/quote'
import { hostBatchSections, readHostBatch } from '../../src/main/core/inventory/host-inventory'
import {
  parseDisplayUri,
  parseDomdisplay,
  parseDominfo,
  parseDomstats,
} from '../../src/main/core/inventory/virsh-parse'
import { parseVncDisplay } from '../../src/main/core/console/consoles'
import type { HostInventory } from '../../src/shared/inventory'

// Recorded from the lab (libvirt 9.0.0, QEMU 7.2) with exactly the batch the app sends.
const fixtures = path.resolve(__dirname, '../fixtures/libvirt-9.0.0')
const fixture = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8')
const LABVM1 = '1ab0c0de-0000-4000-8000-000000000001'
const LABVM2 = '1ab0c0de-0000-4000-8000-000000000002'
const LABVM3 = '1ab0c0de-0000-4000-8000-000000000003'

describe('virsh batch', () => {
  it('builds one virsh script with a marker before each section', () => {
    const script = virshCommandString(
      batchCommands(
        hostBatchSections({ xmlFor: [LABVM1], displayFor: [LABVM1], useDomstats: true, dominfoFor: [] }),
      ),
    )
    expect(
      script.startsWith('echo @@hyperdesk-section hostname ; hostname ; echo @@hyperdesk-section nodeinfo'),
    ).toBe(true)
    expect(script).toContain(`echo @@hyperdesk-section xml:${LABVM1} ; dumpxml --inactive ${LABVM1}`)
    expect(script).toContain(`domdisplay ${LABVM1}`)
  })

  it('refuses a section id that could leave its marker line', () => {
    expect(() => batchCommands([{ id: 'x y', command: ['list'] }])).toThrow(/not safe/)
    expect(() => batchCommands([{ id: 'x;reboot', command: ['list'] }])).toThrow(/not safe/)
  })

  it('splits the output into sections and keeps each section’s own errors', () => {
    const sections = splitBatchOutput(fixture('batch-hv2.txt'))
    expect(sections.get('hostname')?.text.trim()).toBe('hv2')
    expect(sections.get(`display:${LABVM3}`)?.errors).toEqual(['Domain is not running'])
    expect(sections.get(`display:${LABVM1}`)?.errors).toEqual([])
  })
})

describe('host inventory from a recorded batch', () => {
  const hv2 = readHostBatch('hv2', fixture('batch-hv2.txt'), undefined, 1000)

  it('reads the host facts', () => {
    expect(hv2.facts).toMatchObject({
      hostname: 'hv2',
      cpus: 2,
      cpuModel: 'x86_64',
      libvirtVersion: '9.0.0',
      hypervisorVersion: 'QEMU 7.2.22',
      memoryTotalKiB: 24683620,
    })
    expect(hv2.facts.memoryFreeKiB).toBe(22761328 + 6484 + 661268)
  })

  it('reads every domain by UUID with state, size, display and definition', () => {
    const byName = Object.fromEntries(hv2.domains.map((d) => [d.name, d]))
    expect(Object.keys(byName).sort()).toEqual(['labvm1', 'labvm2', 'labvm3'])
    expect(byName.labvm1).toMatchObject({
      uuid: LABVM1,
      state: 'running',
      vcpus: 1,
      memoryKiB: 131072,
      displayPort: 5901,
      autostart: false,
      managedSave: false,
    })
    expect(byName.labvm3).toMatchObject({ state: 'shutoff' })
    expect(byName.labvm3?.displayPort).toBeUndefined()
    expect(byName.labvm1?.definition?.disks).toContainEqual(
      expect.objectContaining({
        device: 'disk',
        rbd: expect.objectContaining({ pool: 'libvirt-ssd', image: 'labvm1' }),
      }),
    )
    expect(byName.labvm3?.definition?.disks).toContainEqual(
      expect.objectContaining({
        device: 'disk',
        rbd: expect.objectContaining({ pool: 'libvirt-sata', image: 'labvm3' }),
      }),
    )
    expect(byName.labvm1?.definition?.disks).toContainEqual(
      expect.objectContaining({
        device: 'cdrom',
        file: '/var/lib/libvirt/images/debian-7.2.0-amd64-netinst.iso',
        readonly: true,
      }),
    )
    expect(byName.labvm2?.definition?.nics).toEqual([
      expect.objectContaining({ mac: '02:00:00:77:01:02', bridge: 'br0', type: 'bridge' }),
    ])
    expect(byName.labvm2?.definition?.graphics[0]).toMatchObject({
      type: 'vnc',
      autoport: true,
      listen: '127.0.0.1',
      keymap: 'fr',
    })
  })

  it('keeps the previous definition when the XML was not asked again', () => {
    const lean = fixture('batch-hv2.txt').split(`@@hyperdesk-section xml:${LABVM1}`)[0] ?? ''
    const again = readHostBatch('hv2', lean, hv2, 2000)
    const labvm1 = again.domains.find((d) => d.uuid === LABVM1)
    expect(labvm1?.definitionHash).toBe(hv2.domains.find((d) => d.uuid === LABVM1)?.definitionHash)
    expect(labvm1?.definition?.name).toBe('labvm1')
  })

  it('says which section failed when an essential one did', () => {
    const broken = fixture('batch-hv2.txt').replace(
      /@@hyperdesk-section list\n[^@]*/,
      '@@hyperdesk-section list\nerror: failed to connect to the hypervisor\n',
    )
    expect(() => readHostBatch('hv2', broken, undefined)).toThrow(
      /virsh list: failed to connect to the hypervisor/,
    )
  })

  it('falls back to dominfo when domstats is not available (libvirt < 1.2.8)', () => {
    const sections = hostBatchSections({
      xmlFor: [],
      displayFor: [],
      useDomstats: false,
      dominfoFor: [LABVM1],
    })
    expect(sections.some((s) => s.command[0] === 'domstats')).toBe(false)
    expect(sections.find((s) => s.id === `dominfo:${LABVM1}`)?.command).toEqual(['dominfo', LABVM1])
    const output = [
      '@@hyperdesk-section list',
      `${LABVM1} labvm1`,
      `@@hyperdesk-section dominfo:${LABVM1}`,
      'Id:             2',
      'Name:           labvm1',
      `UUID:           ${LABVM1}`,
      'State:          running',
      'CPU(s):         2',
      'Max memory:     262144 KiB',
      'Used memory:    131072 KiB',
      'Persistent:     yes',
      'Autostart:      enable',
      'Managed save:   no',
    ].join('\n')
    const inventory = readHostBatch('old', output, undefined)
    expect(inventory.domains).toEqual([
      expect.objectContaining({
        uuid: LABVM1,
        state: 'running',
        vcpus: 2,
        memoryKiB: 131072,
        autostart: true,
        managedSave: false,
      }),
    ])
  })
})

describe('virsh parsers', () => {
  it('parse domstats blocks with numeric states', () => {
    const stats = parseDomstats(
      "Domain: 'a'\n  state.state=3\n  state.reason=1\n  vcpu.current=4\n\nDomain: 'b'\n  state.state=5\n",
    )
    expect(stats.map((s) => [s.name, s.state, s.vcpus])).toEqual([
      ['a', 'paused', 4],
      ['b', 'shutoff', undefined],
    ])
  })

  it('parse dominfo and domdisplay', () => {
    expect(parseDominfo('garbage')).toBeNull()
    expect(parseDomdisplay('vnc://127.0.0.1:3')).toEqual({ protocol: 'vnc', host: '127.0.0.1', port: 5903 })
    expect(parseDomdisplay('spice://127.0.0.1:5930')).toEqual({
      protocol: 'spice',
      host: '127.0.0.1',
      port: 5930,
    })
    expect(parseDomdisplay('')).toBeNull()
  })
})

describe('domain XML', () => {
  it('reads Hyperdesk settings from its metadata namespace only', () => {
    const xml = fixture('labvm2-inactive.xml').replace(
      '<devices>',
      `<metadata><hd:vm xmlns:hd="${HYPERDESK_METADATA_NS}"><hd:setting name="failoverIp">10.77.100.2</hd:setting><hd:setting name="keyboard">fr</hd:setting></hd:vm><other:vm xmlns:other="urn:x"><other:setting name="x">y</other:setting></other:vm></metadata>\n  <devices>`,
    )
    expect(parseDomainXml(xml).hyperdesk).toEqual({ failoverIp: '10.77.100.2', keyboard: 'fr' })
  })

  it('compares definitions canonically: attribute order and live-only parts do not count, real changes do', () => {
    const inactive = fixture('labvm1-inactive.xml')
    const sameOtherHost = fixture('labvm1-inactive-hv2.xml')
    expect(canonicalDomainXml(inactive)).toBe(canonicalDomainXml(sameOtherHost))
    const reordered = inactive.replace(
      "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>",
      "<graphics listen='127.0.0.1' autoport='yes' port='-1' type='vnc'>",
    )
    expect(canonicalDomainXml(reordered)).toBe(canonicalDomainXml(inactive))
    const withAlias = inactive
      .replace("<domain type='qemu'>", "<domain type='qemu' id='7'>")
      .replace(
        "<target dev='vda' bus='virtio'/>",
        "<target dev='vda' bus='virtio'/><alias name='virtio-disk0'/>",
      )
    expect(canonicalDomainXml(withAlias)).toBe(canonicalDomainXml(inactive))
    const moreMemory = inactive.replace(
      "<memory unit='KiB'>131072</memory>",
      "<memory unit='KiB'>262144</memory>",
    )
    expect(canonicalDomainXml(moreMemory)).not.toBe(canonicalDomainXml(inactive))
  })

  it('reports XML that does not describe a domain', () => {
    expect(() => parseDomainXml('<network><name>x</name></network>')).toThrow(/no <domain>/)
  })
})

describe('cluster model', () => {
  const host = (name: string, domains: HostInventory['domains'], reachable = true): HostInventory => ({
    host: name,
    reachable,
    facts: {},
    domains,
    refreshedAt: 0,
  })
  const domain = (
    uuid: string,
    name: string,
    state: 'running' | 'shutoff',
    extra: Partial<HostInventory['domains'][number]> = {},
  ) => ({
    uuid,
    name,
    state,
    autostart: false,
    managedSave: false,
    definitionHash: 'h1',
    ...extra,
  })

  it('places each VM: running on one host, defined on all, no flags', () => {
    const vms = buildVms([
      host('hv1', [domain(LABVM1, 'labvm1', 'running')]),
      host('hv2', [domain(LABVM1, 'labvm1', 'shutoff')]),
      host('hv3', [domain(LABVM1, 'labvm1', 'shutoff')]),
    ])
    expect(vms).toEqual([
      {
        uuid: LABVM1,
        name: 'labvm1',
        runningOn: ['hv1'],
        lastKnownRunningOn: [],
        definedOn: ['hv1', 'hv2', 'hv3'],
        missingOn: [],
        unknownOn: [],
        flags: [],
      },
    ])
  })

  it('flags every danger the runbook leaves to memory', () => {
    const vms = buildVms([
      host('hv1', [
        domain(LABVM1, 'labvm1', 'running', { autostart: true }),
        domain(LABVM2, 'labvm2', 'shutoff', { managedSave: true }),
        domain(LABVM3, 'web', 'shutoff'),
      ]),
      host('hv2', [
        domain(LABVM1, 'labvm1', 'running', { autostart: true, definitionHash: 'h2' }),
        domain('99999999-0000-4000-8000-000000000000', 'web', 'shutoff'),
      ]),
      host('hv3', [], false),
    ])
    const flags = Object.fromEntries(vms.map((vm) => [`${vm.name}/${vm.uuid.slice(-1)}`, vm.flags.sort()]))
    expect(flags['labvm1/1']).toEqual(['autostart-multiple', 'drift', 'host-unknown', 'running-twice'])
    expect(flags['labvm2/2']).toEqual(['host-unknown', 'managed-save', 'not-defined-everywhere'])
    expect(flags['web/3']).toEqual(['host-unknown', 'not-defined-everywhere', 'uuid-mismatch'])
    expect(flags['web/0']).toEqual(['host-unknown', 'not-defined-everywhere', 'uuid-mismatch'])
    expect(vms.find((vm) => vm.uuid === LABVM2)).toMatchObject({ missingOn: ['hv2'], unknownOn: ['hv3'] })
  })

  it('remembers where a VM ran on a host that stopped answering', () => {
    const vms = buildVms([
      host('hv1', [domain(LABVM1, 'labvm1', 'shutoff')]),
      host('hv2', [domain(LABVM1, 'labvm1', 'running')], false),
    ])
    expect(vms[0]).toMatchObject({
      runningOn: [],
      lastKnownRunningOn: ['hv2'],
      definedOn: ['hv1'],
      unknownOn: ['hv2'],
    })
  })

  it('does not call a live migration in progress "running twice"', () => {
    const vms = buildVms([
      host('hv1', [domain(LABVM1, 'labvm1', 'running')]),
      host('hv2', [{ ...domain(LABVM1, 'labvm1', 'running'), state: 'paused', stateReason: 2 }]),
    ])
    expect(vms[0]?.runningOn).toEqual(['hv1', 'hv2'])
    expect(vms[0]?.flags).not.toContain('running-twice')
  })
})

describe('virsh domdisplay in every form libvirt prints', () => {
  // Forms from libvirt's functional tests (autotest/tp-libvirt libvirt/tests/src/virsh_cmd/domain/
  // virsh_domdisplay.py @ 127ff83b1515360935c7f0bb3ea81e86ee908107) and the lab's libvirt 9.0.0.
  it('reads VNC (display number) and SPICE (port), with passwords and TLS ports', () => {
    expect(parseDisplayUri('vnc://127.0.0.1:0\n')).toEqual({ protocol: 'vnc', host: '127.0.0.1', port: 5900 })
    expect(parseDisplayUri('vnc://localhost:3')).toEqual({ protocol: 'vnc', host: 'localhost', port: 5903 })
    expect(parseDisplayUri('vnc://[::1]:1')).toEqual({ protocol: 'vnc', host: '::1', port: 5901 })
    expect(parseDisplayUri('vnc://:s3cret@127.0.0.1:2')).toEqual({
      protocol: 'vnc',
      host: '127.0.0.1',
      port: 5902,
    })
    expect(parseDisplayUri('spice://127.0.0.1:5930')).toEqual({
      protocol: 'spice',
      host: '127.0.0.1',
      port: 5930,
    })
    expect(parseDisplayUri('spice://127.0.0.1:5930?tls-port=5931')).toEqual({
      protocol: 'spice',
      host: '127.0.0.1',
      port: 5930,
      tlsPort: 5931,
    })
    expect(parseDisplayUri('spice://localhost:5930?tls-port=5931&password=x')?.tlsPort).toBe(5931)
    expect(parseDisplayUri('spice://127.0.0.1:5930?password=x')?.port).toBe(5930)
    // A SPICE server with only a TLS port has no plain port to show.
    expect(parseDomdisplay('spice://127.0.0.1?tls-port=5931')).toBeNull()
    expect(parseDisplayUri('')).toBeUndefined()
  })

  it('refuses what it does not know instead of guessing a port', () => {
    for (const text of [
      'vnc+unix:///run/libvirt/qemu/vm.sock',
      'vnc://127.0.0.1:x',
      'error: no display',
      'vnc://[::1:0',
    ])
      expect(parseDisplayUri(text), text).toBeNull()
    expect(() => parseVncDisplay('vnc+unix:///run/libvirt/qemu/vm.sock', 'hv2')).toThrow(
      expect.objectContaining({ code: 'console.display-unknown', host: 'hv2' }),
    )
    expect(parseVncDisplay('vnc://:pw@[::]:4')).toEqual({ address: '127.0.0.1', port: 5904 })
  })
})
