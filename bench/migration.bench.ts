/**
 * Live migration wall time through the app (vm.migrate: pre-checks, migration with progress polling,
 * read-back of both hosts, follow-ups) versus a bare `virsh migrate --live --p2p --persistent` through
 * the same runner, in the same run: labvm1 between hv1 and hv2, in PAIRS pairs of one migration each
 * way. Reports the ratio of total wall time (target ≤ 1.05×), medians, and the app's own time outside
 * its migrate command; no timed assertions.
 *
 * A bare migration here takes ~4.0 s or ~5.0 s (the lab's QEMU, Ceph and libvirt, not the app), and
 * which one depends on how long after the previous migration it starts: started at once, bare virsh
 * was fast 12 times of 12; after an idle 60 ms, 9 of 12; after 300 ms, 7 of 12 (same run). The app
 * starts ~70 ms later (its pre-checks), so back to back the comparison measured that effect, not the
 * app. Every migration, either way, now starts after the same SETTLE_MS of quiet, as a user's would;
 * the pairs alternate which goes first and which way, and the headline compares totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '../src/shared/jobs'
import type { MigrationResult } from '../src/shared/migration'
import { labGuest, requireLab, waitFor } from '../test/lab/support/lab'
import { benchCore, median, timed, writeReport } from './support'
import { figure } from './summary'

const PAIRS = Number(process.env['MIGRATION_BENCH_PAIRS'] ?? 20)
/** Quiet before every migration, app or bare (see above). */
const SETTLE_MS = 1500
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
const VM = labGuest('labvm1')
const ADDRESS = { hv1: '10.77.0.1', hv2: '10.77.0.2' } as const
const report: string[] = []
let bench: Awaited<ReturnType<typeof benchCore>>

beforeAll(async () => {
  await requireLab()
  bench = await benchCore(0)
  await waitFor('a first inventory', () =>
    bench.lab.context.inventory.snapshot().hosts.filter((h) => h.reachable).length === 3 ? true : undefined,
  )
}, 120_000)

afterAll(async () => {
  await bench?.close()
  writeReport('migration', report)
}, 60_000)

describe('live migration', () => {
  it('through the app versus bare virsh migrate', async () => {
    const { core, context } = bench.lab
    const viaApp = async (to: 'hv1' | 'hv2'): Promise<Job> => {
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
    const bare = (from: 'hv1' | 'hv2', to: 'hv1' | 'hv2') =>
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
    const app: number[] = []
    const appMigrationOnly: number[] = []
    const jobIds: string[] = []
    const raw: number[] = []
    const throughApp = async (to: 'hv1' | 'hv2') => {
      await settle()
      const viaTheApp = await timed(() => viaApp(to))
      expect(viaTheApp.value.state, JSON.stringify(viaTheApp.value.error)).toBe('succeeded')
      app.push(viaTheApp.ms)
      appMigrationOnly.push((viaTheApp.value.result as MigrationResult).durationMs)
      jobIds.push(viaTheApp.value.id)
    }
    const throughVirsh = async (from: 'hv1' | 'hv2', to: 'hv1' | 'hv2') => {
      await settle()
      raw.push((await timed(() => bare(from, to))).ms)
    }
    // Each pair: there and back, one way each. Even pairs: the app goes first (hv1→hv2); odd pairs:
    // bare virsh goes first. Each way of doing it then has as many migrations each way and each place.
    for (let pair = 0; pair < PAIRS; pair++) {
      if (pair % 2 === 0) {
        await throughApp('hv2')
        await throughVirsh('hv2', 'hv1')
      } else {
        await throughVirsh('hv1', 'hv2')
        await throughApp('hv1')
      }
    }
    // Each job's log read after all of them: a lease released after its job ended logs it later.
    const phases: string[] = []
    for (const id of jobIds) {
      const ended = (await core.call('jobs.get', { id })) as Job
      phases.push(
        ended.log
          .map((line) => line.text)
          .filter((text) => /took|samples/.test(text))
          .join('; '),
      )
    }
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
    const ratio = sum(app) / sum(raw)
    const phase = (pattern: RegExp) =>
      Math.round(median(phases.map((line) => Number(pattern.exec(line)?.[1] ?? NaN)).filter(Number.isFinite)))
    const ms = (values: number[]) => values.map((v) => Math.round(v)).join(', ')
    const range = (values: number[]) =>
      `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ms`
    report.push(
      `live migration of ${VM.name} (128 MiB, TCG guest) between hv1 and hv2, ${PAIRS} interleaved pairs (app, bare), each after ${SETTLE_MS} ms of quiet, same run:`,
      `  bare virsh migrate --live --p2p --persistent through the runner: total ${Math.round(sum(raw))} ms, median ${Math.round(median(raw))} ms, range ${range(raw)} (${ms(raw)})`,
      `  through the app (vm.migrate job, call → job ended):           total ${Math.round(sum(app))} ms, median ${Math.round(median(app))} ms, range ${range(app)} (${ms(app)})`,
      `    of which virsh migrate itself (job durationMs):                median ${Math.round(median(appMigrationOnly))} ms`,
      `  ratio app / bare, total wall time: ${ratio.toFixed(3)}× (target ≤ 1.05×); of the medians: ${(median(app) / median(raw)).toFixed(3)}×`,
      `  the app outside its migrate command (call → job ended minus durationMs): median ${Math.round(median(app.map((ms, i) => ms - (appMigrationOnly[i] ?? 0))))} ms`,
      `    median pre-checks ${phase(/Pre-checks took (\d+) ms/)} ms, median read-back ${phase(/Read-back of both hosts took (\d+) ms/)} ms`,
      `    median lease take ${phase(/Taking the lease took (\d+) ms/)} ms, lease check before virsh migrate ${phase(/Checking the lease before “virsh migrate” took (\d+) ms/)} ms, lease release ${phase(/Releasing the lease took (\d+) ms/)} ms (a release logged after its job ended is not in the wall time)`,
      '  the app’s phases, per migration:',
      ...phases.map((line) => `    ${line}`),
    )
    figure({
      name: 'live migration, total wall time',
      bench: 'migration',
      value: sum(app),
      unit: 'ms',
      baseline: { name: 'bare virsh migrate', value: sum(raw) },
      target: { kind: 'max', value: 1.05 },
      detail: `${PAIRS} interleaved pairs; app ${range(app)}, bare ${range(raw)}`,
    })
  }, 1_200_000)
})
