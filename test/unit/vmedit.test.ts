import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import {
  DefinitionEditError,
  definitionHash,
  diskDeviceXml,
  editedDefinition,
  nicDeviceXml,
  readSettings,
} from '../../src/main/core/inventory/domain-edit'
import { pendingParts } from '../../src/main/core/inventory/domain-pending'
import { canonicalDomainXml } from '../../src/main/core/inventory/domain-xml'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'
import { buildDomainXml } from '../../src/main/core/vmdef/builder'
import type { DeleteDeps } from '../../src/main/core/vmdef/delete'
import { changedSince, editVm, liveAndPending, planEdit } from '../../src/main/core/vmdef/edit'
import { expertPending, expertProblems } from '../../src/main/core/vmdef/edit-expert'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import type { HostInventory } from '../../src/shared/inventory'
import { englishText, type Message } from '../../src/shared/messages/message'
import { domainDefinition } from '../support/domain-definition'
import {
  VmEditChangesSchema,
  type VmEditChanges,
  type VmEditPlan,
  type VmEditResult,
} from '../../src/shared/vmedit'
import { sessionOverOneShot } from '../support/scripted-virsh'

/**
 * Editing a definition on every host: the XML edit itself (on the app's own builder's output, as
 * libvirt gets it), what applies live and what waits, the plan's refusals, the hash guard, and the
 * job's every-host define with its read-back and undo, against a scripted cluster.
 */

const UUID = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f'
const HOSTS = ['hv1', 'hv2', 'hv3']
const ISO = '/var/lib/libvirt/images/debian-12.iso'
const XML = buildDomainXml({
  name: 'web1',
  uuid: UUID,
  domainType: 'kvm',
  machine: 'pc-i440fx-7.2',
  vcpus: 2,
  memoryMiB: 1024,
  disk: { pool: 'libvirt-ssd', image: 'web1', cephUser: 'libvirt', secretUuid: UUID },
  nic: { mac: '52:54:00:12:34:56', bridge: 'br0' },
  keyboardLayout: 'fr',
  iso: ISO,
})

describe('the XML edit', () => {
  it('reads the settings the sheet starts from', () => {
    expect(readSettings(XML)).toMatchObject({
      vcpus: 2,
      maxVcpus: 2,
      memoryMiB: 1024,
      maxMemoryMiB: 1024,
      description: '',
      bootOrder: ['hd', 'cdrom'],
      cdroms: [{ target: 'hdc', iso: ISO }],
      nics: [{ mac: '52:54:00:12:34:56', bridge: 'br0', model: 'virtio' }],
      disks: [{ target: 'vda', source: 'libvirt-ssd/web1' }],
    })
  })

  it('changes vCPUs (current under a larger maximum), memory, description, boot order and media, nothing else', () => {
    const next = editedDefinition(XML, {
      vcpus: 2,
      maxVcpus: 4,
      memoryMiB: 1024,
      maxMemoryMiB: 2048,
      description: 'web <front> & "api"',
      bootOrder: ['cdrom', 'hd'],
      cdrom: { target: 'hdc', iso: null },
    })
    expect(next).toMatch(/<vcpu[^>]*current="2"[^>]*>4<\/vcpu>/)
    expect(next).toContain('<memory unit="KiB">2097152</memory>')
    expect(next).toContain('<currentMemory unit="KiB">1048576</currentMemory>')
    expect(next).toContain('<description>web &lt;front&gt; &amp; &quot;api&quot;</description>')
    const settings = readSettings(next)
    expect(settings).toMatchObject({
      vcpus: 2,
      maxVcpus: 4,
      memoryMiB: 1024,
      maxMemoryMiB: 2048,
      description: 'web <front> & "api"',
      bootOrder: ['cdrom', 'hd'],
      cdroms: [{ target: 'hdc' }],
    })
    // The rest of the definition is untouched: only the changed lines differ in canonical form.
    const strip = (xml: string) =>
      canonicalDomainXml(xml)
        .split('\n')
        .filter((line) => !/vcpu|memory|Memory|description|boot|source file/.test(line))
    expect(strip(next)).toEqual(strip(XML))
    // Inserting media again puts the source back.
    expect(readSettings(editedDefinition(next, { cdrom: { target: 'hdc', iso: ISO } })).cdroms).toEqual([
      { target: 'hdc', iso: ISO },
    ])
  })

  it('refuses what libvirt would refuse, with the reason', () => {
    expect(() => editedDefinition(XML, { vcpus: 3, maxVcpus: 2 })).toThrow(
      /3 vCPUs is more than the maximum 2/,
    )
    expect(() => editedDefinition(XML, { memoryMiB: 4096, maxMemoryMiB: 2048 })).toThrow(/maximum 2048 MiB/)
    expect(() => editedDefinition(XML, { cdrom: { target: 'hdd', iso: null } })).toThrow(/hdd/)
    const perDevice = XML.replace(
      "<target dev='vda' bus='virtio'/>",
      "<target dev='vda' bus='virtio'/><boot order='1'/>",
    )
    expect(() => editedDefinition(perDevice, { bootOrder: ['hd'] })).toThrow(/own <boot order/)
    expect(() => editedDefinition('<domain><name>x', {})).toThrow()
  })

  it('raising vCPUs above the maximum raises the maximum when none is given', () => {
    expect(readSettings(editedDefinition(XML, { vcpus: 4 }))).toMatchObject({ vcpus: 4, maxVcpus: 4 })
  })

  it('validates the input: boot devices once, descriptions without control characters, disk targets', () => {
    const problem = (changes: unknown) => VmEditChangesSchema.safeParse(changes).success
    expect(problem({ bootOrder: ['hd', 'hd'] })).toBe(false)
    expect(problem({ description: 'a\u0007b' })).toBe(false)
    expect(problem({ description: 'line 1\nline 2\ttab' })).toBe(true)
    expect(problem({ cdrom: { target: '../x', iso: null } })).toBe(false)
    expect(problem({ cdrom: { target: 'hdc', iso: '/var/lib/../../etc/shadow' } })).toBe(false)
    expect(problem({ vcpus: 0 })).toBe(false)
    expect(problem({ memoryMiB: 1.5 })).toBe(false)
    expect(problem({ autostartOn: 'hv1; reboot' })).toBe(false)
  })

  it('the hash is the canonical form’s: the same on hosts that print it differently, never the password', () => {
    const reordered = XML.replace(/\n\s*/g, '\n')
    expect(definitionHash(reordered)).toBe(definitionHash(XML))
    const withPassword = XML.replace("<graphics type='vnc'", "<graphics type='vnc' passwd='abc'")
    expect(definitionHash(withPassword)).not.toBe(definitionHash(XML))
  })

  it('says what the running VM has not taken yet (live against persistent definition)', () => {
    const persistent = editedDefinition(XML, { maxMemoryMiB: 2048, bootOrder: ['cdrom', 'hd'] })
    expect(pendingParts(XML, persistent)).toEqual(['maxMemoryMiB', 'bootOrder'])
    expect(pendingParts(XML, XML)).toEqual([])
  })

  it('on a running VM: vCPUs and memory up to the running maximum and media live, the rest at the next start', () => {
    const before = readSettings(editedDefinition(XML, { vcpus: 1, maxVcpus: 4 }))
    expect(liveAndPending(before, { vcpus: 3, memoryMiB: 512 }, true)).toEqual({
      live: ['vcpus', 'memory'],
      pending: [],
    })
    expect(
      liveAndPending(before, { vcpus: 6, maxVcpus: 8, maxMemoryMiB: 4096, memoryMiB: 2048 }, true),
    ).toEqual({
      live: [],
      pending: ['maxVcpus', 'vcpus', 'maxMemoryMiB', 'memoryMiB'],
    })
    expect(
      liveAndPending(before, { cdrom: { target: 'hdc', iso: null }, bootOrder: ['cdrom'] }, true),
    ).toEqual({
      live: ['cdrom'],
      pending: ['bootOrder'],
    })
    expect(liveAndPending(before, { vcpus: 3 }, false)).toEqual({ live: [], pending: [] })
  })
})

