/**
 * Live migration against the real lab: a running guest goes hv1→hv2→hv3→hv1 through vm.migrate with
 * progress at least twice a second, the inventory following at once and the definitions kept on every
 * host; each pre-check the lab can break fails with its reason; the destination's libvirtd stopped
 * mid-migration leaves the VM on the source with libvirt's reason from the source's root-only log
 * (read through the sudo rule the doctor proposes); cancel and timeout
 * abort the job; a connection lost mid-migration is reconciled (the connection is closed in-process,
 * see the test). Leaves labvm1 running on hv1, labvm2 on hv2, labvm3 off, definitions everywhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../src/shared/hosts'
import type { Job } from '../../src/shared/jobs'
import type { MigrationPlan, MigrationResult } from '../../src/shared/migration'
import { englishText } from '../../src/shared/messages'
import { localAdminName } from '../../src/main/core/remote/audit'
import { labCore, type LabCore } from '../support/lab-core'
import {
  asRootOn,
  faults,
  labCmd,
  labGuest,
  LAB_HOSTS,
  LAB_ISO,
  LAB_SECRET_UUID,
  rbdWatchers,
  readHostSyslog,
  requireLab,
  waitFor,
  type LabHostName,
} from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const VM = labGuest('labvm1')
let lab: LabCore

const rootVirsh = (host: LabHostName, ...args: string[]) =>
  asRootOn(host, 'virsh', '-c', 'qemu:///system', ...args)

async function runningOn(vm: string): Promise<LabHostName[]> {
  const states = await Promise.all(
    HOSTS.map(async (host) => [host, (await rootVirsh(host, 'domstate', vm)).trim()] as const),
  )
  return states.filter(([, state]) => state === 'running').map(([host]) => host)
}

/** Every host still defines the VM, persistently, under the same UUID (the hosts asked at once). */
async function expectDefinedEverywhere(vm: string, uuid: string): Promise<void> {
  const infos = await Promise.all(HOSTS.map((host) => rootVirsh(host, 'dominfo', vm)))
  for (const [index, host] of HOSTS.entries()) {
    const info = infos[index]!
    expect(`${host}: ${/UUID:\s+(\S+)/.exec(info)?.[1]} ${/Persistent:\s+(\S+)/.exec(info)?.[1]}`).toBe(
      `${host}: ${uuid} yes`,
    )
  }
}

/** Puts labvm1 back on hv1 with bare virsh, whatever a failed test left. */
async function restoreHome(): Promise<void> {
  // Any migration job still running is aborted first, then the VM's state read: one root shell a host,
  // every host at once (this runs after each test; three reads a host cost each test a second).
  const states = await Promise.all(
    HOSTS.map((host) =>
      asRootOn(
        host,
        'sh',
        '-c',
        'virsh -c qemu:///system domjobinfo "$1" 2>/dev/null | grep -q Unbounded && virsh -c qemu:///system domjobabort "$1" >/dev/null 2>&1; virsh -c qemu:///system domstate "$1" 2>/dev/null; true',
        'sh',
        VM.name,
      ).catch(() => ''),
    ),
  )
  const seen = HOSTS.filter((_, index) => states[index]!.trim() === 'running')
  const where =
    seen.length > 0
      ? seen
      : await waitFor(
          'labvm1 running somewhere',
          async () => {
            const hosts = await runningOn(VM.name)
            return hosts.length > 0 ? hosts : undefined
          },
          30_000,
        )
  for (const host of where.filter((h) => h !== 'hv1')) {
    await rootVirsh(
      host,
      'migrate',
      '--live',
      '--p2p',
      '--persistent',
      VM.name,
      'qemu+ssh://root@10.77.0.1/system',
      'tcp://10.77.0.1',
    )
  }
}

