import fs from 'node:fs'
import path from 'node:path'
import { JobSchema } from '../shared/jobs'

/**
 * The app's local log, for bug reports: one line per event, appended synchronously (the line before
 * a crash is the one a report needs), rotated by size — hyperdesk.log becomes hyperdesk.1.log, and
 * so on up to `keep` files in all; the oldest is dropped. A small rotation of our own rather than a
 * library: electron-log runs only inside Electron (browser mode is plain Node) and keeps a single old
 * file; rotating-file-stream writes asynchronously. Writing never throws: a full disk or a removed
 * folder must not take the app down, so the failure is remembered and reported once.
 */
export interface LogFileOptions {
  dir: string
  /** Bytes before a rotation (default 1 MiB). */
  maxBytes?: number
  /** Files kept, the current one included (default 5). */
  keep?: number
  now?: () => Date
}

export class LogFile {
  readonly file: string
  private readonly maxBytes: number
  private readonly keep: number
  private readonly now: () => Date
  private size = -1
  failed: string | null = null

  constructor(private readonly options: LogFileOptions) {
    this.file = path.join(options.dir, 'hyperdesk.log')
    this.maxBytes = options.maxBytes ?? 1024 * 1024
    this.keep = Math.max(1, options.keep ?? 5)
    this.now = options.now ?? (() => new Date())
  }

  /** The n-th older file (1 = the newest rotated one). */
  rotated(n: number): string {
    return path.join(this.options.dir, `hyperdesk.${n}.log`)
  }

  write(level: 'info' | 'warn' | 'error', text: string): void {
    // One event per line: a newline in a message would forge another entry.
    const line = `${this.now().toISOString()} ${level.toUpperCase()} ${text.replace(/\r?\n/g, ' ⏎ ')}\n`
    try {
      if (this.size < 0) {
        fs.mkdirSync(this.options.dir, { recursive: true, mode: 0o700 })
        this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0
      }
      const bytes = Buffer.byteLength(line)
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate()
      fs.appendFileSync(this.file, line, { mode: 0o600 })
      this.size += bytes
    } catch (error) {
      if (!this.failed) {
        this.failed = error instanceof Error ? error.message : String(error)
        console.error(`hyperdesk: cannot write the log ${this.file}: ${this.failed}`)
      }
    }
  }

  info(text: string): void {
    this.write('info', text)
  }
  warn(text: string): void {
    this.write('warn', text)
  }
  error(text: string): void {
    this.write('error', text)
  }

  private rotate(): void {
    if (this.keep === 1) {
      fs.rmSync(this.file, { force: true })
    } else {
      fs.rmSync(this.rotated(this.keep - 1), { force: true })
      for (let n = this.keep - 2; n >= 1; n -= 1) {
        if (fs.existsSync(this.rotated(n))) fs.renameSync(this.rotated(n), this.rotated(n + 1))
      }
      fs.renameSync(this.file, this.rotated(1))
    }
    this.size = 0
  }
}

/** The log line for a jobs.update event whose job has ended (null while it runs or when malformed). */
export function jobEndLine(payload: unknown): string | null {
  const parsed = JobSchema.safeParse(payload)
  if (!parsed.success || parsed.data.state === 'running') return null
  const job = parsed.data
  const error = job.error ? ` — ${job.error.code}: ${job.error.message}` : ''
  return `job ${job.id} ${job.kind} "${job.title}" ${job.state}${error}`
}
