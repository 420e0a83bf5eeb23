import { useId, type ReactNode } from 'react'
import { Dialog } from './Dialog'

/**
 * A confirmation of something that cannot be undone (force off, roll back, delete…): a modal
 * alert dialog with its title, what will happen, what the user must type or tick (children), the
 * action (disabled until allowed) and cancel. Escape and cancel close it; the focus returns to
 * the button that opened it.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
  confirmDisabled = false,
  danger = true,
  testId,
  confirmTestId,
  children,
}: {
  title: ReactNode
  confirmLabel: string
  cancelLabel: string
  onConfirm(): void
  onCancel(): void
  confirmDisabled?: boolean
  danger?: boolean
  testId: string
  confirmTestId: string
  children?: ReactNode
}) {
  const titleId = useId()
  return (
    <Dialog role="alertdialog" labelledBy={titleId} testId={testId} onClose={onCancel}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel} data-testid={`${testId}-cancel`}>
          {cancelLabel}
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          disabled={confirmDisabled}
          onClick={onConfirm}
          data-testid={confirmTestId}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
