/**
 * Live migration wall time through the app (vm.migrate: lease, pre-checks, migration with progress
 * polling, read-back of both hosts, follow-ups) versus a bare `virsh migrate --live --p2p --persistent`
 * through the same runner, in the same run: labvm1 between its home (hv1) and hv2. No timed assertions.
 *
 * Three parts, each migration after the same SETTLE_MS of quiet, as a user's would:
 * - the first migrations (not counted, reported): the app's first after the core started — with the
 *   lease's Ceph session to open and nothing planned yet, as a user's first click after starting the
 *   app — and bare's first; by default the app's is the run's first (MIGRATION_BENCH_FIRST=bare swaps
 *   them, to see what of it is the lab's own first migration);
 * - PAIRS counted pairs in ABBA order (app first, bare first, bare first, app first…): neither side
 *   always takes the slot after the other's, and each does as many migrations each way. The headline
 *   is the ratio of total wall time (target ≤ 1.05×), beside the medians and the app's time outside
 *   its migrate command;
 * - after IDLE_MS without a migration (long enough for the lease's session to close, as between a
 *   user's migrations): the app through the migration sheet's path (vm.migrationPlan, the user reads
 *   it, vm.migrate), then bare after the same idle.
 *
 * A migration here takes ~3.5 s to ~5.5 s, in two rough modes (the lab's QEMU, Ceph and libvirt, not the
 * app; an earlier run saw it depend on how long after the previous migration it starts, hence the
 * equal settle). After each bare one the source's `virsh domjobinfo --completed` is read (outside the
 * timing) so the report can say where the time goes: the same ~62 MiB sent with no dirty pages, at a
 * speed that varies (libvirt's own elapsed time follows the wall time). The app's own downtime read
 * consumes those statistics (libvirt drops them once read), so only bare's are shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '../src/shared/jobs'
import type { MigrationResult } from '../src/shared/migration'
import { IDLE_CLOSE_MS } from '../src/main/core/lease/lease-session'
import { domainArgv } from '../src/main/core/libvirt/domain'
import { labGuest, requireLab, waitFor } from '../test/lab/support/lab'
import { benchCore, median, timed, writeReport } from './support'
import { figure } from './summary'

const PAIRS = Number(process.env['MIGRATION_BENCH_PAIRS'] ?? 20)
/**
 * Who makes the run's first migration: the app (default, a user's first click after starting the app)
 * or bare (to tell what of the app's first is the lab's own first migration, not the app's).
 */
const FIRST = process.env['MIGRATION_BENCH_FIRST'] === 'bare' ? 'bare' : 'app'
/**
 * Opt-in (default 0): that many more pairs, bare against bare while the bench asks the source
 * `virsh domjobinfo` every POLL_MS through the runner's virsh session, as the app's progress does: does
 * that polling slow the migration itself (the app's fell in the slow mode more often than bare's)?
 */
const POLLED_PAIRS = Number(process.env['MIGRATION_BENCH_POLLED_PAIRS'] ?? 0)
const POLL_MS = 400
/** Quiet before every migration, app or bare (see above). */
const SETTLE_MS = 1500
/** The idle before the last two migrations: the lease's session closes after IDLE_CLOSE_MS unused. */
const IDLE_MS = IDLE_CLOSE_MS + 5000
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const VM = labGuest('labvm1')
const ADDRESS = { hv1: '10.77.0.1', hv2: '10.77.0.2' } as const
type Host = keyof typeof ADDRESS
type Side = 'app' | 'bare' | 'bare+poll'
/** Where `lab up` starts it, where the bench leaves it. */
const HOME: Host = 'hv1'
const AWAY: Host = 'hv2'
const report: string[] = []
let bench: Awaited<ReturnType<typeof benchCore>>

/** One migration as measured: who, which way, its wall time, libvirt's statistics of its job. */
interface Measured {
  side: Side
  from: Host
  to: Host
  ms: number
  /** libvirt's `domjobinfo --completed` fields on the source (Time elapsed, Memory iterations…). */
  stats: Map<string, string>
  /** The app's: its job. */
  job?: Job
}

/** The app's phases from its job's log (ms), as the migration and the lease log them. */
function phasesOf(job: Job): { text: string; ms: (pattern: RegExp) => number | undefined } {
  const text = job.log
    .map((line) => line.text)
    .filter((line) => /took|samples/.test(line))
    .join('; ')
  return {
    text,
    ms: (pattern) => {
      const found = pattern.exec(text)?.[1]
      return found === undefined ? undefined : Number(found)
    },
  }
}
const PRE_CHECKS = /Pre-checks took (\d+) ms/
const LEASE_TAKE = /Taking the lease took (\d+) ms/
const LEASE_CHECK = /Checking the lease before “virsh migrate” took (\d+) ms/
const LEASE_RELEASE = /Releasing the lease took (\d+) ms/
const READ_BACK = /Read-back of both hosts took (\d+) ms/