interface Scenario {
  running?: string
  unreachable?: string
  /** A host whose definition differs (drift). */
  drift?: string
  refuseDefineOn?: string
  /** A host that answers define but reads back something else. */
  keepsOldOn?: string
  autostartOn?: string
  /** A host where the ISO is missing. */
  isoMissingOn?: string
  /** virsh setmem answers this error (no balloon). */
  setmemError?: string
  /** Images in Ceph (POOL/IMAGE → bytes); web1's own disk is always there. */
  images?: Record<string, number>
  /** An image with a watcher (someone has it open). */
  watched?: string
  /** Another VM (web2, on every host) whose definition uses this image. */
  usedByWeb2?: string
  /** rbd resize fails. */
  resizeFails?: boolean
  /** rbd rm fails (Ceph stopped answering). */
  rmFails?: boolean
  /** Bridges per host (default br0 and br1 everywhere). */
  bridges?: Record<string, string[]>
  /** Another VM (web3) whose NIC has this MAC, defined on hv3 only. */
  macOfWeb3?: string
  /** virt-xml-validate refuses the XML on this host (as libvirt 9's prints it). */
  invalidOn?: string
  /** virt-xml-validate is not installed on this host. */
  noValidatorOn?: string
}

const PACIFIC = path.join(__dirname, 'fixtures', 'ceph', 'pacific')
/** Ceph 16.2.15's `rbd info --format json` (captured in the lab) with another name and size. */
const rbdInfo = (name: string, size: number) =>
  JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(PACIFIC, 'rbd-info.json'), 'utf8')), name, size })
/** Ceph 16.2.15's `rbd status --format json`: one watcher, or none. */
const rbdStatus = (watched: boolean) =>
  watched ? fs.readFileSync(path.join(PACIFIC, 'rbd-status-labvm2.json'), 'utf8') : '{"watchers":[]}'
const GIB = 2 ** 30

