import { describe, expect, it } from 'vitest'
import {
  initialCloneForm,
  initialForm,
  readCloneForm,
  readForm,
  type CloneForm,
  type WizardForm,
} from '../../src/renderer/src/features/vmdef/wizard-form'
import { nameProblem } from '../../src/shared/names'
import {
  CloneVmParamsSchema,
  CreateVmParamsSchema,
  macProblem,
  type CloneSource,
} from '../../src/shared/vmdef'

const POOLS = ['libvirt-ssd', 'libvirt-sata']
const filled = (change: Partial<WizardForm>): WizardForm => ({
  ...initialForm(POOLS),
  name: 'web2',
  mac: '02:00:00:ab:cd:ef',
  ...change,
})

describe('the creation wizard’s form', () => {
  it('starts with the runbook’s defaults: 2 vCPU, 1 GiB, the first pool, failover on br0, French keyboard', () => {
    const form = initialForm(POOLS)
    expect(form).toMatchObject({
      vcpus: '2',
      memoryMiB: '1024',
      pool: 'libvirt-ssd',
      network: 'failover',
      bridge: 'br0',
      keyboardLayout: 'fr',
      startOn: '',
    })
    // A cluster file with guestKeyboardLayout "us" makes US the wizard's default.
    expect(initialForm(POOLS, 'us').keyboardLayout).toBe('us')
    // Nothing typed yet: no parameters, and the name's issue is that it is empty.
    expect(readForm(form, [])).toEqual({ issues: { name: { rule: 'empty' }, mac: 'format' }, params: null })
  })

  it('names the rule a name breaks, as the contract would refuse it', () => {
    const cases: Array<[string, unknown]> = [
      ['web 1', { rule: 'character', character: ' ' }],
      ['-web', { rule: 'start' }],
      ['.hidden', { rule: 'start' }],
      ['wéb', { rule: 'character', character: 'é' }],
      ['web;rm', { rule: 'character', character: ';' }],
      ['web/1', { rule: 'character', character: '/' }],
      ['a'.repeat(65), { rule: 'tooLong', max: 64 }],
      ['web1', { rule: 'taken' }],
    ]
    for (const [name, issue] of cases) {
      const { issues, params } = readForm(filled({ name }), ['web1'])
      expect(issues.name, name).toEqual(issue)
      expect(params).toBeNull()
      // The core's rule (the contract's VmNameSchema) refuses the same names; "taken" is the window's.
      if (name !== 'web1') {
        expect(nameProblem(name), name).not.toBeNull()
        expect(CreateVmParamsSchema.safeParse({ ...validParams(), name }).success, name).toBe(false)
      }
    }
    for (const name of ['web2', 'db-1.prod', 'A_b', '9lives', 'a'.repeat(64)])
      expect(readForm(filled({ name }), ['web1']).issues.name, name).toBeUndefined()
  })

  it('waits for the cluster’s VMs before a valid name counts (null: not read yet); a broken one is said at once', () => {
    expect(readForm(filled({ name: 'web2' }), null)).toEqual({
      issues: { name: { rule: 'reading' } },
      params: null,
    })
    expect(readForm(filled({ name: 'web 2' }), null).issues.name).toEqual({
      rule: 'character',
      character: ' ',
    })
  })

  it('normalises a typed MAC and refuses a multicast, all-zero or malformed one', () => {
    expect(readForm(filled({ mac: '02-00-00-AB-CD-EF ' }), []).params?.network).toEqual({
      kind: 'failover',
      mac: '02:00:00:ab:cd:ef',
    })
    for (const [mac, issue] of [
      ['01:00:5e:00:00:01', 'multicast'],
      ['00:00:00:00:00:00', 'zero'],
      ['02:00:00:ab:cd', 'format'],
      ['02:00:00:ab:cd:eg', 'format'],
    ] as const) {
      expect(readForm(filled({ mac }), []).issues.mac, mac).toBe(issue)
      expect(macProblem(mac), mac).not.toBeNull()
    }
    // RIPE: no MAC is asked.
    expect(readForm(filled({ network: 'ripe', mac: '' }), []).params?.network).toEqual({ kind: 'ripe' })
  })

  it('sends what the contract accepts: size in bytes, numbers, the failover IP and the ISO only when given', () => {
    const { issues, params } = readForm(
      filled({
        size: '512 MiB',
        vcpus: '4',
        memoryMiB: '2048',
        failoverIp: '203.0.113.7',
        iso: '/var/lib/libvirt/images/debian-12.iso',
        startOn: 'hv2',
        domainType: 'qemu',
      }),
      [],
    )
    expect(issues).toEqual({})
    expect(params).toEqual({
      name: 'web2',
      pool: 'libvirt-ssd',
      sizeBytes: 512 * 2 ** 20,
      vcpus: 4,
      memoryMiB: 2048,
      network: { kind: 'failover', mac: '02:00:00:ab:cd:ef', failoverIp: '203.0.113.7' },
      bridge: 'br0',
      iso: '/var/lib/libvirt/images/debian-12.iso',
      keyboardLayout: 'fr',
      domainType: 'qemu',
      startOn: 'hv2',
    })
    expect(CreateVmParamsSchema.safeParse(params).success).toBe(true)
    const plain = readForm(filled({}), []).params
    expect(plain).not.toHaveProperty('iso')
    expect(plain).not.toHaveProperty('startOn')
    expect(plain?.network).not.toHaveProperty('failoverIp')
  })

  it('refuses bad sizes, counts, IPs and ISO paths field by field', () => {
    const issues = readForm(
      filled({
        size: '1.5 KiB',
        vcpus: '0',
        memoryMiB: '12.5',
        failoverIp: '203.0.113.300',
        iso: '/var/lib/../../etc/shadow',
      }),
      [],
    ).issues
    expect(issues).toEqual({
      size: 'storage.invalid.sizeStep',
      vcpus: true,
      memoryMiB: true,
      failoverIp: true,
      iso: true,
    })
    expect(readForm(filled({ size: 'lots' }), []).issues.size).toBe('storage.invalid.size')
    expect(readForm(filled({ iso: 'debian.iso' }), []).issues.iso).toBe(true)
    expect(readForm(filled({ iso: '/isos/a b.iso' }), []).issues.iso).toBe(true)
  })
})

