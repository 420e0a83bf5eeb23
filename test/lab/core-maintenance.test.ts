/**
 * Host maintenance against the real lab. The lab's OSDs and monitor are not on the hypervisors, so
 * the per-host Ceph checks must say so (pass with the reason) and noout is cluster-wide.
 *
 * - the plan: every pre-check with its reason, the capacity plan, destinations that can be chosen;
 *   Ceph read through the host in maintenance when the others' keyrings are gone;
 * - draining hv1: labvm1 migrated through the engine (with its gateway checklist), noout set, the
 *   configured reboot command run (it drops the app's own SSH connection to hv1, see REBOOT_COMMAND);
 *   hv1 comes back with the same boot id, which is not a reboot: the job keeps waiting with noout
 *   set (the rest after a real reboot — PGs clean, noout unset — is in test/unit/maintenance-guards);
 *   abort unsets noout; labvm1 goes back to hv1;
 * - abort while labvm1 migrates (capped at 1 MiB/s): the engine aborts the migration, labvm1 stays;
 * - the user-reboot path, resumable and abortable: a maintenance of hv3 (nothing running) waits for
 *   the user's reboot, the app "restarts" (a second core on the same config directory) and finds it
 *   interrupted, resumes it, refuses a reboot confirmation that nothing proves, and abort unsets noout.
 * Leaves labvm1 on hv1, no flags, no maintenance file outside its temporary directory.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../src/main/core/core'
import { createCoreWithContext } from '../support/in-process-core'
import type { Job } from '../../src/shared/jobs'
import type { MaintenancePlan, MaintenanceRecord } from '../../src/shared/maintenance'
import { englishText } from '../../src/shared/messages'
import { labCore, type LabCore } from '../support/lab-core'
import { cephCommand, faults, labCmd, labGuest, requireLab, runningOn, virsh, waitFor } from './support/lab'

const VM = labGuest('labvm1')
let lab: LabCore
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cluster file as JSON
const withMaint = (cluster: Record<string, any>) => {
  cluster.ceph.privilegedClientId = 'hyperdesk-maint'
}
/**
 * Polls every 250 ms (not 1 s and 3 s), and a dropped connection (the reboot command below) is tried
 * again after 200 ms, not after the first 1 s backoff step: what the tests wait on, not what they prove.
 */
const fast = { maintenance: { pollMs: 250, cleanPollMs: 1000 }, connection: { backoffMs: [200] } }
/**
 * The lab cannot reboot a host. This "reboot command" kills the SSH session process (sshd, running
 * as etalab) that carries the app's own connection to the host: only this app's connection drops,
 * as it would in a reboot, and comes back at once since sshd still listens.
 */
const REBOOT_COMMAND = [
  'sh',
  '-c',
  'p=$$; while [ "$p" -gt 1 ] && [ "$(ps -o comm= -p $p)" != sshd ]; do p=$(ps -o ppid= -p $p | tr -d " "); done; [ "$p" -gt 1 ] && kill $p',
]

const current = async (core: Core) =>
  ((await core.call('maintenance.current', {})) as { record: MaintenanceRecord | null }).record

async function untilStep(core: Core, predicate: (record: MaintenanceRecord) => boolean, what: string) {
  return waitFor(
    what,
    async () => {
      const record = await current(core)
      if (record && (record.status === 'failed' || record.status === 'cancelled'))
        throw new Error(`maintenance ${record.status}: ${JSON.stringify(record.error)}`)
      return record && predicate(record) ? record : undefined
    },
    90_000,
    250,
  )
}

async function osdFlags(): Promise<string[]> {
  return (await cephCommand<{ flags_set: string[] }>({ prefix: 'osd dump' })).flags_set
}

beforeAll(async () => {
  await requireLab()
  lab = await labCore((cluster) => {
    withMaint(cluster)
    cluster.maintenance = { rebootCommand: REBOOT_COMMAND }
  }, fast)
  await lab.waitForInventory()
}, 60_000)

afterAll(async () => {
  await cephCommand({ prefix: 'osd unset', key: 'noout' }).catch(() => undefined)
  await lab?.cleanup()
})

