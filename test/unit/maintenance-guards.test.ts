/**
 * Maintenance asks again when something changed, decided without a lab (the lab cannot reboot a host
 * nor make memory tight on demand; test/lab/core-maintenance.test.ts shows the dropped connection):
 * - the migration engine, told which warnings were accepted, refuses a new one (memory now tight);
 * - the maintenance stops on it for a new confirmation, refuses to resume without it, and accepts
 *   exactly the new warnings when the user confirms;
 * - a dropped connection that comes back with the same boot id is not the reboot: noout stays set
 *   and the job keeps waiting; only a new boot id moves it on (PGs clean, then noout unset).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobManager } from '../../src/main/core/jobs/job-manager'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import { Maintenance, type MaintenanceDeps } from '../../src/main/core/maintenance/maintenance'
import { MaintenanceStore } from '../../src/main/core/maintenance/store'
import { Migration } from '../../src/main/core/migration/migrate'
import type { RemoteResult } from '../../src/main/core/remote/runner'
import { ApiError } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages'
import type { MaintenanceRecord } from '../../src/shared/maintenance'
import { fakeDeps, fakeInventory, fakeRunner, ok } from '../support/fake-migration-hosts'
import { MemoryLeases } from '../support/memory-lease'
import { waitFor } from '../lab/support/lab'

const UUID = '0c0ffee0-0000-4000-8000-000000000002'
const XML = `<domain type='kvm'><name>web1</name><uuid>${UUID}</uuid>
  <memory unit='KiB'>131072</memory><vcpu>1</vcpu>
  <devices>
    <disk type='network' device='disk'><source protocol='rbd' name='libvirt-ssd/web1'/><target dev='vda' bus='virtio'/></disk>
  </devices>
</domain>`
const answers = (state: string, freeKiB: number) => ({
  inactive: XML,
  live: XML,
  job: 'Job type:         None',
  state,
  info: 'Managed save:   no',
  memory: `total  :  8388608 KiB\nfree   :  ${freeKiB} KiB`,
})

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
function tempStore(): MaintenanceStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-maint-guards-'))
  dirs.push(dir)
  return MaintenanceStore.besideConfig(path.join(dir, 'cluster.json'))
}

/** A store holding one interrupted maintenance of `host` at `steps`, for Maintenance.resume. */
function savedRecord(
  id: string,
  host: string,
  steps: MaintenanceRecord['steps'],
  extra: Partial<MaintenanceRecord> = {},
): MaintenanceStore {
  const store = tempStore()
  store.save({
    id,
    host,
    createdAt: 1,
    updatedAt: 1,
    status: 'interrupted',
    plan: { host, checks: [], moves: [], destinations: [], noout: { reason: 'r' }, canStart: true },
    steps,
    ...extra,
  })
  return store
}

/** The maintenance's record once its job failed (stopped on a step). */
function stoppedOn(maintenance: Maintenance): Promise<MaintenanceRecord> {
  return waitFor(
    'the maintenance to stop',
    () => {
      const current = maintenance.current()
      return current?.status === 'failed' ? current : undefined
    },
    5000,
    5,
  )
}

