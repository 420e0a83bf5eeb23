import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import { parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'
import { buildDomainXml } from '../../src/main/core/vmdef/builder'
import { deleteVm, type DeleteDeps } from '../../src/main/core/vmdef/delete'
import { renamedDefinition, renamedImage, renameVm } from '../../src/main/core/vmdef/rename'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import type { DomainOnHost, HostInventory } from '../../src/shared/inventory'
import { englishText } from '../../src/shared/messages'
import { sessionOverOneShot } from '../support/scripted-virsh'

/**
 * Deleting and renaming a VM, judged and done against a scripted cluster: every host's definitions as the
 * inventory holds them, and rbd's answers captured from the lab's Pacific (fixtures/ceph/pacific,
 * SOURCES.md). What the tests check is what was asked of the hosts, in which order, and what the
 * job refused or restored.
 */

const PACIFIC = path.join(__dirname, 'fixtures', 'ceph', 'pacific')
const pacific = (name: string) => fs.readFileSync(path.join(PACIFIC, name), 'utf8')
const UUID = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f'
const HOSTS = ['hv1', 'hv2', 'hv3']
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
})

interface Scenario {
  running?: string
  unreachable?: string
  fenced?: string
  snapshots?: string
  watchers?: string
  refuseUndefineOn?: string
  refuseDefineOn?: string
  /** libvirt snapshot names on a host (`virsh snapshot-list --name`). */
  libvirtSnapshots?: { host: string; names: string }
  managedSaveOn?: string
  /** Images that already exist (rbd info answers). */
  existing?: string[]
  /** What every `rbd info` prints instead (the rbd host cannot reach Ceph). */
  rbdInfoFails?: { stderr: string; exitCode: number }
}

function world(scenario: Scenario = {}) {
  const calls: string[] = []
  const domain = (host: string): DomainOnHost => ({
    uuid: UUID,
    name: 'web1',
    state: scenario.running === host ? 'running' : 'shutoff',
    autostart: false,
    managedSave: scenario.managedSaveOn === host,
    definition: parseDomainXml(XML),
  })
  const hosts: HostInventory[] = HOSTS.map((host) => ({
    host,
    reachable: scenario.unreachable !== host,
    facts: {},
    domains: [domain(host)],
    refreshedAt: 0,
  }))
  const isFenced = (host: string) => scenario.fenced === host
  const inventory = {
    refreshHost: async () => undefined,
    vm: (uuid: string) => buildVms(hosts, isFenced).find((vm) => vm.uuid === uuid),
    domain: (host: string, uuid: string) =>
      hosts.find((h) => h.host === host)?.domains.find((d) => d.uuid === uuid),
    snapshot: () => ({ hosts, vms: buildVms(hosts, isFenced) }),
    invalidateDefinition: () => undefined,
  } as unknown as InventoryService
  const answer = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 })
  /** Each host's current definition (what dumpxml answers), changed by domrename and define. */
  const defined = new Map(HOSTS.map((host) => [host, XML]))
  const runner = {
    virsh: async (host: string, args: readonly string[], options?: RunOptions) => {
      calls.push(`${host}: virsh ${args.join(' ')}${options?.stdin ? ' <xml>' : ''}`)
      if (args[0] === 'undefine' && scenario.refuseUndefineOn === host)
        throw new ApiError({
          code: 'remote.failed',
          host,
          message: 'error: Requested operation is not valid',
        })
      if (args[0] === 'define' && scenario.refuseDefineOn === host)
        throw new ApiError({
          code: 'remote.failed',
          host,
          message: 'error: failed to connect to the hypervisor',
        })
      if (args[0] === 'snapshot-list')
        return answer(scenario.libvirtSnapshots?.host === host ? scenario.libvirtSnapshots.names : '')
      if (args[0] === 'domrename')
        defined.set(host, defined.get(host)!.replace(/<name>[^<]*<\/name>/, `<name>${args[2]}</name>`))
      if (args[0] === 'define') defined.set(host, options!.stdin as string)
      return answer(args[0] === 'dumpxml' ? defined.get(host)! : '')
    },
    rbd: async (host: string, args: readonly string[]) => {
      calls.push(`${host}: rbd ${args.join(' ')}`)
      if (args[0] === 'status') return answer(scenario.watchers ?? '{"watchers":[]}')
      if (args[0] === 'snap' && args[1] === 'ls') return answer(scenario.snapshots ?? '[]')
      if (args[0] === 'info' && scenario.rbdInfoFails) return { stdout: '', ...scenario.rbdInfoFails }
      if (args[0] === 'info' && !scenario.existing?.includes(args[1]!))
        return {
          stdout: '',
          stderr: `rbd: error opening image ${args[1]}: (2) No such file or directory`,
          exitCode: 2,
        }
      return answer('')
    },
  } as unknown as RemoteRunner
  // Definitions are read in the host's virsh session: answered by the same fake virsh.
  runner.virshQuery = sessionOverOneShot((host, args, options) => runner.virsh(host, args, options))
  const leases: string[][] = []
  const audits: string[] = []
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
    hostStates: () =>
      HOSTS.map((name): HostState => ({
        name,
        target: name,
        status: scenario.unreachable === name ? 'offline' : 'online',
        since: '',
      })),
    pools: () => ['libvirt-ssd'],
    ceph: () => ({ clientId: 'libvirt' }),
    guestKeyboardLayout: () => 'fr',
    audit: async (host, action) => {
      audits.push(`${host}: ${action}`)
    },
    start: async () => undefined,
    isFenced,
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
  return { deps, job, calls, leases, audits, logs, defined }
}

