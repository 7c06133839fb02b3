import { useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus } from '../../../shared/jobs.js'
import { VerifyReportSchema } from '../../../shared/verify.js'
import { useDriveActionsStore } from '../stores/driveActionsStore.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { ErrorMessage } from './ErrorMessage.js'
import { JobProgressPanel } from './JobProgressPanel.js'

/**
 * "Verify": re-reads this drive's copy of the card from the drive itself and compares it with the manifest.
 * The report names every file that is not intact; it says when this system could only check through the
 * page cache, which proves less.
 */
export function VerifyDriveAction({ cardFolder }: { cardFolder: string }) {
  const jobId = useDriveActionsStore((state) => state.verifyJobs[cardFolder])
  const starting = useDriveActionsStore((state) => state.starting[cardFolder] ?? false)
  const startVerify = useDriveActionsStore((state) => state.startVerify)
  const job = useJobsStore((state) => (jobId ? state.jobs[jobId] : undefined))
  const [error, setError] = useState<CompanionErrorData | undefined>()
  const running = starting || (job !== undefined && !isFinishedStatus(job.status))
  const report = job?.status === 'completed' ? VerifyReportSchema.safeParse(job.result) : undefined

  return (
    <div className="drive-action" data-testid="verify-drive">
      <button type="button" disabled={running} onClick={async () => setError(await startVerify(cardFolder))}>
        {job ? 'Verify again' : 'Verify'}
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
              .flatMap((folder) => folder.files)
              .filter((file) => file.status !== 'ok')
              .slice(0, 50)
              .map((file) => (
                <li key={file.path}>
                  <strong>{file.status}</strong> {file.path}: {file.reason}
                </li>
              ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}
