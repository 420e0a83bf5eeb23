import type { ReactNode } from 'react'
import '../features/migration/migration.css'

/** A modal sheet: backdrop, titled dialog, and its close button (disabled while a job runs). */
export function SheetFrame({
  id,
  title,
  closeLabel,
  onClose,
  closeDisabled,
  children,
}: {
  /** The sheet's name: its test id is `${id}-sheet`, its close button's `${id}-close`. */
  id: string
  title: string
  closeLabel: string
  onClose(): void
  closeDisabled: boolean
  children: ReactNode
}) {
  return (
    <div className="sheet-backdrop" role="presentation">
      <section
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid={`${id}-sheet`}
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
      </section>
    </div>
  )
}