describe('host maintenance (core)', () => {
  it('plans hv1: each pre-check with its reason, the capacity plan, noout cluster-wide', async () => {
    const plan = (await lab.core.call('maintenance.plan', { host: 'hv1' })) as MaintenancePlan
    const byId = Object.fromEntries(plan.checks.map((check) => [check.id, check]))
    expect(byId['host-online']!.level).toBe('ok')
    expect(byId['ceph-health']!.level).toBe('ok')
    expect(englishText(byId['ceph-health']!.message)).toBe('Ceph is HEALTH_OK.')
    expect(byId.osds!.level).toBe('ok')
    expect(englishText(byId.osds!.message)).toMatch(
      /hv1 holds no OSDs: the CRUSH map has no host bucket named hv1.*ceph-a-sata/,
    )
    expect(englishText(byId.monitors!.message)).toMatch(
      /No monitor runs on hv1; 1 of 1 in quorum \(a 10\.77\.0\.254:6789\)/,
    )
    expect(byId.autostart!.level).toBe('ok')
    // Debian 12's libvirt-guests is enabled but its ON_BOOT default is ignore.
    expect(byId['libvirt-guests']!.level).toBe('ok')
    expect(englishText(byId['libvirt-guests']!.message)).toMatch(/enabled, ON_BOOT=ignore/)
    expect(englishText(byId.privilege!.message)).toMatch(/client\.hyperdesk-maint/)
    expect(byId.privilege!.level).toBe('ok')
    expect(plan.moves).toHaveLength(1)
    const move = plan.moves[0]!
    expect(move).toMatchObject({
      uuid: VM.uuid,
      name: 'labvm1',
      memoryKiB: 131072,
    })
    expect(['hv2', 'hv3']).toContain(move.to)
    expect(englishText(byId[`capacity:${move.to}`]!.message)).toMatch(
      /labvm1 need 128\sMiB of [\d,.]+\s[MG]iB free/,
    )
    expect(plan.noout.node).toBeUndefined()
    expect(plan.noout.reason).toMatch(/owns no OSD/)
    expect(plan.rebootCommand).toBe(REBOOT_COMMAND.join(' '))
    expect(plan.canStart).toBe(true)

    // Destinations can be chosen.
    const other = move.to === 'hv2' ? 'hv3' : 'hv2'
    const chosen = (await lab.core.call('maintenance.plan', {
      host: 'hv1',
      destinations: { [VM.uuid]: other },
    })) as MaintenancePlan
    expect(chosen.moves[0]!.to).toBe(other)
  }, 60_000)

  it('says the maintenance client’s keyring is missing on the host that checks it, with the file and the fix', async () => {
    // hv1's privilege check runs on hv2 (the first online host other than hv1).
    const keyring = '/etc/ceph/ceph.client.hyperdesk-maint.keyring'
    const aside = '/etc/ceph/.hidden-by-core-maintenance-test'
    await labCmd('hv', 'hv2', 'mv', keyring, aside)
    try {
      const plan = (await lab.core.call('maintenance.plan', { host: 'hv1' })) as MaintenancePlan
      const privilege = plan.checks.find((check) => check.id === 'privilege')!
      expect(privilege.level).toBe('fail')
      expect(privilege.message).toMatchObject({
        code: expect.stringMatching(/^cephErrors\.connectNoKeyring(OrConfig)?$/),
        params: { tool: 'ceph', host: 'hv2', client: 'client.hyperdesk-maint', keyring },
      })
      expect(englishText(privilege.fix!.message!)).toContain('ceph auth get client.hyperdesk-maint')
    } finally {
      await labCmd('hv', 'hv2', 'mv', aside, keyring)
    }
  }, 60_000)

  it('reads Ceph for hv1’s pre-checks through hv1 itself when hv2’s and hv3’s keyrings are gone', async () => {
    // Removed after their doctors found them readable: the plan tries hv2, then hv3, and each fails
    // on its missing keyring before hv1 (the host in maintenance, last choice) answers.
    await waitFor('hv2’s and hv3’s doctors to find their keyrings readable', () =>
      (['hv2', 'hv3'] as const).every(
        (host) => lab.states.get(host)?.doctor?.capabilities.canReadCephKeyring,
      ),
    )
    await Promise.all([faults.keyring('hv2', 'off'), faults.keyring('hv3', 'off')])
    try {
      const plan = (await lab.core.call('maintenance.plan', { host: 'hv1' })) as MaintenancePlan
      const health = plan.checks.find((check) => check.id === 'ceph-health')!
      expect(health.level, englishText(health.message)).toBe('ok')
      expect(englishText(health.message)).toBe('Ceph is HEALTH_OK.')
    } finally {
      await Promise.all([faults.keyring('hv2', 'on'), faults.keyring('hv3', 'on')])
    }
  })

  it('drains hv1: migrates labvm1, sets noout, runs the reboot command; a dropped connection is not the reboot', async () => {
    const started = Date.now()
    let record = (await lab.core.call('maintenance.start', {
      host: 'hv1',
      acceptWarnings: true,
    })) as MaintenanceRecord
    const to = record.plan.moves[0]!.to
    expect(record.steps.map((step) => step.kind)).toEqual([
      'migrate',
      'noout-set',
      'reboot',
      'wait-clean',
      'noout-unset',
    ])
    // The plan's warnings (labvm1's failover IP) were accepted with it, by id.
    expect(record.acceptedWarnings).toEqual(
      record.plan.checks.filter((check) => check.level === 'warn').map((check) => check.id),
    )
    try {
      // The configured reboot command (see REBOOT_COMMAND) only drops the app's connection to hv1:
      // hv1 goes offline and comes back with the same boot id. The lab cannot reboot a host, and
      // that is the point: the job must not take this for the reboot.
      record = await untilStep(
        lab.core,
        (r) => r.droppedWithoutReboot === true,
        'the dropped connection judged',
      )
      const migrate = record.steps[0]!
      expect(migrate.state).toBe('done')
      expect(migrate.message).toMatch(new RegExp(`labvm1 migrated from hv1 to ${to}`))
      expect(migrate.followUps?.gateway.new).toBe(to === 'hv2' ? '10.77.12.254' : '10.77.13.254')
      expect(await runningOn('labvm1')).toEqual([to])
      const setOn = /^ceph osd set noout \(on (hv[23])\)/.exec(record.steps[1]!.message ?? '')?.[1]
      expect(setOn).toBeDefined()
      expect(record.steps[2]!.message).toBe(
        'hv1 dropped its connection and is back, but its boot id did not change: it did not reboot. Still waiting for the reboot; noout stays set.',
      )
      // Still waiting a moment later: noout set, the PG wait and the unset not begun.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      record = (await current(lab.core))!
      expect(record.status).toBe('running')
      expect(record.steps.map((step) => step.state)).toEqual([
        'done',
        'done',
        'running',
        'pending',
        'pending',
      ])
      expect(await osdFlags()).toContain('noout')
      expect(await labCmd('log', setOn!)).toMatch(/hyperdesk: .*: ceph osd set noout/)
      const job = (await lab.core.call('jobs.get', { id: record.jobId! })) as Job
      expect(job.state).toBe('running')
      expect(job.log.map((line) => line.text).join('\n')).toContain(`On hv1: ${REBOOT_COMMAND.join(' ')}`)

      // Abort: noout unset by the app, as it set it.
      record = (await lab.core.call('maintenance.abort', { id: record.id })) as MaintenanceRecord
      expect(record.outcome).toMatch(/^Aborted; noout unset \(ceph osd unset noout on hv/)
      expect(record.outcomeText).toMatchObject({
        code: 'maintenanceErrors.abortedNooutUnset',
        params: { command: 'ceph osd unset noout' },
      })
      expect(await osdFlags()).not.toContain('noout')
      console.log(`maintenance up to the unproven reboot took ${Date.now() - started} ms`)
    } finally {
      const left = await current(lab.core)
      if (left && left.status !== 'done' && left.status !== 'cancelled')
        await lab.core.call('maintenance.abort', { id: left.id }).catch(() => undefined)
      await lab.waitForStatus('hv1', 'online', 60_000)
      await lab.waitForInventory()
      // labvm1 back home.
      if ((await runningOn('labvm1')).some((host) => host === to)) {
        const back = await lab.runJob('vm.migrate', { uuid: VM.uuid, to: 'hv1', acceptWarnings: true })
        expect(back.state).toBe('succeeded')
      }
      expect(await runningOn('labvm1')).toEqual(['hv1'])
    }
  }, 180_000)

  it('abort during a migration cancels it through the engine: labvm1 stays on hv1', async () => {
    // 1 MiB/s: the migration lasts long enough to be caught in flight.
    let record = (await lab.core.call('maintenance.start', {
      host: 'hv1',
      acceptWarnings: true,
      bandwidthMiBps: 1,
    })) as MaintenanceRecord
    try {
      await waitFor(
        'labvm1 migrating (progress in the maintenance job)',
        async () => {
          const job = (await lab.core.call('jobs.get', { id: record.jobId! })) as Job
          if (job.state !== 'running')
            throw new Error(`maintenance job ${job.state}: ${JSON.stringify(job.error)}`)
          return job.detail?.dataProcessedBytes !== undefined
        },
        60_000,
        200,
      )
      record = (await lab.core.call('maintenance.abort', { id: record.id })) as MaintenanceRecord
      expect(record.status).toBe('cancelled')
      expect(record.outcome).toBe('Aborted; noout was not set by this maintenance.')
      expect(record.steps[0]).toMatchObject({ kind: 'migrate', state: 'pending', message: 'Aborted here.' })
      expect(await runningOn('labvm1')).toEqual(['hv1'])
      expect(await virsh('hv1', 'domjobinfo labvm1')).toMatch(/Job type:\s+None/)
      expect(await osdFlags()).not.toContain('noout')
    } finally {
      const left = await current(lab.core)
      if (left && left.status !== 'done' && left.status !== 'cancelled')
        await lab.core.call('maintenance.abort', { id: left.id }).catch(() => undefined)
    }
  }, 90_000)

  it('is resumable after a restart and abortable: abort unsets the noout it set', async () => {
    const first = await labCore(withMaint, fast)
    let second: Core | undefined
    try {
      await first.waitForInventory()
      let record = (await first.core.call('maintenance.start', {
        host: 'hv3',
        acceptWarnings: true,
      })) as MaintenanceRecord
      expect(record.plan.moves).toEqual([])
      expect(englishText(record.plan.checks.find((check) => check.id === 'vms')!.message)).toBe(
        'No VM runs on hv3: nothing to migrate.',
      )
      record = await untilStep(
        first.core,
        (r) => r.steps.find((step) => step.kind === 'reboot')?.state === 'waiting',
        'hv3 waiting for its reboot',
      )
      expect(await osdFlags()).toContain('noout')
      // The app goes away: its job is stopped and the record stays on disk.
      const cancelled = (await first.core.call('jobs.cancel', { id: record.jobId! })) as Job
      await first.waitForJob(cancelled.id)
      await first.core.close()

      const opened = await createCoreWithContext({
        configPath: path.join(first.dir, 'cluster.json'),
        home: first.dir,
        version: 'lab',
        globalKnownHostsFiles: [],
        ...fast,
      })
      second = opened.core
      record = (await current(second))!
      expect(record.status).toBe('interrupted')
      expect(record.nooutSet).toEqual({})
      expect(record.steps.map((step) => step.state)).toEqual(['done', 'pending', 'pending', 'pending'])

      await waitFor(
        'hv3 online in the new core',
        () => opened.context.hosts.get('hv3').current.status === 'online',
        30_000,
      )
      await second.call('maintenance.resume', { id: record.id })
      record = await untilStep(
        second,
        (r) => r.steps.find((step) => step.kind === 'reboot')?.state === 'waiting',
        'hv3 waiting again after resume',
      )
      // Done steps are not run again: noout stays set, once.
      expect(record.steps[0]).toMatchObject({
        state: 'done',
        message: expect.stringMatching(/^ceph osd set noout/),
      })
      expect(await osdFlags()).toContain('noout')
      // "I rebooted it" while nothing shows a reboot: refused in words, still waiting.
      await second.call('maintenance.confirmReboot', { id: record.id })
      record = await untilStep(
        second,
        (r) => /has not rebooted yet/.test(r.steps[1]!.message ?? ''),
        'the unproven reboot refused',
      )
      expect(record.steps[1]!.state).toBe('waiting')

      record = (await second.call('maintenance.abort', { id: record.id })) as MaintenanceRecord
      expect(record.status).toBe('cancelled')
      expect(record.outcome).toMatch(/^Aborted; noout unset \(ceph osd unset noout on hv/)
      expect(record.outcomeText).toMatchObject({
        code: 'maintenanceErrors.abortedNooutUnset',
        params: { command: 'ceph osd unset noout' },
      })
      expect(await osdFlags()).not.toContain('noout')
    } finally {
      await second?.close()
      await first.cleanup()
    }
  }, 120_000)
})
