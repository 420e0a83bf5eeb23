import { createHash, type Hash } from 'node:crypto'
import { ApiError } from '../../../shared/errors'
import type { HostState, HostStatus } from '../../../shared/hosts'
import { uploadDetail, type IsoChunkResult, type IsoRemain, type IsoUploadResult } from '../../../shared/iso'
import type { Check } from '../../../shared/messages/check'
import { hostStatusMessage } from '../../../shared/messages/host-status'
import type { ISO_TEXTS } from '../../../shared/iso-texts'
import { msg, withDetail, type Message, type ParamValue } from '../../../shared/messages/message'
import type { JobContext } from '../jobs/job-manager'
import {
  DOWNLOAD_FAILED,
  hostArgv,
  parsePoolInfo,
  parsePoolPath,
  parseVolCapacity,
  parseVolList,
  volumeArgv,
} from '../libvirt/host'
import { pathsArgv, presentPaths, sectionError, sectionText } from '../remote/framing'
import type { RemoteRunner, RemoteUpload, RemoteUploader } from '../remote/runner'

/**
 * Uploading an install ISO to every host (issue 19 item 1) as one job: the images pool checked on
 * every host and the name free everywhere (nothing made otherwise), then a raw volume of the file's
 * exact size made on each host (`vol-create-as`), filled by one `vol-upload` per host whose stdin is
 * the SSH channel the app writes the file into — the window sends it in order, one chunk per call,
 * each written to every host before the next is taken (the SSH windows are the flow control) — and
 * finally each host's copy read back by libvirt into `sha256sum` on the host and compared with the
 * SHA-256 of what was sent, computed here as the bytes passed. A failure, a cancel or a window that
 * stops sending deletes the volumes this job made (never one it did not make) and names the host
 * and the step; what the undo could not delete is listed.
 */

export interface IsoDeps {
  runner: RemoteRunner & RemoteUploader
  hostNames(): string[]
  hostStates(): HostState[]
  /** The cluster file's libvirt images pool. */
  imagesPool(): string
  /** How long the upload waits for the window's next chunk (default 60 s). */
  idleTimeoutMs?: number
}

export const IDLE_TIMEOUT_MS = 60_000
/** The waits between the undo's vol-delete attempts on one host. */
const DELETE_RETRY_MS = [1000, 2000, 4000, 8000, 15_000]

/** What one host's images pool looks like, for the pre-checks. */
export interface PoolRead {
  host: string
  /** The pool could not be read (the detail is what the host said). */
  error?: string
  defined: boolean
  state?: string
  availableBytes?: number
  path?: string
  /** The name is already a volume of the pool, or a file in its directory. */
  nameTaken: boolean
  /** That volume's size (bytes), when libvirt said it. */
  existingBytes?: number
}

type IsoText = keyof typeof ISO_TEXTS
/** A message of the iso area (its parameters are checked by the catalog tests, not here). */
export function isoMsg(text: IsoText, params: Record<string, ParamValue> = {}, detail?: string): Message {
  const message: Message = {
    code: `iso.${text}`,
    ...(Object.keys(params).length > 0 ? { params } : {}),
  }
  return detail ? withDetail(message, detail) : message
}

/** The seconds a whole vol-upload may take on the host: 64 KiB/s at worst, 10 minutes at least. */
export function uploadTimeoutSeconds(sizeBytes: number): number {
  return Math.max(600, Math.ceil(sizeBytes / (64 * 1024)))
}
/** The seconds reading the volume back into sha256sum may take on the host (local disk, ~20 MB/s). */
export function verifyTimeoutSeconds(sizeBytes: number): number {
  return Math.max(60, Math.ceil(sizeBytes / (20 * 1024 * 1024)))
}

/** `sha256sum`'s output for stdin ("<hex>  -"), or undefined. */
export function parseSha256sum(stdout: string): string | undefined {
  return /^([0-9a-f]{64})\s+-?\s*$/m.exec(stdout)?.[1]
}

/** The size of the volume already there (the pool was refreshed: a file put there by hand is one). */
async function volumeBytes(
  runner: RemoteRunner,
  host: string,
  pool: string,
  name: string,
  step: Message,
): Promise<number | undefined> {
  const info = await runner.virsh(host, volumeArgv.info(pool, name), { step, allowFailure: true })
  return info.exitCode === 0 ? parseVolCapacity(info.stdout) : undefined
}

