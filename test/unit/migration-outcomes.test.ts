import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages'
import type { MigrationResult } from '../../src/shared/migration'
import { JobManager } from '../../src/main/core/jobs/job-manager'
import { migrateCommand, Migration } from '../../src/main/core/migration/migrate'
import type { RemoteResult } from '../../src/main/core/remote/runner'
import { fakeDeps, fakeInventory, fakeRunner, ok } from '../support/fake-migration-hosts'

/**
 * Outcomes the lab cannot produce on demand: a cancel that arrives as the migration finishes (when
 * the VM did move, the job says so — succeeded, with the follow-ups — never "cancelled"), and a
 * failure on a host whose libvirtd.log the app may not read (the lab test reads it through sudo).
 */
const UUID = '0c0ffee0-0000-4000-8000-000000000002'
const XML = `<domain type='kvm'><name>web1</name><uuid>${UUID}</uuid>
  <memory unit='KiB'>131072</memory><vcpu>1</vcpu>
  <devices>
    <disk type='network' device='disk'><auth username='libvirt'><secret type='ceph' uuid='5a1b7e57-c3f0-4d1b-9a6e-000000000c1b'/></auth><source protocol='rbd' name='libvirt-ssd/web1'/><target dev='vda' bus='virtio'/></disk>
    <interface type='bridge'><mac address='02:00:00:00:00:02'/><source bridge='br0'/></interface>
  </devices>
</domain>`
const host = (state: string) => ({
  inactive: XML,
  live: XML,
  job: 'Job type:         None',
  state,
  info: 'Managed save:   no',
  memory: 'total  :  8388608 KiB\nfree   :  8000000 KiB',
  'secret:5a1b7e57-c3f0-4d1b-9a6e-000000000c1b': 'c2VjcmV0',
  completed: 'Job type:         Completed\nTotal downtime:   42           ms\n',
})

/**
 * A migration hv1 → hv2 whose `virsh migrate` waits until the test lets it end; `moved` says whether
 * libvirt switched over (the fake inventory then changes as libvirt's events would change it).
 */
function setUp() {
  const { inventory, setState } = fakeInventory(UUID, [
    { name: 'hv1', state: 'running' },
    { name: 'hv2', state: 'shutoff' },
  ])
  const aborts: string[] = []
  let started!: () => void
  const migrating = new Promise<void>((resolve) => (started = resolve))
  let end!: (outcome: { moved: boolean; exit: 'ok' | 'error' }) => void
  const failure = new ApiError({
    code: 'remote.failed',
    host: 'hv1',
    step: 'virsh migrate',
    message: 'virsh migrate on hv1 failed (exit 1)',
    details: { stderr: 'error: End of file while reading data: Input/output error' },
  })
  const runner = fakeRunner({ hv1: host('running'), hv2: host('shut off') }, ['/sys/class/net/br0/bridge'], {
    migrate: () =>
      new Promise<RemoteResult>((resolve, reject) => {
        started()
        end = ({ moved, exit }) => {
          if (moved) {
            setState('hv1', 'shutoff')
            setState('hv2', 'running')
          }
          if (exit === 'ok') resolve(ok(''))
          else reject(failure)
        }
      }),
    onAbort: (name) => aborts.push(name),
  })
  const migration = new Migration(fakeDeps(runner, inventory, ['hv1', 'hv2']), { eventWaitMs: 200 })
  const jobs = new JobManager(() => undefined)
  const { job, done } = jobs.start({
    kind: 'vm.migrate',
    title: msg('common.untranslated', { text: 'Migrate web1' }),
    cancellable: true,
    run: (context) => migration.migrate({ uuid: UUID, to: 'hv2' }, context),
  })
  return { job, done, jobs, aborts, migrating, end: (outcome: Parameters<typeof end>[0]) => end(outcome) }
}

