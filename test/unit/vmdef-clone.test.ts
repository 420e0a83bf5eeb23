import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { buildDomainXml } from '../../src/main/core/vmdef/builder'
import { judgeVmSource } from '../../src/main/core/vmdef/clone'
import { clonedDomainXml } from '../../src/main/core/vmdef/clone-xml'
import { CREATE_JOB_META, VmCreator, type Made, type VmdefDeps } from '../../src/main/core/vmdef/create'
import { ApiError, commandStep } from '../../src/shared/errors'
import type { Check } from '../../src/shared/messages/check'
import type { DomainDefinition, Vm } from '../../src/shared/inventory'
import { cloneSnapshotName, CloneVmParamsSchema, type Remain } from '../../src/shared/vmdef'

/**
 * Cloning (issue 19 item 2): the clone's definition made from its source's (the lab's labvm1 as
 * libvirt 9.0 printed it: fixtures/libvirt/SOURCES.md), the source's checks, and the undo shared with
 * creation — the clone image removed only with this job's tag, then the snapshot the job made,
 * never one it did not make — against a scripted runner.
 */

const LABVM1 = fs.readFileSync(path.join(__dirname, 'fixtures', 'libvirt', 'lab-labvm1.xml'), 'utf8')
const NEW_UUID = '0d5e3c1a-7b2f-4e6a-9c8d-1f2e3d4c5b6a'

describe('the clone’s definition (clone-xml.ts)', () => {
  const edits = {
    sourceName: 'labvm1',
    name: 'web2',
    uuid: NEW_UUID,
    macs: ['52:54:00:aa:bb:cc'],
    disk: { from: 'libvirt-ssd/labvm1', to: 'libvirt-ssd/web2' },
  }

  it('changes the name, UUID, MAC, disk and serial log; keeps every other line of the source', () => {
    const xml = clonedDomainXml(LABVM1, edits)
    const parsed = parseDomainXml(xml)
    const source = parseDomainXml(LABVM1)
    expect(parsed).toMatchObject({ name: 'web2', uuid: NEW_UUID })
    expect(parsed.nics.map((nic) => nic.mac)).toEqual(['52:54:00:aa:bb:cc'])
    expect(parsed.disks.find((disk) => disk.rbd)?.rbd).toMatchObject({ pool: 'libvirt-ssd', image: 'web2' })
    expect(xml).toContain("<log file='/var/log/libvirt/qemu/web2-serial.log' append='on'/>")
    expect(xml).not.toContain('labvm1')
    // The rest is the source's, line for line: same vCPUs, memory, CPU model, NIC model, machine.
    expect(parsed).toMatchObject({
      vcpus: source.vcpus,
      memoryKiB: source.memoryKiB,
      cpuModel: source.cpuModel,
    })
    expect(parsed.nics[0]?.model).toBe(source.nics[0]?.model)
    const changed = (text: string) =>
      text.split('\n').filter((line) => !/labvm1|<uuid>|<mac |web2/.test(line))
    expect(changed(xml)).toEqual(changed(LABVM1))
  })

  it('a fixed VNC port becomes automatic (two VMs on one host would fight for it); an automatic one stays', () => {
    const fixed = LABVM1.replace(
      "<graphics type='vnc' port='5900' autoport='yes'",
      "<graphics type='vnc' port='5907' autoport='no'",
    )
    expect(clonedDomainXml(fixed, edits)).toMatch(/<graphics autoport='yes' type='vnc' port='-1' listen/)
    expect(clonedDomainXml(LABVM1, edits)).toContain("<graphics type='vnc' port='5900' autoport='yes'")
  })

  it('the failover IP is the clone’s own (or none), the creation job is dropped', () => {
    const built = buildDomainXml({
      name: 'web1',
      uuid: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
      domainType: 'kvm',
      machine: 'pc-i440fx-7.2',
      vcpus: 2,
      memoryMiB: 1024,
      disk: { pool: 'libvirt-ssd', image: 'web1', cephUser: 'libvirt', secretUuid: NEW_UUID },
      nic: { mac: '02:00:00:12:34:56', bridge: 'br0' },
      keyboardLayout: 'us',
      failoverIp: '203.0.113.7',
      createdBy: 'j-7',
    })
    const base = { ...edits, sourceName: 'web1', disk: { from: 'libvirt-ssd/web1', to: 'libvirt-ssd/web2' } }
    const without = parseDomainXml(clonedDomainXml(built, base))
    expect(without.hyperdesk).toEqual({ keyboardLayout: 'us' })
    const own = parseDomainXml(clonedDomainXml(built, { ...base, failoverIp: '203.0.113.9' }))
    expect(own.hyperdesk).toEqual({ keyboardLayout: 'us', failoverIp: '203.0.113.9' })
    // A source without Hyperdesk's metadata gets it for the failover IP.
    const lab = parseDomainXml(clonedDomainXml(LABVM1, { ...edits, failoverIp: '203.0.113.9' }))
    expect(lab.hyperdesk).toEqual({ failoverIp: '203.0.113.9' })
  })

  it('refuses an edit that does not read back (a MAC per NIC is required)', () => {
    expect(() => clonedDomainXml(LABVM1, { ...edits, macs: [] })).toThrow(/MAC addresses/)
    expect(() =>
      clonedDomainXml(LABVM1, { ...edits, disk: { from: 'libvirt-ssd/other', to: 'x/y' } }),
    ).toThrow(/disk/)
  })
})