/** Reads one host's images pool (refreshed first: files put there by hand count) and whether the name is taken. */
export async function readPool(
  runner: RemoteRunner,
  host: string,
  pool: string,
  name: string,
): Promise<PoolRead> {
  const step = msg('errorSteps.readImagesPool', { pool, host })
  try {
    const refresh = await runner.virsh(host, hostArgv.poolRefresh(pool), { step, allowFailure: true })
    if (refresh.exitCode !== 0 && /not found|no storage pool/i.test(refresh.stderr))
      return { host, defined: false, nameTaken: false }
    const sections = await runner.virshQuery(
      host,
      [
        { id: 'info', command: hostArgv.poolInfo(pool) },
        { id: 'xml', command: hostArgv.poolXml(pool) },
        { id: 'vols', command: hostArgv.volList(pool) },
      ],
      { step },
    )
    const infoError = sectionError(sections, 'info')
    if (infoError && /not found|no storage pool/i.test(infoError))
      return { host, defined: false, nameTaken: false }
    if (infoError) return { host, defined: true, nameTaken: false, error: infoError }
    const info = parsePoolInfo(sectionText(sections, 'info') ?? '')
    const path = parsePoolPath(sectionText(sections, 'xml') ?? '')
    const volumes = parseVolList(sectionText(sections, 'vols') ?? '')
    let nameTaken = volumes.has(name)
    if (!nameTaken && path) {
      const file = `${path.replace(/\/+$/, '')}/${name}`
      const paths = [file]
      const result = await runner.run(host, pathsArgv(paths), { timeoutSeconds: 15, step })
      nameTaken = presentPaths(result.stdout, paths).has(file)
    }
    const existingBytes = nameTaken ? await volumeBytes(runner, host, pool, name, step) : undefined
    return {
      host,
      defined: true,
      nameTaken,
      ...(existingBytes !== undefined ? { existingBytes } : {}),
      ...(info.state ? { state: info.state } : {}),
      ...(info.availableBytes !== undefined ? { availableBytes: info.availableBytes } : {}),
      ...(path ? { path } : {}),
    }
  } catch (error) {
    return { host, defined: true, nameTaken: false, error: ApiError.from(error).message }
  }
}

/**
 * The upload's pre-checks from what the hosts said: every configured host online and its images
 * pool defined, running and roomy enough, the name free on every host. Pure (unit-tested on facts).
 */
export function judgeUpload(input: {
  name: string
  sizeBytes: number
  pool: string
  hosts: readonly string[]
  statuses: ReadonlyMap<string, HostStatus>
  reads: readonly PoolRead[]
}): Check[] {
  const { name, sizeBytes, pool } = input
  const checks: Check[] = []
  const add = (id: string, level: Check['level'], message: Message) => checks.push({ id, level, message })
  const taken: string[] = []
  let present = 0
  for (const host of input.hosts) {
    const status = input.statuses.get(host) ?? 'unknown'
    if (status !== 'online') {
      add('host-online', 'fail', isoMsg('hostOffline', { host, status: hostStatusMessage(status) }))
      continue
    }
    const read = input.reads.find((candidate) => candidate.host === host)
    if (!read || read.error) {
      add('pool', 'fail', isoMsg('poolUnreadable', { pool, host }, read?.error ?? 'no answer'))
      continue
    }
    if (!read.defined) add('pool', 'fail', isoMsg('poolMissing', { pool, host }))
    else if (read.state !== 'running') add('pool', 'fail', isoMsg('poolInactive', { pool, host }))
    else {
      add('pool', 'ok', isoMsg('poolReady', { pool, host, path: read.path ?? '?' }))
      // Already there: the same size is compared by SHA-256 once the bytes are in (skipped if the
      // same), another size is another file; an unknown size, a name to change.
      if (read.nameTaken && read.existingBytes === sizeBytes) {
        add('name', 'info', isoMsg('namePresentSame', { host, name, pool }))
        present++
      } else if (read.nameTaken && read.existingBytes !== undefined)
        add(
          'name',
          'fail',
          isoMsg('namePresentOther', { host, name, pool, found: read.existingBytes, size: sizeBytes }),
        )
      else if (read.nameTaken) taken.push(host)
      if (read.availableBytes !== undefined)
        add(
          'space',
          read.availableBytes < sizeBytes ? 'fail' : 'ok',
          isoMsg(read.availableBytes < sizeBytes ? 'spaceShort' : 'space', {
            host,
            pool,
            free: read.availableBytes,
            size: sizeBytes,
          }),
        )
    }
  }
  if (taken.length > 0) add('name', 'fail', isoMsg('namePresent', { name, pool, hosts: taken }))
  else if (present === 0 && !checks.some((check) => check.level === 'fail'))
    add('name', 'ok', isoMsg('nameFree', { name, pool }))
  return checks
}