function world(scenario: Scenario = {}) {
  const calls: string[] = []
  const validated: { host: string; argv: string; stdin: string }[] = []
  const defined = new Map(
    HOSTS.map((host) => [
      host,
      host === scenario.drift ? XML.replace('<vcpu', '<description>x</description><vcpu') : XML,
    ]),
  )
  const rbdDisk = (spec: string, target: string) => {
    const [pool = '', image = ''] = spec.split('/')
    return { target, device: 'disk' as const, bus: 'virtio', rbd: { pool, image }, readonly: false }
  }
  const hosts: HostInventory[] = HOSTS.map((host) => ({
    host,
    reachable: scenario.unreachable !== host,
    facts: {},
    domains: [
      {
        uuid: UUID,
        name: 'web1',
        state: scenario.running === host ? 'running' : 'shutoff',
        autostart: scenario.autostartOn === host,
        managedSave: false,
        definition: domainDefinition({
          name: 'web1',
          uuid: UUID,
          disks: [rbdDisk('libvirt-ssd/web1', 'vda')],
          nics: [{ mac: '52:54:00:12:34:56', type: 'bridge', bridge: 'br0' }],
        }),
      },
      ...(scenario.macOfWeb3 && host === 'hv3'
        ? [
            {
              uuid: UUID.replace('6f', '8f'),
              name: 'web3',
              state: 'shutoff' as const,
              autostart: false,
              managedSave: false,
              definition: domainDefinition({
                name: 'web3',
                uuid: UUID.replace('6f', '8f'),
                nics: [{ mac: scenario.macOfWeb3, type: 'bridge', bridge: 'br0' }],
              }),
            },
          ]
        : []),
      ...(scenario.usedByWeb2
        ? [
            {
              uuid: UUID.replace('6f', '7f'),
              name: 'web2',
              state: 'shutoff' as const,
              autostart: false,
              managedSave: false,
              definition: domainDefinition({
                name: 'web2',
                uuid: UUID.replace('6f', '7f'),
                disks: [rbdDisk(scenario.usedByWeb2, 'vda')],
              }),
            },
          ]
        : []),
    ],
    refreshedAt: 0,
  }))
  const images = new Map(Object.entries({ 'libvirt-ssd/web1': 10 * GIB, ...scenario.images }))
  const meta = new Map<string, string>()
  const inventory = {
    refreshHost: async () => undefined,
    vm: (uuid: string) => buildVms(hosts, () => false).find((vm) => vm.uuid === uuid),
    snapshot: () => ({ hosts, vms: buildVms(hosts, () => false) }),
    host: (host: string) => hosts.find((h) => h.host === host),
    domain: (host: string, uuid: string) =>
      hosts.find((h) => h.host === host)?.domains.find((d) => d.uuid === uuid),
    invalidateDefinition: () => undefined,
  } as unknown as InventoryService
  const answer = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 })
  const runner = {
    virsh: async (host: string, args: readonly string[], options?: RunOptions) => {
      calls.push(`${host}: virsh ${args.join(' ')}${options?.stdin ? ' <xml>' : ''}`)
      if (host === scenario.unreachable)
        throw new ApiError({ code: 'ssh.unreachable', host, message: `${host} does not answer` })
      if (args[0] === 'define' && scenario.refuseDefineOn === host)
        throw new ApiError({
          code: 'remote.failed',
          host,
          message: 'error: failed to connect to the hypervisor',
        })
      if (args[0] === 'define' && scenario.keepsOldOn !== host) defined.set(host, options!.stdin as string)
      if (args[0] === 'setmem' && scenario.setmemError)
        throw new ApiError({
          code: 'remote.failed',
          host,
          message: 'virsh setmem failed',
          details: { stderr: scenario.setmemError },
        })
      return answer(args[0] === 'dumpxml' ? defined.get(host)! : '')
    },
    rbd: async (host: string, args: readonly string[]) => {
      calls.push(`${host}: rbd ${args.join(' ')}`)
      const fail = (stderr: string, exitCode = 2) => ({ stdout: '', stderr, exitCode })
      const [command, ...rest] = args
      const spec = command === 'image-meta' ? rest[1]! : rest.find((arg) => arg.includes('/'))!
      const size = images.get(spec)
      if (command === 'info')
        return size === undefined
          ? fail(`rbd: error opening image ${spec}: (2) No such file or directory`)
          : answer(rbdInfo(spec.split('/')[1]!, size))
      if (command === 'status') return answer(rbdStatus(scenario.watched === spec))
      if (command === 'create') {
        if (size !== undefined) return fail('rbd: create error: (17) File exists', 17)
        images.set(spec, Number.parseInt(rest[1]!, 10))
        return answer('')
      }
      if (command === 'image-meta' && rest[0] === 'set') meta.set(spec, rest[3]!)
      if (command === 'image-meta' && rest[0] === 'get') return answer(`${meta.get(spec) ?? ''}\n`)
      if (command === 'rm' && scenario.rmFails)
        throw new ApiError({ code: 'remote.timeout', host, message: 'rbd rm timed out' })
      if (command === 'rm') images.delete(spec)
      if (command === 'resize') {
        if (scenario.resizeFails)
          throw new ApiError({
            code: 'remote.failed',
            host,
            message: 'rbd resize failed: (28) No space left',
          })
        images.set(spec, Number.parseInt(rest[1]!, 10))
      }
      return answer('')
    },
    run: async (host: string, argv: readonly string[], options?: RunOptions) => {
      calls.push(`${host}: ${argv[0]}`)
      if (String(argv[2]).includes('virt-xml-validate')) {
        validated.push({ host, argv: argv.join(' '), stdin: options?.stdin ?? '' })
        if (host === scenario.noValidatorOn)
          return { stdout: '', stderr: 'timeout: failed to run command ‘virt-xml-validate’', exitCode: 127 }
        if (host === scenario.invalidOn)
          return {
            stdout: '',
            stderr:
              '-:9: element bogus: Relax-NG validity error : Element devices has extra content: bogus\n- fails to validate\n',
            exitCode: 3,
          }
        return answer('- validates\n')
      }
      // listBridges: one marked line per /sys/class/net/X/bridge.
      if (argv[0] === 'sh' && String(argv[2]).includes('/sys/class/net/'))
        return answer(
          (scenario.bridges?.[host] ?? ['br0', 'br1'])
            .map((bridge) => `@@hyperdesk-list /sys/class/net/${bridge}/bridge\n`)
            .join(''),
        )
      // As pathsArgv's script prints each asked path that exists (every one but on isoMissingOn).
      const asked = argv.slice(4)
      return answer(
        scenario.isoMissingOn === host ? '' : asked.map((path) => `@@hyperdesk-path ${path}\n`).join(''),
      )
    },
  } as unknown as RemoteRunner
  // Definitions are read in the host's virsh session: answered by the same fake virsh.
  runner.virshQuery = sessionOverOneShot((host, args, options) => runner.virsh(host, args, options))
  const leases: string[][] = []
  const deps: DeleteDeps = {
    runner,
    inventory,
    vmLocks: new KeyedMutex(),
    lease: {
      run: async (names, _operation, _seconds, task) => {
        leases.push([...names])
        return task({ check: async () => undefined })
      },
    },
    hostNames: () => HOSTS,
    hostStates: () => HOSTS.map((name): HostState => ({ name, target: name, status: 'online', since: '' })),
    pools: () => ['libvirt-ssd'],
    ceph: () => ({ clientId: 'libvirt' }),
    guestKeyboardLayout: () => 'fr',
    audit: async () => undefined,
    start: async () => undefined,
    isFenced: () => false,
  }
  const logs: string[] = []
  const job: JobContext = {
    id: 'j-1',
    signal: new AbortController().signal,
    step: () => undefined,
    progress: () => undefined,
    detail: () => undefined,
    log: (text) => logs.push(typeof text === 'string' ? text : englishText(text)),
  }
  return { deps, job, calls, leases, logs, defined, images, validated }
}

const texts = (messages: readonly Message[]) => messages.map(englishText)
const hashes = (plan: VmEditPlan) => Object.fromEntries(plan.hosts.map((h) => [h.host, h.hash ?? '']))

async function planAndApply(scenario: Scenario, changes: VmEditChanges) {
  const w = world(scenario)
  const { plan } = await planEdit(w.deps, UUID, changes)
  const result: { value?: VmEditResult; error?: ApiError } = await editVm(
    w.deps,
    { uuid: UUID, changes, hashes: hashes(plan) },
    w.job,
  ).then(
    (value) => ({ value }),
    (error: unknown) => ({ error: ApiError.from(error) }),
  )
  return { ...w, plan, ...result }
}

describe('the edit plan', () => {
  it('shows the diff and one hash per host, the same on every host', async () => {
    const { deps, calls } = world()
    const { plan } = await planEdit(deps, UUID, { memoryMiB: 2048 })
    expect(plan.canApply).toBe(true)
    // (Raising the memory above the maximum raises the maximum too.)
    expect(plan.diff).toMatch(/^-\s*<memory unit="MiB">1024<\/memory>$/m)
    expect(plan.diff).toMatch(/^\+\s*<memory unit="KiB">2097152<\/memory>$/m)
    expect(plan.diff).toMatch(/^\+\s*<currentMemory unit="KiB">2097152<\/currentMemory>$/m)
    expect(new Set(plan.hosts.map((h) => h.hash)).size).toBe(1)
    // Read with the security data on every host, with each host's bridges, and the disk's size in
    // Ceph; nothing else.
    expect(calls).toEqual([
      ...HOSTS.map((host) => `${host}: virsh dumpxml --inactive --security-info ${UUID}`),
      ...HOSTS.map((host) => `${host}: sh`),
      'hv1: rbd info libvirt-ssd/web1 --format json',
    ])
  })

  it('refuses an unreachable host, drift, an ISO missing somewhere, autostart on a host that lacks it, and no change', async () => {
    const refusals = async (scenario: Scenario, changes: VmEditChanges) =>
      texts((await planEdit(world(scenario).deps, UUID, changes)).plan.refusals)
    expect(await refusals({ unreachable: 'hv2' }, { vcpus: 1 })).toEqual([
      'hv2 does not answer (hv2 does not answer): a definition is changed on every host at once. Edit once it answers.',
    ])
    expect(await refusals({ drift: 'hv3' }, { vcpus: 1 })).toEqual([
      'The definition of web1 differs between hv1 and hv3: sync the definitions first (VM view, definitions), then edit.',
    ])
    expect(
      await refusals({ isoMissingOn: 'hv3' }, { cdrom: { target: 'hdc', iso: ISO.replace('12', '13') } }),
    ).toEqual(['/var/lib/libvirt/images/debian-13.iso is missing on hv3: put it on every host first.'])
    expect(await refusals({}, { autostartOn: 'hv9' })).toEqual([
      'hv9 does not define web1: autostart is set on one of hv1, hv2, and hv3.',
    ])
    expect(await refusals({}, { vcpus: 2, memoryMiB: 1024 })).toEqual(['Nothing to change.'])
  })

  it('autostart moves to one host: enabled there, disabled where it was', async () => {
    const { plan } = await planEdit(world({ autostartOn: 'hv2' }).deps, UUID, { autostartOn: 'hv1' })
    expect(plan.autostart).toEqual({ enable: ['hv1'], disable: ['hv2'] })
    expect(plan.canApply).toBe(true)
  })
})

