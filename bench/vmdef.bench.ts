/**
 * VM definitions on the lab (issue 19 item 8), REPS times each, no timed assertions:
 * - creating a VM through the app (vm.create: its pre-checks on every host, image, define on every
 *   host, read back) beside the runbook's whole procedure by hand over SSH with the same checks, in
 *   the same run: on each host the name, the MAC among every definition, the bridge and the Ceph
 *   secret; the image absent; `rbd create`; `virsh define` on hv1; then `virsh dumpxml` there, the
 *   text copied, and `virsh define` on hv2 and hv3 (target ≤ 1.2×);
 * - a copy-on-write clone (`rbd snap create` + `snap protect` + `clone`) beside a full copy
 *   (`rbd cp`) of the same image with 64 MiB written, and the app's whole clone job from that
 *   template (define on every host included) beside the same full copy.
 * Figures go to test-results/bench/summary.md (bench/summary.ts) and vmdef.txt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDomainXml } from '../src/main/core/vmdef/builder'
import type { Job } from '../src/shared/jobs'
import {
  labRun,
  LAB_HOSTS,
  LAB_SECRET_UUID,
  requireLab,
  sshAsEtalab,
  type LabHostName,
} from '../test/lab/support/lab'
import { benchCore, median, timed, writeReport } from './support'
import { figure } from './summary'

const REPS = Number(process.env['VMDEF_BENCH_REPS'] ?? 3)
const POOL = 'libvirt-sata'
const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const APP = 'hd-bench-app'
const HAND = 'hd-bench-hand'
const SRC = 'hd-bench-src'
const COPY = 'hd-bench-copy'
const COW = 'hd-bench-cow'
const CLONED = 'hd-bench-clone'
const TEMPLATE = 'tpl'
const VMS = [APP, HAND, CLONED]
const report: string[] = []
let bench: Awaited<ReturnType<typeof benchCore>>

async function rbd(...args: string[]): Promise<void> {
  const result = await labRun('rbd', ...args)
  if (result.code !== 0) throw new Error(`rbd ${args.join(' ')}: ${result.stderr}`)
}
const quiet = (...args: string[]) => labRun('rbd', ...args)

async function removeVms(): Promise<void> {
  await Promise.all(
    HOSTS.map((host) =>
      sshAsEtalab(
        host,
        `for n in ${VMS.join(' ')}; do virsh -c qemu:///system undefine --managed-save --snapshots-metadata $n >/dev/null 2>&1; done; true`,
      ),
    ),
  )
  for (const name of [...VMS, COPY, COW]) await quiet('rm', '--no-progress', `${POOL}/${name}`)
}

async function removeAll(): Promise<void> {
  await removeVms()
  await quiet('snap', 'unprotect', `${POOL}/${SRC}@${TEMPLATE}`)
  await quiet('snap', 'purge', '--no-progress', `${POOL}/${SRC}`)
  await quiet('rm', '--no-progress', `${POOL}/${SRC}`)
}

beforeAll(async () => {
  await requireLab()
  await removeAll()
  bench = await benchCore(0)
  await bench.lab.waitForInventory()
  await rbd('create', '--size', '256M', `${POOL}/${SRC}`)
  await rbd(
    'bench',
    '--io-type',
    'write',
    '--io-size',
    '4M',
    '--io-total',
    '64M',
    '--io-pattern',
    'seq',
    `${POOL}/${SRC}`,
  )
}, 300_000)

afterAll(async () => {
  await removeAll()
  await bench?.close()
  writeReport('vmdef', report)
}, 300_000)

const BASE = {
  pool: POOL,
  sizeBytes: 64 * 2 ** 20,
  vcpus: 1,
  memoryMiB: 64,
  network: { kind: 'ripe' as const },
  keyboardLayout: 'fr' as const,
  domainType: 'qemu' as const,
}

/** The runbook by hand, as etalab over SSH, with the app's checks: what an admin types, batched per host. */
async function byHand(name: string, mac: string): Promise<void> {
  const checks = await Promise.all(
    HOSTS.map((host) =>
      sshAsEtalab(
        host,
        [
          `! virsh -c qemu:///system domstate ${name} >/dev/null 2>&1`,
          `! (for d in $(virsh -c qemu:///system list --all --name); do virsh -c qemu:///system dumpxml --inactive $d; done) | grep -qi "${mac}"`,
          'test -e /sys/class/net/br0/bridge',
          `virsh -c qemu:///system secret-get-value ${LAB_SECRET_UUID} >/dev/null`,
        ].join(' && '),
      ),
    ),
  )
  if (checks.some((check) => check.code !== 0)) throw new Error('a check failed by hand')
  const absent = await sshAsEtalab('hv1', `! rbd --id libvirt info ${POOL}/${name} >/dev/null 2>&1`)
  if (absent.code !== 0) throw new Error(`${POOL}/${name} exists`)
  const created = await sshAsEtalab('hv1', `rbd --id libvirt create --size 64M ${POOL}/${name}`)
  if (created.code !== 0) throw new Error(created.stderr)
  const xml = buildDomainXml({
    name,
    uuid: crypto.randomUUID(),
    domainType: 'qemu',
    machine: 'pc-i440fx-7.2',
    vcpus: 1,
    memoryMiB: 64,
    disk: { pool: POOL, image: name, cephUser: 'libvirt', secretUuid: LAB_SECRET_UUID },
    nic: { mac, bridge: 'br0' },
    keyboardLayout: 'fr',
  })
  const defined = await sshAsEtalab('hv1', 'virsh -c qemu:///system define /dev/stdin', { input: xml })
  if (defined.code !== 0) throw new Error(defined.stderr)
  const dumped = await sshAsEtalab(
    'hv1',
    `virsh -c qemu:///system dumpxml --inactive --security-info ${name}`,
  )
  for (const host of ['hv2', 'hv3'] as const) {
    const copy = await sshAsEtalab(host, 'virsh -c qemu:///system define /dev/stdin', {
      input: dumped.stdout,
    })
    if (copy.code !== 0) throw new Error(copy.stderr)
  }
}

