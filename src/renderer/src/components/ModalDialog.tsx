import { useEffect, useRef, type ReactNode } from 'react'

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog on the browser's own `<dialog>`: `showModal()` makes the rest of the page inert, so focus
 * stays inside it (Tab wraps around at its ends), and moves focus to its first field; Escape closes it through `onClose`; on closing,
 * focus goes back to what had it before (the button that opened it).
 */
export function ModalDialog({
  label,
  onClose,
  children,
}: {
  label: string
  onClose(): void
  children: ReactNode
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined
    element?.showModal()
    return () => {
      element?.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [])
  return (
    <dialog
      ref={dialog}
      className="modal"
      aria-label={label}
      onKeyDown={(event) => {
        // The browser lets Tab leave a modal dialog for its own toolbar; wrap around inside instead.
        if (event.key !== 'Tab' || !dialog.current) return
        const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
          (element) => !element.hasAttribute('disabled') && element.offsetParent !== null,
        )
        const first = focusable[0]
        const last = focusable.at(-1)
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault()
          last?.focus()
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault()
          first?.focus()
        }
      }}
      onCancel={(event) => {
        // Escape: React decides when the dialog goes, so the form's state goes with it.
        event.preventDefault()
        onClose()
      }}
    >
      {children}
    </dialog>
  )
}