describe('the edit job', () => {
  it('defines the edit on every host under the VM lease, reads each back, and changes live what it can', async () => {
    const { value, error, calls, leases, defined, logs } = await planAndApply(
      {
        running: 'hv2',
        setmemError:
          'error: Requested operation is not valid: Unable to change memory of active domain without the balloon device',
      },
      { vcpus: 1, memoryMiB: 512, maxMemoryMiB: 2048 },
    )
    expect(error).toBeUndefined()
    expect(leases).toEqual([[`vm:${UUID}`]])
    for (const host of HOSTS)
      expect(readSettings(defined.get(host)!)).toMatchObject({
        vcpus: 1,
        maxVcpus: 2,
        memoryMiB: 512,
        maxMemoryMiB: 2048,
      })
    expect(calls.filter((c) => c.includes('define'))).toEqual(
      HOSTS.map((h) => `${h}: virsh define /dev/stdin <xml>`),
    )
    expect(calls).toContain(`hv2: virsh setvcpus ${UUID} 1 --live`)
    expect(calls).toContain(`hv2: virsh setmem ${UUID} 524288KiB --live`)
    expect(value).toMatchObject({
      hosts: HOSTS,
      live: [
        { action: 'vcpus', ok: true },
        { action: 'memory', ok: false, error: expect.stringContaining('without the balloon device') },
      ],
      pending: ['maxMemoryMiB', 'memoryMiB'],
    })
    expect(logs.join('\n')).toContain('hv2: memory could not be applied to the running VM')
  })

  it('refuses when a host’s definition changed since the plan, with the new plan, and changes nothing', async () => {
    const w = world()
    const { plan } = await planEdit(w.deps, UUID, { vcpus: 1 })
    // Another admin edits hv3 meanwhile.
    w.defined.set('hv3', XML.replace('<vcpu', '<description>edited by bob</description><vcpu'))
    w.calls.length = 0
    const error = await editVm(
      w.deps,
      { uuid: UUID, changes: { vcpus: 1 }, hashes: hashes(plan) },
      w.job,
    ).then(
      () => undefined,
      (e: unknown) => ApiError.from(e),
    )
    expect(error).toMatchObject({ code: 'vm.edit.changed', host: 'hv3' })
    expect(englishText(error!.text!)).toBe(
      'The definition of web1 changed on hv3 since the diff was shown (another admin?): nothing was changed. Look at the new diff and apply again.',
    )
    const fresh = (error!.details as { plan: VmEditPlan }).plan
    expect(fresh.refusals.map((r) => r.code)).toEqual(['vmedit.drift'])
    expect(w.calls.some((c) => c.includes('define'))).toBe(false)
  })

  it('puts the previous definition back on the hosts already changed when a host refuses', async () => {
    const { error, defined, calls } = await planAndApply({ refuseDefineOn: 'hv3' }, { vcpus: 1 })
    expect(error).toMatchObject({ code: 'vm.edit.failed', host: 'hv3' })
    expect(englishText(error!.text!)).toMatch(
      /^Editing web1 failed \(.*\)\. The previous definition was put back on hv2 and hv1\.$/,
    )
    for (const host of HOSTS) expect(defined.get(host)).toBe(XML)
    // hv3 refused (it still has the old one: read, not defined again); hv2 and hv1 defined back.
    expect(calls.filter((c) => c.includes('define'))).toHaveLength(5)
  })

  it('a host that reads back something else fails the edit, undone everywhere', async () => {
    const { error, defined } = await planAndApply({ keepsOldOn: 'hv2' }, { description: 'new' })
    expect(error).toMatchObject({ code: 'vm.edit.failed', host: 'hv2' })
    expect(error?.message).toContain('hv2 did not keep the change (description)')
    for (const host of HOSTS) expect(readSettings(defined.get(host)!).description).toBe('')
  })

  it('refuses what the plan refuses (drift), before any define', async () => {
    const { error, calls } = await planAndApply({ drift: 'hv2' }, { vcpus: 1 })
    expect(error).toMatchObject({ code: 'vm.edit.refused' })
    expect(calls.some((c) => c.includes('define'))).toBe(false)
  })
})