/** A failure at one host and step, with what the host said. */
class HostStepError extends Error {
  constructor(
    readonly host: string,
    readonly step: 'stepCheck' | 'stepCreate' | 'stepSend' | 'stepVerify',
    readonly hostCause: Message,
  ) {
    super(`${step} on ${host}`)
  }
}

function causeOf(error: unknown, host: string): Message {
  const api = ApiError.from(error)
  return api.text ?? withDetail(isoMsg('hostFailed', { host }), api.message)
}

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** One running upload: what the window sends goes through here to every host. */
class Intake {
  received = 0
  readonly hash: Hash = createHash('sha256')
  readonly uploads = new Map<string, RemoteUpload>()
  readonly perHost: Record<string, number> = {}
  readonly ready = deferred<void>()
  readonly complete = deferred<void>()
  /** Set once the job failed or was cancelled: no more chunks are taken. */
  ended = false
  private queue: Promise<unknown> = Promise.resolve()
  private idle: NodeJS.Timeout | undefined

  constructor(
    readonly name: string,
    readonly sizeBytes: number,
    private readonly context: JobContext,
    private readonly idleTimeoutMs: number,
  ) {}

  armIdle(): void {
    clearTimeout(this.idle)
    this.idle = setTimeout(
      () =>
        this.complete.reject(
          ApiError.of(
            'iso.upload.client-stopped',
            isoMsg('clientStopped', { name: this.name, seconds: Math.round(this.idleTimeoutMs / 1000) }),
          ),
        ),
      this.idleTimeoutMs,
    )
  }

  stop(): void {
    this.ended = true
    clearTimeout(this.idle)
  }

  /** Takes the chunk at `offset` (chunks are taken one at a time, in order). */
  receive(offset: number, data: Buffer): Promise<IsoChunkResult> {
    const next = this.queue.then(() => this.take(offset, data))
    this.queue = next.catch(() => undefined)
    return next
  }

  private async take(offset: number, data: Buffer): Promise<IsoChunkResult> {
    await this.ready.promise
    if (this.ended) throw ApiError.of('iso.upload.ended', isoMsg('ended', { name: this.name }))
    if (offset !== this.received) {
      const error = ApiError.of(
        'iso.upload.out-of-order',
        isoMsg('chunkOutOfOrder', { name: this.name, offset, received: this.received }),
      )
      this.complete.reject(error)
      throw error
    }
    if (this.received + data.length > this.sizeBytes) {
      const error = ApiError.of(
        'iso.upload.size',
        isoMsg('sizeDiffers', { received: this.received + data.length, size: this.sizeBytes }),
      )
      this.complete.reject(error)
      throw error
    }
    this.armIdle()
    this.hash.update(data)
    await Promise.all(
      [...this.uploads].map(async ([host, upload]) => {
        try {
          await upload.write(data)
          this.perHost[host] = (this.perHost[host] ?? 0) + data.length
        } catch (error) {
          const failure = new HostStepError(host, 'stepSend', causeOf(error, host))
          this.complete.reject(failure)
          throw ApiError.of('iso.upload.ended', isoMsg('ended', { name: this.name }))
        }
      }),
    )
    this.received += data.length
    this.context.detail(
      uploadDetail(this.sizeBytes, this.received, this.perHost, 'send'),
      0.05 + 0.85 * (this.received / this.sizeBytes),
    )
    if (this.received === this.sizeBytes) {
      clearTimeout(this.idle)
      this.complete.resolve()
    }
    return { received: this.received, sizeBytes: this.sizeBytes }
  }
}

export class IsoUploads {
  private readonly intakes = new Map<string, Intake>()

  constructor(private readonly deps: IsoDeps) {}

  /** The window's next chunk for the upload job `job`. */
  async receive(job: string, offset: number, data: Buffer): Promise<IsoChunkResult> {
    const intake = this.intakes.get(job)
    if (!intake) throw ApiError.of('iso.upload.unknown-job', isoMsg('unknownJob', { job }))
    return intake.receive(offset, data)
  }