const ASK = { uuid: UUID, confirmName: 'web1', deleteImages: true, purgeSnapshots: false }

/** The job's error (undefined when it succeeded). */
async function failure(deps: DeleteDeps, job: JobContext, params = ASK): Promise<ApiError | undefined> {
  return deleteVm(deps, params, job).then(
    () => undefined,
    (e: unknown) => ApiError.from(e),
  )
}

async function refusal(scenario: Scenario, params = ASK) {
  const { deps, job, calls } = world(scenario)
  const error = await failure(deps, job, params)
  return { error, changed: calls.filter((call) => /virsh (un)?define|rbd (rm|snap purge)/.test(call)) }
}

describe('delete: refused before anything changes (item 5)', () => {
  it('while it runs anywhere, or on a host that no longer answers', async () => {
    const running = await refusal({ running: 'hv2' })
    expect(running.error?.code).toBe('vm.delete.refused')
    expect(running.error?.message).toContain('web1 runs on hv2')
    expect(running.changed).toEqual([])
  })

  it('while a host that may define it does not answer — unless that host was fenced', async () => {
    const lost = await refusal({ unreachable: 'hv3' })
    expect(lost.error?.message).toContain('hv3 may define web1 and does not answer')
    expect(lost.changed).toEqual([])
    const { deps, job, calls } = world({ unreachable: 'hv3', fenced: 'hv3' })
    const done = await deleteVm(deps, ASK, job)
    expect(done.undefinedOn).toEqual(['hv1', 'hv2'])
    expect(calls.some((call) => call.startsWith('hv3'))).toBe(false)
  })

  it('when the typed name is not its name', async () => {
    const wrong = await refusal({}, { ...ASK, confirmName: 'web' })
    expect(wrong.error?.message).toContain('The name typed ("web") is not the VM’s name (web1)')
    expect(wrong.changed).toEqual([])
  })

  it('when its image has snapshots and no purge is asked; when one is protected, even with purge', async () => {
    // Pacific's `rbd snap ls --format json`: s1 protected, s2 not.
    const protectedOne = await refusal(
      { snapshots: pacific('rbd-snap-ls.json') },
      { ...ASK, purgeSnapshots: true },
    )
    expect(protectedOne.error?.message).toContain('libvirt-ssd/web1 has protected snapshots (s1)')
    expect(protectedOne.changed).toEqual([])
    const unprotected =
      '[{"id":5,"name":"s2","size":8388608,"protected":"false","timestamp":"Thu Dec  3 09:16:34 2026"}]'
    const noPurge = await refusal({ snapshots: unprotected })
    expect(noPurge.error?.message).toContain('libvirt-ssd/web1 has 1 snapshot')
    expect(noPurge.changed).toEqual([])
  })

  it('when its image is open by a client (watchers)', async () => {
    const open = await refusal({ watchers: pacific('rbd-status-running.json') })
    expect(open.error?.message).toContain('libvirt-ssd/web1 is open by 10.77.0.1:0/4183032465')
    expect(open.changed).toEqual([])
  })
})

