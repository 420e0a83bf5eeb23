import { describe, expect, it } from 'vitest'
import type { ResolvedHost } from '../../src/shared/contract'
import type { HostState } from '../../src/shared/hosts'
import type { HostInventory, Vm } from '../../src/shared/inventory'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import { planMigration } from '../../src/main/core/migration/precheck'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import { SECTION_MARKER } from '../../src/main/core/inventory/host-batch'

/**
 * The pre-checks the lab cannot break safely (memory, local disks, bridges, managed save, CPU, a
 * secret without value), against a fake host that answers each virsh section.
 */
const UUID = '0c0ffee0-0000-4000-8000-000000000001'
const XML = `<domain type='kvm'>
  <name>web1</name><uuid>${UUID}</uuid>
  <memory unit='KiB'>4194304</memory><vcpu>2</vcpu>
  <cpu mode='host-passthrough'/>
  <devices>
    <disk type='network' device='disk'><auth username='libvirt'><secret type='ceph' uuid='5a1b7e57-c3f0-4d1b-9a6e-000000000c1b'/></auth><source protocol='rbd' name='libvirt-ssd/web1'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/scratch.qcow2'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/srv/iso/debian.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='bridge'><mac address='02:00:00:00:00:01'/><source bridge='br1'/></interface>
  </devices>
</domain>`

type Answers = Record<string, string>

function fakeRunner(byHost: Record<string, Answers>, existing: string[]): RemoteRunner {
  const result = (stdout: string): RemoteResult => ({ stdout, stderr: '', exitCode: 0, durationMs: 1 })
  return {
    async run(host, argv) {
      if (argv.includes('hyperdesk-paths')) return result(argv.filter((a) => existing.includes(a)).join('\n'))
      const ids = [...(argv.at(-1) ?? '').matchAll(/echo @@hyperdesk-section ([^;\s]+)/g)].map((m) => m[1]!)
      const answers = byHost[host] ?? {}
      return result(ids.map((id) => `${SECTION_MARKER}${id}\n${answers[id] ?? ''}`).join('\n'))
    },
    virsh: () => Promise.reject(new Error('not used')),
    virshBatch: () => Promise.reject(new Error('not used')),
    ceph: () => Promise.reject(new Error('not used')),
    rbd: () => Promise.reject(new Error('not used')),
    stream: () => Promise.reject(new Error('not used')),
  }
}

function inventory(): InventoryService {
  const host = (name: string, cpuModel: string, state: 'running' | 'shutoff'): HostInventory => ({
    host: name,
    reachable: true,
    facts: { cpuModel },
    domains: [{ uuid: UUID, name: 'web1', state, autostart: false, managedSave: false }],
    refreshedAt: 0,
  })
  const hosts = [host('hv1', 'EPYC-Rome', 'running'), host('hv2', 'Skylake-Server', 'shutoff')]
  const vm: Vm = {
    uuid: UUID,
    name: 'web1',
    runningOn: ['hv1'],
    definedOn: ['hv1', 'hv2'],
    missingOn: [],
    unknownOn: [],
    flags: [],
  } as unknown as Vm
  const snapshot = { hosts, vms: [vm] }
  return {
    refreshAll: async () => snapshot,
    snapshot: () => snapshot,
    host: (name: string) => hosts.find((h) => h.host === name),
  } as unknown as InventoryService
}

describe('migration pre-checks on a fake host', () => {
  it('fails each problem with its reason', async () => {
    const runner = fakeRunner(
      {
        hv1: { inactive: XML, live: XML, job: 'Job type:         None' },
        hv2: {
          inactive: XML,
          state: 'shut off',
          info: 'Name:           web1\nManaged save:   yes',
          memory: 'total  :  8388608 KiB\nfree   :  1048576 KiB\nbuffers:  0 KiB\ncached :  0 KiB',
          'secret:5a1b7e57-c3f0-4d1b-9a6e-000000000c1b': '',
        },
      },
      [],
    )
    const { plan } = await planMigration(
      {
        runner,
        inventory: inventory(),
        vmLocks: new KeyedMutex(),
        hostNames: () => ['hv1', 'hv2'],
        hostConfig: (name) =>
          ({
            name,
            hostname: name,
            migrationAddress: `10.0.0.${name.slice(2)}`,
            gateway: '192.0.2.254',
          }) as ResolvedHost,
        hostState: (name) => ({ name, status: 'online' }) as HostState,
        audit: async () => undefined,
      },
      { uuid: UUID, to: 'hv2' },
    )
    const status = Object.fromEntries(plan.checks.map((c) => [c.id, c.status]))
    expect(plan.canStart).toBe(false)
    expect(status).toMatchObject({
      'source-running': 'pass',
      'destination-online': 'pass',
      defined: 'pass',
      drift: 'pass',
      memory: 'fail',
      'disks-shared': 'fail',
      cdrom: 'fail',
      bridges: 'fail',
      'managed-save': 'fail',
      'ceph-secret': 'fail',
      cpu: 'fail',
    })
    const message = (id: string) => plan.checks.find((c) => c.id === id)?.message
    expect(message('memory')).toBe(
      'Not enough memory on hv2: web1 needs 4096 MiB; hv2 has 1024 MiB available.',
    )
    expect(message('disks-shared')).toMatch(
      /^vdb \(\/var\/lib\/libvirt\/images\/scratch\.qcow2\) not on Ceph RBD/,
    )
    expect(message('bridges')).toBe('bridge br1 does not exist on hv2.')
    expect(message('managed-save')).toMatch(/saved memory image on hv2/)
    expect(message('ceph-secret')).toMatch(/no value/)
    expect(message('cpu')).toMatch(/hv1 has EPYC-Rome while hv2 has Skylake-Server/)
    expect(plan.followUps.gateway).toEqual({ old: '192.0.2.254', new: '192.0.2.254' })
  })
})
