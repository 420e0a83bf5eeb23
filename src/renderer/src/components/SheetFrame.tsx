import type { ReactNode } from 'react'
import { Dialog } from './Dialog'

/**
 * A modal sheet (migration, maintenance, fencing): a wide dialog with its title and close button;
 * while a job it started runs, neither the button nor Escape closes it.
 */
export function SheetFrame({
  id,
  title,
  closeLabel,
  onClose,
  closeDisabled = false,
  className,
  children,
}: {
  /** The sheet's name: its test id is `${id}-sheet`, its close button's `${id}-close`. */
  id: string
  title: string
  closeLabel: string
  onClose(): void
  closeDisabled?: boolean
  className?: string
  children: ReactNode
}) {
  return (
    <Dialog
      className={className ? `sheet ${className}` : 'sheet'}
      labelledBy={`${id}-title`}
      testId={`${id}-sheet`}
      onClose={onClose}
      closeDisabled={closeDisabled}
    >
      <header className="sheet-header">
        <h1 id={`${id}-title`}>{title}</h1>
        <button
          type="button"
          className="link"
          onClick={onClose}
          disabled={closeDisabled}
          data-testid={`${id}-close`}
        >
          {closeLabel}
        </button>
      </header>
      {children}
    </Dialog>
  )
}
