import { useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { callCompanion, isDesktopApp } from '../bridge/companion.js'
import { ErrorMessage } from './ErrorMessage.js'
import { FolderBrowser } from './FolderBrowser.js'

/**
 * One "Choose folder…" button for both ways the UI runs: the system's folder dialog in the desktop app, the
 * companion's own folder browser (home folder and removable drives) in a browser talking to `serve`, whose
 * page cannot see the companion's disks. Cancelling picks nothing.
 */
export function ChooseFolderButton({ title, onPick }: { title: string; onPick(folder: string): void }) {
  const [browsing, setBrowsing] = useState(false)
  const [error, setError] = useState<CompanionErrorData | undefined>()
  const choose = async () => {
    if (!isDesktopApp()) return setBrowsing(true)
    const outcome = await callCompanion('desktop.chooseFolder', { title })
    setError(outcome.ok ? undefined : outcome.error)
    if (outcome.ok && outcome.value.path !== null) onPick(outcome.value.path)
  }
  return (
    <>
      <button type="button" onClick={() => void choose()}>
        Choose folder…
      </button>
      <ErrorMessage error={error} title="Could not open the folder dialog" />
      {browsing ? (
        <FolderBrowser
          onClose={() => setBrowsing(false)}
          onPick={(folder) => {
            setBrowsing(false)
            onPick(folder)
          }}
        />
      ) : null}
    </>
  )
}
