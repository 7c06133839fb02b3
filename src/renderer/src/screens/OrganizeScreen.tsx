import { useEffect, useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { parentOf } from '../../../shared/paths.js'
import {
  type BackupResult,
  OrganizeResultSchema,
  type OrganizeBy,
  type OrganizeMove,
  type OrganizeResult,
} from '../../../shared/storage.js'
import { callCompanion } from '../bridge/companion.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { ChosenSource } from '../components/ChosenSource.js'
import { driveName, listNames } from '../driveNames.js'
import { JobProgressPanel } from '../components/JobProgressPanel.js'
import { useCardBackupStore } from '../stores/cardBackupStore.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import { usePreview } from '../usePreview.js'
import { useLastJob } from '../useLastJob.js'

/** Moves this many per folder at most are listed when a folder is opened; the count is always exact. */
const LISTED_PER_FOLDER = 500

/** The plan summarised per destination folder (how many files go where), each folder opening to its moves. */
function MovesByFolder({ moves, undo }: { moves: readonly OrganizeMove[]; undo: boolean }) {
  const folders = new Map<string, OrganizeMove[]>()
  // An undo plan lists the organize it reverses; shown the way undo moves the files: back.
  const shown = undo ? moves.map((move) => ({ ...move, from: move.to, to: move.from })) : moves
  for (const move of shown) folders.set(parentOf(move.to), [...(folders.get(parentOf(move.to)) ?? []), move])
  return (
    <ul className="plain folder-summary" aria-label="Moves by folder">
      {[...folders].map(([folder, into]) => (
        <li key={folder}>
          <details>
            <summary>
              <span className="path">{folder || 'the card root'}</span>: {into.length}{' '}
              {into.length === 1 ? 'file' : 'files'}
              {into.some((move) => move.kind === 'dedupe') ? ' (duplicates removed)' : ''}
            </summary>
            <ul className="failures" aria-label={`Moves into ${folder || 'the card root'}`}>
              {into.slice(0, LISTED_PER_FOLDER).map((move) => (
                <li key={`${move.from}→${move.to}`}>
                  {move.from} → {move.to}
                  {move.kind === 'dedupe' ? ' (duplicate)' : ''}
                </li>
              ))}
            </ul>
            {into.length > LISTED_PER_FOLDER ? (
              <p className="muted">and {into.length - LISTED_PER_FOLDER} more</p>
            ) : null}
          </details>
        </li>
      ))}
    </ul>
  )
}

/** What applying the moves did on each drive: copies moved to the new layout, and anything copied or failed. */
function AppliedToBackups({ backups }: { backups: BackupResult }) {
  return (
    <ul className="plain" aria-label="Moves applied to the backups">
      {backups.destinations.map((destination) => (
        <li key={destination.destination} data-testid="applied-to-backup">
          <strong>{driveName(destination.destination)}</strong>:{' '}
          {destination.error
            ? `not updated: ${destination.error.message}`
            : `${destination.moved} copies moved to the new layout, ${destination.copied} new files copied, ` +
              `${destination.skipped} already in place${destination.failed.length > 0 ? `, ${destination.failed.length} failed` : ''}`}
          {destination.failed.map((failure) => (
            <p key={failure.path} className="error">
              {failure.path}: {failure.reason}
            </p>
          ))}
        </li>
      ))}
    </ul>
  )
}

export function OrganizeScreen() {
  const source = useSourcesStore((state) => state.selected)
  const preferred = useSettingsStore((state) => state.settings?.preferences.organizeBy ?? 'night')
  const { job, isRunning, result } = useLastJob('organize', OrganizeResultSchema)
  const startOrganize = useJobsStore((state) => state.startOrganize)
  const [chosenBy, setChosenBy] = useState<OrganizeBy | undefined>()
  const [isUndo, setIsUndo] = useState(false)
  const [startError, setStartError] = useState<CompanionErrorData | undefined>()
  const preview = usePreview<OrganizeResult>()
  const by = chosenBy ?? preferred
  const plan = preview.value
  // A card already backed up: its drives keep the old layout unless the moves are applied to them too.
  const remembered = useCardBackupStore((state) => (state.source === source ? state.info : undefined))
  const loadCardBackup = useCardBackupStore((state) => state.load)
  const finished = job?.status === 'completed'
  useEffect(() => {
    if (source) void loadCardBackup(source)
  }, [source, finished, loadCardBackup])
  const backupDrives = remembered?.destinations ?? []
  const [applyToBackups, setApplyToBackups] = useState(false)

  const runPreview = (undo: boolean) => {
    if (!source) return
    setIsUndo(undo)
    void preview.run(() => callCompanion('storage.organizePlan', { source, by, undo }))
  }
  const confirm = async () => {
    if (!source) return
    const failure = await startOrganize({
      source,
      by,
      undo: isUndo,
      applyToBackups: applyToBackups ? backupDrives : [],
    })
    setStartError(failure)
    if (!failure) preview.clear()
  }

  return (
    <section className="screen">
      <header className="screen-head">
        <h1>Organize</h1>
      </header>
      <ChosenSource source={source} />
      <fieldset className="panel" disabled={isRunning}>
        <legend>Sort photos into folders</legend>
        <div role="radiogroup" aria-label="Folder per" className="choices-row">
          {(['night', 'date'] as const).map((option) => (
            <label key={option}>
              <input
                type="radio"
                name="organize-by"
                checked={by === option}
                onChange={() => {
                  setChosenBy(option)
                  preview.clear()
                }}
              />{' '}
              {option === 'night' ? 'By night (noon to noon, named by the evening)' : 'By calendar date'}
            </label>
          ))}
        </div>
        <div className="actions">
          <button type="button" onClick={() => runPreview(false)} disabled={!source || preview.loading}>
            Preview moves
          </button>
          <button type="button" onClick={() => runPreview(true)} disabled={!source || preview.loading}>
            Preview undo of the last organize
          </button>
        </div>
      </fieldset>
      <ErrorMessage error={preview.error} title="Preview failed" />
      {plan ? (
        <section className="panel" aria-label="Organize plan" data-testid="organize-plan">
          <h2>{isUndo ? 'Undo plan' : 'Plan'} (nothing moved yet)</h2>
          <p data-testid="plan-move-count">
            {plan.moves.length === 0
              ? isUndo
                ? 'There is no organize to undo.'
                : 'Every photo is already in its folder.'
              : `${plan.moves.length} files to move${plan.moves.some((move) => move.kind === 'dedupe') ? ' (identical duplicates are removed instead)' : ''}`}
          </p>
          {plan.moves.length > 0 ? (
            <>
              {isUndo ? (
                <p className="muted" data-testid="undo-direction">
                  Undo moves these files back to where they were before the last organize.
                </p>
              ) : null}
              <MovesByFolder moves={plan.moves} undo={isUndo} />
              {backupDrives.length > 0 ? (
                <div className="warning" data-testid="organize-backed-up">
                  <p>
                    This card is backed up to {listNames(backupDrives.map(driveName))}; the backups will still
                    hold the old folder layout.
                  </p>
                  <label>
                    <input
                      type="checkbox"
                      checked={applyToBackups}
                      onChange={(event) => setApplyToBackups(event.target.checked)}
                    />{' '}
                    Also apply these moves to the backups (each drive&apos;s verified copies are checked and
                    moved there; nothing is copied again). Every drive must be plugged in.
                  </label>
                </div>
              ) : null}
              <div className="actions">
                <button type="button" className="primary" disabled={isRunning} onClick={() => void confirm()}>
                  {isUndo ? 'Undo' : 'Move'} {plan.moves.length} files
                </button>
                <button type="button" onClick={preview.clear}>
                  Leave as is
                </button>
              </div>
            </>
          ) : null}
        </section>
      ) : null}
      <ErrorMessage error={startError} title="Organize did not start" />
      {job ? <JobProgressPanel jobId={job.id} label="Organize" /> : null}
      {result?.success ? (
        <section className="panel" aria-label="Organize result" data-testid="organize-result">
          <h2>Result</h2>
          <p>
            {result.data.undo ? 'Restored' : 'Moved'} {result.data.done} files
            {result.data.failed.length > 0 ? `, ${result.data.failed.length} failed` : ''}.
          </p>
          {result.data.failed.map((failure) => (
            <p key={failure.path} className="error">
              {failure.path}: {failure.reason}
            </p>
          ))}
          {result.data.backups ? <AppliedToBackups backups={result.data.backups} /> : null}
        </section>
      ) : null}
    </section>
  )
}