describe('disks', () => {
  const NEW = { pool: 'libvirt-ssd', image: 'web1-data', sizeBytes: 2 * GIB }

  it('attaches an RBD disk at the next free virtio target, reaching Ceph as the first disk does', () => {
    const next = editedDefinition(XML, { attachDisks: [NEW, { pool: 'libvirt-sata', image: 'old' }] })
    expect(readSettings(next).disks).toEqual([
      { target: 'vda', source: 'libvirt-ssd/web1' },
      { target: 'vdb', source: 'libvirt-ssd/web1-data' },
      { target: 'vdc', source: 'libvirt-sata/old' },
    ])
    const disk = diskDeviceXml(next, 'vdb')
    expect(disk).toContain('<driver name="qemu" type="raw" cache="writeback" error_policy="stop"')
    expect(disk).toMatch(/<auth username="libvirt">\s*<secret type="ceph" uuid="[^"]+"\/>\s*<\/auth>/)
    expect(disk).toContain('<source protocol="rbd" name="libvirt-ssd/web1-data"')
    // Detaching takes the disk out of the definition; its target is not reused in the same edit.
    const detached = editedDefinition(next, {
      detachDisks: ['vdb'],
      attachDisks: [{ pool: 'p', image: 'x' }],
    })
    expect(readSettings(detached).disks.map((d) => `${d.target} ${d.source}`)).toEqual([
      'vda libvirt-ssd/web1',
      'vdc libvirt-sata/old',
      'vdd p/x',
    ])
  })

  it('keeps <auth> inside <source> when the first disk has it there', () => {
    const inSource = XML.replace(
      /(<auth[\s\S]*?<\/auth>)\s*(<source protocol='rbd' name='libvirt-ssd\/web1')\/>/,
      '$2>$1</source>',
    )
    expect(inSource).toMatch(/<source protocol='rbd' name='libvirt-ssd\/web1'><auth/)
    const disk = diskDeviceXml(editedDefinition(inSource, { attachDisks: [NEW] }), 'vdb')
    expect(disk).toMatch(/<source protocol="rbd" name="libvirt-ssd\/web1-data"><auth username="libvirt">/)
  })

  it('refuses a CD-ROM, an unknown target, a grown and detached disk, an image attached twice, and no RBD disk', () => {
    expect(() => editedDefinition(XML, { detachDisks: ['hdc'] })).toThrow(/hdc/)
    expect(() => editedDefinition(XML, { detachDisks: ['vdq'] })).toThrow(/vdq/)
    expect(() => editedDefinition(XML, { growDisks: [{ target: 'hdc', sizeBytes: GIB }] })).toThrow(/hdc/)
    expect(() =>
      editedDefinition(XML, { detachDisks: ['vda'], growDisks: [{ target: 'vda', sizeBytes: GIB }] }),
    ).toThrow(DefinitionEditError)
    expect(() => editedDefinition(XML, { attachDisks: [{ pool: 'libvirt-ssd', image: 'web1' }] })).toThrow(
      /libvirt-ssd\/web1 vda/,
    )
    const noRbd = editedDefinition(XML, { detachDisks: ['vda'] })
    expect(() => editedDefinition(noRbd, { attachDisks: [NEW] })).toThrow(/no RBD disk/)
  })

  it('validates disk input: sizes in whole MiB, image names, targets, no image twice', () => {
    const ok = (changes: unknown) => VmEditChangesSchema.safeParse(changes).success
    expect(ok({ attachDisks: [NEW] })).toBe(true)
    expect(ok({ attachDisks: [{ ...NEW, sizeBytes: GIB + 1 }] })).toBe(false)
    expect(ok({ attachDisks: [{ ...NEW, image: '../x' }] })).toBe(false)
    expect(ok({ attachDisks: [{ ...NEW, pool: '-rf' }] })).toBe(false)
    expect(ok({ attachDisks: [NEW, NEW] })).toBe(false)
    expect(ok({ detachDisks: ['vda;reboot'] })).toBe(false)
    expect(ok({ growDisks: [{ target: 'vda', sizeBytes: 0 }] })).toBe(false)
  })

  it('the plan shows each disk’s size, the new targets and grows, and refuses what Ceph or other VMs forbid', async () => {
    const w = world({
      images: { 'libvirt-ssd/spare': GIB, 'libvirt-ssd/open': GIB, 'libvirt-ssd/web2': GIB },
      watched: 'libvirt-ssd/open',
      usedByWeb2: 'libvirt-ssd/web2',
    })
    const good = await planEdit(w.deps, UUID, {
      attachDisks: [NEW, { pool: 'libvirt-ssd', image: 'spare' }],
      growDisks: [{ target: 'vda', sizeBytes: 12 * GIB }],
    })
    expect(good.plan.refusals).toEqual([])
    expect(good.plan.disks).toEqual([
      { target: 'vda', source: 'libvirt-ssd/web1', pool: 'libvirt-ssd', image: 'web1', sizeBytes: 10 * GIB },
    ])
    expect(good.plan.attach).toEqual([
      { target: 'vdb', pool: 'libvirt-ssd', image: 'web1-data', sizeBytes: 2 * GIB },
      { target: 'vdc', pool: 'libvirt-ssd', image: 'spare' },
    ])
    expect(good.plan.grow).toEqual([
      { target: 'vda', image: 'libvirt-ssd/web1', fromBytes: 10 * GIB, toBytes: 12 * GIB },
    ])
    // (Intl writes sizes with a no-break space.)
    const refusals = async (changes: VmEditChanges) =>
      texts((await planEdit(w.deps, UUID, changes)).plan.refusals).map((text) =>
        text.replace(/[\u00a0\u202f]/g, ' '),
      )
    expect(await refusals({ attachDisks: [{ ...NEW, image: 'spare' }] })).toEqual([
      'libvirt-ssd/spare already exists: choose another name, or attach it as an existing image (without a size).',
    ])
    expect(await refusals({ attachDisks: [{ pool: 'libvirt-ssd', image: 'nope' }] })).toEqual([
      'libvirt-ssd/nope does not exist: give a size to create it, or check its name in the Storage view.',
    ])
    expect(await refusals({ attachDisks: [{ pool: 'libvirt-ssd', image: 'open' }] })).toEqual([
      'libvirt-ssd/open is open by 10.77.0.2:0/2582060319: a QEMU or another client uses it. Stop that client first.',
    ])
    expect(await refusals({ attachDisks: [{ pool: 'libvirt-ssd', image: 'web2' }] })).toEqual([
      'libvirt-ssd/web2 is in the definition of web2 on hv1: an image belongs to one VM. Detach it from web2 first.',
    ])
    expect(await refusals({ attachDisks: [{ pool: 'rbd', image: 'x', sizeBytes: GIB }] })).toEqual([
      'rbd is not one of the cluster’s pools (libvirt-ssd).',
    ])
    expect(await refusals({ growDisks: [{ target: 'vda', sizeBytes: 10 * GIB }] })).toEqual([
      'vda (libvirt-ssd/web1) is 10 GiB: 10 GiB is not larger. A disk only grows here; shrinking is done in the Storage view, with the VM off.',
    ])
    expect(await refusals({ detachDisks: ['hdc'] })).toEqual([
      'hdc is a CD-ROM drive: eject its medium instead (the CD-ROM field).',
    ])
  })

  it('makes the new image tagged with the job, defines everywhere, grows with rbd resize when off, under the images’ leases', async () => {
    const { error, value, calls, leases, defined, images } = await planAndApply(
      {},
      { attachDisks: [NEW], growDisks: [{ target: 'vda', sizeBytes: 12 * GIB }] },
    )
    expect(error).toBeUndefined()
    expect(leases).toEqual([[`vm:${UUID}`, 'image:libvirt-ssd/web1-data', 'image:libvirt-ssd/web1']])
    const order = calls.filter((c) => / rbd (create|image-meta set|resize)|define/.test(c))
    expect(order).toEqual([
      `hv1: rbd create --size ${2 * GIB}B libvirt-ssd/web1-data`,
      'hv1: rbd image-meta set libvirt-ssd/web1-data hyperdesk.create-job j-1',
      ...HOSTS.map((h) => `${h}: virsh define /dev/stdin <xml>`),
      `hv1: rbd resize --size ${12 * GIB}B libvirt-ssd/web1`,
    ])
    for (const host of HOSTS)
      expect(readSettings(defined.get(host)!).disks.map((d) => d.target)).toEqual(['vda', 'vdb'])
    expect(images.get('libvirt-ssd/web1')).toBe(12 * GIB)
    expect(value).toMatchObject({ hosts: HOSTS, live: [], pending: [] })
  })

  it('on the running VM: hot-plugs the new disk, unplugs the detached one, grows through QEMU (blockresize)', async () => {
    const w = world({ running: 'hv2', images: { 'libvirt-ssd/spare': GIB } })
    const withSpare = editedDefinition(XML, { attachDisks: [{ pool: 'libvirt-ssd', image: 'spare' }] })
    for (const host of HOSTS) w.defined.set(host, withSpare)
    const changes: VmEditChanges = {
      attachDisks: [NEW],
      detachDisks: ['vdb'],
      growDisks: [{ target: 'vda', sizeBytes: 11 * GIB }],
    }
    const { plan } = await planEdit(w.deps, UUID, changes)
    expect(plan).toMatchObject({ live: ['diskAttach', 'diskDetach'], canApply: true })
    expect(plan.attach.map((d) => d.target)).toEqual(['vdc'])
    const value = await editVm(w.deps, { uuid: UUID, changes, hashes: hashes(plan) }, w.job)
    expect(w.calls).toContain(`hv2: virsh blockresize ${UUID} vda --size ${11 * GIB}B`)
    expect(w.calls).toContain(`hv2: virsh attach-device ${UUID} /dev/stdin --live <xml>`)
    expect(w.calls).toContain(`hv2: virsh detach-disk ${UUID} vdb --live`)
    expect(w.calls.some((c) => c.includes('rbd resize'))).toBe(false)
    expect(value.live).toEqual([
      { action: 'diskAttach', target: 'vdc', ok: true },
      { action: 'diskDetach', target: 'vdb', ok: true },
    ])
  })

  it('a failure after the new image was made removes it (it carries the job’s tag) and puts every definition back', async () => {
    const { error, defined, images, calls } = await planAndApply(
      { refuseDefineOn: 'hv3' },
      { attachDisks: [NEW] },
    )
    expect(error).toMatchObject({ code: 'vm.edit.failed', host: 'hv3' })
    expect(images.has('libvirt-ssd/web1-data')).toBe(false)
    expect(calls).toContain('hv1: rbd rm libvirt-ssd/web1-data')
    for (const host of HOSTS) expect(defined.get(host)).toBe(XML)
  })

  it('a grow that fails undoes the definitions and the new image; an image it could not remove is named', async () => {
    const failed = await planAndApply(
      { resizeFails: true },
      { attachDisks: [NEW], growDisks: [{ target: 'vda', sizeBytes: 12 * GIB }] },
    )
    expect(failed.error).toMatchObject({ code: 'vm.edit.failed' })
    expect(JSON.stringify(failed.error?.details?.['cause'])).toContain('No space left')
    expect(failed.images.has('libvirt-ssd/web1-data')).toBe(false)
    for (const host of HOSTS) expect(failed.defined.get(host)).toBe(XML)
    const kept = await planAndApply(
      { resizeFails: true, rmFails: true },
      { attachDisks: [NEW], growDisks: [{ target: 'vda', sizeBytes: 12 * GIB }] },
    )
    expect(kept.error).toMatchObject({
      code: 'vm.edit.remains',
      details: { remains: ['libvirt-ssd/web1-data'] },
    })
    expect(englishText(kept.error!.text!)).toMatch(
      /The previous definition is back on every host, but libvirt-ssd\/web1-data made for the edit could not be removed: remove it in the Storage view\.$/,
    )
  })
})

