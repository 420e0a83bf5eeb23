import { msg } from '../../src/shared/messages/message'
/**
 * ISO upload (issue 19 item 1) on facts and a scripted runner: the name rule and the suggested name,
 * the pre-checks' judgement, the pool's and sha256sum's outputs, the chunk intake (order, size,
 * every host fed), the SHA-256 compared on each host, and the undo that deletes exactly the
 * volumes the job made. The virsh outputs are libvirt 9.0's (Debian 12, the lab), captured with
 * `virsh pool-info --bytes default`, `virsh vol-list --pool default` and `virsh vol-info --bytes
 * --pool default debian-7.2.0-amd64-netinst.iso` (the lab's placeholder ISO, 1 MiB).
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import { isoNameIssue, suggestIsoName, UPLOAD_CHUNK_BYTES } from '../../src/shared/iso'
import { JobManager } from '../../src/main/core/jobs/job-manager'
import {
  parsePoolInfo,
  parsePoolPath,
  parseVolCapacity,
  parseVolList,
  volumeArgv,
} from '../../src/main/core/libvirt/host'
import type { RemoteResult, RemoteUpload } from '../../src/main/core/remote/runner'
import { IsoUploads, judgeUpload, parseSha256sum, type PoolRead } from '../../src/main/core/vmdef/iso-upload'

const POOL_INFO = `Name:           default
UUID:           67b9098c-319c-4abd-af58-2e8ddb7e8409
State:          running
Persistent:     yes
Autostart:      yes
Capacity:       270553174016
Allocation:     27634941952
Available:      242918232064
`
const VOL_LIST = ` Name                             Path
------------------------------------------------------------------------------------------
 debian-7.2.0-amd64-netinst.iso   /var/lib/libvirt/images/debian-7.2.0-amd64-netinst.iso
`
const VOL_INFO = `Name:           debian-7.2.0-amd64-netinst.iso
Type:           file
Capacity:       1048576 bytes
Allocation:     0 bytes

`
const POOL_XML = `<pool type='dir'>
  <name>default</name>
  <target>
    <path>/var/lib/libvirt/images</path>
  </target>
</pool>`

describe('names', () => {
  it('takes the app’s name rule plus .iso, and suggests a valid name from what the system gave', () => {
    expect(isoNameIssue('debian-12.iso')).toBeNull()
    expect(isoNameIssue('debian 12.iso')).toEqual({ rule: 'character', character: ' ' })
    expect(isoNameIssue('../x.iso')).toEqual({ rule: 'start' })
    expect(isoNameIssue('debian.img')).toEqual({ rule: 'suffix' })
    expect(isoNameIssue('-x.iso')).toEqual({ rule: 'start' })
    expect(suggestIsoName('C:\\Users\\me\\Debian 12 (netinst).iso')).toBe('Debian-12-netinst-.iso')
    expect(suggestIsoName('été.ISO')).toBe('ete.ISO')
    expect(suggestIsoName('image')).toBe('image.iso')
    for (const name of ['Debian 12 (netinst).iso', 'été.ISO', 'image', '--x.iso'])
      expect(isoNameIssue(suggestIsoName(name)), name).toBeNull()
  })

  it('volume argv refuse unsafe names before anything is sent', () => {
    expect(volumeArgv.create('default', 'a.iso', 4096)).toEqual([
      'vol-create-as',
      'default',
      'a.iso',
      '4096',
      '--format',
      'raw',
    ])
    expect(() => volumeArgv.create('default', 'a b.iso', 4096)).toThrow(/not a valid ISO name/)
    expect(() => volumeArgv.delete('-x', 'a.iso')).toThrow(/storage pool name/)
    expect(() => volumeArgv.create('default', 'a.iso', 0)).toThrow(/volume size/)
  })
})

describe('what the hosts say', () => {
  it('reads pool-info, vol-list, the pool path and sha256sum', () => {
    expect(parsePoolInfo(POOL_INFO)).toEqual({ state: 'running', availableBytes: 242918232064 })
    expect([...parseVolList(VOL_LIST)]).toEqual([
      ['debian-7.2.0-amd64-netinst.iso', '/var/lib/libvirt/images/debian-7.2.0-amd64-netinst.iso'],
    ])
    expect(parsePoolPath(POOL_XML)).toBe('/var/lib/libvirt/images')
    expect(parseVolCapacity(VOL_INFO)).toBe(1048576)
    expect(parseVolCapacity('error: failed to get vol')).toBeUndefined()
    expect(parseSha256sum(`${'ab'.repeat(32)}  -\n`)).toBe('ab'.repeat(32))
    expect(parseSha256sum('')).toBeUndefined()
  })
})

describe('judgeUpload', () => {
  const ready = (host: string, extra: Partial<PoolRead> = {}): PoolRead => ({
    host,
    defined: true,
    state: 'running',
    availableBytes: 10 * 2 ** 30,
    path: '/var/lib/libvirt/images',
    nameTaken: false,
    ...extra,
  })
  const base = {
    name: 'x.iso',
    sizeBytes: 2 ** 30,
    pool: 'default',
    hosts: ['hv1', 'hv2', 'hv3'],
    statuses: new Map([
      ['hv1', 'online'],
      ['hv2', 'online'],
      ['hv3', 'online'],
    ] as const),
  }
  const fails = (checks: ReturnType<typeof judgeUpload>) =>
    checks.filter((check) => check.level === 'fail').map((check) => check.message)

  it('passes when every host has the pool running, room and no such name', () => {
    const checks = judgeUpload({ ...base, reads: base.hosts.map((host) => ready(host)) })
    expect(fails(checks)).toEqual([])
    expect(checks.at(-1)?.message).toEqual({
      code: 'iso.nameFree',
      params: { name: 'x.iso', pool: 'default' },
    })
  })

  it('names the offline host with its status in words, the missing or stopped pool, the taken name, the room', () => {
    const checks = judgeUpload({
      ...base,
      hosts: ['hv1', 'hv2', 'hv3', 'hv4'],
      statuses: new Map([
        ['hv1', 'online'],
        ['hv2', 'online'],
        ['hv3', 'auth-failed'],
      ] as const),
      reads: [
        ready('hv1', { nameTaken: true }),
        ready('hv2', { availableBytes: 1000 }),
        ready('hv4', { defined: false }),
      ],
    })
    expect(fails(checks)).toEqual([
      {
        code: 'iso.spaceShort',
        params: { host: 'hv2', pool: 'default', free: 1000, size: 2 ** 30 },
      },
      { code: 'iso.hostOffline', params: { host: 'hv3', status: { code: 'hostStatus.auth-failed' } } },
      { code: 'iso.hostOffline', params: { host: 'hv4', status: { code: 'hostStatus.unknown' } } },
      { code: 'iso.namePresent', params: { name: 'x.iso', pool: 'default', hosts: ['hv1'] } },
    ])
    // Already there: the same size is compared by SHA-256 later (said), another size is refused by host.
    const present = judgeUpload({
      ...base,
      reads: [
        ready('hv1', { nameTaken: true, existingBytes: 2 ** 30 }),
        ready('hv2', { nameTaken: true, existingBytes: 4096 }),
        ready('hv3'),
      ],
    })
    expect(fails(present)).toEqual([
      {
        code: 'iso.namePresentOther',
        params: { host: 'hv2', name: 'x.iso', pool: 'default', found: 4096, size: 2 ** 30 },
      },
    ])
    expect(present.filter((check) => check.level === 'info').map((check) => check.message)).toEqual([
      { code: 'iso.namePresentSame', params: { host: 'hv1', name: 'x.iso', pool: 'default' } },
    ])
    const stopped = judgeUpload({
      ...base,
      reads: base.hosts.map((host) => ready(host, { state: 'inactive' })),
    })
    expect(fails(stopped).map((message) => message.code)).toEqual(Array(3).fill('iso.poolInactive'))
    const missing = judgeUpload({ ...base, reads: [ready('hv1'), ready('hv2')] })
    expect(fails(missing)).toEqual([
      { code: 'iso.poolUnreadable', params: { pool: 'default', host: 'hv3' }, detail: 'no answer' },
    ])
  })
})

/** A scripted lab: each host's pool, its volumes, and what vol-upload received. */
function scripted(
  options: { corruptOn?: string; failCreateOn?: string; present?: Record<string, Buffer> } = {},
) {
  const hosts = ['hv1', 'hv2', 'hv3']
  const volumes = new Map<string, Buffer>(
    Object.entries(options.present ?? {}).map(([host, data]) => [`${host}/x.iso`, data]),
  )
  const commands: string[] = []
  const ok = (stdout = ''): RemoteResult => ({ stdout, stderr: '', exitCode: 0, durationMs: 1 })
  const runner = {
    async virsh(host: string, args: readonly string[]) {
      commands.push(`${host}: ${args.join(' ')}`)
      if (args[0] === 'vol-create-as') {
        if (host === options.failCreateOn)
          throw new ApiError({ code: 'remote.failed', host, message: 'error: pool is full' })
        volumes.set(`${host}/${args[2]}`, Buffer.alloc(0))
      }
      if (args[0] === 'vol-delete') volumes.delete(`${host}/${args[3]}`)
      const existing = volumes.get(`${host}/${args.at(-1)}`)
      if (args[0] === 'vol-info' && existing) return ok(VOL_INFO.replace('1048576', String(existing.length)))
      return ok()
    },
    async virshQuery(host: string, sections: readonly { id: string }[]) {
      const vols = volumes.has(`${host}/x.iso`)
        ? `${VOL_LIST} x.iso   /var/lib/libvirt/images/x.iso\n`
        : VOL_LIST
      const texts: Record<string, string> = { info: POOL_INFO, xml: POOL_XML, vols }
      return new Map(sections.map((section) => [section.id, { text: texts[section.id] ?? '', errors: [] }]))
    },
    async run(host: string, argv: readonly string[]) {
      if (argv[0] === 'sh' && argv[2]?.includes('vol-download')) {
        const data = volumes.get(`${host}/${argv.at(-1)}`) ?? Buffer.alloc(0)
        const sum = createHash('sha256')
          .update(host === options.corruptOn ? Buffer.concat([data, Buffer.from('x')]) : data)
          .digest('hex')
        return ok(`${sum}  -\n`)
      }
      return ok() // the path check: nothing there
    },
    async upload(host: string, argv: readonly string[]): Promise<RemoteUpload> {
      const key = `${host}/${argv.at(-2)}`
      const chunks: Buffer[] = []
      let end!: () => void
      const ended = new Promise<void>((resolve) => (end = resolve))
      return {
        ended,
        write: async (data) => void chunks.push(Buffer.from(data)),
        end: async () => {
          volumes.set(key, Buffer.concat(chunks))
          end()
          return ok()
        },
        abort: () => end(),
      }
    },
  }
  const jobs = new JobManager(() => undefined)
  const uploads = new IsoUploads({
    runner: runner as never,
    hostNames: () => hosts,
    hostStates: () => hosts.map((name) => ({ name, status: 'online' }) as HostState),
    imagesPool: () => 'default',
    idleTimeoutMs: 500,
  })
  return { uploads, jobs, volumes, commands }
}

