import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { imageArgv } from '../../src/main/core/ceph/image'
import {
  parseCapabilityMachines,
  parseDomainXml,
  parseDomcapsMachine,
} from '../../src/main/core/inventory/domain-xml'
import { domainArgv } from '../../src/main/core/libvirt/domain'
import { hostArgv } from '../../src/main/core/libvirt/host'
import { buildDomainXml, type VmSpec } from '../../src/main/core/vmdef/builder'
import { generateMac, GENERATED_MAC_PREFIX } from '../../src/main/core/vmdef/mac'
import { commonMachine, machineVersion } from '../../src/main/core/vmdef/machine'
import { planNetwork } from '../../src/main/core/vmdef/network'
import { CreateVmParamsSchema, macProblem, normaliseMac } from '../../src/shared/vmdef'

const FIXTURES = path.join(__dirname, 'fixtures', 'vmdef')
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')

const SPEC: VmSpec = {
  name: 'web1',
  uuid: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
  domainType: 'kvm',
  machine: 'pc-i440fx-5.2',
  vcpus: 2,
  memoryMiB: 1024,
  disk: {
    pool: 'libvirt-ssd',
    image: 'web1',
    cephUser: 'libvirt',
    secretUuid: '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b',
  },
  iso: '/var/lib/libvirt/images/debian-7.2.0-amd64-netinst.iso',
  nic: { mac: '02:00:00:12:34:56', bridge: 'br0' },
  keyboardLayout: 'fr',
  failoverIp: '87.98.165.65',
  createdBy: '0b6f2c1a-9d7e-4f3a-8b2c-1d0e9f8a7b6c',
}

/** libvirt's own schema check (virt-xml-validate, from libvirt-clients). */
function validate(xml: string): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-vmdef-'))
  const file = path.join(dir, 'domain.xml')
  fs.writeFileSync(file, xml)
  try {
    const result = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' })
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('definition builder', () => {
  it("writes a definition libvirt's schema accepts, for failover and RIPE, with and without ISO", () => {
    const variants: VmSpec[] = [
      SPEC,
      { ...SPEC, iso: undefined, failoverIp: undefined, domainType: 'qemu' },
      { ...SPEC, disk: { ...SPEC.disk, monitors: [{ name: '10.77.0.254', port: 6789 }, { name: 'mon-b' }] } },
      { ...SPEC, description: `Front "web" <team A> & 'B'\nsecond line`, maxMemoryMiB: 4096 },
    ]
    for (const spec of variants) {
      const result = validate(buildDomainXml(spec))
      expect(result.ok, result.output).toBe(true)
      expect(result.output).toContain('validates')
    }
  })

  it('a broken definition is refused by the same validator (the check is real)', () => {
    const broken = buildDomainXml(SPEC).replace("<boot dev='hd'/>", "<boot dev='floppy-disk'/>")
    const result = validate(broken)
    expect(result.ok).toBe(false)
    expect(result.output).toContain('fails to validate')
  })

  it('reads back as the runbook asks: disk then CD-ROM, VNC on loopback, serial console, error_policy', () => {
    const xml = buildDomainXml(SPEC)
    const parsed = parseDomainXml(xml)
    expect(parsed).toMatchObject({
      name: 'web1',
      uuid: SPEC.uuid,
      type: 'kvm',
      vcpus: 2,
      memoryKiB: 1024 * 1024,
      currentMemoryKiB: 1024 * 1024,
      hyperdesk: { keyboardLayout: 'fr', failoverIp: '87.98.165.65', createdBy: SPEC.createdBy },
    })
    expect(parsed.disks).toEqual([
      {
        device: 'disk',
        target: 'vda',
        bus: 'virtio',
        readonly: false,
        errorPolicy: 'stop',
        rbd: {
          pool: 'libvirt-ssd',
          image: 'web1',
          auth: { username: 'libvirt', secretUuid: '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b' },
        },
      },
      { device: 'cdrom', target: 'hdc', bus: 'ide', readonly: true, file: SPEC.iso },
    ])
    expect(parsed.nics).toEqual([
      { mac: '02:00:00:12:34:56', type: 'bridge', bridge: 'br0', model: 'virtio' },
    ])
    expect(parsed.graphics).toEqual([{ type: 'vnc', autoport: true, port: -1, listen: '127.0.0.1' }])
    expect(parsed.serials).toEqual([{ type: 'pty' }])
    expect(xml).toMatch(/<boot dev='hd'\/>\s*<boot dev='cdrom'\/>/)
    expect(xml).toContain("machine='pc-i440fx-5.2'")
  })

  it('escapes what the user typed: a description cannot add elements', () => {
    const xml = buildDomainXml({ ...SPEC, description: "</description><devices><disk type='file'/>" })
    expect(parseDomainXml(xml).disks).toHaveLength(2)
    expect(xml).toContain('&lt;/description&gt;&lt;devices&gt;')
  })
})

describe('names and values refused before anything runs (item 6)', () => {
  const base = { pool: 'libvirt-ssd', sizeBytes: 1024 ** 3, network: { kind: 'ripe' } }
  it.each([
    ['web 1', 'contains " "'],
    ['-x', 'must start with a letter or a digit'],
    ['xété', 'contains "é"'],
    ['a/b', 'contains "/"'],
    ['x;$(touch /tmp/pwn)', 'contains ";"'],
    ['', 'is empty'],
    ['a'.repeat(65), 'longer than 64'],
  ])('%j: %s', (name, rule) => {
    const parsed = CreateVmParamsSchema.safeParse({ ...base, name })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((issue) => issue.message).join(' ')).toContain(rule)
  })

  it('accepts the runbook names and fills the runbook defaults (2 vCPU, 1 GiB, br0; the layout is the cluster file’s)', () => {
    const parsed = CreateVmParamsSchema.parse({ ...base, name: 'web-1.prod_A' })
    expect(parsed).toMatchObject({ vcpus: 2, memoryMiB: 1024, bridge: 'br0' })
    // No layout asked: the core takes the cluster file's guestKeyboardLayout (VmCreator.specFor).
    expect(parsed.keyboardLayout).toBeUndefined()
    expect(CreateVmParamsSchema.parse({ ...base, name: 'a', keyboardLayout: 'us' }).keyboardLayout).toBe('us')
    expect(CreateVmParamsSchema.safeParse({ ...base, name: 'a', keyboardLayout: 'azerty' }).success).toBe(
      false,
    )
  })

  it.each([
    ['01:00:00:00:00:01', 'multicast'],
    ['02:00:00:12:34', 'six hexadecimal pairs'],
    ['00:00:00:00:00:00', 'all zeroes'],
  ])('MAC %s is refused (%s)', (mac, words) => {
    expect(macProblem(mac)).toContain(words)
    expect(
      CreateVmParamsSchema.safeParse({ ...base, name: 'a', network: { kind: 'failover', mac } }).success,
    ).toBe(false)
  })

  it('an OVH virtual MAC typed in capitals or with dashes is normalised by the window, refused as such by the core', () => {
    const network = (mac: string) => ({ kind: 'failover', mac, failoverIp: '87.98.165.65' })
    expect(
      CreateVmParamsSchema.safeParse({ ...base, name: 'a', network: network('02-00-00-AB-CD-EF') }).success,
    ).toBe(false)
    const parsed = CreateVmParamsSchema.parse({
      ...base,
      name: 'a',
      network: network(normaliseMac(' 02-00-00-AB-CD-EF ')),
    })
    expect(parsed.network).toEqual(network('02:00:00:ab:cd:ef'))
  })

  it.each(['../etc/passwd', '/var/lib/libvirt/images/../../../etc/shadow', '/a b.iso', '-x.iso', 'rel.iso'])(
    'ISO path %j is refused',
    (iso) => {
      expect(CreateVmParamsSchema.safeParse({ ...base, name: 'a', iso }).success).toBe(false)
    },
  )
})

