import type { CheckState } from '../stores/cardBackupStore.js'
import { formatBytes } from '../format.js'
import { VerifyDriveAction } from './VerifyDriveAction.js'

export interface DestinationOption {
  path: string
  description: string
  /** Added by the user (kept in settings), as opposed to a drive detected now. */
  isSaved: boolean
}

/** What the check found, in words: room and what this card needs there, or why the drive is refused. */
function CheckNote({ entry, id }: { entry: CheckState | undefined; id: string }) {
  if (!entry) return null
  if (entry.state === 'checking')
    return (
      <span className="muted" id={id}>
        checking…
      </span>
    )
  if (entry.state === 'error') {
    return (
      <span className="error-text" id={id}>
        Could not check: {entry.error.message}
      </span>
    )
  }
  const { check } = entry
  if (!check.accepted) {
    return (
      <span className="error-text" id={id} data-testid="destination-refusal">
        Refused: {check.refusal?.message}
      </span>
    )
  }
  const already = check.alreadyVerified ? `, ${check.alreadyVerified} files already verified there` : ''
  return (
    <span className="muted" id={id}>
      {formatBytes(check.freeBytes)} free, this card needs {formatBytes(check.bytesNeeded)}
      {already}
    </span>
  )
}

/** One drive or folder the backup may write to, with its check; a refused one cannot be ticked. */
export function DestinationRow({
  option,
  entry,
  ticked,
  onToggle,
  onForget,
}: {
  option: DestinationOption
  entry: CheckState | undefined
  ticked: boolean
  onToggle(): void
  onForget?: () => void
}) {
  // A drive that already holds verified copies of this card can be re-read now, years after the backup.
  const holdsBackup = entry?.state === 'checked' && (entry.check.alreadyVerified ?? 0) > 0
  const refused = entry?.state === 'checked' && !entry.check.accepted
  const noteId = `destination-note-${option.path.replace(/[^A-Za-z0-9]/g, '-')}`
  return (
    <li className={refused ? 'destination-choice refused' : 'destination-choice'}>
      <label>
        <input
          type="checkbox"
          checked={ticked && !refused}
          disabled={refused}
          aria-describedby={entry ? noteId : undefined}
          onChange={onToggle}
        />{' '}
        <span className="path">{option.path}</span> <span className="muted">{option.description}</span>
      </label>{' '}
      <CheckNote entry={entry} id={noteId} />
      {onForget ? (
        <button type="button" className="small" aria-label={`Forget ${option.path}`} onClick={onForget}>
          Forget
        </button>
      ) : null}
      {holdsBackup ? <VerifyDriveAction target={option.path} /> : null}
    </li>
  )
}