/** `virsh domjobinfo` fields by name (LC_ALL=C output: "Memory iterations: 3"). */
function jobFields(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return fields
}
/** The fields of libvirt's completed job shown per migration. */
const STATS = [
  'Time elapsed',
  'Setup time',
  'Iteration',
  'Memory processed',
  'Memory bandwidth',
  'Dirty rate',
  'Total downtime',
]
/** The leading number of a field ("4321 ms" → 4321, "130.527 MiB" → 130.527). */
const numberOf = (stats: Map<string, string>, field: string) =>
  Number(/^[\d.]+/.exec(stats.get(field) ?? '')?.[0] ?? NaN)

beforeAll(async () => {
  await requireLab()
  bench = await benchCore(0)
  await waitFor('a first inventory', () =>
    bench.lab.context.inventory.snapshot().hosts.filter((h) => h.reachable).length === 3 ? true : undefined,
  )
  const where = bench.lab.context.inventory.vm(VM.uuid)?.runningOn ?? []
  if (where.length !== 1 || where[0] !== HOME)
    throw new Error(
      `${VM.name} must run on ${HOME} alone to start (it runs on: ${where.join(', ') || 'none'})`,
    )
}, 120_000)

afterAll(async () => {
  await bench?.close()
  writeReport('migration', report)
}, 60_000)