describe('the source’s checks (judgeVmSource)', () => {
  const definition = parseDomainXml(LABVM1)
  const vm = (over: Partial<Vm> = {}): Vm => ({
    uuid: definition.uuid,
    name: 'labvm1',
    runningOn: [],
    lastKnownRunningOn: [],
    definedOn: ['hv1', 'hv2', 'hv3'],
    missingOn: [],
    unknownOn: [],
    flags: [],
    ...over,
  })
  const judge = (source: Vm | undefined, def: DomainDefinition | undefined = definition) => {
    const checks: Check[] = []
    const parent = judgeVmSource(source, def, definition.uuid, checks)
    return { parent, fails: checks.filter((c) => c.level === 'fail').map((c) => c.message) }
  }

  it('an off VM with one RBD disk (and a CD-ROM): its disk is the parent', () => {
    expect(judge(vm())).toEqual({ parent: { pool: 'libvirt-ssd', image: 'labvm1' }, fails: [] })
  })

  it('refused while it runs, or may run on a host that does not answer', () => {
    expect(judge(vm({ runningOn: ['hv1'] })).fails).toEqual([
      { code: 'vmdef.cloneSourceRunning', params: { name: 'labvm1', hosts: ['hv1'] } },
    ])
    expect(judge(vm({ unknownOn: ['hv3'] })).fails).toEqual([
      { code: 'vmdef.cloneSourceUnreachable', params: { name: 'labvm1', host: 'hv3' } },
    ])
  })

  it('refused with no, two, or a local disk (its clone would share the file)', () => {
    const rbd = definition.disks.find((disk) => disk.rbd)!
    const local = { ...rbd, rbd: undefined, file: '/var/lib/libvirt/images/data.qcow2', target: 'vdb' }
    expect(judge(vm(), { ...definition, disks: [...definition.disks, local] }).fails).toEqual([
      {
        code: 'vmdef.cloneLocalDisk',
        params: { name: 'labvm1', target: 'vdb', source: '/var/lib/libvirt/images/data.qcow2' },
      },
    ])
    const two = { ...definition, disks: [...definition.disks, { ...rbd, target: 'vdb' }] }
    expect(judge(vm(), two).fails.map((m) => m.code)).toEqual(['vmdef.cloneDiskCount'])
    expect(judge(undefined).fails.map((m) => m.code)).toEqual(['vmdef.cloneSourceUnknown'])
  })

  it('the params: a template names a valid snapshot; a VM’s snapshot name is valid whatever the name', () => {
    const ok = CloneVmParamsSchema.safeParse({
      source: { kind: 'snapshot', pool: 'libvirt-ssd', image: 'debian12', snapshot: 'golden' },
      name: 'web2',
      network: { kind: 'ripe' },
    })
    expect(ok.success).toBe(true)
    for (const snapshot of ['-x', 'a b', 'a;b', ''])
      expect(
        CloneVmParamsSchema.safeParse({
          source: { kind: 'snapshot', pool: 'libvirt-ssd', image: 'debian12', snapshot },
          name: 'web2',
          network: { kind: 'ripe' },
        }).success,
      ).toBe(false)
    expect(cloneSnapshotName('x'.repeat(64))).toHaveLength(64)
  })
})

