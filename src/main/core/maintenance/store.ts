import fs from 'node:fs'
import path from 'node:path'
import { MaintenanceRecordSchema, type MaintenanceRecord } from '../../../shared/maintenance'

/**
 * The maintenance record on disk, next to the cluster file (the app's config directory): written
 * after every step (write then rename, so a crash never leaves half a file), read at start so an
 * interrupted maintenance can be resumed or aborted after the app restarts.
 */
export class MaintenanceStore {
  constructor(private readonly file: string) {}

  static besideConfig(configPath: string): MaintenanceStore {
    return new MaintenanceStore(path.join(path.dirname(configPath), 'maintenance.json'))
  }

  get path(): string {
    return this.file
  }

  load(): MaintenanceRecord | null {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch {
      return null
    }
    const parsed = MaintenanceRecordSchema.safeParse(JSON.parse(text))
    // An unreadable record is kept aside rather than silently lost.
    if (!parsed.success) {
      fs.renameSync(this.file, `${this.file}.invalid-${Date.now()}`)
      return null
    }
    return parsed.data
  }

  save(record: MaintenanceRecord): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temporary = `${this.file}.tmp`
    fs.writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temporary, this.file)
  }
}