describe('MAC generation for RIPE VMs', () => {
  it('draws locally administered unicast MACs in 52:54:00', () => {
    for (let index = 0; index < 200; index++) {
      const mac = generateMac([])
      expect(mac.startsWith(`${GENERATED_MAC_PREFIX}:`)).toBe(true)
      expect(macProblem(mac)).toBeNull()
      expect(Number.parseInt(mac.slice(0, 2), 16) & 2).toBe(2)
    }
  })

  it('never returns a MAC a definition already has, whatever its case', () => {
    const draws = [Buffer.from([0xab, 0xcd, 0xef]), Buffer.from([0xab, 0xcd, 0xef]), Buffer.from([1, 2, 3])]
    const mac = generateMac(['52:54:00:AB:CD:EF'], () => draws.shift()!)
    expect(mac).toBe('52:54:00:01:02:03')
  })

  it('gives up with an error rather than loop when every draw is taken', () => {
    expect(() => generateMac(['52:54:00:00:00:01'], () => Buffer.from([0, 0, 1]))).toThrow(/64 draws/)
  })

  it('plans the network: a typed failover MAC is refused when a definition on any host uses it', () => {
    const used = [
      { mac: '02:00:00:AA:BB:CC', vm: 'web1', host: 'hv2' },
      { mac: '52:54:00:01:02:03', vm: 'db1', host: 'hv1' },
    ]
    expect(
      planNetwork({ kind: 'failover', mac: '02:00:00:aa:bb:cc', failoverIp: '87.98.165.65' }, used),
    ).toEqual({
      mac: '02:00:00:aa:bb:cc',
      failoverIp: '87.98.165.65',
      findings: [
        { status: 'fail', text: 'macUsed', params: { mac: '02:00:00:aa:bb:cc', vm: 'web1', host: 'hv2' } },
      ],
    })
    expect(planNetwork({ kind: 'failover', mac: '02:00:00:aa:bb:cd' }, used).findings).toEqual([
      { status: 'pass', text: 'macFree', params: { mac: '02:00:00:aa:bb:cd' } },
    ])
    const ripe = planNetwork({ kind: 'ripe' }, used)
    expect(ripe.mac).not.toBe('52:54:00:01:02:03')
    expect(ripe.findings).toEqual([{ status: 'pass', text: 'macGenerated', params: { mac: ripe.mac } }])
  })
})

