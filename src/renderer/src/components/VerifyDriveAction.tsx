import { useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus } from '../../../shared/jobs.js'
import { VerifyReportSchema } from '../../../shared/verify.js'
import { useDriveActionsStore } from '../stores/driveActionsStore.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { ErrorMessage } from './ErrorMessage.js'
import { JobProgressPanel } from './JobProgressPanel.js'

/**
 * "Verify": re-reads a backup (one card folder, or every card folder on a drive) from the drive itself and
 * compares it with the manifests.
 * The report names every file that is not intact; it says when this system could only check through the
 * page cache, which proves less.
 */
export function VerifyDriveAction({ target }: { target: string }) {
  const jobId = useDriveActionsStore((state) => state.verifyJobs[target])
  const starting = useDriveActionsStore((state) => state.starting[target] ?? false)
  const startVerify = useDriveActionsStore((state) => state.startVerify)
  const job = useJobsStore((state) => (jobId ? state.jobs[jobId] : undefined))
  const [error, setError] = useState<CompanionErrorData | undefined>()
  const running = starting || (job !== undefined && !isFinishedStatus(job.status))
  const label = job ? 'Verify again' : 'Verify'
  const report = job?.status === 'completed' ? VerifyReportSchema.safeParse(job.result) : undefined

  return (
    <div className="drive-action" data-testid="verify-drive">
      <button
        type="button"
        aria-label={`${label} ${target}`}
        disabled={running}
        onClick={async () => setError(await startVerify(target))}
      >
        {label}
      </button>
      <ErrorMessage error={error} title="Verify could not start" />
      {jobId ? <JobProgressPanel jobId={jobId} label="Verify" /> : null}
      {job?.status === 'failed' ? <ErrorMessage error={job.error} title="Verify failed" /> : null}
      {report?.success ? (
        <div data-testid="verify-report">
          <p
            className={job?.outcome === 'success' ? undefined : 'error'}
            role={job?.outcome === 'success' ? undefined : 'alert'}
          >
            {report.data.counts.ok} ok, {report.data.counts.changed} changed, {report.data.counts.missing}{' '}
            missing, {report.data.counts.unlisted} unlisted
            {report.data.counts.unreadable > 0 ? `, ${report.data.counts.unreadable} unreadable` : ''}
            {report.data.readLevel === 'drive'
              ? ' — read from the drive itself.'
              : ' — read through the page cache: this system could not bypass it, so a drive that drops writes could pass.'}
          </p>
          <ul className="failures">
            {report.data.cardFolders
              .flatMap((folder) =>
                folder.files.map((file) => ({
                  ...file,
                  folder: folder.cardFolder.split(/[\\/]/).at(-1) ?? '',
                })),
              )
              .filter((file) => file.status !== 'ok')
              .slice(0, 50)
              .map((file) => (
                <li key={`${file.folder}/${file.path}`}>
                  <strong>{file.status}</strong>{' '}
                  {report.data.cardFolders.length > 1 ? `${file.folder}/${file.path}` : file.path}:{' '}
                  {file.reason}
                </li>
              ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}