/**
 * Ends the watches dead QEMUs left on labvm1's disk. A destination QEMU torn down mid-migration (the
 * aborted and the cut migrations here) can keep its watch until the OSD drops it, after
 * osd_client_watch_timeout (30 s), and the next file would wait for it (core-storage counts the
 * watchers). A watcher on a host where labvm1 does not run is such a dead client: blocklisting its
 * address (ip:port/nonce, that one client only) ends its watch at once, as fencing does to a lost
 * host's clients; the entry goes again once the watch has.
 */
async function dropDeadWatches(): Promise<void> {
  const image = `${VM.pool}/${VM.name}`
  const running = await runningOn(VM.name)
  const live = LAB_HOSTS.filter((host) => running.includes(host.name)).map((host) => host.migrationAddress)
  const dead = (await rbdWatchers(image)).filter((address) => !live.includes(address.split(':')[0]!))
  if (dead.length === 0) return
  for (const address of dead) await labCmd('ceph', 'osd', 'blocklist', 'add', address, '120')
  await waitFor(
    'the dead QEMUs’ watches gone',
    async () => ((await rbdWatchers(image)).some((address) => dead.includes(address)) ? undefined : true),
    30_000,
  )
  for (const address of dead) await labCmd('ceph', 'osd', 'blocklist', 'rm', address)
  console.log(`dead watches on ${image} ended: ${dead.join(', ')}`)
}

/** Set when a test starts a migration: only then can labvm1 have left hv1 (afterEach puts it back). */
let migrationStarted = false

async function startJob(
  method: 'vm.migrate' | 'vm.syncDefinition',
  params: Record<string, unknown>,
): Promise<Job> {
  if (method === 'vm.migrate') migrationStarted = true
  return (await lab.core.call(method, params)) as Job
}

async function plan(to: LabHostName, from?: LabHostName): Promise<MigrationPlan> {
  return (await lab.core.call('vm.migrationPlan', {
    uuid: VM.uuid,
    to,
    ...(from ? { from } : {}),
  })) as MigrationPlan
}

function check(p: MigrationPlan, id: string) {
  return p.checks.find((c) => c.id === id)
}

/** Waits until the migration job reports live figures (the migration is really under way). */
async function waitForProgress(id: string): Promise<Job> {
  return waitFor(
    'migration progress',
    async () => {
      const job = (await lab.core.call('jobs.get', { id })) as Job
      return job.detail?.['dataProcessedBytes'] !== undefined || job.state !== 'running' ? job : undefined
    },
    30_000,
    100,
  )
}

beforeAll(async () => {
  await requireLab()
  await restoreHome()
  // Reconnection 200 ms after sshd is back (the lost-connection test), not after 1, 2, 4, 8 s.
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000, connection: { backoffMs: [200] } })
  await lab.waitForInventory()
}, 180_000)

/**
 * The faults a test injected, undone after it whatever happened (only those: restarting a libvirtd
 * and an sshd that nobody stopped cost every test of the file its half-second).
 */
const injected = new Set<'hv2 libvirtd stopped' | 'hv1 sshd killed'>()

afterEach(async () => {
  await Promise.all([
    injected.has('hv2 libvirtd stopped') && faults.libvirtd('hv2', 'start').catch(() => undefined),
    injected.has('hv1 sshd killed') && faults.sshd('hv1', 'start').catch(() => undefined),
  ])
  injected.clear()
  await Promise.all(HOSTS.map((host) => lab.core.call('hosts.connect', { host }).catch(() => undefined)))
  // A test that started no migration left labvm1 where it was (on hv1: the previous test's afterEach
  // or the beforeAll put it there); asking the three hosts again cost each such test half a second.
  if (migrationStarted) await restoreHome()
  migrationStarted = false
}, 120_000)

afterAll(async () => {
  await lab?.cleanup()
  await restoreHome()
  await dropDeadWatches()
}, 120_000)