const FILE = Buffer.from(Array.from({ length: UPLOAD_CHUNK_BYTES * 2 + 17 }, (_, i) => i % 251))
const SHA = createHash('sha256').update(FILE).digest('hex')

async function sendAll(uploads: IsoUploads, job: string, from = 0): Promise<void> {
  for (let offset = from; offset < FILE.length; offset += UPLOAD_CHUNK_BYTES)
    await uploads.receive(job, offset, FILE.subarray(offset, offset + UPLOAD_CHUNK_BYTES))
}

describe('the upload job', () => {
  it('feeds every host in order, checks each copy’s SHA-256 and reports the path', async () => {
    const { uploads, jobs, volumes } = scripted()
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await sendAll(uploads, job.id)
    await expect(done).resolves.toEqual({
      name: 'x.iso',
      pool: 'default',
      path: '/var/lib/libvirt/images/x.iso',
      sizeBytes: FILE.length,
      sha256: SHA,
      hosts: ['hv1', 'hv2', 'hv3'],
    })
    for (const host of ['hv1', 'hv2', 'hv3']) expect(volumes.get(`${host}/x.iso`)?.equals(FILE)).toBe(true)
    expect(job.detail).toMatchObject({ received: FILE.length, 'host:hv2': FILE.length, phase: 'verify' })
  })

  it('a copy whose SHA-256 differs: the volumes are deleted everywhere and the host and step named', async () => {
    const { uploads, jobs, volumes } = scripted({ corruptOn: 'hv2' })
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await sendAll(uploads, job.id)
    const error = await done.catch((caught: unknown) => ApiError.from(caught))
    expect(error).toMatchObject({ code: 'iso.upload.failed', host: 'hv2' })
    expect((error as ApiError).text).toMatchObject({
      code: 'iso.failedUndone',
      params: { host: 'hv2', step: { code: 'iso.stepVerify' } },
    })
    expect(((error as ApiError).details?.['cause'] as { code: string }).code).toBe('iso.checksumDiffers')
    expect([...volumes.keys()]).toEqual([])
  })

  it('a volume refused on hv2: only what the job made (hv1) is deleted, hv3 is never touched', async () => {
    const { uploads, jobs, volumes, commands } = scripted({ failCreateOn: 'hv2' })
    const { done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await expect(done).rejects.toMatchObject({ code: 'iso.upload.failed', host: 'hv2' })
    expect(commands.filter((line) => /vol-(create|delete)/.test(line))).toEqual([
      'hv1: vol-create-as default x.iso 2097169 --format raw',
      'hv2: vol-create-as default x.iso 2097169 --format raw',
      'hv1: vol-delete --pool default x.iso',
    ])
    expect([...volumes.keys()]).toEqual([])
  })

  it('a host that already has it with the same SHA-256 is skipped (nothing sent there), and said so', async () => {
    const { uploads, jobs, volumes, commands } = scripted({ present: { hv2: FILE } })
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await sendAll(uploads, job.id)
    await expect(done).resolves.toMatchObject({ sha256: SHA, hosts: ['hv1', 'hv2', 'hv3'], skipped: ['hv2'] })
    expect(commands.filter((line) => /vol-(create|delete)/.test(line))).toEqual([
      'hv1: vol-create-as default x.iso 2097169 --format raw',
      'hv3: vol-create-as default x.iso 2097169 --format raw',
    ])
    expect(job.detail).not.toHaveProperty('host:hv2')
    expect(job.log.map((line) => line.text)).toContain(
      'hv2 already had x.iso with the same SHA-256: skipped.',
    )
    for (const host of ['hv1', 'hv2', 'hv3']) expect(volumes.get(`${host}/x.iso`)?.equals(FILE)).toBe(true)
  })

  it('a host with another file of that name and size: refused naming it, never overwritten, ours deleted', async () => {
    const other = Buffer.alloc(FILE.length, 7)
    const { uploads, jobs, volumes } = scripted({ present: { hv3: other } })
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await sendAll(uploads, job.id)
    const error = ApiError.from(await done.catch((caught: unknown) => caught))
    expect(error).toMatchObject({ code: 'iso.upload.present-differs', host: 'hv3' })
    expect(error.text).toEqual({
      code: 'iso.presentDiffers',
      params: { name: 'x.iso', pool: 'default', sent: SHA, hosts: ['hv3'] },
    })
    expect(error.details?.['found']).toEqual({ hv3: createHash('sha256').update(other).digest('hex') })
    expect([...volumes.keys()]).toEqual(['hv3/x.iso'])
    expect(volumes.get('hv3/x.iso')?.equals(other)).toBe(true)
  })

  it('a host with a file of that name and another size: refused before anything is made', async () => {
    const { uploads, jobs, commands } = scripted({ present: { hv1: Buffer.alloc(10) } })
    const { done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    const error = ApiError.from(await done.catch((caught: unknown) => caught))
    expect(error.code).toBe('iso.upload.refused')
    const failed = (error.details?.['checks'] as { level: string; message: unknown }[]).filter(
      (check) => check.level === 'fail',
    )
    expect(failed.map((check) => check.message)).toEqual([
      {
        code: 'iso.namePresentOther',
        params: { host: 'hv1', name: 'x.iso', pool: 'default', found: 10, size: FILE.length },
      },
    ])
    expect(commands.filter((line) => /vol-(create|delete)/.test(line))).toEqual([])
  })

  it('refuses a chunk out of order or past the size, and fails the job', async () => {
    const { uploads, jobs, volumes } = scripted()
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await uploads.receive(job.id, 0, FILE.subarray(0, UPLOAD_CHUNK_BYTES))
    await expect(uploads.receive(job.id, 0, FILE.subarray(0, 10))).rejects.toMatchObject({
      code: 'iso.upload.out-of-order',
    })
    await expect(done).rejects.toMatchObject({ code: 'iso.upload.failed' })
    expect([...volumes.keys()]).toEqual([])
    await expect(uploads.receive(job.id, UPLOAD_CHUNK_BYTES, FILE.subarray(0, 10))).rejects.toMatchObject({
      code: 'iso.upload.unknown-job',
    })
  })

  it('a window that stops sending fails the job after the idle time; a cancel too; nothing is left', async () => {
    const idle = scripted()
    const first = idle.jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => idle.uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await idle.uploads.receive(first.job.id, 0, FILE.subarray(0, UPLOAD_CHUNK_BYTES))
    const error = await first.done.catch((caught: unknown) => ApiError.from(caught))
    expect(((error as ApiError).details?.['cause'] as { code: string }).code).toBe('iso.clientStopped')
    expect([...idle.volumes.keys()]).toEqual([])

    const cancel = scripted()
    const second = cancel.jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      cancellable: true,
      run: (c) => cancel.uploads.run({ name: 'x.iso', sizeBytes: FILE.length }, c),
    })
    await cancel.uploads.receive(second.job.id, 0, FILE.subarray(0, UPLOAD_CHUNK_BYTES))
    cancel.jobs.cancel(second.job.id)
    await expect(second.done).rejects.toMatchObject({ code: 'iso.upload.cancelled' })
    expect(second.job.state).toBe('cancelled')
    expect([...cancel.volumes.keys()]).toEqual([])
  })

  it('the expected SHA-256, when given, must be the one sent', async () => {
    const { uploads, jobs, volumes } = scripted()
    const { job, done } = jobs.start({
      kind: 'iso.upload',
      title: msg('common.untranslated', { text: 't' }),
      run: (c) => uploads.run({ name: 'x.iso', sizeBytes: FILE.length, expectedSha256: '0'.repeat(64) }, c),
    })
    await sendAll(uploads, job.id)
    const error = await done.catch((caught: unknown) => ApiError.from(caught))
    expect(((error as ApiError).details?.['cause'] as { code: string }).code).toBe('iso.expectedDiffers')
    expect([...volumes.keys()]).toEqual([])
  })
})

describe('host statuses in words', () => {
  it('has words for every status the core knows', async () => {
    const { HostStatusSchema } = await import('../../src/shared/hosts')
    const { HOST_STATUS_TEXTS, hostStatusMessage } = await import('../../src/shared/messages/host-status')
    for (const status of HostStatusSchema.options) expect(Object.keys(HOST_STATUS_TEXTS)).toContain(status)
    expect(hostStatusMessage('key-changed')).toEqual({ code: 'hostStatus.key-changed' })
    expect(hostStatusMessage('whatever')).toEqual({ code: 'hostStatus.unknown' })
  })
})