describe('a warning that appears after it was accepted', () => {
  it('stops the migration engine unless that very warning was accepted', async () => {
    // hv2 has 300 000 KiB free: enough for web1's 128 MiB, but less than 256 MiB left for the host.
    const { inventory } = fakeInventory(UUID, [
      { name: 'hv1', state: 'running' },
      { name: 'hv2', state: 'shutoff' },
    ])
    let migrated = 0
    const runner = fakeRunner({ hv1: answers('running', 8_000_000), hv2: answers('shut off', 300_000) }, [], {
      migrate: async () => {
        migrated++
        throw new ApiError({ code: 'remote.failed', message: 'stop here', step: 'virsh migrate' })
      },
    })
    const migration = new Migration(fakeDeps(runner, inventory, ['hv1', 'hv2']), { eventWaitMs: 10 })
    const jobs = new JobManager(() => undefined)
    const run = (acceptedWarnings: string[]) =>
      jobs
        .start({
          kind: 'vm.migrate',
          title: msg('common.untranslated', { text: 'Migrate web1' }),
          run: (context) => migration.migrate({ uuid: UUID, to: 'hv2' }, context, { acceptedWarnings }),
        })
        .done.catch((error: unknown) => ApiError.from(error))
    const refused = (await run([])) as ApiError
    expect(refused.code).toBe('vm.migrate.new-warnings')
    expect(refused.details?.warnings).toEqual([expect.objectContaining({ id: 'memory', level: 'warn' })])
    expect(refused.message).toMatch(
      /^web1: new since the plan was accepted: web1 needs 128\sMiB; hv2 has \d+\sMiB available/,
    )
    expect(migrated).toBe(0)
    // Accepted: the engine goes on to virsh migrate.
    expect(((await run(['memory'])) as ApiError).message).toContain('stop here')
    expect(migrated).toBe(1)
  })

  it('stops the maintenance for a new confirmation, and accepts exactly the new warnings on resume', async () => {
    const store = savedRecord(
      'm1',
      'hv1',
      [{ id: `migrate:${UUID}`, kind: 'migrate', state: 'pending', uuid: UUID, vm: 'web1', to: 'hv2' }],
      { acceptedWarnings: ['migration:web1:failover-ip'] },
    )
    const passed: (readonly string[] | undefined)[] = []
    const deps = {
      emit: () => undefined,
      jobs: new JobManager(() => undefined),
      lease: new MemoryLeases(),
      vmLocks: new KeyedMutex(),
      inventory: {
        refreshHost: async () => undefined,
        vm: () => ({ runningOn: ['hv1'] }),
      },
      migration: {
        async migrate(
          _params: unknown,
          _context: unknown,
          options: { acceptedWarnings?: readonly string[] },
        ) {
          passed.push(options.acceptedWarnings)
          if (!options.acceptedWarnings?.includes('memory'))
            throw new ApiError({
              code: 'vm.migrate.new-warnings',
              message: 'web1: new since the plan was accepted: …',
              details: {
                warnings: [
                  {
                    id: 'memory',
                    level: 'warn',
                    message: msg('migrationChecks.memoryTight', {
                      name: 'web1',
                      to: 'hv2',
                      need: 128,
                      available: 293,
                      margin: 256,
                    }),
                  },
                ],
              },
            })
          return { durationMs: 1000, followUps: { gateway: { new: '192.0.2.254' } } }
        },
      },
    } as unknown as MaintenanceDeps
    const maintenance = new Maintenance(deps, store, { pollMs: 5 })
    maintenance.resume('m1')
    const stopped = await stoppedOn(maintenance)
    expect(passed).toEqual([['failover-ip']])
    expect(stopped.error).toMatchObject({ code: 'maintenance.new-warnings', host: 'hv2' })
    // Sizes are written by Intl (a no-break space before the unit in English).
    expect(stopped.error?.message.replace(/\s/g, ' ')).toBe(
      'Something changed since the maintenance plan of hv1 was accepted: the migration of web1 to hv2 has new warnings. Review them and confirm again to go on. web1 needs 128 MiB; hv2 has 293 MiB available: less than 256 MiB would be left for the host.',
    )
    expect(stopped.error?.text?.code).toBe('maintenanceChecks.newWarnings')
    expect(stopped.steps[0]?.state).toBe('failed')
    // Resuming without confirming is refused, and nothing runs.
    expect(() => maintenance.resume('m1')).toThrow(
      expect.objectContaining({ code: 'maintenance.new-warnings' }),
    )
    expect(passed).toHaveLength(1)
    maintenance.resume('m1', true)
    await waitFor(
      'the maintenance to finish',
      () => maintenance.current()?.status === 'done' || undefined,
      5000,
      5,
    )
    expect(maintenance.current()?.acceptedWarnings).toEqual([
      'migration:web1:failover-ip',
      'migration:web1:memory',
    ])
    expect(passed[1]).toEqual(['failover-ip', 'memory'])
  })
})

