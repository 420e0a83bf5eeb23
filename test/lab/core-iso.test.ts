/**
 * Install ISOs uploaded to every host (issue 19 item 1) through the real core on the lab: a small
 * generated ISO (4 MiB and a bit, so the last chunk is short) sent chunk by chunk as the window
 * does, a volume on each host's images pool whose SHA-256 — read by libvirt on the host — is the
 * one sent, then offered by the creation wizard's plan; the same name refused before anything; a
 * pool the hosts lack refused; a cancel and hv3's sshd killed mid-upload each leave no volume on any
 * host. Everything made is removed in afterAll.
 */
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { UPLOAD_CHUNK_BYTES, type IsoUploadResult } from '../../src/shared/iso'
import type { Check } from '../../src/shared/messages/check'
import { typedCall } from '../support/in-process-core'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, LAB_HOSTS, requireLab, sshAsEtalab, sshOk, type LabHostName } from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const POOL = 'default'
const GOOD = 'hd-iso-good.iso'
const CANCELLED = 'hd-iso-cancel.iso'
const CUT = 'hd-iso-cut.iso'
const NAMES = [GOOD, CANCELLED, CUT]
const DATA = randomBytes(4 * UPLOAD_CHUNK_BYTES + 4321)
const SHA = createHash('sha256').update(DATA).digest('hex')
let lab: LabCore

/** The volumes of the images pool on a host (refreshed first). */
async function volumes(host: LabHostName): Promise<string[]> {
  const out = await sshOk(
    host,
    `virsh -c qemu:///system pool-refresh ${POOL} >/dev/null && virsh -c qemu:///system vol-list --pool ${POOL}`,
  )
  return out.split('\n').flatMap((line) => /^\s*(\S+\.iso)\s/.exec(line)?.[1] ?? [])
}

async function removeEverything(): Promise<void> {
  // One SSH command per host, the hosts side by side (one call per host and name cost seconds in a row).
  await Promise.all(
    HOSTS.map((host) =>
      sshAsEtalab(
        host,
        `${NAMES.map((name) => `virsh -c qemu:///system vol-delete --pool ${POOL} ${name} >/dev/null 2>&1`).join('; ')}; true`,
      ),
    ),
  )
}

/** Sends the file as the window does: one chunk per call, in order, from `from`; `chunks` of them at most. */
async function send(job: string, from = 0, chunks = Infinity, file = DATA): Promise<void> {
  let sent = 0
  for (let offset = from; offset < file.length && sent < chunks; offset += UPLOAD_CHUNK_BYTES, sent++) {
    const data = file.subarray(offset, offset + UPLOAD_CHUNK_BYTES).toString('base64')
    const answer = await typedCall(lab.core, 'iso.uploadChunk', { job, offset, data })
    expect(answer.received).toBe(Math.min(offset + UPLOAD_CHUNK_BYTES, file.length))
  }
}

/** The SHA-256 of a volume as the host reads it. */
async function hostSha(host: LabHostName, name: string): Promise<string> {
  const sum = await sshOk(
    host,
    `virsh -c qemu:///system vol-download --pool ${POOL} ${name} /dev/fd/3 3>&1 >/dev/null | sha256sum`,
  )
  return sum.slice(0, 64)
}

async function start(name: string): Promise<Job> {
  return typedCall(lab.core, 'iso.upload', { name, sizeBytes: DATA.length })
}

beforeAll(async () => {
  await requireLab()
  // The images pool as `lab up` now defines it (labs built before it lack the pool).
  // Each host's own pool: the three side by side.
  await Promise.all(
    HOSTS.map((host) =>
      sshOk(
        host,
        `virsh -c qemu:///system pool-info ${POOL} >/dev/null 2>&1 || { virsh -c qemu:///system pool-define-as ${POOL} dir --target /var/lib/libvirt/images && virsh -c qemu:///system pool-start ${POOL} && virsh -c qemu:///system pool-autostart ${POOL}; }`,
      ),
    ),
  )
  await removeEverything()
  lab = await labCore()
  await lab.waitForInventory()
}, 90_000)

afterAll(async () => {
  await faults.sshd('hv3', 'start').catch(() => undefined)
  await lab?.cleanup()
  await removeEverything()
}, 90_000)

