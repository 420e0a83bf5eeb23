import i18next from 'i18next'
import { formatBytes } from '../../shared/storage'
import { formatTime } from '../../shared/messages'
import { intlLocale, UNIT_LABELS_FR } from './i18n/messages'

/** French writes binary units with "o" (octet) and a decimal comma: 1,5 Gio. */
const FRENCH_UNITS: Record<string, string> = UNIT_LABELS_FR

/** A size written by formatBytes ("1.5 GiB"), as the user's language writes it. */
export function localSize(english: string): string {
  if (!i18next.language?.startsWith('fr')) return english
  return english.replace(
    /^(-?[\d.]+) (B|KiB|MiB|GiB|TiB|PiB)$/,
    (_, value: string, unit: string) => `${value.replace('.', ',')} ${FRENCH_UNITS[unit]}`,
  )
}

/** Sizes always with units, in binary multiples as libvirt and rbd count them. */
export function formatSize(bytes: number | undefined): string {
  return localSize(formatBytes(bytes))
}

/** The same from KiB (libvirt's memory figures). */
export function formatKiB(kib: number | undefined): string {
  if (kib === undefined) return '–'
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = kib
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return localSize(
    `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`,
  )
}

/** A moment in the UI's language: "03/12/2026 09:15" in French, "12/3/2026, 9:15 AM" in English. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(i18next.language || undefined, {
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(ms))
}

/** The parameters of a guard sentence (shared/guard-texts.ts) as the UI shows them: times formatted. */
export function guardParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) =>
      typeof value === 'number' && (name === 'since' || name === 'until' || name.endsWith('At'))
        ? [name, formatDateTime(value)]
        : [name, value],
    ),
  )
}

/** A clock time in the UI's language, not the browser's: "15:38:05" (ms since epoch). */
export function formatClock(ms: number, seconds = true): string {
  return formatTime(intlLocale(i18next.language), ms, seconds)
}
