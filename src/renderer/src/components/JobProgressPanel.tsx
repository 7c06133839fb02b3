import { useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus } from '../../../shared/jobs.js'
import { formatBytes, formatPercent, formatSeconds, formatSpeed } from '../format.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { ErrorMessage } from './ErrorMessage.js'
import { ProgressBar } from './ProgressBar.js'

const STATUS_TEXT = {
  queued: 'Waiting to start',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (the companion stopped)',
} as const

/** Live progress of one job; it selects only its own job, so other jobs' ticks do not redraw it. */
export function JobProgressPanel({ jobId, label }: { jobId: string; label: string }) {
  const job = useJobsStore((state) => state.jobs[jobId])
  const cancel = useJobsStore((state) => state.cancel)
  const [cancelError, setCancelError] = useState<CompanionErrorData | undefined>()
  if (!job) return null
  const { progress } = job
  const fraction = job.status === 'completed' ? 1 : progress.fraction
  const isActive = !isFinishedStatus(job.status)
  return (
    <section className="panel job-panel" aria-label={`${label} progress`} data-status={job.status}>
      <div className="job-panel-head">
        <strong>{label}</strong>
        <span className={`status status-${job.status}`} data-testid="job-status">
          {STATUS_TEXT[job.status]}
        </span>
        <span className="percent" data-testid="job-percent">
          {formatPercent(fraction)}
        </span>
      </div>
      <ProgressBar label={`${label} progress`} fraction={fraction} />
      <dl className="figures">
        {/* Only what this job reports: a cleanup counts files, a backup also bytes, speed and time left. */}
        {progress.bytesTotal !== undefined ? (
          <div>
            <dt>Data</dt>
            <dd>
              {formatBytes(progress.bytesDone ?? 0)} of {formatBytes(progress.bytesTotal)}
            </dd>
          </div>
        ) : null}
        {progress.filesTotal !== undefined ? (
          <div>
            <dt>Files</dt>
            <dd>
              {progress.filesDone ?? 0} of {progress.filesTotal}
            </dd>
          </div>
        ) : null}
        {progress.bytesTotal !== undefined ? (
          <>
            <div>
              <dt>Speed</dt>
              <dd>{isActive ? formatSpeed(progress.bytesPerSecond) : '–'}</dd>
            </div>
            <div>
              <dt>Time left</dt>
              <dd>{isActive ? formatSeconds(progress.etaSeconds) : '–'}</dd>
            </div>
          </>
        ) : null}
      </dl>
      {progress.message && isActive ? <p className="muted">{progress.message}</p> : null}
      {isActive ? (
        <button type="button" className="danger" onClick={() => void cancel(job.id).then(setCancelError)}>
          Cancel
        </button>
      ) : null}
      {job.status === 'cancelled' ? (
        <p className="muted">Stopped on request. Files already copied and verified are kept.</p>
      ) : null}
      <ErrorMessage error={job.error} title={`${label} failed`} />
      <ErrorMessage error={cancelError} title="Could not cancel" />
    </section>
  )
}
