/**
 * Live migration wall time through the app (vm.migrate: pre-checks, migration with progress polling,
 * read-back of both hosts, follow-ups) versus a bare `virsh migrate --live --p2p --persistent` through
 * the same runner, in the same run: labvm1 hv1→hv2 and back, RUNS times each, interleaved so both see
 * the same machine load. Reports medians and the ratio (target ≤ 1.05×); no timed assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '../src/shared/jobs'
import type { MigrationResult } from '../src/shared/migration'
import { labGuest, requireLab, waitFor } from '../test/lab/support/lab'
import { benchCore, median, timed, writeReport } from './support'

const RUNS = 5
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
    const phases: string[] = []
    const raw: number[] = []
    // Each run: there and back through the app, then there and back bare.
    for (let run = 0; run < RUNS; run++) {
      for (const to of ['hv2', 'hv1'] as const) {
        const viaTheApp = await timed(() => viaApp(to))
        expect(viaTheApp.value.state, JSON.stringify(viaTheApp.value.error)).toBe('succeeded')
        app.push(viaTheApp.ms)
        appMigrationOnly.push((viaTheApp.value.result as MigrationResult).durationMs)
        phases.push(
          viaTheApp.value.log
            .map((line) => line.text)
            .filter((text) => /took|samples/.test(text))
            .join('; '),
        )
      }
      raw.push((await timed(() => bare('hv1', 'hv2'))).ms)
      raw.push((await timed(() => bare('hv2', 'hv1'))).ms)
    }
    const ratio = median(app) / median(raw)
    const phase = (pattern: RegExp) =>
      Math.round(median(phases.map((line) => Number(pattern.exec(line)?.[1] ?? NaN)).filter(Number.isFinite)))
    const ms = (values: number[]) => values.map((v) => Math.round(v)).join(', ')
    report.push(
      `live migration of ${VM.name} (128 MiB, TCG guest) hv1→hv2 and back, ${RUNS * 2} migrations each way of doing it, same run:`,
      `  bare virsh migrate --live --p2p --persistent through the runner: median ${Math.round(median(raw))} ms (${ms(raw)})`,
      `  through the app (vm.migrate job, call → job ended):           median ${Math.round(median(app))} ms (${ms(app)})`,
      `    of which virsh migrate itself (job durationMs):                median ${Math.round(median(appMigrationOnly))} ms`,
      `  ratio app / bare: ${ratio.toFixed(3)}× (target ≤ 1.05×)`,
      `  median pre-checks ${phase(/Pre-checks took (\d+) ms/)} ms, median read-back ${phase(/Read-back of both hosts took (\d+) ms/)} ms`,
      `  the app outside its migrate command (call → job ended minus durationMs): median ${Math.round(median(app.map((ms, i) => ms - (appMigrationOnly[i] ?? 0))))} ms`,
      '  the app’s phases, per migration:',
      ...phases.map((line) => `    ${line}`),
    )
  }, 600_000)
})