async function runJob(method: 'vm.create' | 'vm.clone', params: Record<string, unknown>): Promise<Job> {
  const job = await bench.lab.runJob(method, params, 120_000)
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
  return job
}

const range = (runs: number[]) => `${Math.round(Math.min(...runs))}–${Math.round(Math.max(...runs))} ms`
const record = (name: string, app: number[], base: { name: string; runs: number[] }, target?: number) => {
  const ratio = median(app) / median(base.runs)
  report.push(
    `  ${name.padEnd(44)} app ${median(app).toFixed(0).padStart(6)} ms   baseline ${median(base.runs).toFixed(0).padStart(6)} ms   ratio ${ratio.toFixed(2)} ×   (app ${range(app)}; baseline ${range(base.runs)})`,
  )
  figure({
    name,
    bench: 'vmdef',
    value: median(app),
    unit: 'ms',
    baseline: { name: base.name, value: median(base.runs) },
    ...(target ? { target: { kind: 'max', value: target } } : {}),
    detail: `median of ${app.length}; app ${range(app)}, baseline ${range(base.runs)}`,
  })
}

describe('VM definitions', () => {
  it('creating a VM: the app’s job beside the runbook by hand over SSH with the same checks', async () => {
    const app: number[] = []
    const hand: number[] = []
    for (let rep = 0; rep < REPS; rep++) {
      // Alternate who goes first, so neither always meets a warm cache.
      const appRun = async () => app.push((await timed(() => runJob('vm.create', { ...BASE, name: APP }))).ms)
      const handRun = async () => hand.push((await timed(() => byHand(HAND, `52:54:00:be:0${rep}:01`))).ms)
      if (rep % 2 === 0) {
        await appRun()
        await handRun()
      } else {
        await handRun()
        await appRun()
      }
      await removeVms()
    }
    record('create a VM (vm.create vs runbook by hand)', app, { name: 'runbook over SSH', runs: hand }, 1.2)
  })

  it('a copy-on-write clone beside a full copy of the same image; the app’s clone job too', async () => {
    const cow: number[] = []
    const copy: number[] = []
    const job: number[] = []
    for (let rep = 0; rep < REPS; rep++) {
      copy.push((await timed(() => rbd('cp', '--no-progress', `${POOL}/${SRC}`, `${POOL}/${COPY}`))).ms)
      cow.push(
        (
          await timed(async () => {
            await rbd('snap', 'create', `${POOL}/${SRC}@${TEMPLATE}`)
            await rbd('snap', 'protect', `${POOL}/${SRC}@${TEMPLATE}`)
            await rbd('clone', `${POOL}/${SRC}@${TEMPLATE}`, `${POOL}/${COW}`)
          })
        ).ms,
      )
      job.push(
        (
          await timed(() =>
            runJob('vm.clone', {
              source: { kind: 'snapshot', pool: POOL, image: SRC, snapshot: TEMPLATE },
              name: CLONED,
              network: { kind: 'ripe' },
              vcpus: 1,
              memoryMiB: 64,
              domainType: 'qemu',
            }),
          )
        ).ms,
      )
      await removeVms()
      await quiet('snap', 'unprotect', `${POOL}/${SRC}@${TEMPLATE}`)
      await quiet('snap', 'rm', '--no-progress', `${POOL}/${SRC}@${TEMPLATE}`)
    }
    record('COW clone (snap+protect+clone) vs rbd cp, 64 MiB written', cow, { name: 'rbd cp', runs: copy })
    record('clone job (vm.clone, define everywhere) vs rbd cp', job, { name: 'rbd cp', runs: copy })
  })
})