describe('network cards', () => {
  const MAC = '52:54:00:12:34:56'

  it('adds a card on a bridge, removes one, changes a MAC and a bridge; never a MAC twice', () => {
    const next = editedDefinition(XML, {
      addNics: [{ bridge: 'br1', mac: '02:00:00:aa:bb:cc', model: 'e1000' }],
      changeNics: [{ mac: MAC, newMac: '52:54:00:00:00:01', bridge: 'br1' }],
    })
    expect(readSettings(next).nics).toEqual([
      { mac: '52:54:00:00:00:01', bridge: 'br1', model: 'virtio' },
      { mac: '02:00:00:aa:bb:cc', bridge: 'br1', model: 'e1000' },
    ])
    expect(nicDeviceXml(next, '02:00:00:AA:BB:CC')).toBe(
      '<interface type="bridge"><mac address="02:00:00:aa:bb:cc"/><source bridge="br1"/><model type="e1000"/></interface>',
    )
    expect(readSettings(editedDefinition(next, { removeNics: ['52:54:00:00:00:01'] })).nics).toHaveLength(1)
    expect(() => editedDefinition(XML, { removeNics: ['52:54:00:99:99:99'] })).toThrow(/52:54:00:99:99:99/)
    expect(() => editedDefinition(XML, { addNics: [{ bridge: 'br0', mac: MAC }] })).toThrow(
      DefinitionEditError,
    )
    expect(() =>
      editedDefinition(XML, { removeNics: [MAC], changeNics: [{ mac: MAC, bridge: 'br1' }] }),
    ).toThrow(DefinitionEditError)
    const onNetwork = XML.replace("<interface type='bridge'>", "<interface type='network'>")
    expect(() => editedDefinition(onNetwork, { changeNics: [{ mac: MAC, bridge: 'br1' }] })).toThrow(
      /network/,
    )
  })

  it('validates card input: MACs unicast and well-formed, bridge names, something to change', () => {
    const ok = (changes: unknown) => VmEditChangesSchema.safeParse(changes).success
    expect(ok({ addNics: [{ bridge: 'br0' }] })).toBe(true)
    expect(ok({ addNics: [{ bridge: 'br0; reboot' }] })).toBe(false)
    expect(ok({ addNics: [{ bridge: 'br0', mac: '01:00:00:00:00:01' }] })).toBe(false)
    expect(ok({ changeNics: [{ mac: MAC }] })).toBe(false)
    expect(ok({ changeNics: [{ mac: MAC, newMac: '52-54-00-00-00-01' }] })).toBe(false)
    expect(ok({ removeNics: [MAC, MAC] })).toBe(false)
  })

  it('the plan draws an unused MAC for a new card, lists bridges on every host, and refuses a used MAC or a missing bridge', async () => {
    const w = world({ macOfWeb3: '02:00:00:77:77:77', bridges: { hv2: ['br0'] } })
    const { plan } = await planEdit(w.deps, UUID, { addNics: [{ bridge: 'br0' }] })
    expect(plan.refusals).toEqual([])
    expect(plan.bridges).toEqual(['br0'])
    expect(plan.addNics).toEqual([
      { mac: expect.stringMatching(/^52:54:00:/), bridge: 'br0', model: 'virtio' },
    ])
    // The drawn MAC is in the changes the sheet sends back, so the job defines the diff shown.
    expect(plan.changes.addNics).toEqual([{ bridge: 'br0', mac: plan.addNics[0]!.mac }])
    expect(plan.diff).toContain(`<mac address="${plan.addNics[0]!.mac}"/>`)
    const refusals = async (changes: VmEditChanges) =>
      texts((await planEdit(w.deps, UUID, changes)).plan.refusals)
    expect(await refusals({ addNics: [{ bridge: 'br1', mac: '02:00:00:77:77:77' }] })).toEqual([
      'The bridge br1 is missing on hv2: the VM can run on every host, so each needs it.',
      'The MAC 02:00:00:77:77:77 is already used by web3 on hv3: a MAC is unique among every definition on every host.',
    ])
    expect(await refusals({ changeNics: [{ mac: '52:54:00:99:99:99', bridge: 'br0' }] })).toEqual([
      'web1 has no network card with the MAC 52:54:00:99:99:99.',
    ])
  })

  it('on the running VM: a new card plugged, a bridge moved live, a MAC change pending; removal unplugged with its old XML', async () => {
    const w = world({ running: 'hv2' })
    const changes: VmEditChanges = { addNics: [{ bridge: 'br1' }], changeNics: [{ mac: MAC, bridge: 'br1' }] }
    const { plan } = await planEdit(w.deps, UUID, changes)
    expect(plan).toMatchObject({ live: ['nicAdd', 'nicBridge'], pending: [], canApply: true })
    const value = await editVm(w.deps, { uuid: UUID, changes: plan.changes, hashes: hashes(plan) }, w.job)
    const added = plan.addNics[0]!.mac
    expect(w.calls).toContain(`hv2: virsh attach-device ${UUID} /dev/stdin --live <xml>`)
    expect(w.calls).toContain(`hv2: virsh update-device ${UUID} /dev/stdin --live <xml>`)
    expect(value.live).toEqual([
      { action: 'nicAdd', target: added, ok: true },
      { action: 'nicBridge', target: MAC, ok: true },
    ])
    for (const host of HOSTS)
      expect(readSettings(w.defined.get(host)!).nics.map((n) => n.mac)).toEqual([MAC, added])
    const mac = await planEdit(w.deps, UUID, { changeNics: [{ mac: MAC, newMac: '52:54:00:00:00:02' }] })
    expect(mac.plan).toMatchObject({ live: [], pending: ['nics'] })
    const removal = await planEdit(w.deps, UUID, { removeNics: [added] })
    expect(removal.plan.live).toEqual(['nicRemove'])
  })
})