describe('machine type pinned to a version every host offers', () => {
  const lab = {
    host: 'hv1',
    pc: parseDomcapsMachine(fixture('domcapabilities-pc-libvirt9.0-qemu7.2.xml')),
    offered: parseCapabilityMachines(fixture('capabilities-libvirt9.0-qemu7.2.xml')),
  }

  it("reads what `pc` means and what is offered (lab's libvirt 9.0 / QEMU 7.2)", () => {
    expect(lab.pc).toBe('pc-i440fx-7.2')
    expect(lab.offered.has('pc-i440fx-5.2')).toBe(true)
    expect(lab.offered.has('pc-q35-7.1')).toBe(true)
  })

  it('same hosts: their own versioned pc', () => {
    expect(commonMachine([lab, { ...lab, host: 'hv2' }, { ...lab, host: 'hv3' }])).toBe('pc-i440fx-7.2')
  })

  it('a host with an older QEMU (2.1, libvirt fixture): the newest version both offer', () => {
    const old = {
      host: 'old',
      pc: parseDomcapsMachine(fixture('domcapabilities-upstream-qemu_2.1.1.x86_64.xml')),
      // QEMU 2.1's i440fx machines, as its `virsh capabilities` lists them (names from its domcaps fixture).
      offered: new Set(['pc-i440fx-2.1', 'pc-i440fx-2.0', 'pc-i440fx-1.7', 'pc-1.3', 'pc', 'q35']),
    }
    expect(old.pc).toBe('pc-i440fx-2.1')
    expect(commonMachine([lab, old])).toBe('pc-i440fx-2.1')
  })

  it('pre-1.4 names (pc-0.11) are read; with no version in common there is none', () => {
    const ancient = parseCapabilityMachines(fixture('capabilities-upstream-caps-qemu-kvm-excerpt.xml'))
    expect([...ancient].sort()).toEqual(['isapc', 'pc', 'pc-0.10', 'pc-0.11'])
    expect(machineVersion('pc-0.11')).toEqual([0, 11])
    expect(machineVersion('pc-q35-7.1')).toBeUndefined()
    expect(commonMachine([lab, { host: 'x', pc: 'pc-0.11', offered: ancient }])).toBeUndefined()
    expect(commonMachine([{ host: 'x', pc: 'pc-0.11', offered: ancient }])).toBe('pc-0.11')
  })
})

describe("creation's and deletion's commands, by object", () => {
  const ref = { pool: 'libvirt-ssd', image: 'web1' }
  it("tags an image with the app's own image-meta key only, the value one argument", () => {
    expect(imageArgv.setMeta(ref, 'hyperdesk.create-job', 'j-12')).toEqual([
      'image-meta',
      'set',
      'libvirt-ssd/web1',
      'hyperdesk.create-job',
      'j-12',
    ])
    expect(imageArgv.getMeta(ref, 'hyperdesk.create-job')).toEqual([
      'image-meta',
      'get',
      'libvirt-ssd/web1',
      'hyperdesk.create-job',
    ])
    expect(() => imageArgv.setMeta(ref, 'conf_rbd_cache', 'false')).toThrow(/image-meta key/)
    expect(() => imageArgv.setMeta(ref, 'hyperdesk.create-job', '--pretty-format')).toThrow(
      /image-meta value/,
    )
    expect(() => imageArgv.getMeta({ pool: 'libvirt-ssd', image: '../x' }, 'hyperdesk.create-job')).toThrow(
      /Invalid RBD image/,
    )
  })
  it('undefines with managed save and snapshot metadata, copies with the security data, by UUID only', () => {
    const uuid = SPEC.uuid
    expect(domainArgv.undefine(uuid)).toEqual(['undefine', '--managed-save', '--snapshots-metadata', uuid])
    expect(domainArgv.xmlToCopy(uuid)).toEqual(['dumpxml', '--inactive', '--security-info', uuid])
    expect(() => domainArgv.undefine('web1')).toThrow(/not a valid VM UUID/)
  })
  it('asks for the pc machine of kvm or qemu only', () => {
    expect(hostArgv.pcMachine('qemu')).toEqual([
      'domcapabilities',
      '--virttype',
      'qemu',
      '--arch',
      'x86_64',
      '--machine',
      'pc',
    ])
    expect(() => hostArgv.pcMachine('xen --all')).toThrow(/virt type/)
  })
})