describe('live migration', () => {
  it('plans hv1→hv2 with every check passing and the runbook follow-ups', async () => {
    const p = await plan('hv2')
    expect(p.from).toBe('hv1')
    expect(p.canStart).toBe(true)
    expect(p.persistent).toBe(true)
    expect(p.checks.filter((c) => c.level !== 'ok')).toEqual([])
    for (const id of [
      'destination-online',
      'defined',
      'drift',
      'memory',
      'disks-shared',
      'cdrom',
      'boot-files',
      'bridges',
      'ceph-secret',
      'cpu',
      'not-running-on-destination',
      'managed-save',
    ])
      expect(check(p, id)?.level, id).toBe('ok')
    expect(p.followUps.gateway).toEqual({ old: '10.77.11.254', new: '10.77.12.254' })
    expect(p.followUps.commands).toEqual([
      'ifdown eth0',
      "sed -i -e 's/ 10\\.77\\.11\\.254 / 10.77.12.254 /g' -e 's/ 10\\.77\\.11\\.254$/ 10.77.12.254/' /etc/network/interfaces",
      'ifup eth0',
    ])
  })

  it('migrates a running guest hv1→hv2→hv3→hv1 with live progress; the inventory follows at once', async () => {
    // Each new sample (a new libvirt "Time elapsed") as it reached the API's subscribers.
    const updates = new Map<string, { elapsed: number; at: number }[]>()
    const unsubscribe = lab.core.subscribe('jobs.update', (job) => {
      const elapsed = job.detail?.['elapsedMs']
      if (job.kind !== 'vm.migrate' || job.state !== 'running' || typeof elapsed !== 'number') return
      const seen = updates.get(job.id) ?? []
      if (seen.at(-1)?.elapsed !== elapsed) updates.set(job.id, [...seen, { elapsed, at: Date.now() }])
    })
    try {
      for (const [from, to] of [
        ['hv1', 'hv2'],
        ['hv2', 'hv3'],
        ['hv3', 'hv1'],
      ] as const) {
        const audited = (log: string, host: string) =>
          log
            .split('\n')
            .filter((line) => line.endsWith(`hyperdesk: ${localAdminName()}: migrate to ${host} labvm1`))
            .length
        const auditedBefore = audited(await readHostSyslog(from), to)
        const started = await startJob('vm.migrate', { uuid: VM.uuid, to })
        expect(started.cancellable).toBe(true)
        const job = await lab.waitForJob(started.id)
        expect(job.state).toBe('succeeded')
        const result = job.result as MigrationResult
        expect(result.from).toBe(from)
        expect(result.to).toBe(to)
        expect(result.followUps.gateway.new).toBe(`10.77.1${to.slice(2)}.254`)
        // The inventory already knows, without a refresh asked by the test.
        const vm = lab.context.inventory.snapshot().vms.find((v) => v.uuid === VM.uuid)
        expect(vm?.runningOn).toEqual([to])
        // Downtime and the audit line come with the migration's own command, read on the source.
        expect(result.downtimeMs).toBeGreaterThan(0)
        // The source's syslog, where the VM runs, its state on the source and every host's
        // definition: read at once (one after another, a second of each hop).
        const [syslog, where, sourceState] = await Promise.all([
          readHostSyslog(from),
          runningOn(VM.name),
          rootVirsh(from, 'domstate', VM.name),
          expectDefinedEverywhere(VM.name, VM.uuid),
        ])
        expect(audited(syslog, to)).toBe(auditedBefore + 1)
        expect(where).toEqual([to])
        expect(sourceState.trim()).toBe('shut off')
        const samples = updates.get(job.id) ?? []
        const span = samples.length > 1 ? (samples.at(-1)!.at - samples[0]!.at) / 1000 : 0
        const rate = span > 0 ? (samples.length - 1) / span : 0
        console.log(
          `${from}→${to}: ${result.durationMs} ms, downtime ${result.downtimeMs} ms, ${samples.length} progress samples at the API over ${span.toFixed(1)} s (${rate.toFixed(1)}/s); core: ${job.log.map((l) => l.text).find((t) => t.includes('samples'))}`,
        )
        expect(samples.length).toBeGreaterThanOrEqual(2)
        if (span >= 1) expect(rate).toBeGreaterThanOrEqual(2)
      }
    } finally {
      unsubscribe()
    }
  }, 300_000)
})

