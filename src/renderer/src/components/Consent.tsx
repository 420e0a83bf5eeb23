import type { ReactNode } from 'react'

/** One explicit consent: a checkbox and the sentence it agrees to (sheets' and dialogs' confirmations). */
export function Consent({
  checked,
  onChange,
  testId,
  className,
  children,
}: {
  checked: boolean
  onChange(checked: boolean): void
  testId?: string
  className?: string
  children: ReactNode
}) {
  return (
    <label className={className}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />{' '}
      {children}
    </label>
  )
}
