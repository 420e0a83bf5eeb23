import { useTranslation } from 'react-i18next'

/** The cap `virsh migrate --bandwidth` takes (MiB/s), as the API's schemas bound it. */
export const BANDWIDTH_MAX = 100_000

/** The typed cap: none (empty), a whole number of MiB/s within bounds, or invalid. */
export function parseBandwidth(text: string): { ok: true; value?: number } | { ok: false } {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true }
  if (!/^\d+$/.test(trimmed)) return { ok: false }
  const value = Number(trimmed)
  return value >= 1 && value <= BANDWIDTH_MAX ? { ok: true, value } : { ok: false }
}

/** An optional bandwidth cap for a migration (MiB/s): the migration and maintenance sheets. */
export function BandwidthInput({
  label,
  unit,
  value,
  onChange,
  testId,
  className,
}: {
  label: string
  /** The unit after the field, from the catalog ("MiB/s", "Mio/s"). */
  unit: string
  value: string
  onChange(value: string): void
  testId: string
  className?: string
}) {
  const { t } = useTranslation()
  const invalid = !parseBandwidth(value).ok
  return (
    <>
      <label className={className ?? 'small'}>
        {label}{' '}
        <input
          type="number"
          min={1}
          max={BANDWIDTH_MAX}
          step={1}
          className="bandwidth-input"
          value={value}
          placeholder="–"
          aria-invalid={invalid || undefined}
          onChange={(event) => onChange(event.target.value)}
          data-testid={testId}
        />{' '}
        {unit}
      </label>
      {invalid && (
        <p className="error small" role="alert" data-testid={`${testId}-invalid`}>
          {t('migration.bandwidthInvalid', { max: BANDWIDTH_MAX })}
        </p>
      )}
    </>
  )
}
