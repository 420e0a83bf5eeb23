/**
 * How a message's parameters are written in a language: the only place numbers, sizes, times,
 * durations and lists become text. Every function takes the UI's language (a BCP 47 tag) and goes
 * through `Intl`, so French reads "2 396 Mio", "57 %", "07:51"; the binary unit names ("Mio",
 * "MiB") are catalog labels because `Intl` has none. The renderer (i18next's formatters) and the
 * core's English rendering both call these.
 */

export const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const
export type SizeUnit = (typeof SIZE_UNITS)[number]
export type UnitLabels = Record<SizeUnit, string>

/** English unit labels (the core's logs, and the English catalog). */
export const UNIT_LABELS_EN: UnitLabels = {
  B: 'B',
  KiB: 'KiB',
  MiB: 'MiB',
  GiB: 'GiB',
  TiB: 'TiB',
  PiB: 'PiB',
}

/**
 * Building an Intl formatter costs about a thousand times what using one does (the window's tree
 * spent ~100 ms building percent formatters for a few rows): one per language and options, kept.
 * The keys come from this module's own option sets and the UI's few languages, so the map stays small.
 */
const formatters = new Map<string, unknown>()
function kept<T>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined
  if (formatter === undefined) {
    formatter = make()
    formatters.set(key, formatter)
  }
  return formatter
}

export function numberFormat(locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return kept(
    `number|${locale}|${JSON.stringify(options ?? {})}`,
    () => new Intl.NumberFormat(locale, options),
  )
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return kept(`date|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options))
}

export function listFormat(locale: string, options: Intl.ListFormatOptions): Intl.ListFormat {
  return kept(`list|${locale}|${JSON.stringify(options)}`, () => new Intl.ListFormat(locale, options))
}

export function pluralRules(locale: string): Intl.PluralRules {
  return kept(`plural|${locale}`, () => new Intl.PluralRules(locale))
}

export function formatNumber(locale: string, value: number, options?: Intl.NumberFormatOptions): string {
  return numberFormat(locale, options).format(value)
}

/**
 * A size in binary multiples, as libvirt and rbd count them: the largest unit that keeps the value
 * ≥ 1, one decimal below 100 unless whole ("1.5 GiB", "24 GiB", "2,396 MiB" stays in MiB only when
 * `unit` is forced).
 */
export function formatSize(
  locale: string,
  labels: UnitLabels,
  bytes: number,
  options: { unit?: SizeUnit } = {},
): string {
  if (!Number.isFinite(bytes)) return '–'
  let value = bytes
  let unit = 0
  if (options.unit !== undefined) {
    unit = SIZE_UNITS.indexOf(options.unit)
    value = bytes / 1024 ** unit
  } else {
    while (Math.abs(value) >= 1024 && unit < SIZE_UNITS.length - 1) {
      value /= 1024
      unit++
    }
  }
  const whole = Number.isInteger(value) || Math.abs(value) >= 100 || options.unit !== undefined
  const number = formatNumber(
    locale,
    value,
    whole ? { maximumFractionDigits: 0 } : { maximumFractionDigits: 1 },
  )
  return `${number}\u00a0${labels[SIZE_UNITS[unit]!]}`
}

/** A ratio (0..1) as a percentage: "57 %" in French, "57%" in English. */
export function formatPercent(locale: string, ratio: number): string {
  return formatNumber(locale, ratio, { style: 'percent', maximumFractionDigits: ratio < 0.1 ? 1 : 0 })
}

/** A clock time (ms since epoch): "07:51" in French, "07:51 AM" in English. */
export function formatTime(locale: string, at: number, seconds = false): string {
  return dateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(at)
}

/** A date and time (ms since epoch). */
export function formatDateTime(locale: string, at: number): string {
  return dateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(at)
}

/** A duration in ms: "1 h 5 min", "2 min 3 s", "850 ms" (each part through Intl's unit style). */
export function formatDuration(locale: string, ms: number): string {
  const unit = (value: number, name: string) =>
    formatNumber(locale, value, { style: 'unit', unit: name, unitDisplay: 'short' })
  if (ms < 1000) return unit(Math.round(ms), 'millisecond')
  if (ms < 10_000) return unit(Math.round(ms / 100) / 10, 'second')
  const total = Math.round(ms / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const parts: string[] = []
  if (hours) parts.push(unit(hours, 'hour'))
  if (minutes) parts.push(unit(minutes, 'minute'))
  if (seconds && !hours) parts.push(unit(seconds, 'second'))
  return listFormat(locale, { style: 'narrow', type: 'unit' }).format(parts)
}

/** "a, b and c" / "a, b et c". */
export function formatList(locale: string, items: readonly string[]): string {
  return listFormat(locale, { style: 'long', type: 'conjunction' }).format(items)
}
