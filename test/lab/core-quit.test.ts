/**
 * Quitting right after a job ends: the app asks its core process to close (core-stop.ts), and the
 * close waits for the job's lease release, which runs after the job reports. The real built core
 * process (out/main/core-process.js; `npx electron-vite build` first), started as CoreBridge starts it,
 * on the lab's cluster file: a start of labvm1 takes its lease (labvm1 runs on hv1, so the start is
 * refused after the lease), the quit is asked the moment its result arrives, and Ceph then holds no
 * lease of labvm1 or its disk. Before, the process was killed and the lease stayed until it expired.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseLockInfo } from '../../src/main/core/lease/cluster-lease'
import { stopCoreChild } from '../../src/main/core-stop'
import type { HostInventory } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import type { LeaseHolder } from '../../src/shared/lease'
import { startCoreProcess, type CoreProcess } from '../support/core-child'
import {
  LAB_CLUSTER_CONFIG,
  LAB_KNOWN_HOSTS,
  LAB_POOLS,
  LAB_STATE_DIR,
  labGuest,
  requireLab,
  run,
  waitFor,
} from './support/lab'

const LABVM1 = labGuest('labvm1')
let core: CoreProcess

/** Who holds one lease name now (unexpired lockers), read by the lab's admin client. */
async function holders(name: string): Promise<LeaseHolder[]> {
  const conf = path.join(LAB_STATE_DIR, 'ceph/ceph.conf')
  const args = ['-c', conf, '-p', LAB_POOLS[0], 'lock', 'info', 'hyperdesk.lease', name, '--format', 'json']
  const r = await run('rados', args, { timeoutMs: 30_000 })
  // ENOENT: the name was never taken.
  if (r.code !== 0 && /\(2\)|No such file/.test(r.stderr)) return []
  if (r.code !== 0) throw new Error(`rados lock info ${name}: ${r.stderr}`)
  return parseLockInfo(name, r.stdout).filter((holder) => !holder.expired)
}

beforeAll(async () => {
  await requireLab()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-core-quit-'))
  const knownHostsFile = path.join(dir, 'known_hosts')
  fs.copyFileSync(LAB_KNOWN_HOSTS, knownHostsFile)
  const cluster = JSON.parse(fs.readFileSync(LAB_CLUSTER_CONFIG, 'utf8'))
  cluster.ssh.knownHostsFile = knownHostsFile
  const configPath = path.join(dir, 'cluster.json')
  fs.writeFileSync(configPath, JSON.stringify(cluster))
  delete process.env.SSH_AUTH_SOCK
  core = startCoreProcess(configPath, { HOME: dir })
  await core.ready
  await waitFor(
    'a first inventory of every lab host',
    async () => {
      const result = await core.call('inventory.get', {})
      const snapshot = result.value as { hosts: HostInventory[] } | undefined
      return snapshot && snapshot.hosts.filter((host) => host.reachable).length === 3 ? true : undefined
    },
    60_000,
  )
}, 90_000)

afterAll(() => {
  if (core && core.process.exitCode === null && core.process.signalCode === null) core.process.kill('SIGKILL')
})

describe('quitting right after a job', () => {
  it("closes the core process, whose close lands the job's lease release in Ceph", async () => {
    const ended = new Promise<Job>((resolve) =>
      core.subscribe('jobs.update', (payload) => {
        const job = payload as Job
        if (job.kind === 'vm.start' && job.state !== 'running') resolve(job)
      }),
    )
    const started = await core.call('vm.start', { uuid: LABVM1.uuid, host: 'hv2' })
    expect(started.ok).toBe(true)
    const job = await ended
    // The quit, the moment the result arrives (the release starts only after the job reports).
    const quitAt = Date.now()
    const outcome = await stopCoreChild(core.child)
    const closedIn = Date.now() - quitAt
    // The lease was taken: the start was refused after it, by the checks (labvm1 runs on hv1).
    expect(job.error?.code).toBe('vm.start.refused')
    expect(outcome).toBe('closed')
    expect(await core.exited).toEqual({ code: 0, signal: null })
    console.log(`quit right after the job: the core process closed in ${closedIn} ms`)
    // The lease lives in the cluster file's first pool; the start took the VM and its disk.
    expect(await holders(`vm:${LABVM1.uuid}`)).toEqual([])
    expect(await holders(`image:${LABVM1.pool}/${LABVM1.name}`)).toEqual([])
  }, 120_000)
})