describe('delete: one change on every host, or none', () => {
  it('reads each definition, undefines with managed save and snapshot metadata, purges then removes the image, audits', async () => {
    const unprotected =
      '[{"id":5,"name":"s2","size":8388608,"protected":"false","timestamp":"Thu Dec  3 09:16:34 2026"}]'
    const { deps, job, calls, leases, audits } = world({ snapshots: unprotected })
    const done = await deleteVm(deps, { ...ASK, purgeSnapshots: true }, job)
    expect(done).toEqual({
      name: 'web1',
      undefinedOn: HOSTS,
      imagesDeleted: ['libvirt-ssd/web1'],
      imagesKept: [],
    })
    expect(leases).toEqual([[`vm:${UUID}`, 'image:libvirt-ssd/web1']])
    expect(calls.filter((call) => !call.includes('status') && !call.includes('snap ls'))).toEqual([
      ...HOSTS.map((host) => `${host}: virsh dumpxml --inactive --security-info ${UUID}`),
      ...HOSTS.map((host) => `${host}: virsh undefine --managed-save --snapshots-metadata ${UUID}`),
      'hv1: rbd snap purge libvirt-ssd/web1',
      'hv1: rbd rm libvirt-ssd/web1',
    ])
    expect(audits).toEqual([
      ...HOSTS.map((host) => `${host}: delete VM (${UUID})`),
      `hv1: delete image libvirt-ssd/web1 of VM (${UUID})`,
    ])
  })

  it('keeps the images unless asked, and names them', async () => {
    const { deps, job, calls } = world()
    const done = await deleteVm(deps, { ...ASK, deleteImages: false }, job)
    expect(done.imagesKept).toEqual(['libvirt-ssd/web1'])
    expect(calls.some((call) => call.includes('rbd'))).toBe(false)
  })

  it('a host refusing the undefine: the hosts done get the definition back, no image is touched', async () => {
    const { deps, job, calls } = world({ refuseUndefineOn: 'hv3' })
    const error = await failure(deps, job)
    expect(error?.code).toBe('vm.delete.undone')
    expect(error?.host).toBe('hv3')
    expect(error?.message).toContain('It was defined again on hv1 and hv2')
    expect(calls.filter((call) => call.includes('<xml>'))).toEqual([
      'hv1: virsh define /dev/stdin <xml>',
      'hv2: virsh define /dev/stdin <xml>',
    ])
    expect(calls.some((call) => /rbd (rm|snap purge)/.test(call))).toBe(false)
  })

  it('and when a host cannot take it back, says where the definition is missing', async () => {
    const { deps, job } = world({ refuseUndefineOn: 'hv3', refuseDefineOn: 'hv2' })
    const error = await failure(deps, job)
    expect(error?.code).toBe('vm.delete.partly')
    expect(error?.details).toMatchObject({ restored: ['hv1'], missing: ['hv2'] })
    expect(error?.message).toContain('could not be defined again on hv2')
  })
})

