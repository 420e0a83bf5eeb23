import { describe, expect, it } from 'vitest'
import { compareDefinitions, type HostDefinition } from '../../src/main/core/definitions/drift'
import { canonicalDomainXml } from '../../src/main/core/inventory/domain-xml'
import { planSync } from '../../src/main/core/definitions/sync'
import { ApiError } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages'
import '../../src/shared/messages/catalog'

const OFFLINE = msg('definitionErrors.readFailed', { host: 'hv4' })

const UUID = '1ab0c0de-0000-4000-8000-000000000003'
const xml = (memory: number) =>
  `<domain type='qemu'><name>labvm3</name><uuid>${UUID}</uuid><memory unit='KiB'>${memory}</memory><vcpu>1</vcpu><devices><console type='pty'/></devices></domain>`
const defined = (host: string, memory: number): HostDefinition => ({
  host,
  status: 'defined',
  xml: xml(memory),
  canonical: canonicalDomainXml(xml(memory)),
})

describe('definition drift', () => {
  it('says same, different (with a unified diff), missing and unreachable against the reference', () => {
    const diff = compareDefinitions(UUID, 'hv1', [
      defined('hv1', 131072),
      defined('hv2', 262144),
      { host: 'hv3', status: 'missing' },
      { host: 'hv4', status: 'unreachable', error: 'offline', text: OFFLINE },
      defined('hv5', 131072),
    ])
    expect(diff.name).toBe('labvm3')
    expect(diff.hosts.map((host) => `${host.host}:${host.status}`)).toEqual([
      'hv1:reference',
      'hv2:different',
      'hv3:missing',
      'hv4:unreachable',
      'hv5:same',
    ])
    const hv2 = diff.hosts[1]?.diff ?? ''
    expect(hv2).toContain('--- hv1/labvm3.xml')
    expect(hv2).toContain('+++ hv2/labvm3.xml')
    expect(hv2).toMatch(/^-\s*<memory unit="KiB">131072<\/memory>$/m)
    expect(hv2).toMatch(/^\+\s*<memory unit="KiB">262144<\/memory>$/m)
    expect(diff.hosts[2]?.diff).toMatch(/^-\s*<name>labvm3<\/name>$/m)
    // Why a host could not be read travels as a message for the window.
    expect(diff.hosts[3]).toMatchObject({ error: 'offline', errorText: OFFLINE })
  })

  it('refuses a reference host that does not define the VM, as a message', () => {
    const refusal = (definitions: HostDefinition[]) => {
      try {
        compareDefinitions(UUID, 'hv3', definitions)
      } catch (error) {
        return ApiError.from(error)
      }
      throw new Error('not refused')
    }
    const missing = refusal([defined('hv1', 1), { host: 'hv3', status: 'missing' }])
    expect(missing.message).toMatch(/not defined on hv3/)
    expect(missing).toMatchObject({
      code: 'vm.not-defined',
      host: 'hv3',
      text: msg('definitionErrors.notDefinedReference', { uuid: UUID, host: 'hv3' }),
      stepText: msg('errorSteps.readDefinitions'),
    })
    const unreadable = refusal([
      defined('hv1', 1),
      { host: 'hv3', status: 'unreachable', error: 'x', text: OFFLINE },
    ])
    expect(unreadable.text).toEqual(
      msg('definitionErrors.unreadableReference', { uuid: UUID, host: 'hv3', error: OFFLINE }),
    )
  })

  it('ignores the order of device kinds, which libvirt changes after a migration, but not of disks', () => {
    const devices = (inner: string) =>
      `<domain type='qemu'><name>v</name><uuid>${UUID}</uuid><devices>${inner}</devices></domain>`
    const controller = "<controller type='ide' index='0'/>"
    const input = "<input type='mouse' bus='ps2'/>"
    const disk = (dev: string) => `<disk type='file' device='disk'><target dev='${dev}'/></disk>`
    expect(canonicalDomainXml(devices(controller + disk('vda') + input))).toBe(
      canonicalDomainXml(devices(disk('vda') + input + controller)),
    )
    expect(canonicalDomainXml(devices(disk('vda') + disk('vdb')))).not.toBe(
      canonicalDomainXml(devices(disk('vdb') + disk('vda'))),
    )
  })
})

describe('security data (VNC passwords)', () => {
  const withVnc = (passwd?: string) =>
    `<domain type='qemu'><name>labvm3</name><uuid>${UUID}</uuid><devices><graphics type='vnc' port='-1' autoport='yes'${passwd === undefined ? '' : ` passwd='${passwd}'`} listen='127.0.0.1'/></devices></domain>`

  it('the canonical form hides the password but still tells a lost or changed one from the same one', () => {
    const same = canonicalDomainXml(withVnc('s3cret'))
    expect(same).toMatch(/passwd="\(hidden [0-9a-f]{12}\)"/)
    expect(same).not.toContain('s3cret')
    expect(canonicalDomainXml(withVnc('s3cret'))).toBe(same)
    expect(canonicalDomainXml(withVnc('other'))).not.toBe(same)
    expect(canonicalDomainXml(withVnc())).not.toBe(same)
    const drift = compareDefinitions(UUID, 'hv1', [
      { host: 'hv1', status: 'defined', xml: withVnc('s3cret'), canonical: same },
      { host: 'hv2', status: 'defined', xml: withVnc(), canonical: canonicalDomainXml(withVnc()) },
    ])
    expect(drift.hosts[1]?.status).toBe('different')
    expect(drift.hosts[1]?.diff).not.toContain('s3cret')
  })
})

describe('sync plan', () => {
  it('asks to name exactly the hosts where the VM runs and whose definition would change', () => {
    const plan = planSync(
      UUID,
      'hv2',
      [
        defined('hv1', 131072),
        defined('hv2', 262144),
        defined('hv3', 262144),
        { host: 'hv4', status: 'missing' },
        { host: 'hv5', status: 'unreachable', error: 'offline', text: OFFLINE },
      ],
      // Runs on hv1 (would change) and hv3 (already the same: nothing to confirm there).
      ['hv1', 'hv3'],
    )
    expect(plan.confirmHosts).toEqual(['hv1'])
    expect(plan.hosts.map((host) => `${host.host}:${host.status}:${host.running}`)).toEqual([
      'hv1:different:true',
      'hv2:source:false',
      'hv3:same:true',
      'hv4:missing:false',
      'hv5:unreachable:false',
    ])
    // The diff reads as "what this host has now → what it would get".
    const hv1 = plan.hosts[0]?.diff ?? ''
    expect(hv1).toContain('--- hv1/labvm3.xml')
    expect(hv1).toContain('+++ hv2/labvm3.xml')
    expect(hv1).toMatch(/^-\s*<memory unit="KiB">131072<\/memory>$/m)
    expect(hv1).toMatch(/^\+\s*<memory unit="KiB">262144<\/memory>$/m)
  })

  it('refuses a source that does not define the VM', () => {
    expect(() => planSync(UUID, 'hv4', [defined('hv1', 1), { host: 'hv4', status: 'missing' }], [])).toThrow(
      expect.objectContaining({ code: 'vm.not-defined', host: 'hv4' }),
    )
  })
})
