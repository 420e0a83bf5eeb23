import { useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import './dialog.css'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog on the native <dialog> element: `showModal()` puts it in the top layer, makes the
 * rest of the page inert and moves the focus into it; Escape closes it (unless `closeDisabled`, as
 * while a job it started runs); Tab and Shift+Tab go round its controls, never out to the browser;
 * and when it closes the focus returns to the control that opened it. Rendered where it is used
 * (no portal), so its content stays inside its feature's markup.
 */
export function Dialog({
  onClose,
  closeDisabled = false,
  labelledBy,
  role,
  className,
  testId,
  children,
}: {
  onClose(): void
  closeDisabled?: boolean
  /** The id of the dialog's title. */
  labelledBy: string
  /** 'alertdialog' for a confirmation of something destructive. */
  role?: 'alertdialog'
  className?: string
  testId?: string
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)

  // Layout effect: its cleanup runs while the element is still in the page, so the dialog is closed
  // (the page no longer inert) before the focus goes back to its opener.
  useLayoutEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    // React's autoFocus ran before showModal, which moved the focus to the first control: give it back.
    const wanted = dialog.querySelector<HTMLElement>('[data-autofocus]')
    wanted?.focus()
    return () => {
      if (dialog.open) dialog.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key !== 'Tab') return
    const dialog = ref.current
    if (!dialog) return
    const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) => element.getClientRects().length > 0 && !element.closest('dialog:not([open])'),
    )
    const first = controls[0]
    const last = controls[controls.length - 1]
    if (!first || !last) return event.preventDefault()
    const active = document.activeElement
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    // The modal dialog's focus trap (Tab and Shift+Tab stay inside): a dialog is where keys belong.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      role={role}
      aria-labelledby={labelledBy}
      data-testid={testId}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        // Escape: the owner decides (it unmounts the dialog), never the browser on its own.
        event.preventDefault()
        if (!closeDisabled) onClose()
      }}
    >
      {children}
    </dialog>
  )
}