  /** The job's body (kind 'iso.upload'). */
  async run(
    params: { name: string; sizeBytes: number; expectedSha256?: string | undefined },
    context: JobContext,
  ): Promise<IsoUploadResult> {
    const { name, sizeBytes } = params
    const pool = this.deps.imagesPool()
    const hosts = this.deps.hostNames()
    const statuses = new Map(this.deps.hostStates().map((state) => [state.name, state.status]))
    const intake = new Intake(name, sizeBytes, context, this.deps.idleTimeoutMs ?? IDLE_TIMEOUT_MS)
    this.intakes.set(context.id, intake)
    const created: string[] = []
    try {
      context.step(msg('vmdefSteps.isoCheckingPool', { pool, hosts: hosts.join(', ') }), 0)
      context.detail(uploadDetail(sizeBytes, 0, {}, 'prepare'), 0)
      const online = hosts.filter((host) => statuses.get(host) === 'online')
      const reads = await Promise.all(online.map((host) => readPool(this.deps.runner, host, pool, name)))
      const checks = judgeUpload({ name, sizeBytes, pool, hosts, statuses, reads })
      const failed = checks.filter((check) => check.level === 'fail')
      if (failed.length > 0)
        throw ApiError.of('iso.upload.refused', isoMsg('refused', { count: failed.length }), {
          step: msg('errorSteps.checkImagesPool'),
          details: { checks },
        })
      const paths = new Map(reads.map((read) => [read.host, `${read.path!.replace(/\/+$/, '')}/${name}`]))
      // Hosts that already have a file of this name and size: nothing is sent there, its SHA-256 is
      // compared with the upload's at the end (skipped if the same, refused if not: never overwritten).
      const present = reads.filter((read) => read.nameTaken).map((read) => read.host)
      const targets = hosts.filter((host) => !present.includes(host))

      for (const host of targets) {
        context.step(msg('vmdefSteps.isoCreating', { name, size: sizeBytes, pool, host }))
        try {
          await this.deps.runner.virsh(host, volumeArgv.create(pool, name, sizeBytes), {
            step: msg('errorSteps.createVolume', { name, host }),
            signal: context.signal,
          })
          created.push(host)
        } catch (error) {
          throw new HostStepError(host, 'stepCreate', causeOf(error, host))
        }
      }
      for (const host of targets) {
        try {
          intake.uploads.set(
            host,
            await this.deps.runner.upload(
              host,
              ['virsh', '-c', 'qemu:///system', ...volumeArgv.uploadFromStdin(pool, name)],
              {
                step: msg('errorSteps.uploadTo', { name, host }),
                timeoutSeconds: uploadTimeoutSeconds(sizeBytes),
                signal: context.signal,
              },
            ),
          )
          intake.perHost[host] = 0
        } catch (error) {
          throw new HostStepError(host, 'stepSend', causeOf(error, host))
        }
      }
      context.step(
        targets.length > 0
          ? msg('vmdefSteps.isoSending', { name, hosts: targets.join(', ') })
          : msg('vmdefSteps.isoSendingNone', { name }),
        0.05,
      )
      context.detail(uploadDetail(sizeBytes, 0, intake.perHost, 'send'), 0.05)
      intake.armIdle()
      intake.ready.resolve()
      await waitOrCancel(intake.complete.promise, context.signal)
      intake.stop()
      await Promise.all(
        [...intake.uploads].map(async ([host, upload]) => {
          try {
            await upload.end()
          } catch (error) {
            throw new HostStepError(host, 'stepSend', causeOf(error, host))
          }
        }),
      )
      const sent = intake.hash.digest('hex')
      if (params.expectedSha256 && params.expectedSha256 !== sent)
        throw ApiError.of(
          'iso.upload.expected-differs',
          isoMsg('expectedDiffers', { sent, expected: params.expectedSha256 }),
        )

      context.step(msg('vmdefSteps.isoChecking', { name, hosts: hosts.join(', ') }), 0.9)
      context.detail(uploadDetail(sizeBytes, sizeBytes, intake.perHost, 'verify'), 0.9)
      const differs: Record<string, string> = {}
      await Promise.all(
        hosts.map(async (host) => {
          const found = await this.hostSha256(host, pool, name, sizeBytes, context.signal)
          if (present.includes(host)) {
            if (found === sent) context.log(isoMsg('presentSkipped', { host, name }))
            else differs[host] = found ?? '?'
          } else if (found !== sent)
            throw new HostStepError(
              host,
              'stepVerify',
              isoMsg('checksumDiffers', { name, host, found: found ?? '?', sent }),
            )
          else context.log(msg('vmdefSteps.isoChecksumOk', { host, sha256: found ?? '?' }))
        }),
      )
      const differing = hosts.filter((host) => host in differs)
      if (differing.length > 0)
        throw ApiError.of(
          'iso.upload.present-differs',
          isoMsg('presentDiffers', { name, pool, sent, hosts: differing }),
          {
            host: differing[0]!,
            step: msg('errorSteps.compareCopies'),
            details: { found: differs },
          },
        )
      const result: IsoUploadResult = {
        name,
        pool,
        path: paths.get(hosts[0]!)!,
        sizeBytes,
        sha256: sent,
        hosts,
        ...(present.length > 0 ? { skipped: present } : {}),
      }
      return result
    } catch (error) {
      throw await this.undo(error, { name, pool, created, intake, context })
    } finally {
      intake.stop()
      this.intakes.delete(context.id)
    }
  }