describe('the undo shared with creation (a clone’s image, then the snapshot the job made)', () => {
  function world(answers: { tag?: string; unprotect?: string; undefineFails?: string } = {}) {
    const calls: string[] = []
    const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0 })
    const runner = {
      virsh: async (host: string, args: readonly string[]) => {
        calls.push(`${host}: virsh ${args.join(' ')}`)
        if (args[0] === 'undefine' && answers.undefineFails === host)
          throw new ApiError({ code: 'remote.timeout', host, message: 'timed out' })
        return ok('running')
      },
      rbd: async (host: string, args: readonly string[]) => {
        calls.push(`${host}: rbd ${args.join(' ')}`)
        if (args[0] === 'image-meta') return ok(`${answers.tag ?? 'j-1'}\n`)
        if (args[1] === 'unprotect' && answers.unprotect)
          return { stdout: '', stderr: answers.unprotect, exitCode: 16 }
        return ok()
      },
    } as unknown as RemoteRunner
    const deps = {
      runner,
      inventory: {
        invalidateDefinition: () => undefined,
        refreshHost: async () => undefined,
      } as unknown as InventoryService,
      vmLocks: new KeyedMutex(),
      hostNames: () => ['hv1', 'hv2', 'hv3'],
      hostStates: () =>
        ['hv1', 'hv2', 'hv3'].map((name) => ({ name, target: name, status: 'online', since: '' })),
    } as unknown as VmdefDeps
    const job: JobContext = {
      id: 'j-1',
      signal: new AbortController().signal,
      step: () => undefined,
      progress: () => undefined,
      detail: () => undefined,
      log: () => undefined,
    }
    const made: Made = {
      defineSent: ['hv1', 'hv2'],
      snapshot: {
        pool: 'libvirt-sata',
        image: 'labvm3',
        host: 'hv1',
        snapshot: 'clone-web2',
        protected: true,
      },
      image: { host: 'hv1', spec: 'libvirt-sata/web2', pool: 'libvirt-sata', image: 'web2', tagged: true },
    }
    return { creator: new VmCreator(deps), calls, job, made }
  }
  const cause = ApiError.of(
    'remote.failed',
    { code: 'vmdef.stepFailed', params: { step: 'define', host: 'hv3' } },
    {
      host: 'hv3',
      step: commandStep('virsh define web2 on hv3'),
    },
  )
  const changes = (calls: string[]) =>
    calls.filter((call) => /virsh undefine|rbd (rm|snap (unprotect|rm))/.test(call))

  it('undefines, removes the tagged clone, then unprotects and removes the job’s snapshot: vm.clone.failed', async () => {
    const { creator, calls, job, made } = world()
    const error = await creator.undo('web2', NEW_UUID, made, cause, job, 'clone')
    expect(error.code).toBe('vm.clone.failed')
    expect(error.text?.code).toBe('vmdef.cloneFailedUndone')
    expect(changes(calls)).toEqual([
      `hv1: virsh undefine --managed-save --snapshots-metadata ${NEW_UUID}`,
      `hv2: virsh undefine --managed-save --snapshots-metadata ${NEW_UUID}`,
      'hv1: rbd rm libvirt-sata/web2',
      'hv1: rbd snap unprotect libvirt-sata/labvm3@clone-web2',
      'hv1: rbd snap rm libvirt-sata/labvm3@clone-web2',
    ])
    expect(calls).toContain(`hv1: rbd image-meta get libvirt-sata/web2 ${CREATE_JOB_META}`)
  })

  it('an image with another job’s tag is kept, and so is the snapshot it hangs from: both listed', async () => {
    const { creator, calls, job, made } = world({ tag: 'j-other' })
    const error = await creator.undo('web2', NEW_UUID, made, cause, job, 'clone')
    expect(error.code).toBe('vm.clone.remains')
    expect(changes(calls).filter((call) => call.includes('rbd'))).toEqual([])
    const remains = error.details?.['remains'] as Remain[]
    expect(remains.map((remain) => remain.kind)).toEqual(['image', 'snapshot'])
    expect(error.message).toContain('nor libvirt-sata/web2 and libvirt-sata/labvm3@clone-web2')
  })

  it('a snapshot rbd will not unprotect (a clone hangs from it) is listed; a host that does not answer too', async () => {
    const { creator, job, made } = world({
      unprotect: 'rbd: unprotecting snap failed: (16) Device or resource busy',
      undefineFails: 'hv2',
    })
    const error = await creator.undo('web2', NEW_UUID, made, cause, job, 'clone')
    const remains = error.details?.['remains'] as Remain[]
    expect(remains).toEqual([
      expect.objectContaining({ kind: 'definition', host: 'hv2' }),
      expect.objectContaining({ kind: 'snapshot', snapshot: 'clone-web2' }),
    ])
    expect(error.text?.code).toBe('vmdef.cloneFailedRemains')
  })

  it('the cleanup removes a listed snapshot after the listed image (never the other way round)', async () => {
    const { creator, calls, job } = world()
    const result = await creator.cleanup(
      [
        { kind: 'snapshot', pool: 'libvirt-sata', image: 'labvm3', snapshot: 'clone-web2', error: 'x' },
        { kind: 'image', pool: 'libvirt-sata', image: 'web2', error: 'x' },
      ],
      'j-1',
      job,
    )
    expect(result.remains).toEqual([])
    expect(changes(calls)).toEqual([
      'hv1: rbd rm libvirt-sata/web2',
      'hv1: rbd snap unprotect libvirt-sata/labvm3@clone-web2',
      'hv1: rbd snap rm libvirt-sata/labvm3@clone-web2',
    ])
  })
})
