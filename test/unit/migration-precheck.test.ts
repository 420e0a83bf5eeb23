import { describe, expect, it } from 'vitest'
import { Migration } from '../../src/main/core/migration/migrate'
import { planMigration } from '../../src/main/core/migration/precheck'
import type { MemoryLeases } from '../support/memory-lease'
import { MIGRATION_CHECK_TEXTS } from '../../src/shared/migration-checks'
import { englishText, placeholdersOf } from '../../src/shared/messages'
import { migrationChecksFr } from '../../src/renderer/src/i18n/migration-checks.fr'
import { fakeDeps, fakeInventory, fakeRunner } from '../support/fake-migration-hosts'

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

describe('migration pre-checks on a fake host', () => {
  it('fails each problem with its reason', async () => {
    const runner = fakeRunner(
      {
        hv1: { inactive: XML, live: XML, job: 'Job type:         None', state: 'running' },
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
    const inventory = fakeInventory(UUID, [
      { name: 'hv1', cpuModel: 'EPYC-Rome', state: 'running' },
      { name: 'hv2', cpuModel: 'Skylake-Server', state: 'shutoff' },
    ]).inventory
    const { plan } = await planMigration(fakeDeps(runner, inventory, ['hv1', 'hv2']), {
      uuid: UUID,
      to: 'hv2',
    })
    const status = Object.fromEntries(plan.checks.map((c) => [c.id, c.level]))
    expect(plan.canStart).toBe(false)
    expect(status).toMatchObject({
      'source-running': 'ok',
      'destination-online': 'ok',
      defined: 'ok',
      drift: 'ok',
      memory: 'fail',
      'disks-shared': 'fail',
      cdrom: 'fail',
      bridges: 'fail',
      'managed-save': 'fail',
      'ceph-secret': 'fail',
      cpu: 'fail',
    })
    const message = (id: string) => englishText(plan.checks.find((c) => c.id === id)!.message)
    // Sizes go through Intl (the core's English: en-GB grouping, a no-break space before the unit).
    const mib = (value: number) => `${new Intl.NumberFormat('en-GB').format(value)}\u00a0MiB`
    expect(message('memory')).toBe(
      `Not enough memory on hv2: web1 needs ${mib(4096)}; hv2 has ${mib(1024)} available.`,
    )
    expect(message('disks-shared')).toMatch(
      /^vdb \(\/var\/lib\/libvirt\/images\/scratch\.qcow2\) not on Ceph RBD/,
    )
    expect(message('bridges')).toBe('Missing on hv2: br1.')
    expect(message('managed-save')).toMatch(/saved memory image on hv2/)
    // The fix addresses the VM by UUID: a name pasted into a shell could hold anything libvirt allows.
    expect(message('managed-save')).toContain(`(virsh managedsave-remove ${UUID})`)
    expect(message('ceph-secret')).toMatch(/no value/)
    expect(message('cpu')).toMatch(/CPUs differ \(hv1: EPYC-Rome, hv2: Skylake-Server\)/)
    expect(plan.followUps.gateway).toEqual({ old: '192.0.2.254', new: '192.0.2.254' })
  })

  // The inventory is only a first guess: every host's state is read again before migrating.
  const CLEAN = XML.replace(/<disk type='file' device='disk'>.*?<\/disk>/s, '')
  const healthy = (state: string) => ({
    inactive: CLEAN,
    live: CLEAN,
    job: 'Job type:         None',
    state,
    info: 'Managed save:   no',
    memory: 'total  :  8388608 KiB\nfree   :  8000000 KiB',
    'secret:5a1b7e57-c3f0-4d1b-9a6e-000000000c1b': 'c2VjcmV0',
  })

  it('fails when a third host runs the VM too, though the inventory did not know', async () => {
    const runner = fakeRunner(
      { hv1: healthy('running'), hv2: healthy('shut off'), hv3: healthy('running') },
      ['/srv/iso/debian.iso', '/sys/class/net/br1/bridge'],
    )
    const { inventory } = fakeInventory(UUID, [
      { name: 'hv1', state: 'running' },
      { name: 'hv2', state: 'shutoff' },
      { name: 'hv3', state: 'shutoff' },
    ])
    const { plan } = await planMigration(fakeDeps(runner, inventory, ['hv1', 'hv2', 'hv3']), {
      uuid: UUID,
      to: 'hv2',
    })
    expect(plan.canStart).toBe(false)
    const check = plan.checks.find((c) => c.id === 'source-running')
    expect(check).toEqual({
      id: 'source-running',
      level: 'fail',
      // What the UI translates: the message's code and its values.
      message: { code: 'migrationChecks.sourceRunningTwice', params: { name: 'web1', hosts: 'hv1, hv3' } },
      blocks: ['migrate'],
    })
    expect(englishText(check!.message)).toBe(
      'web1 runs on hv1, hv3 at once: stop the extra copy before anything else.',
    )
  })

  it('migrates from where the VM really runs when the inventory was behind', async () => {
    const runner = fakeRunner(
      { hv1: healthy('shut off'), hv2: healthy('shut off'), hv3: healthy('running') },
      ['/srv/iso/debian.iso', '/sys/class/net/br1/bridge'],
    )
    const { inventory } = fakeInventory(UUID, [
      { name: 'hv1', state: 'running' },
      { name: 'hv2', state: 'shutoff' },
      { name: 'hv3', state: 'shutoff' },
    ])
    const { plan } = await planMigration(fakeDeps(runner, inventory, ['hv1', 'hv2', 'hv3']), {
      uuid: UUID,
      to: 'hv2',
    })
    expect(plan.from).toBe('hv3')
    expect(plan.checks.filter((c) => c.level === 'fail')).toEqual([
      expect.objectContaining({ id: 'cpu' }), // host-passthrough and no CPU model known for hv3, hv2
    ])
    expect(englishText(plan.checks.find((c) => c.id === 'source-running')!.message)).toBe('web1 runs on hv3.')
  })

  it('asks the destination at once when the VM was planned before, and again when it now needs more', async () => {
    const UUID2 = '0c0ffee0-0000-4000-8000-0000000000a2'
    const xml = CLEAN.replaceAll(UUID, UUID2)
    const batches: string[] = []
    const answers = (state: string, live = xml) => ({ ...healthy(state), inactive: xml, live })
    const hosts = { hv1: answers('running'), hv2: answers('shut off') }
    const runner = fakeRunner(hosts, ['/srv/iso/debian.iso', '/sys/class/net/br1/bridge'], {
      // The source's and the destination's reads (a lone domstate is the VM's state on another host).
      onBatch: (host, ids) => {
        if (ids.includes('inactive'))
          batches.push(`${host}:${ids.includes('live') ? 'source' : 'destination'}`)
      },
      delayMs: { hv1: 50 },
    })
    const { inventory } = fakeInventory(UUID2, [
      { name: 'hv1', state: 'running' },
      { name: 'hv2', state: 'shutoff' },
    ])
    const deps = fakeDeps(runner, inventory, ['hv1', 'hv2'])
    const plan = async () => (await planMigration(deps, { uuid: UUID2, to: 'hv2' })).plan

    // First plan: the destination is asked once the source's definition is known.
    expect((await plan()).canStart).toBe(false) // host-passthrough and no CPU model known
    expect(batches).toEqual(['hv1:source', 'hv2:destination'])
    // Next plan: both at once (the source answers 50 ms later), and nothing asked twice.
    batches.length = 0
    const again = await plan()
    expect(batches).toEqual(['hv2:destination', 'hv1:source'])
    expect(again.checks.find((c) => c.id === 'ceph-secret')?.level).toBe('ok')
    // The running VM now uses a second secret (a disk hot-plugged): the destination is asked again.
    const other = '5a1b7e57-c3f0-4d1b-9a6e-0000000000ff'
    hosts.hv1.live = xml.replace(
      '</devices>',
      `<disk type='network' device='disk'><auth username='libvirt'><secret type='ceph' uuid='${other}'/></auth><source protocol='rbd' name='libvirt-ssd/extra'/><target dev='vdc' bus='virtio'/></disk></devices>`,
    )
    batches.length = 0
    const more = await plan()
    expect(batches).toEqual(['hv2:destination', 'hv1:source', 'hv2:destination'])
    expect(englishText(more.checks.find((c) => c.id === 'ceph-secret')!.message)).toMatch(
      new RegExp(`${other}: no value`),
    )
  })

  it('a plan readies the lease for the migration that follows it, and takes nothing', async () => {
    const runner = fakeRunner({ hv1: healthy('running'), hv2: healthy('shut off') }, [
      '/srv/iso/debian.iso',
      '/sys/class/net/br1/bridge',
    ])
    const { inventory } = fakeInventory(UUID, [
      { name: 'hv1', state: 'running' },
      { name: 'hv2', state: 'shutoff' },
    ])
    const deps = fakeDeps(runner, inventory, ['hv1', 'hv2'])
    const lease = deps.lease as MemoryLeases
    const plan = await new Migration(deps).plan({ uuid: UUID, to: 'hv2' })
    expect(plan.from).toBe('hv1')
    expect(lease.warmed).toBe(1)
    expect(lease.log).toEqual([])
    expect(lease.held.size).toBe(0)
  })

  it('has every sentence in French, with the same values to fill in', () => {
    for (const [key, english] of Object.entries(MIGRATION_CHECK_TEXTS)) {
      const french = migrationChecksFr[key as keyof typeof MIGRATION_CHECK_TEXTS]
      expect(french, key).toBeTruthy()
      expect(placeholdersOf(french), key).toEqual(placeholdersOf(english))
    }
  })
})