describe('a cancel racing the end of a migration', () => {
  it('arrives as virsh migrate succeeds: the job succeeded, the VM is on the destination', async () => {
    const { job, done, jobs, aborts, migrating, end } = setUp()
    await migrating
    jobs.cancel(job.id)
    end({ moved: true, exit: 'ok' })
    const result = (await done) as MigrationResult
    expect(job.state).toBe('succeeded')
    expect(result).toMatchObject({ from: 'hv1', to: 'hv2', downtimeMs: 42 })
    expect(result.followUps.gateway.new).toBe('192.0.2.254')
    const log = job.log.map((line) => line.text).join('\n')
    expect(log).toContain('The cancel came too late: web1 had already moved to hv2.')
    expect(log).toContain('web1 now runs on hv2')
    expect(aborts).toEqual(['hv1']) // the abort was asked for; libvirt had already switched over
  })

  it('arrives as the switch-over happens and virsh reports an error: the VM moved, so the job succeeded', async () => {
    const { job, done, jobs, migrating, end } = setUp()
    await migrating
    jobs.cancel(job.id)
    end({ moved: true, exit: 'error' })
    await done
    expect(job.state).toBe('succeeded')
    expect(job.log.map((line) => line.text)).toContain(
      'The cancel came too late: web1 had already moved to hv2.',
    )
  })

  it('stops the migration in time: cancelled, and the VM still runs on the source', async () => {
    const { job, done, jobs, migrating, end } = setUp()
    await migrating
    jobs.cancel(job.id)
    end({ moved: false, exit: 'error' })
    await expect(done).rejects.toThrow(
      /cancelled \(virsh domjobabort on hv1\)\. web1 is still running on hv1\./,
    )
    expect(job.state).toBe('cancelled')
    expect(job.error?.code).toBe('job.cancelled')
  })
})

describe('a migration that fails', () => {
  it('on a host whose libvirtd.log the app may not read: the error says where the reason is and the sudo rule', async () => {
    const { job, done, migrating, end } = setUp()
    await migrating
    end({ moved: false, exit: 'error' })
    await expect(done).rejects.toThrow(
      /^Migration of web1 from hv1 to hv2 failed on hv1\. web1 is still running on hv1\. \(the host said: error: End of file while reading data: Input\/output error\)$/,
    )
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('vm.migrate.failed')
    // For the window: the message and its parameters, virsh's own words verbatim as the detail.
    expect(job.error?.text).toEqual({
      ...msg('migrationErrors.failed', {
        name: 'web1',
        from: 'hv1',
        to: 'hv2',
        state: msg('migrationErrors.stillOnSource', { name: 'web1', from: 'hv1' }),
      }),
      detail: 'error: End of file while reading data: Input/output error',
    })
    expect(job.error?.stepText).toEqual(msg('errorSteps.virshMigrate'))
    expect(job.error?.hintText?.code).toBe('migrationErrors.libvirtLogManual')
    expect(job.error?.hint).toMatch(
      /^libvirt’s real reason is in hv1’s \/var\/log\/libvirt\/libvirtd\.log \(root only\)/,
    )
    expect(job.error?.hint).toContain(
      "echo 'etalab ALL=(root) NOPASSWD: /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log' > /etc/sudoers.d/hyperdesk",
    )
    expect(job.error?.details?.['libvirtLog']).toEqual([])
  })
})

describe("the migration's command", () => {
  // Run for real by sh, with stand-ins for virsh and logger that record how they were called.
  function runWith(migrateExit: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-migrate-'))
    const calls = path.join(dir, 'calls')
    const stub = (name: string, body: string) =>
      fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> ${calls}\n${body}\n`, {
        mode: 0o755,
      })
    stub('virsh', `exit ${migrateExit}`)
    stub('logger', '')
    const argv = migrateCommand('root: migrate to hv2 web1 (it\'s "quoted")', [
      'migrate',
      '--live',
      UUID,
      'qemu+ssh://root@10.0.0.2/system',
    ])
    const result = spawnSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin` },
    })
    const recorded = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : []
    fs.rmSync(dir, { recursive: true, force: true })
    return { status: result.status, stdout: result.stdout, calls: recorded }
  }

  it('after a successful virsh migrate: the audit line, exit 0', () => {
    const { status, calls } = runWith(0)
    expect(status).toBe(0)
    expect(calls).toEqual([
      `virsh -c qemu:///system migrate --live ${UUID} qemu+ssh://root@10.0.0.2/system`,
      `logger -t hyperdesk -- root: migrate to hv2 web1 (it's "quoted")`,
    ])
  })

  it('after a failed one: its exit status, and nothing else run', () => {
    const { status, stdout, calls } = runWith(1)
    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(calls).toHaveLength(1)
  })
})