  /** The SHA-256 of the volume on a host, read by libvirt into sha256sum there. */
  private async hostSha256(
    host: string,
    pool: string,
    name: string,
    sizeBytes: number,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    try {
      const result = await this.deps.runner.run(host, volumeArgv.sha256(pool, name), {
        step: msg('errorSteps.readBack', { name, host }),
        timeoutSeconds: verifyTimeoutSeconds(sizeBytes),
        signal,
      })
      if (result.stderr.includes(DOWNLOAD_FAILED))
        throw ApiError.of(
          'remote.failed',
          withDetail(
            msg('vmdefErrors.downloadFailed', { name, host }),
            result.stderr.replace(DOWNLOAD_FAILED, ''),
          ),
          { host },
        )
      return parseSha256sum(result.stdout)
    } catch (error) {
      throw new HostStepError(host, 'stepVerify', causeOf(error, host))
    }
  }

  /** Stops every vol-upload, deletes the volumes this job made, and says what failed where. */
  private async undo(
    error: unknown,
    job: { name: string; pool: string; created: string[]; intake: Intake; context: JobContext },
  ): Promise<ApiError> {
    const { name, pool, created, intake, context } = job
    intake.stop()
    intake.ready.reject(error)
    // A refusal made nothing: it is the error as is.
    if (error instanceof ApiError && error.code === 'iso.upload.refused') return error
    for (const upload of intake.uploads.values()) upload.abort()
    await Promise.all(
      [...intake.uploads.values()].map((upload) =>
        Promise.race([upload.ended, new Promise((resolve) => setTimeout(resolve, 15_000))]),
      ),
    )
    const remains: IsoRemain[] = []
    for (const host of created) {
      context.log(msg('vmdefSteps.isoDeleting', { name, pool, host }))
      if (!(await this.deleteVolume(host, pool, name))) remains.push({ host, pool, name })
    }
    const cancelled = context.signal.aborted
    // Copies already there differ: that is the refusal (naming the hosts), once this job's are gone.
    if (
      !cancelled &&
      remains.length === 0 &&
      error instanceof ApiError &&
      error.code === 'iso.upload.present-differs'
    )
      return error
    const where =
      error instanceof HostStepError
        ? { host: error.host, step: error.step, cause: error.hostCause }
        : {
            host: '—',
            step: 'stepSend' as const,
            cause: error instanceof ApiError && error.text ? error.text : causeOf(error, '—'),
          }
    const remainHosts = remains.map((remain) => remain.host)
    const text = cancelled
      ? isoMsg(remains.length ? 'cancelledRemains' : 'cancelledUndone', { name, pool, remains: remainHosts })
      : isoMsg(remains.length ? 'failedRemains' : 'failedUndone', {
          name,
          pool,
          host: where.host,
          step: isoMsg(where.step),
          remains: remainHosts,
        })
    return ApiError.of(
      cancelled ? 'iso.upload.cancelled' : remains.length ? 'iso.upload.remains' : 'iso.upload.failed',
      text,
      {
        ...(where.host !== '—' ? { host: where.host } : {}),
        step: msg('errorSteps.uploadStep', { name, step: isoMsg(where.step) }),
        details: { remains, cause: where.cause },
      },
    )
  }

  /**
   * vol-delete, tried again for about half a minute: libvirt may still hold the volume (an upload
   * ending), or the host's connection is coming back (the pool reconnects by itself).
   */
  private async deleteVolume(host: string, pool: string, name: string): Promise<boolean> {
    for (const wait of DELETE_RETRY_MS) {
      try {
        await this.deps.runner.virsh(host, volumeArgv.delete(pool, name), {
          step: msg('errorSteps.deleteVolume', { name, host }),
        })
        return true
      } catch (error) {
        if (/not found|no storage vol/i.test(ApiError.from(error).message)) return true
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
    return false
  }
}

/** The promise, or a rejection as soon as the job is cancelled. */
function waitOrCancel<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(ApiError.of('iso.upload.cancelled', msg('vmdef.cancelled')))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ApiError.of('iso.upload.cancelled', msg('vmdef.cancelled')))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
