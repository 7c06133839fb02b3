import { useEffect, useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { FolderListing } from '../../../shared/folderBrowser.js'
import { callCompanion } from '../bridge/companion.js'
import { ErrorMessage } from './ErrorMessage.js'
import { ModalDialog } from './ModalDialog.js'

/**
 * Picks a folder on the companion's computer, as a page in a browser cannot: the home folder and the
 * removable drives, then their folders; "Use this folder" hands the path back.
 */
export function FolderBrowser({ onPick, onClose }: { onPick(folder: string): void; onClose(): void }) {
  const [at, setAt] = useState<string | undefined>()
  const [listing, setListing] = useState<FolderListing | undefined>()
  const [error, setError] = useState<CompanionErrorData | undefined>()
  useEffect(() => {
    let current = true
    void callCompanion('files.listFolders', at === undefined ? {} : { path: at }).then((outcome) => {
      if (!current) return
      setListing(outcome.ok ? outcome.value : undefined)
      setError(outcome.ok ? undefined : outcome.error)
    })
    return () => {
      current = false
    }
  }, [at])
  return (
    <ModalDialog label="Choose a folder" onClose={onClose}>
      <section className="panel folder-browser">
        <h2>Choose a folder</h2>
        <p className="path" data-testid="browser-at">
          {listing?.path ?? 'Home folder and removable drives'}
        </p>
        <ErrorMessage error={error} title="Cannot open" />
        <div className="actions">
          {listing?.path !== undefined ? (
            <button type="button" onClick={() => setAt(listing.parent)}>
              Up
            </button>
          ) : null}
          {listing?.path !== undefined ? (
            <button type="button" className="primary" onClick={() => onPick(listing.path as string)}>
              Use this folder
            </button>
          ) : null}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
        <ul className="plain choices" aria-label="Folders">
          {(listing?.folders ?? []).map((folder) => (
            <li key={folder.path}>
              <button type="button" className="link" onClick={() => setAt(folder.path)}>
                {folder.name}
              </button>{' '}
              <span className="muted path">{folder.path}</span>
            </li>
          ))}
        </ul>
        {listing && listing.folders.length === 0 ? <p className="muted">No folders here.</p> : null}
      </section>
    </ModalDialog>
  )
}
