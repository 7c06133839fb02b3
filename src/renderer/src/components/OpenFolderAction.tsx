import { useId, useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { callCompanion, isDesktopApp } from '../bridge/companion.js'
import { ErrorMessage } from './ErrorMessage.js'

/**
 * A backup's card folder, to look at: the desktop app opens it in the file manager (main opens only a folder
 * that job wrote). A browser talking to `serve` may be on another computer and cannot open anything there,
 * so it shows the path with "Copy path", and says so.
 */
export function OpenFolderAction({ jobId, folder }: { jobId: string; folder: string }) {
  const [error, setError] = useState<CompanionErrorData | { message: string } | undefined>()
  const [copied, setCopied] = useState(false)
  const fieldId = useId()
  if (isDesktopApp()) {
    const open = async () => {
      const outcome = await callCompanion('desktop.openFolder', { jobId, folder })
      setError(outcome.ok ? undefined : outcome.error)
    }
    return (
      <>
        <button type="button" className="small" onClick={() => void open()}>
          Open folder
        </button>
        <ErrorMessage error={error} title="Could not open the folder" />
      </>
    )
  }
  const copy = async () => {
    // The clipboard exists only in a secure context (localhost or HTTPS); elsewhere the path is selected to
    // copy by hand, and the page says so rather than pretending.
    try {
      await navigator.clipboard.writeText(folder)
      setCopied(true)
      setError(undefined)
    } catch {
      const field = document.getElementById(fieldId)
      if (field instanceof HTMLInputElement) field.select()
      setCopied(false)
      setError({ message: 'this browser did not allow copying: the path is selected, press Ctrl+C' })
    }
  }
  return (
    <span className="open-folder">
      <label>
        Folder on the companion&apos;s computer{' '}
        <input id={fieldId} className="path" readOnly value={folder} size={Math.min(folder.length, 60)} />
      </label>{' '}
      <button type="button" className="small" onClick={() => void copy()}>
        Copy path
      </button>{' '}
      <span role="status" className="muted">
        {copied ? 'Copied.' : ''}
      </span>
      <ErrorMessage error={error} title="Not copied" />
    </span>
  )
}