describe('expert mode (the XML itself)', () => {
  const PASSWORD_XML = XML.replace("<graphics type='vnc'", "<graphics type='vnc' passwd='s3cret'")
  const withVcpus = (xml: string, vcpus: number) =>
    xml.replace(/<vcpu([^>]*)>\d+<\/vcpu>/, `<vcpu$1>${vcpus}</vcpu>`)

  it('refuses before any host is asked: a rename, another or no UUID, unreadable XML, form changes mixed in', () => {
    const problems = (changes: VmEditChanges) => texts(expertProblems(XML, changes))
    expect(problems({ xml: XML.replace('<name>web1</name>', '<name>web9</name>') })).toEqual([
      'The XML renames web1 to web9: expert mode does not rename. Put the name back, and use Rename (VM off).',
    ])
    const other = '0f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f'
    expect(problems({ xml: XML.replace(UUID, other) })).toEqual([
      `The XML changes the UUID of web1 (${UUID} → ${other}): libvirt would see another VM. Put the UUID back.`,
    ])
    expect(problems({ xml: XML.replace(/<uuid>[^<]*<\/uuid>/, '') })).toEqual([
      `The XML has no <uuid>: libvirt would give web1 another one. Put <uuid>${UUID}</uuid> back.`,
    ])
    // The UUID's case is libvirt's business: the same VM.
    expect(problems({ xml: XML.replace(UUID, UUID.toUpperCase()) })).toEqual([])
    // The XML reader's words are the detail, never inside the sentence.
    const [malformed] = expertProblems(XML, { xml: XML.replace('</devices>', '<devices>') })
    expect(englishText(malformed!)).toBe(
      'The XML cannot be read (the reader’s words below): nothing was sent to the hosts.',
    )
    expect(malformed).toMatchObject({ detailFrom: 'local', detail: expect.stringMatching(/^line \d+: .+/) })
    expect(problems({ xml: XML, vcpus: 1 })).toEqual([
      'An XML edit (expert mode) is applied alone: apply the form’s changes first, or put them in the XML.',
    ])
    expect(problems({ xml: withVcpus(XML, 1) })).toEqual([])
  })

  it('validates with virt-xml-validate on every host and names the host that refuses, with its output', async () => {
    const w = world({ invalidOn: 'hv2' })
    const xml = withVcpus(XML, 1)
    const { plan } = await planEdit(w.deps, UUID, { xml })
    expect(w.validated.map((v) => v.host).sort()).toEqual(HOSTS)
    expect(
      w.validated.every(
        (v) => v.argv.endsWith('exec virt-xml-validate - domain hyperdesk-validate') && v.stdin === xml,
      ),
    ).toBe(true)
    expect(plan.canApply).toBe(false)
    expect(plan.refusals).toHaveLength(1)
    expect(englishText(plan.refusals[0]!)).toContain(
      'libvirt’s schema refuses the XML on hv2 (virt-xml-validate): nothing was changed.',
    )
    expect(plan.refusals[0]!.detail).toBe(
      '-:9: element bogus: Relax-NG validity error : Element devices has extra content: bogus\n- fails to validate',
    )
    const missing = world({ noValidatorOn: 'hv3' })
    const refused = await planEdit(missing.deps, UUID, { xml })
    expect(texts(refused.plan.refusals)).toEqual([
      'virt-xml-validate is missing on hv3, so the XML cannot be checked there: install libvirt-clients on hv3.',
    ])
  })

  it('a rename asks no host to validate anything', async () => {
    const w = world()
    const { plan } = await planEdit(w.deps, UUID, { xml: XML.replace('<name>web1</name>', '<name>x</name>') })
    expect(plan.canApply).toBe(false)
    expect(w.validated).toEqual([])
  })

  it('sends the definition with its password hidden, then defines the XML on every host with the password put back', async () => {
    const w = world()
    for (const host of HOSTS) w.defined.set(host, PASSWORD_XML)
    const loaded = await planEdit(w.deps, UUID, {}, { withXml: true })
    expect(loaded.plan.xml).toMatch(/<graphics type='vnc' passwd='\(hidden [0-9a-f]{12}\)'/)
    expect(JSON.stringify(loaded.plan)).not.toContain('s3cret')
    const xml = withVcpus(loaded.plan.xml!, 1)
    const { plan } = await planEdit(w.deps, UUID, { xml })
    expect(plan).toMatchObject({ canApply: true, live: [], pending: [], passwords: [] })
    expect(plan.xml).toBeUndefined()
    expect(plan.diff).toMatch(/^\+\s*<vcpu[^>]*>1<\/vcpu>$/m)
    expect(JSON.stringify(plan)).not.toContain('s3cret')
    const value = await editVm(w.deps, { uuid: UUID, changes: { xml }, hashes: hashes(loaded.plan) }, w.job)
    expect(value).toMatchObject({ name: 'web1', hosts: HOSTS, pending: [] })
    for (const host of HOSTS) expect(w.defined.get(host)).toBe(withVcpus(PASSWORD_XML, 1))
  })

  it('a new VNC password alone is a change: said in words, hidden in the diff, defined on every host', async () => {
    const w = world({ running: 'hv2' })
    for (const host of HOSTS) w.defined.set(host, PASSWORD_XML)
    const loaded = await planEdit(w.deps, UUID, {}, { withXml: true })
    const xml = loaded.plan.xml!.replace(/passwd='[^']*'/, "passwd='n3wpass'")
    const { plan } = await planEdit(w.deps, UUID, { xml })
    expect(plan.refusals).toEqual([])
    expect(plan.diff).toBe('')
    expect(texts(plan.passwords)).toEqual(['The VNC password changes (not shown).'])
    // Nothing applies live: the running VM keeps the old one until its next start.
    expect(plan.pending).toEqual(['definition'])
    expect(JSON.stringify(plan)).not.toContain('s3cret')
    await editVm(w.deps, { uuid: UUID, changes: { xml }, hashes: hashes(loaded.plan) }, w.job)
    for (const host of HOSTS) {
      expect(w.defined.get(host)).toContain("passwd='n3wpass'")
      expect(w.defined.get(host)).not.toContain('s3cret')
    }
    // Removed, set: said too.
    const removed = await planEdit(w.deps, UUID, { xml: xml.replace(" passwd='n3wpass'", '') })
    expect(texts(removed.plan.passwords)).toEqual([
      'The VNC password is removed: whoever reaches the console’s port can connect.',
    ])
    const none = world()
    const set = await planEdit(none.deps, UUID, {
      xml: XML.replace("<graphics type='vnc'", "<graphics type='vnc' passwd='abc'"),
    })
    expect(texts(set.plan.passwords)).toEqual(['A VNC password is set (not shown).'])
  })

  it('refuses a VNC password over 8 characters, and a hidden one that is no longer the definition’s', async () => {
    const w = world()
    for (const host of HOSTS) w.defined.set(host, PASSWORD_XML)
    const loaded = await planEdit(w.deps, UUID, {}, { withXml: true })
    const long = await planEdit(w.deps, UUID, {
      xml: loaded.plan.xml!.replace(/passwd='[^']*'/, "passwd='123456789'"),
    })
    expect(texts(long.plan.refusals)).toEqual([
      'The VNC password in the XML has 9 characters: VNC uses 8 at most, and libvirt refuses a longer one. Shorten it.',
    ])
    expect(w.validated).toEqual([])
    // Eight is fine (accents count as one character each).
    expect(
      (await planEdit(w.deps, UUID, { xml: loaded.plan.xml!.replace(/passwd='[^']*'/, "passwd='éééééééé'") }))
        .plan.refusals,
    ).toEqual([])
    // Another admin changed the password since the XML was read: its fingerprint matches nothing.
    for (const host of HOSTS) w.defined.set(host, PASSWORD_XML.replace('s3cret', 'bob12345'))
    const stale = await planEdit(w.deps, UUID, { xml: withVcpus(loaded.plan.xml!, 1) })
    expect(texts(stale.plan.refusals)).toEqual([
      'The XML keeps a hidden display password that is no longer the definition’s (it changed since the XML was read): read the XML again.',
    ])
  })

  it('on a running VM nothing applies live: what changed waits for its next start, the edited XML included', async () => {
    const w = world({ running: 'hv1' })
    const { plan } = await planEdit(w.deps, UUID, { xml: withVcpus(XML, 1) })
    expect(plan).toMatchObject({ canApply: true, live: [], pending: ['vcpus', 'maxVcpus', 'definition'] })
    expect(expertPending(readSettings(XML), readSettings(XML), false, true)).toEqual([])
  })

  it('refuses when a host changed since the XML was loaded, with the new diff, and defines nothing', async () => {
    const w = world()
    const loaded = await planEdit(w.deps, UUID, {}, { withXml: true })
    const xml = withVcpus(loaded.plan.xml!, 1)
    w.defined.set('hv1', XML.replace('<vcpu', '<description>edited by bob</description><vcpu'))
    w.calls.length = 0
    const error = await editVm(
      w.deps,
      { uuid: UUID, changes: { xml }, hashes: hashes(loaded.plan) },
      w.job,
    ).then(
      () => undefined,
      (e: unknown) => ApiError.from(e),
    )
    expect(error).toMatchObject({ code: 'vm.edit.changed', host: 'hv1' })
    expect(w.calls.some((c) => c.includes('define'))).toBe(false)
    const fresh = (error!.details as { plan: VmEditPlan }).plan
    // The new diff shows that applying this XML now would take bob's description away.
    expect(fresh.diff).toMatch(/^-\s*<description>edited by bob<\/description>$/m)
  })

  it('the guard names each host whose hash is not the one shown, a host missing from the hashes included', () => {
    const hosts = HOSTS.map((host) => ({ host, hash: `h-${host}`, running: false, autostart: false }))
    expect(changedSince(hosts, { hv1: 'h-hv1', hv2: 'h-hv2', hv3: 'h-hv3' })).toEqual([])
    expect(changedSince(hosts, { hv1: 'h-hv1', hv2: 'other', hv3: 'h-hv3' })).toEqual(['hv2'])
    expect(changedSince(hosts, { hv1: 'h-hv1' })).toEqual(['hv2', 'hv3'])
  })
})