/** hv3's maintenance from noout on, resumed, on fake hosts; hv1 answers Ceph. */
function hv3Maintenance(lease: MemoryLeases) {
  const store = savedRecord('m2', 'hv3', [
    { id: 'noout-set', kind: 'noout-set', state: 'pending' },
    { id: 'reboot', kind: 'reboot', state: 'pending' },
    { id: 'wait-clean', kind: 'wait-clean', state: 'pending' },
    { id: 'noout-unset', kind: 'noout-unset', state: 'pending' },
  ])
  const status: Record<string, string> = { hv1: 'online', hv3: 'online' }
  const boot = { id: 'boot-a' }
  const commands: string[] = []
  const runner = {
    async run(host: string, argv: readonly string[]): Promise<RemoteResult> {
      if (status[host] !== 'online')
        throw new ApiError({ code: 'host.offline', host, message: `${host} offline` })
      if (argv.join(' ') === 'cat /proc/sys/kernel/random/boot_id') return ok(`${boot.id}\n`)
      if (argv[0] === 'logger') return ok('')
      commands.push(`${host}: ${argv.slice(5).join(' ')}`)
      return ok('')
    },
    async virsh() {
      return ok('qemu:///system\n')
    },
    async ceph() {
      // `ceph status -f json` on the lab's Ceph 16.2.15 (Pacific), cut to the fields read here.
      return ok(
        JSON.stringify({
          fsid: '34fa9ba3-f187-4278-8f77-f4dd704068de',
          osdmap: {
            epoch: 394,
            num_osds: 4,
            num_up_osds: 4,
            osd_up_since: 1796295686,
            num_in_osds: 4,
            osd_in_since: 1796290836,
            num_remapped_pgs: 0,
          },
          pgmap: { num_pgs: 17, pgs_by_state: [{ state_name: 'active+clean', count: 17 }] },
        }),
      )
    },
  }
  const deps = {
    emit: () => undefined,
    jobs: new JobManager(() => undefined),
    lease,
    vmLocks: new KeyedMutex(),
    runner,
    config: {
      requireConfig: () => ({
        ssh: { user: 'etalab' },
        ceph: { clientId: 'libvirt', privilegedClientId: 'hyperdesk-maint', monitorTimeoutSeconds: 10 },
      }),
    },
    hosts: {
      // A connection object as the pool keeps it: its current state changes under the caller.
      get: (name: string) => ({
        get current() {
          return { name, status: status[name] }
        },
      }),
      list: () => Object.entries(status).map(([name, state]) => ({ name, status: state })),
    },
    inventory: { refreshHost: async () => ({ reachable: true, domains: [] }) },
  } as unknown as MaintenanceDeps
  const maintenance = new Maintenance(deps, store, { pollMs: 5, cleanPollMs: 5 })
  return { maintenance, status, boot, commands }
}

describe('the reboot is proven by a new boot id only', () => {
  it('keeps waiting (noout set) when the connection drops and comes back with the same boot id', async () => {
    const lease = new MemoryLeases()
    const { maintenance, status, boot, commands } = hv3Maintenance(lease)
    maintenance.resume('m2')
    const waiting = () => maintenance.current()?.steps[1]
    await waitFor('the reboot wait', () => waiting()?.state === 'waiting' || undefined, 5000, 5)
    expect(commands).toEqual(['hv1: osd set noout'])

    // The SSH connection drops (network, sshd restart) and comes back: same kernel, same boot id.
    status.hv3 = 'offline'
    await waitFor('hv3 seen offline', () => maintenance.current()?.sawOffline || undefined, 5000, 5)
    status.hv3 = 'online'
    const dropped = await waitFor(
      'the drop judged',
      () => {
        const current = maintenance.current()
        return current?.droppedWithoutReboot ? current : undefined
      },
      5000,
      5,
    )
    expect(dropped.steps[1]?.message).toBe(
      'hv3 dropped its connection and is back, but its boot id did not change: it did not reboot. Still waiting for the reboot; noout stays set.',
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(maintenance.current()?.status).toBe('running')
    expect(maintenance.current()?.steps.map((step) => step.state)).toEqual([
      'done',
      'waiting',
      'pending',
      'pending',
    ])
    expect(commands).toEqual(['hv1: osd set noout'])

    // A real reboot: offline, then back with a new boot id.
    status.hv3 = 'offline'
    await waitFor('hv3 seen offline again', () => maintenance.current()?.sawOffline || undefined, 5000, 5)
    boot.id = 'boot-b'
    status.hv3 = 'online'
    const done = await waitFor(
      'the maintenance to end',
      () => {
        const current = maintenance.current()
        return current?.status === 'done' ? current : undefined
      },
      5000,
      5,
    )
    expect(done.steps[1]?.message).toBe('hv3 rebooted (new boot id) and is back online.')
    expect(done.steps.map((step) => step.state)).toEqual(['done', 'done', 'done', 'done'])
    expect(commands).toEqual(['hv1: osd set noout', 'hv1: osd unset noout'])
    // The host's lease, re-checked before noout and the reboot, not before noout is unset.
    expect(lease.log).toEqual(['take host:hv3', 'check Set noout', 'check Reboot hv3', 'release host:hv3'])
  })

  it('stops before noout when its lease was taken over, and sets nothing', async () => {
    const { maintenance, commands } = hv3Maintenance(new MemoryLeases(/noout/))
    maintenance.resume('m2')
    const stopped = await stoppedOn(maintenance)
    expect(stopped.error?.code).toBe('lease.lost')
    expect(stopped.steps.map((step) => step.state)).toEqual(['failed', 'pending', 'pending', 'pending'])
    expect(commands).toEqual([])
  })
})