function validParams() {
  return readForm(filled({}), []).params!
}

describe('the clone dialog’s form', () => {
  const VM: CloneSource = { kind: 'vm', uuid: '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21' }
  const TEMPLATE: CloneSource = {
    kind: 'snapshot',
    pool: 'libvirt-ssd',
    image: 'debian12',
    snapshot: 'golden',
  }
  const clone = (change: Partial<CloneForm>): CloneForm => ({
    ...initialCloneForm(),
    name: 'web3',
    ...change,
  })

  it('refuses a broken or taken name before anything is asked, as the wizard does', () => {
    for (const [name, issue] of [
      ['web 3', { rule: 'character', character: ' ' }],
      ['-web3', { rule: 'start' }],
      ['web1', { rule: 'taken' }],
      ['', { rule: 'empty' }],
    ] as const) {
      const read = readCloneForm(clone({ name, network: 'ripe' }), VM, ['web1'])
      expect(read).toEqual({ issues: { name: issue }, params: null })
    }
  })

  it('waits for the cluster’s VMs before a valid name counts, as the wizard does', () => {
    expect(readCloneForm(clone({ name: 'web2', network: 'ripe' }), VM, null)).toEqual({
      issues: { name: { rule: 'reading' } },
      params: null,
    })
  })

  it('a VM’s clone sends no sizes (it keeps its source’s); the pool only when another is chosen', () => {
    const { params } = readCloneForm(clone({ network: 'ripe' }), VM, ['web1'])
    expect(params).toEqual({ source: VM, name: 'web3', network: { kind: 'ripe' }, flatten: false })
    expect(CloneVmParamsSchema.safeParse(params).success).toBe(true)
    const other = readCloneForm(
      clone({ pool: 'libvirt-sata', mac: '02-00-00-AB-CD-EF', flatten: true, startOn: 'hv2' }),
      VM,
      [],
    ).params
    expect(other).toEqual({
      source: VM,
      name: 'web3',
      pool: 'libvirt-sata',
      network: { kind: 'failover', mac: '02:00:00:ab:cd:ef' },
      flatten: true,
      startOn: 'hv2',
    })
    expect(CloneVmParamsSchema.safeParse(other).success).toBe(true)
  })

  it('a template’s clone takes its sizes and acceleration, each checked', () => {
    expect(
      readCloneForm(clone({ network: 'ripe', vcpus: '0', memoryMiB: 'x' }), TEMPLATE, []).issues,
    ).toEqual({
      vcpus: true,
      memoryMiB: true,
    })
    const { params } = readCloneForm(
      clone({ network: 'ripe', vcpus: '1', memoryMiB: '512', domainType: 'qemu' }),
      TEMPLATE,
      [],
    )
    expect(params).toEqual({
      source: TEMPLATE,
      name: 'web3',
      network: { kind: 'ripe' },
      vcpus: 1,
      memoryMiB: 512,
      domainType: 'qemu',
      flatten: false,
    })
    expect(CloneVmParamsSchema.safeParse(params).success).toBe(true)
  })
})