describe('pre-checks that fail, each with its reason', () => {
  it('destination offline', async () => {
    await lab.core.call('hosts.disconnect', { host: 'hv3' })
    try {
      const p = await plan('hv3')
      expect(p.canStart).toBe(false)
      expect(check(p, 'destination-online')).toMatchObject({ level: 'fail' })
      expect(englishText(check(p, 'destination-online')!.message)).toMatch(/hv3 is idle: connect to it first/)
    } finally {
      await lab.core.call('hosts.connect', { host: 'hv3' })
      await lab.waitForStatus('hv3', 'online', 30_000)
    }
  })

  it('not running on the source, running on the destination', async () => {
    const p = await plan('hv1', 'hv2')
    expect(p.canStart).toBe(false)
    expect(englishText(check(p, 'source-running')!.message)).toBe('labvm1 runs on hv1, not on hv2.')
    expect(check(p, 'not-running-on-destination')).toMatchObject({ level: 'fail' })
    expect(englishText(check(p, 'not-running-on-destination')!.message)).toMatch(
      /labvm1 is running on hv1: it would run twice/,
    )
  })

  it('CD-ROM image missing on the destination; vm.migrate refuses with the checks', async () => {
    await asRootOn('hv2', 'mv', LAB_ISO, `${LAB_ISO}.hidden`)
    try {
      const p = await plan('hv2')
      expect(check(p, 'cdrom')).toMatchObject({ level: 'fail' })
      expect(englishText(check(p, 'cdrom')!.message)).toBe(
        `The CD-ROM image ${LAB_ISO} is missing on hv2: copy it to the same path there, or eject it.`,
      )
      const job = await lab.waitForJob((await startJob('vm.migrate', { uuid: VM.uuid, to: 'hv2' })).id)
      expect(job.state).toBe('failed')
      expect(job.error?.code).toBe('vm.migrate.refused')
      expect(job.error?.message).toMatch(/CD-ROM image/)
      expect(await runningOn(VM.name)).toEqual(['hv1'])
    } finally {
      await asRootOn('hv2', 'mv', `${LAB_ISO}.hidden`, LAB_ISO)
    }
  })

  it('boot kernel missing on the destination: the check names the file and the host, then passes once it is back', async () => {
    // The guests boot the kernel each host keeps in its own /var/lib/libvirt/boot (lab guest_build).
    const kernel = /<kernel>([^<]+)<\/kernel>/.exec(await rootVirsh('hv1', 'dumpxml', VM.name))?.[1]
    expect(kernel).toMatch(/^\/var\/lib\/libvirt\/boot\//)
    await asRootOn('hv2', 'mv', kernel!, `${kernel}.hidden`)
    try {
      const p = await plan('hv2')
      expect(p.canStart).toBe(false)
      expect(check(p, 'boot-files')).toMatchObject({ level: 'fail' })
      expect(englishText(check(p, 'boot-files')!.message)).toBe(
        `${kernel} missing on hv2: QEMU opens the VM's kernel, initrd and firmware from the host's own disk as it starts there. Copy them to the same path on hv2 first.`,
      )
    } finally {
      await asRootOn('hv2', 'mv', `${kernel}.hidden`, kernel!)
    }
    const p = await plan('hv2')
    expect(check(p, 'boot-files')).toMatchObject({ level: 'ok' })
    expect(englishText(check(p, 'boot-files')!.message)).toMatch(
      new RegExp(`^${kernel}, .* present on hv2\\.$`),
    )
  })

  it('Ceph secret missing on the destination', async () => {
    const xml = await rootVirsh('hv3', 'secret-dumpxml', LAB_SECRET_UUID)
    const value = (await rootVirsh('hv3', 'secret-get-value', LAB_SECRET_UUID)).trim()
    await rootVirsh('hv3', 'secret-undefine', LAB_SECRET_UUID)
    try {
      const p = await plan('hv3')
      expect(check(p, 'ceph-secret')).toMatchObject({ level: 'fail' })
      expect(englishText(check(p, 'ceph-secret')!.message)).toMatch(
        new RegExp(`Ceph secret is not usable on hv3 \\(${LAB_SECRET_UUID}: .*secret`),
      )
    } finally {
      await asRootOn(
        'hv3',
        'sh',
        '-c',
        `printf '%s' "$1" > /tmp/hd-secret.xml && virsh -c qemu:///system secret-define /tmp/hd-secret.xml && rm -f /tmp/hd-secret.xml`,
        'sh',
        xml,
      )
      await rootVirsh('hv3', 'secret-set-value', '--secret', LAB_SECRET_UUID, '--base64', value)
    }
    expect(check(await plan('hv3'), 'ceph-secret')).toMatchObject({ level: 'ok' })
  })
})

describe('failures, cancel, timeout and a lost connection', () => {
  it('destination libvirtd stopped mid-migration: the VM stays on the source, the error quotes the source’s root-only libvirtd.log', async () => {
    // libvirtd.log is root only (as on the real hosts): apply the sudo rule the doctor proposes for it,
    // exactly as it says, and let the doctor see it. (Without it the error says how to get the
    // reason instead: see test/unit/migration-outcomes.test.ts.)
    const fix = lab.states.get('hv1')?.doctor?.checks.find((check) => check.id === 'libvirt-log')
      ?.fix?.command
    expect(fix).toMatch(/NOPASSWD: \/usr\/bin\/tail -n 200 \/var\/log\/libvirt\/libvirtd\.log/)
    await asRootOn('hv1', 'sh', '-ec', fix!)
    try {
      const doctor = (await lab.core.call('hosts.doctor', { host: 'hv1' })) as DoctorReport
      expect(doctor.capabilities.canReadLibvirtLog).toBe(true)
      const started = await startJob('vm.migrate', { uuid: VM.uuid, to: 'hv2', bandwidthMiBps: 2 })
      const progressing = await waitForProgress(started.id)
      expect(progressing.state).toBe('running')
      injected.add('hv2 libvirtd stopped')
      await faults.libvirtd('hv2', 'stop')
      const job = await lab.waitForJob(started.id)
      await faults.libvirtd('hv2', 'start')
      expect(job.state).toBe('failed')
      expect(job.error?.code).toBe('vm.migrate.failed')
      expect(job.error?.host).toBe('hv1')
      expect(job.error?.text).toMatchObject({
        code: 'migrationErrors.failed',
        params: {
          name: 'labvm1',
          from: 'hv1',
          to: 'hv2',
          state: { code: 'migrationErrors.stillOnSource', params: { name: 'labvm1', from: 'hv1' } },
        },
      })
      // libvirtd's own error lines, logged on hv1 since the migration started, read through sudo.
      const logged = job.error?.details?.['libvirtLog'] as string[]
      console.log(`hv1's libvirtd.log, as quoted in the error:\n${logged.join('\n')}`)
      expect(logged.length).toBeGreaterThan(0)
      for (const line of logged) expect(line).toMatch(/: error : /)
      // What the host said: virsh's error, then those lines, verbatim.
      const said = job.error?.text?.detail ?? ''
      expect(said.split('\n').length).toBeGreaterThan(logged.length)
      expect(said.endsWith(logged.join('\n'))).toBe(true)
      expect(job.error?.hintText).toEqual({
        code: 'migrationErrors.libvirtLogShown',
        params: { host: 'hv1', log: '/var/log/libvirt/libvirtd.log' },
      })
    } finally {
      // This core's report for hv1 stays stale (the log readable), read by no test after this one: only a
      // migration that fails (not a cancelled, timed-out or reconciled one) reads the log, and the
      // lost-connection test's reconnection runs hv1's doctor again anyway. Asking it here cost 3-4 s.
      await asRootOn('hv1', 'rm', '-f', '/etc/sudoers.d/hyperdesk')
    }
    expect(await runningOn(VM.name)).toEqual(['hv1'])
    await waitFor(
      'no copy of labvm1 left on hv2',
      async () => ((await rootVirsh('hv2', 'domstate', VM.name)).trim() === 'shut off' ? true : undefined),
      30_000,
    )
    await expectDefinedEverywhere(VM.name, VM.uuid)
  })

  it('cancel aborts the job on the source and the VM keeps running there', async () => {
    // Issue 15, item 10: the destination being prepared (paused, incoming) is never a second copy.
    const seen: string[][] = []
    const stop = lab.core.subscribe('inventory.changed', ({ vms }) => {
      const vm = vms.find((candidate) => candidate.uuid === VM.uuid)
      if (vm) seen.push([...vm.flags])
    })
    const started = await startJob('vm.migrate', { uuid: VM.uuid, to: 'hv2', bandwidthMiBps: 2 })
    await waitForProgress(started.id)
    await lab.core.call('jobs.cancel', { id: started.id })
    const job = await lab.waitForJob(started.id)
    expect(job.state).toBe('cancelled')
    expect(job.error?.message).toMatch(
      /cancelled \(virsh domjobabort on hv1\)\. labvm1 is still running on hv1\./,
    )
    expect(job.error?.text).toMatchObject({
      code: 'migrationErrors.cancelled',
      params: { state: { code: 'migrationErrors.stillOnSource' } },
    })
    expect(await runningOn(VM.name)).toEqual(['hv1'])
    await expectDefinedEverywhere(VM.name, VM.uuid)
    stop()
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.filter((flags) => flags.includes('running-twice'))).toEqual([])
  })

  it('a migration that does not finish in time is aborted', async () => {
    // 4 s at 1 MiB/s (128 MiB of guest): far from done when the timeout aborts it. An abort sent
    // before libvirt's job is active is sent again each second until the migration command ends.
    const job = await lab.waitForJob(
      (await startJob('vm.migrate', { uuid: VM.uuid, to: 'hv3', bandwidthMiBps: 1, timeoutSeconds: 4 })).id,
    )
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('vm.migrate.timeout')
    expect(job.error?.message).toMatch(
      /did not finish within 4 s and was aborted\. labvm1 is still running on hv1\./,
    )
    expect(job.error?.text).toMatchObject({ code: 'migrationErrors.timedOut', params: { seconds: 4 } })
    expect(await runningOn(VM.name)).toEqual(['hv1'])
  })

  // The app's connection to the source is dropped by killing hv1's sshd and every session (as a
  // workstation that slept or lost its network finds it): cutting hv1's network instead would also
  // cut the private link the migration itself uses. libvirtd goes on with the --p2p migration.
  it('a connection lost mid-migration is reconciled from where the VM runs when the host is back', async () => {
    // 20 MiB/s: still migrating for seconds after the first progress figure, when sshd is killed; the
    // job then waits for libvirt's own migration to end, so a slower cap only lengthens that wait.
    const started = await startJob('vm.migrate', { uuid: VM.uuid, to: 'hv2', bandwidthMiBps: 20 })
    await waitForProgress(started.id)
    injected.add('hv1 sshd killed')
    await faults.sshd('hv1', 'kill')
    // The app has seen the connection drop (the migration's own command with it) before sshd returns.
    await lab.waitForStatus('hv1', 'offline', 20_000)
    await faults.sshd('hv1', 'start')
    const job = await lab.waitForJob(started.id, 115_000)
    expect(job.log.map((line) => line.text).join('\n')).toMatch(/Reconciled after the lost connection/)
    const where = await runningOn(VM.name)
    console.log(`after the lost connection: ${job.state}, labvm1 on ${where.join(',')}`)
    if (where[0] === 'hv2') {
      expect(job.state).toBe('succeeded')
      expect((job.result as MigrationResult).reconciled).toBe(true)
    } else {
      expect(where).toEqual(['hv1'])
      expect(job.state).toBe('failed')
      expect(job.error?.message).toMatch(/still running on hv1/)
    }
    await expectDefinedEverywhere(VM.name, VM.uuid)
  }, 120_000)
})
