import { useTranslation } from 'react-i18next'
import { formatWhen } from '../../format'

/**
 * A time the core sent (ms or ISO), as the user's language writes it: "3 déc., 12:03", or only
 * "12:03" when it is today and `compact` is asked (the tree).
 */
export function useWhen(): (value: number | string | undefined, compact?: boolean) => string {
  useTranslation() // written again when the language changes
  return formatCoreTime
}

/** useWhen's writing, for a component that re-renders on a language change by other means (the tree's rows). */
export function formatCoreTime(value: number | string | undefined, compact = false): string {
  if (value === undefined) return '?'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return formatWhen(date.getTime(), compact)
}
