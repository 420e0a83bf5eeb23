import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { FenceRecordSchema, type FenceRecord } from '../../../shared/fencing'

/**
 * What fencing must remember across restarts, next to the cluster file (`fencing.json`): the Ceph
 * client addresses of each running VM's disks, recorded while its host was reachable (a lost host
 * cannot be asked), and the fences the app made (active until the fenced copy is destroyed and the
 * entries removed). Written whole, then renamed, so a crash never leaves half a file.
 */
export const RecordedWatchersSchema = z.object({
  host: z.string(),
  uuid: z.string(),
  seenAt: z.number(),
  /** pool/image → the exact addresses (`IP:0/nonce`) that had it open on this host. */
  images: z.record(z.string(), z.array(z.string())),
})
export type RecordedWatchers = z.infer<typeof RecordedWatchersSchema>

const FenceFileSchema = z.object({
  version: z.literal(1),
  watchers: z.array(RecordedWatchersSchema),
  /** Each host's own IPs, as `hostname -I` printed them (for the whole-IP step). */
  hostIps: z.record(z.string(), z.array(z.string())),
  fences: z.array(FenceRecordSchema),
})
type FenceFile = z.infer<typeof FenceFileSchema>

export class FenceStore {
  private data: FenceFile = { version: 1, watchers: [], hostIps: {}, fences: [] }

  /** Without a file (unit tests), the store lives in memory only. */
  constructor(private readonly file?: string) {
    this.load()
  }

  static besideConfig(configPath: string): FenceStore {
    return new FenceStore(path.join(path.dirname(configPath), 'fencing.json'))
  }

  private load(): void {
    if (!this.file) return
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch {
      return
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const parsed = FenceFileSchema.safeParse(json)
    // An unreadable file is kept aside rather than silently lost: it may hold an active fence.
    if (!parsed.success) {
      fs.renameSync(this.file, `${this.file}.invalid-${Date.now()}`)
      return
    }
    this.data = parsed.data
  }

  private save(): void {
    if (!this.file) return
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temporary = `${this.file}.tmp`
    fs.writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temporary, this.file)
  }

  watchers(host: string, uuid: string): RecordedWatchers | undefined {
    return this.data.watchers.find((entry) => entry.host === host && entry.uuid === uuid)
  }

  setWatchers(entry: RecordedWatchers): void {
    this.data.watchers = [
      ...this.data.watchers.filter((other) => !(other.host === entry.host && other.uuid === entry.uuid)),
      entry,
    ]
    this.save()
  }

  hostIps(host: string): string[] {
    return this.data.hostIps[host] ?? []
  }

  setHostIps(host: string, ips: string[]): void {
    const before = this.data.hostIps[host] ?? []
    if (before.length === ips.length && before.every((ip, i) => ip === ips[i])) return
    this.data.hostIps[host] = ips
    this.save()
  }

  fences(): FenceRecord[] {
    return this.data.fences.map((fence) => ({ ...fence, entries: [...fence.entries] }))
  }

  fence(uuid: string, lostHost: string): FenceRecord | undefined {
    return this.data.fences.find((fence) => fence.uuid === uuid && fence.lostHost === lostHost)
  }

  putFence(record: FenceRecord): void {
    this.data.fences = [...this.data.fences.filter((fence) => fence.id !== record.id), record]
    this.save()
  }

  removeFence(id: string): void {
    this.data.fences = this.data.fences.filter((fence) => fence.id !== id)
    this.save()
  }
}