describe('live migration', () => {
  it('through the app versus bare virsh migrate', async () => {
    const { core, context } = bench.lab
    const completedStats = async (host: Host) =>
      jobFields(
        (
          await context.runner.virsh(host, ['domjobinfo', '--completed', VM.uuid], {
            timeoutSeconds: 30,
            allowFailure: true,
          })
        ).stdout,
      )
    const viaApp = async (to: Host): Promise<Job> => {
      const started = (await core.call('vm.migrate', { uuid: VM.uuid, to })) as Job
      return waitFor(
        'the migration job',
        async () => {
          const job = (await core.call('jobs.get', { id: started.id })) as Job
          return job.state === 'running' ? undefined : job
        },
        120_000,
        20,
      )
    }
    const bare = (from: Host, to: Host) =>
      context.runner.virsh(
        from,
        [
          'migrate',
          '--live',
          '--p2p',
          '--persistent',
          VM.uuid,
          `qemu+ssh://root@${ADDRESS[to]}/system`,
          `tcp://${ADDRESS[to]}`,
        ],
        { timeoutSeconds: 300 },
      )
    const throughApp = async (from: Host, to: Host, settle = SETTLE_MS): Promise<Measured> => {
      await pause(settle)
      const { ms, value: job } = await timed(() => viaApp(to))
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
      return { side: 'app', from, to, ms, job, stats: await completedStats(from) }
    }
    const throughVirsh = async (from: Host, to: Host, settle = SETTLE_MS): Promise<Measured> => {
      await pause(settle)
      const { ms } = await timed(() => bare(from, to))
      return { side: 'bare', from, to, ms, stats: await completedStats(from) }
    }
    /** Bare, while the source is asked for the job's progress as the app asks it (migrate.ts). */
    const throughPolledVirsh = async (from: Host, to: Host): Promise<Measured> => {
      await pause(SETTLE_MS)
      let polling = true
      const poller = (async () => {
        while (polling) {
          const next = Date.now() + POLL_MS
          await context.runner
            .virshQuery(from, [{ id: 'job', command: domainArgv.jobInfo(VM.uuid) }], { timeoutSeconds: 10 })
            .catch(() => undefined)
          await pause(Math.max(0, next - Date.now()))
        }
      })()
      const { ms } = await timed(() => bare(from, to))
      polling = false
      await poller
      return { side: 'bare+poll', from, to, ms, stats: await completedStats(from) }
    }

    // The first migrations, not counted: the app's first after the core started, and bare's first.
    let firstApp: Measured
    let firstBare: Measured
    if (FIRST === 'app') {
      firstApp = await throughApp(HOME, AWAY)
      firstBare = await throughVirsh(AWAY, HOME)
    } else {
      firstBare = await throughVirsh(HOME, AWAY)
      firstApp = await throughApp(AWAY, HOME)
    }
    // Counted, ABBA: even pairs the app goes first (there), odd pairs bare goes first (there).
    const counted: Measured[] = []
    for (let pair = 0; pair < PAIRS; pair++) {
      if (pair % 2 === 0) counted.push(await throughApp(HOME, AWAY), await throughVirsh(AWAY, HOME))
      else counted.push(await throughVirsh(HOME, AWAY), await throughApp(AWAY, HOME))
    }
    // Opt-in: bare against bare polled, ABBA.
    const polled: Measured[] = []
    for (let pair = 0; pair < POLLED_PAIRS; pair++) {
      if (pair % 2 === 0) polled.push(await throughPolledVirsh(HOME, AWAY), await throughVirsh(AWAY, HOME))
      else polled.push(await throughVirsh(HOME, AWAY), await throughPolledVirsh(AWAY, HOME))
    }
    // After an idle: the sheet's path (its plan, the user's read, the migration), then bare.
    await pause(IDLE_MS - SETTLE_MS)
    const plan = await timed(() => core.call('vm.migrationPlan', { uuid: VM.uuid, to: AWAY }))
    const idleApp = await throughApp(HOME, AWAY)
    const idleBare = await throughVirsh(AWAY, HOME, IDLE_MS)

    // Each job read again after all of them: a lease released after its job ended logs it later.
    for (const run of [firstApp, ...counted, idleApp]) {
      if (run.job) run.job = (await core.call('jobs.get', { id: run.job.id })) as Job
    }
    const app = counted.filter((run) => run.side === 'app')
    const raw = counted.filter((run) => run.side === 'bare')
    const walls = (runs: readonly Measured[]) => runs.map((run) => run.ms)
    const durationOf = (run: Measured) => (run.job?.result as MigrationResult | undefined)?.durationMs ?? NaN
    const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0)
    const round = (value: number | undefined) => (value === undefined ? '?' : String(Math.round(value)))
    const ms = (values: readonly number[]) => values.map((v) => Math.round(v)).join(', ')
    const range = (values: readonly number[]) =>
      `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ms`
    const phaseMedian = (pattern: RegExp) =>
      round(
        median(
          app
            .map((run) => (run.job ? phasesOf(run.job).ms(pattern) : undefined) ?? NaN)
            .filter(Number.isFinite),
        ),
      )
    const ratio = sum(walls(app)) / sum(walls(raw))
    /** One app migration's wall time in parts: what the user waits for after the click. */
    const parts = (run: Measured) => {
      const phases = run.job ? phasesOf(run.job) : undefined
      const duration = durationOf(run)
      return `${round(run.ms)} ms = lease take ${round(phases?.ms(LEASE_TAKE))} + pre-checks ${round(phases?.ms(PRE_CHECKS))} + lease check ${round(phases?.ms(LEASE_CHECK))} + virsh migrate ${round(duration)} + read-back ${round(phases?.ms(READ_BACK))} + release ${round(phases?.ms(LEASE_RELEASE))} (${round(run.ms - duration)} ms outside virsh migrate in all)`
    }
    const libvirt = (run: Measured) =>
      run.side === 'app'
        ? `total downtime ${round((run.job?.result as MigrationResult | undefined)?.downtimeMs)} ms (the app read the rest)`
        : STATS.filter((field) => run.stats.has(field))
            .map((field) => `${field.toLowerCase()} ${run.stats.get(field)?.replace(/\s+/g, ' ')}`)
            .join(', ') || 'no statistics'

    // The two modes: split at the middle of the counted range; what libvirt says of each.
    const all = walls(counted)
    const middle = (Math.min(...all) + Math.max(...all)) / 2
    const fast = counted.filter((run) => run.ms < middle)
    const slow = counted.filter((run) => run.ms >= middle)
    const modeLine = (label: string, runs: readonly Measured[]) => {
      const bares = runs.filter((run) => run.side === 'bare')
      const stat = (field: string) =>
        round(median(bares.map((run) => numberOf(run.stats, field)).filter(Number.isFinite)))
      return `    ${label}: app ${runs.length - bares.length}, bare ${bares.length}; median wall ${round(median(walls(runs)))} ms; bare's, per libvirt: time elapsed ${stat('Time elapsed')} ms, setup ${stat('Setup time')} ms, iterations ${stat('Iteration')}, memory processed ${stat('Memory processed')} MiB at ${stat('Memory bandwidth')} MiB/s, dirty rate ${stat('Dirty rate')} pages/s, total downtime ${stat('Total downtime')} ms`
    }

    report.push(
      `live migration of ${VM.name} (128 MiB, TCG guest) between ${HOME} and ${AWAY}, each after ${SETTLE_MS} ms of quiet, same run:`,
      `  first migrations after the core started (not counted; the run's first is ${FIRST}'s):`,
      `    the app's first (${firstApp.from}→${firstApp.to}, lease session to open, nothing planned yet): ${parts(firstApp)}`,
      `    bare's first (${firstBare.from}→${firstBare.to}): ${round(firstBare.ms)} ms`,
      `    libvirt: app's ${libvirt(firstApp)}; bare's: ${[...firstBare.stats].map(([key, value]) => `${key} ${value.replace(/\s+/g, ' ')}`).join(', ')}`,
      `  ${PAIRS} counted pairs, ABBA order (app first in even pairs, bare first in odd ones):`,
      `    bare virsh migrate --live --p2p --persistent through the runner: total ${round(sum(walls(raw)))} ms, median ${round(median(walls(raw)))} ms, range ${range(walls(raw))} (${ms(walls(raw))})`,
      `    through the app (vm.migrate job, call → job ended):           total ${round(sum(walls(app)))} ms, median ${round(median(walls(app)))} ms, range ${range(walls(app))} (${ms(walls(app))})`,
      `      of which virsh migrate itself (job durationMs):                median ${round(median(app.map(durationOf)))} ms`,
      `    ratio app / bare, total wall time: ${ratio.toFixed(3)}× (target ≤ 1.05×); of the medians: ${(median(walls(app)) / median(walls(raw))).toFixed(3)}×`,
      `    the app outside its migrate command (call → job ended minus durationMs): median ${round(median(app.map((run) => run.ms - durationOf(run))))} ms`,
      `      median pre-checks ${phaseMedian(PRE_CHECKS)} ms, read-back ${phaseMedian(READ_BACK)} ms, lease take ${phaseMedian(LEASE_TAKE)} ms, lease check before virsh migrate ${phaseMedian(LEASE_CHECK)} ms, lease release ${phaseMedian(LEASE_RELEASE)} ms`,
      `  after ${IDLE_MS} ms without a migration (the lease's session closes after ${IDLE_CLOSE_MS} ms unused), not counted:`,
      `    the app through the migration sheet's path: vm.migrationPlan ${round(plan.ms)} ms, ${SETTLE_MS} ms to read it, then vm.migrate: ${parts(idleApp)}`,
      `    bare after the same idle: ${round(idleBare.ms)} ms`,
      `  the two modes of the counted migrations (split at ${round(middle)} ms):`,
      modeLine('fast', fast),
      modeLine('slow', slow),
      '  each counted migration (side, way, wall; libvirt’s statistics on the source):',
      ...counted.map(
        (run) =>
          `    ${run.side.padEnd(4)} ${run.from}→${run.to} ${round(run.ms).padStart(5)} ms; ${libvirt(run)}`,
      ),
      '  the app’s phases, per counted migration:',
      ...app.map((run) => `    ${run.job ? phasesOf(run.job).text : '?'}`),
    )
    if (polled.length > 0) {
      const line = (side: Side) => {
        const runs = polled.filter((run) => run.side === side)
        const elapsed = median(runs.map((run) => numberOf(run.stats, 'Time elapsed')).filter(Number.isFinite))
        return `    ${side.padEnd(9)}: total ${round(sum(walls(runs)))} ms, median ${round(median(walls(runs)))} ms, libvirt's time elapsed median ${round(elapsed)} ms, ${runs.filter((run) => run.ms >= middle).length} of ${runs.length} at or above ${round(middle)} ms (${ms(walls(runs))})`
      }
      const polledTotal = sum(walls(polled.filter((run) => run.side === 'bare+poll')))
      const plainTotal = sum(walls(polled.filter((run) => run.side === 'bare')))
      report.push(
        `  ${POLLED_PAIRS} more pairs, ABBA: bare against bare with domjobinfo asked every ${POLL_MS} ms through the runner's virsh session (the app's progress polling), not counted:`,
        line('bare+poll'),
        line('bare'),
        `    ratio polled / plain, total wall time: ${(polledTotal / plainTotal).toFixed(3)}×`,
        ...polled.map(
          (run) =>
            `    ${run.side.padEnd(9)} ${run.from}→${run.to} ${round(run.ms).padStart(5)} ms; ${libvirt(run)}`,
        ),
      )
    }
    figure({
      name: 'live migration, total wall time',
      bench: 'migration',
      value: sum(walls(app)),
      unit: 'ms',
      baseline: { name: 'bare virsh migrate', value: sum(walls(raw)) },
      target: { kind: 'max', value: 1.05 },
      detail: `${PAIRS} pairs in ABBA order after a first pair not counted; app ${range(walls(app))}, bare ${range(walls(raw))}`,
    })
    figure({
      name: 'live migration, first after a core start',
      bench: 'migration',
      value: firstApp.ms,
      unit: 'ms',
      baseline: { name: 'bare virsh migrate, its first', value: firstBare.ms },
      detail: `the run's first migration is ${FIRST}'s; the app's (lease session opened, nothing planned yet): lease take ${round(firstApp.job ? phasesOf(firstApp.job).ms(LEASE_TAKE) : undefined)} ms, pre-checks ${round(firstApp.job ? phasesOf(firstApp.job).ms(PRE_CHECKS) : undefined)} ms, virsh migrate ${round(durationOf(firstApp))} ms; bare's ${firstBare.from}→${firstBare.to}`,
    })
  }, 1_200_000)
})
