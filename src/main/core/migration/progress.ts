import type { MigrationProgressDetail } from '../../../shared/migration'

/**
 * `virsh domjobinfo` (LC_ALL=C) as numbers. libvirt prints sizes with binary units ("12.345 MiB"),
 * speeds per second ("30.000 MiB/s") and times in ms; keys vary between versions, so each field is
 * optional and unknown keys are ignored.
 */
export interface DomainJobInfo {
  /** "None", "Unbounded" (running), "Completed", "Failed", "Cancelled"… */
  type: string
  operation?: string
  elapsedMs?: number
  dataProcessedBytes?: number
  dataRemainingBytes?: number
  dataTotalBytes?: number
  memoryBandwidthBytesPerSecond?: number
  /** Completed jobs: the guest's pause at the switch-over. */
  downtimeMs?: number
}

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
}

/** "12.345 MiB" → bytes; "30.000 MiB/s" → bytes per second; undefined when it does not read. */
export function parseSize(value: string): number | undefined {
  const match = /^([\d.]+)\s*([A-Za-z]+)?(\/s)?$/.exec(value.trim())
  if (!match?.[1]) return undefined
  const factor = UNITS[(match[2] ?? 'b').toLowerCase()]
  const number = Number(match[1])
  return factor === undefined || !Number.isFinite(number) ? undefined : Math.round(number * factor)
}

function parseMs(value: string): number | undefined {
  const match = /^(\d+)\s*ms$/.exec(value.trim())
  return match?.[1] ? Number(match[1]) : undefined
}

export function parseDomjobinfo(text: string): DomainJobInfo {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const info: DomainJobInfo = { type: fields.get('job type') ?? 'None' }
  const set = <K extends keyof DomainJobInfo>(key: K, value: DomainJobInfo[K] | undefined) => {
    if (value !== undefined) info[key] = value
  }
  set('operation', fields.get('operation'))
  set('elapsedMs', parseMs(fields.get('time elapsed') ?? ''))
  set('dataProcessedBytes', parseSize(fields.get('data processed') ?? ''))
  set('dataRemainingBytes', parseSize(fields.get('data remaining') ?? ''))
  set('dataTotalBytes', parseSize(fields.get('data total') ?? ''))
  set('memoryBandwidthBytesPerSecond', parseSize(fields.get('memory bandwidth') ?? ''))
  set('downtimeMs', parseMs(fields.get('total downtime') ?? ''))
  return info
}

/** A running job's figures for the UI, and its share done (0..1, from data remaining/total). */
export function progressDetail(info: DomainJobInfo): { detail: MigrationProgressDetail; fraction: number } {
  const processed = info.dataProcessedBytes ?? 0
  const remaining = info.dataRemainingBytes ?? 0
  const total = info.dataTotalBytes ?? processed + remaining
  // Dirty pages make "remaining" grow again between passes; total is fixed, so this stays in 0..1.
  const fraction = total > 0 ? Math.min(1, Math.max(0, 1 - remaining / total)) : 0
  return {
    detail: {
      dataProcessedBytes: processed,
      dataRemainingBytes: remaining,
      dataTotalBytes: total,
      speedBytesPerSecond: info.memoryBandwidthBytesPerSecond ?? 0,
      elapsedMs: info.elapsedMs ?? 0,
    },
    fraction,
  }
}

/** Whether the job info shows a job in progress (libvirt says "Unbounded" for a migration). */
export function jobActive(info: DomainJobInfo): boolean {
  return info.type === 'Unbounded' || info.type === 'Bounded'
}