describe('upload an ISO to every host (issue 19 item 1)', () => {
  it('puts the same bytes on every host, checked by SHA-256 there, and the wizard offers it', async () => {
    const job = await start(GOOD)
    await send(job.id)
    const done = await lab.waitForJob(job.id, 60_000)
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded')
    const result = done.result as IsoUploadResult
    expect(result).toMatchObject({
      name: GOOD,
      pool: POOL,
      sizeBytes: DATA.length,
      sha256: SHA,
      hosts: HOSTS,
    })
    expect(result.path).toBe(`/var/lib/libvirt/images/${GOOD}`)
    expect(done.detail).toMatchObject({
      received: DATA.length,
      'host:hv1': DATA.length,
      'host:hv3': DATA.length,
    })
    // Read back independently of the job, on each host.
    for (const host of HOSTS) expect(await hostSha(host, GOOD), host).toBe(SHA)
    const plan = await typedCall(lab.core, 'vm.createPlan', {
      name: 'hd-iso-plan',
      pool: 'libvirt-sata',
      sizeBytes: 64 * 2 ** 20,
      network: { kind: 'ripe' },
      domainType: 'qemu',
      iso: result.path,
    })
    expect(plan.isos).toContain(result.path)
    expect(plan.checks.find((check) => check.id === 'iso')?.level).toBe('ok')
  })

  it('sent again: skipped where the same SHA-256 is there; another size or content refused by host, never overwritten', async () => {
    // hv2 lost its copy: it gets one, hv1 and hv3 already have it (same SHA-256) and are skipped.
    await sshOk('hv2', `virsh -c qemu:///system vol-delete --pool ${POOL} ${GOOD} >/dev/null`)
    const again = await start(GOOD)
    await send(again.id)
    const done = await lab.waitForJob(again.id, 60_000)
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded')
    expect(done.result).toMatchObject({ sha256: SHA, hosts: HOSTS, skipped: ['hv1', 'hv3'] })
    expect(done.log.map((line) => line.text)).toContain(
      `hv1 already had ${GOOD} with the same SHA-256: skipped.`,
    )
    expect(await hostSha('hv2', GOOD)).toBe(SHA)

    // Another size: refused before anything, each host named.
    const bigger = await typedCall(lab.core, 'iso.upload', { name: GOOD, sizeBytes: DATA.length + 1 })
    const refused = await lab.waitForJob(bigger.id, 30_000)
    expect(refused.error?.code).toBe('iso.upload.refused')
    const failed = (refused.error?.details?.['checks'] as Check[]).filter((check) => check.level === 'fail')
    expect(failed.map((check) => [check.message.code, check.message.params?.['host']])).toEqual(
      HOSTS.map((host) => ['iso.namePresentOther', host]),
    )
    // The chunk call of a refused upload is refused too.
    await expect(
      typedCall(lab.core, 'iso.uploadChunk', { job: bigger.id, offset: 0, data: 'AAAA' }),
    ).rejects.toMatchObject({ code: 'iso.upload.unknown-job' })

    // The same size, other bytes: refused once its SHA-256 is known, naming the hosts; nothing overwritten.
    const other = await start(GOOD)
    await send(other.id, 0, Infinity, randomBytes(DATA.length))
    const differs = await lab.waitForJob(other.id, 60_000)
    expect(differs.state).toBe('failed')
    expect(differs.error).toMatchObject({ code: 'iso.upload.present-differs', host: 'hv1' })
    expect(differs.error?.text).toMatchObject({ code: 'iso.presentDiffers', params: { hosts: HOSTS } })
    for (const host of HOSTS) expect(await hostSha(host, GOOD), host).toBe(SHA)
  })

  it('refuses when the images pool is not defined, naming each host', async () => {
    const other = await labCore((cluster) => {
      cluster.imagesPool = 'hd-no-such-pool'
    })
    try {
      await other.waitForInventory()
      const job = await typedCall(other.core, 'iso.upload', { name: CANCELLED, sizeBytes: DATA.length })
      const done = await other.waitForJob(job.id, 30_000)
      expect(done.error?.code).toBe('iso.upload.refused')
      const failed = (done.error?.details?.['checks'] as Check[]).filter((check) => check.level === 'fail')
      expect(failed.map((check) => [check.message.code, check.message.params?.['host']])).toEqual(
        HOSTS.map((host) => ['iso.poolMissing', host]),
      )
    } finally {
      await other.cleanup()
    }
  })

  it('a cancel mid-upload deletes the volume on every host', async () => {
    const job = await start(CANCELLED)
    await send(job.id, 0, 2)
    await typedCall(lab.core, 'jobs.cancel', { id: job.id })
    const done = await lab.waitForJob(job.id, 60_000)
    expect(done.state).toBe('cancelled')
    expect(done.error?.code).toBe('iso.upload.cancelled')
    expect(done.error?.text?.code).toBe('iso.cancelledUndone')
    for (const host of HOSTS) expect(await volumes(host), host).not.toContain(CANCELLED)
  })

  it('hv3’s sshd killed mid-upload: the job names hv3 and the step, and no volume is left anywhere', async () => {
    const job = await start(CUT)
    await send(job.id, 0, 1)
    await faults.sshd('hv3', 'kill')
    // The next chunks fail once the core sees hv3's channel gone.
    await expect(send(job.id, UPLOAD_CHUNK_BYTES)).rejects.toBeDefined()
    await faults.sshd('hv3', 'start')
    const done = await lab.waitForJob(job.id, 90_000)
    expect(done.state).toBe('failed')
    expect(done.error).toMatchObject({ code: 'iso.upload.failed', host: 'hv3' })
    expect(done.error?.text).toMatchObject({
      code: 'iso.failedUndone',
      params: { host: 'hv3', step: { code: 'iso.stepSend' } },
    })
    await lab.waitForStatus('hv3', 'online', 60_000)
    for (const host of HOSTS) expect(await volumes(host), host).not.toContain(CUT)
  }, 150_000)
})