describe('rename (item 4)', () => {
  const RENAME = { uuid: UUID, newName: 'shop1', renameImages: true }
  const changes = (calls: string[]) =>
    calls.filter((call) => /virsh (domrename|define)|rbd rename/.test(call))

  it('names the images named after the VM, and only those', () => {
    expect(renamedImage('web1', 'web1', 'shop1')).toBe('shop1')
    expect(renamedImage('web1-data', 'web1', 'shop1')).toBe('shop1-data')
    expect(renamedImage('web1.swap', 'web1', 'shop1')).toBe('shop1.swap')
    expect(renamedImage('web10', 'web1', 'shop1')).toBeUndefined()
    expect(renamedImage('db', 'web1', 'shop1')).toBeUndefined()
  })

  it('edits the name and the disk sources, and refuses an edit that would not read back', () => {
    const images = [
      { from: { pool: 'libvirt-ssd', image: 'web1' }, to: { pool: 'libvirt-ssd', image: 'shop1' } },
    ]
    const xml = renamedDefinition(XML, UUID, 'shop1', images)
    expect(parseDomainXml(xml)).toMatchObject({ name: 'shop1', uuid: UUID })
    expect(parseDomainXml(xml).disks.find((disk) => disk.rbd)?.rbd).toMatchObject({ image: 'shop1' })
    const missing = [
      { from: { pool: 'libvirt-sata', image: 'web1' }, to: { pool: 'libvirt-sata', image: 'shop1' } },
    ]
    expect(() => renamedDefinition(XML, UUID, 'shop1', missing)).toThrow(/does not read back/)
  })

  it('renames the image, then the VM on every host, and reads each back', async () => {
    const { deps, job, calls, leases, audits, defined } = world()
    const result = await renameVm(deps, RENAME, job)
    expect(result).toEqual({
      uuid: UUID,
      oldName: 'web1',
      name: 'shop1',
      hosts: HOSTS,
      images: [{ from: 'libvirt-ssd/web1', to: 'libvirt-ssd/shop1' }],
    })
    expect(leases).toEqual([[`vm:${UUID}`, 'image:libvirt-ssd/web1', 'image:libvirt-ssd/shop1']])
    expect(changes(calls)).toEqual([
      'hv1: rbd rename libvirt-ssd/web1 libvirt-ssd/shop1',
      ...HOSTS.flatMap((host) => [
        `${host}: virsh domrename ${UUID} shop1`,
        `${host}: virsh define /dev/stdin <xml>`,
      ]),
    ])
    for (const host of HOSTS) expect(parseDomainXml(defined.get(host)!).name).toBe('shop1')
    expect(audits).toEqual(HOSTS.map((host) => `${host}: rename VM (${UUID}) from web1 to shop1`))
  })

  it('says why before anything runs: snapshot metadata, a managed save, a taken image name', async () => {
    const { deps, job, calls } = world({
      libvirtSnapshots: { host: 'hv2', names: 'before-upgrade\n\n' },
      managedSaveOn: 'hv3',
      existing: ['libvirt-ssd/shop1'],
    })
    const error = await renameVm(deps, RENAME, job).catch((e: unknown) => ApiError.from(e))
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('vm.rename.refused')
    const message = (error as ApiError).message
    expect(message).toContain('hv2 holds snapshot metadata for it (before-upgrade)')
    expect(message).toContain('saved state (managed save) on hv3')
    expect(message).toContain('An image libvirt-ssd/shop1 already exists')
    expect(changes(calls)).toEqual([])
  })

  // rbd on a host without its keyring (the lab's, Ceph 16.2.15), with librados' "(2) No such file or
  // directory" log line and without it: neither says the new name is free.
  it.each([
    [
      'with',
      fs.readFileSync(
        path.join(__dirname, 'fixtures/ceph/pacific/connect-failure/keyring-off.rbd-info.exit2.stderr'),
        'utf8',
      ),
    ],
    ['without', "rbd: couldn't connect to the cluster!\n"],
  ])(
    'refuses when rbd cannot reach Ceph (no keyring, %s its log line): the new image name is not known free',
    async (_with, stderr) => {
      const { deps, job, calls } = world({ rbdInfoFails: { stderr, exitCode: 2 } })
      const error = await renameVm(deps, RENAME, job).catch((e: unknown) => ApiError.from(e))
      expect((error as ApiError).code).toBe('vm.rename.refused')
      expect((error as ApiError).message).toContain('Could not check whether libvirt-ssd/shop1 exists')
      expect(changes(calls)).toEqual([])
    },
  )

  it('refuses while it runs, and when another VM has the name', async () => {
    const running = await renameVm(world({ running: 'hv1' }).deps, RENAME, world().job).catch((e: unknown) =>
      ApiError.from(e),
    )
    expect((running as ApiError).message).toContain('web1 runs on hv1: a VM is renamed while it is off')
    const same = await renameVm(world().deps, { ...RENAME, newName: 'web1' }, world().job).catch(
      (e: unknown) => ApiError.from(e),
    )
    expect((same as ApiError).message).toContain('web1 already has that name')
  })

  it('a host refusing: every host and the image are put back as they were', async () => {
    const { deps, job, calls, defined } = world({ refuseDefineOn: 'hv3' })
    const error = await renameVm(deps, RENAME, job).catch((e: unknown) => ApiError.from(e))
    expect((error as ApiError).code).toBe('vm.rename.failed')
    expect((error as ApiError).host).toBe('hv3')
    for (const host of ['hv1', 'hv2']) expect(parseDomainXml(defined.get(host)!).name).toBe('web1')
    // hv3 took the domrename before refusing the define: renamed back too.
    expect(calls).toContain(`hv3: virsh domrename ${UUID} web1`)
    expect(calls.at(-1)).toBe('hv1: rbd rename libvirt-ssd/shop1 libvirt-ssd/web1')
  })
})
