import { assessBackup, readBackFromCacheNote, verifiedOnDrive } from '../../../shared/jobOutcome.js'
import type { BackupResult } from '../../../shared/storage.js'
import { formatBytes } from '../format.js'
import { ExportCamtrapAction } from './ExportCamtrapAction.js'
import { OpenFolderAction } from './OpenFolderAction.js'
import { VerifyDriveAction } from './VerifyDriveAction.js'

/** What a finished backup did, per drive: verified copies, what was already there, what failed and why. */
export function BackupResultView({ result, jobId }: { result: BackupResult; jobId: string }) {
  const { outcome, problems } = assessBackup(result)
  const nothingNew = result.destinations.every(
    (destination) => destination.copied + destination.moved === 0 && !destination.error,
  )
  return (
    <section className="panel" aria-label="Backup result" data-testid="backup-result">
      <h2>Result</h2>
      {outcome === 'success' && result.verify ? (
        <p data-testid="backup-outcome">
          {nothingNew
            ? `Nothing new: all ${result.filesTotal} files of the card were already verified on every drive.`
            : `Complete: all ${result.filesTotal} files of the card are verified on every drive.`}{' '}
          <strong data-testid="safe-to-remove">It is safe to remove the card.</strong>
        </p>
      ) : (
        <p className="error" role="alert" data-testid="backup-outcome">
          {result.verify
            ? `Incomplete: ${problems} ${problems === 1 ? 'problem' : 'problems'}, listed below. Do not clear the card yet.`
            : 'Copied without verification: nothing is recorded as backed up.'}
        </p>
      )}
      {nothingNew ? null : (
        <p>
          {result.filesTotal} files ({formatBytes(result.bytesTotal)}) on the card,{' '}
          {formatBytes(result.bytesCopied)} copied in {(result.durationMs / 1000).toFixed(1)} s.
        </p>
      )}
      <ul className="plain">
        {result.destinations.map((destination) => (
          <li
            key={destination.destination}
            className={destination.error ? 'destination failed' : 'destination'}
          >
            <strong>{destination.destination}</strong>
            {destination.error ? (
              <p className="error" role="alert">
                This drive stopped: {destination.error.message}
              </p>
            ) : null}
            <p data-testid="verified-counts">
              {verifiedOnDrive(destination)} of {result.filesTotal} files verified there:{' '}
              {destination.copied + destination.moved === 0 && !destination.error
                ? 'nothing new'
                : `${destination.copied} copied and verified`}
              , {destination.skipped} already verified
              {destination.moved > 0 ? `, ${destination.moved} moved to the card's new layout` : ''}
              {destination.failed.length > 0 ? `, ${destination.failed.length} failed` : ''}
            </p>
            {destination.readBackFromCache > 0 ? (
              <p data-testid="read-back-from-cache">
                {readBackFromCacheNote(destination.readBackFromCache)}.
              </p>
            ) : null}
            <p className="muted">
              Copy in <code>{destination.cardFolder}</code>
              <br />
              Manifest: <code data-testid="manifest-path">{destination.manifestPath}</code>
            </p>
            {destination.error ? null : (
              <div className="drive-actions">
                <OpenFolderAction jobId={jobId} folder={destination.cardFolder} />
                <VerifyDriveAction target={destination.cardFolder} />
                <ExportCamtrapAction cardFolder={destination.cardFolder} />
              </div>
            )}
            {destination.failed.length > 0 ? (
              <ul className="failures">
                {destination.failed.slice(0, 50).map((failure) => (
                  <li key={failure.path}>
                    {failure.path}: {failure.reason}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      {result.failed.length > 0 ? (
        <div className="warning">
          {result.failed.length} files or folders could not be read from the card:
          <ul className="failures">
            {result.failed.slice(0, 50).map((failure) => (
              <li key={failure.path}>
                {failure.path}: {failure.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.flagged.length > 0 ? (
        <div>
          <p>Damaged or empty photos, copied as they are on the card:</p>
          <ul className="failures" aria-label="Damaged or empty photos">
            {result.flagged.slice(0, 200).map((photo) => (
              <li key={photo.path}>
                {photo.path}: {photo.flags.join(', ')}
              </li>
            ))}
          </ul>
          {result.flagged.length > 200 ? (
            <p className="muted">and {result.flagged.length - 200} more (listed in the job's details)</p>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}
