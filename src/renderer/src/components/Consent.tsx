import type { ReactNode } from 'react'

/** One explicit consent: a checkbox and the sentence it agrees to (sheets' confirmations). */
export function Consent({
  checked,
  onChange,
  testId,
  children,
}: {
  checked: boolean
  onChange(checked: boolean): void
  testId: string
  children: ReactNode
}) {
  return (
    <label>
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
