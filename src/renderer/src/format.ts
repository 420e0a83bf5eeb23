import i18next from 'i18next'
import * as intl from '../../shared/messages/format'
import { intlLocale, unitLabels } from './i18n/messages'

/**
 * The window's numbers, sizes, percentages, times and durations, in the UI's language: every one goes
 * through shared/messages/format.ts (Intl), the module the core's messages are written with, so a
 * size in a sentence and a size in a table read the same ("2 396 Mio", "24 Gio"). Binary unit names
 * are catalog labels (`units.*`), Intl has none.
 */

function locale(): string {
  return intlLocale(i18next.language)
}

/** Sizes always with units, in binary multiples as libvirt and rbd count them ("1,5 Gio"). */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '–'
  return intl.formatSize(locale(), unitLabels(i18next, i18next.language), bytes)
}

/** The same from KiB (libvirt's memory figures). */
export function formatKiB(kib: number | undefined): string {
  return kib === undefined ? '–' : formatSize(kib * 1024)
}

/** A figure with the language's grouping and decimal sign ("2 396", "0,25"). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return intl.formatNumber(locale(), value, options)
}

/** A ratio 0..1 as a percentage ("57 %" in French, "57%" in English). */
export function formatPercent(ratio: number): string {
  return intl.formatPercent(locale(), ratio)
}

/** A clock time in the UI's language, not the browser's: "15:38:05", or "15:38" without seconds. */
export function formatClock(ms: number, seconds = true): string {
  return intl.formatTime(locale(), ms, seconds)
}

/** A moment: "03/12/2026 09:15". */
export function formatDateTime(ms: number): string {
  return intl.formatDateTime(locale(), ms)
}

/** A moment, shorter: "3 déc., 12:03", or "12:03" alone when `compact` and today. */
export function formatWhen(ms: number, compact = false): string {
  const today = new Date(ms).toDateString() === new Date().toDateString()
  return intl
    .dateTimeFormat(locale(), {
      ...(compact && today ? {} : { day: 'numeric', month: 'short' }),
      hour: '2-digit',
      minute: '2-digit',
    })
    .format(ms)
}

/** A duration in ms ("2 min 3 s", "8,5 s"). */
export function formatDuration(ms: number): string {
  return intl.formatDuration(locale(), ms)
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

/**
 * Chromium loads its number and date data at a page's first Intl formatter: 80 to 370 ms on the main
 * thread on the lab machine. Done while the window waits for the core's first answers, not inside the
 * first paint of a tree of hundreds of VMs (issue 23 item 2); the formatters stay for later use.
 */
export function loadFormatData(): void {
  formatPercent(0.5)
  formatNumber(1)
  formatClock(0, false)
  formatWhen(0, true)
}
