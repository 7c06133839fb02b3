import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus, type JobSnapshot } from '../../../shared/jobs.js'
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

/** A completed job that missed files or drives says so in its status: "Done" would overstate it. */
function statusText(job: JobSnapshot): string {
  if (job.status !== 'completed' || !job.outcome || job.outcome === 'success') return STATUS_TEXT[job.status]
  const problems = `${job.problems ?? 0} ${job.problems === 1 ? 'problem' : 'problems'}`
  return job.outcome === 'failed' ? `Nothing done (${problems})` : `Incomplete (${problems})`
}

/** One term and its value in the panel's figures. */
function Figure({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

/** Live progress of one job; it selects only its own job, so other jobs' ticks do not redraw it. */
export function JobProgressPanel({
  jobId,
  label,
  focusOnMount = false,
  cancelledNote = 'Stopped on request. Files already copied and verified are kept.',
}: {
  jobId: string
  label: string
  /** What a cancelled run kept, in this job's words. */
  cancelledNote?: string
  /** A run the user just started: focus moves here, so keyboard and screen reader users follow it. */
  focusOnMount?: boolean
}) {
  const job = useJobsStore((state) => state.jobs[jobId])
  const cancel = useJobsStore((state) => state.cancel)
  const [cancelError, setCancelError] = useState<CompanionErrorData | undefined>()
  const panel = useRef<HTMLElement>(null)
  const hasJob = job !== undefined
  useEffect(() => {
    if (focusOnMount && hasJob) panel.current?.focus()
  }, [focusOnMount, hasJob])
  if (!job) return null
  const { progress } = job
  const fraction = job.status === 'completed' ? 1 : progress.fraction
  const isActive = !isFinishedStatus(job.status)
  const hasBytes = progress.bytesTotal !== undefined
  return (
    <section
      ref={panel}
      tabIndex={-1}
      className="panel job-panel"
      aria-label={`${label} progress`}
      data-status={job.status}
    >
      <div className="job-panel-head">
        <strong>{label}</strong>
        <span className={`status status-${job.outcome ?? job.status}`} data-testid="job-status">
          {statusText(job)}
        </span>
        <span className="percent" data-testid="job-percent">
          {formatPercent(fraction)}
        </span>
      </div>
      <ProgressBar label={`${label} progress`} fraction={fraction} />
      <dl className="figures">
        {/* Only what this job reports: a cleanup counts files, a backup also bytes, speed and time left. */}
        {hasBytes ? (
          <Figure term="Data">
            {formatBytes(progress.bytesDone ?? 0)} of {formatBytes(progress.bytesTotal)}
          </Figure>
        ) : null}
        {progress.filesTotal !== undefined ? (
          <Figure term="Files">
            {progress.filesDone ?? 0} of {progress.filesTotal}
          </Figure>
        ) : null}
        {hasBytes ? (
          <>
            <Figure term="Speed">{isActive ? formatSpeed(progress.bytesPerSecond) : '–'}</Figure>
            <Figure term="Time left">{isActive ? formatSeconds(progress.etaSeconds) : '–'}</Figure>
          </>
        ) : null}
      </dl>
      {progress.message && isActive ? <p className="muted">{progress.message}</p> : null}
      {isActive ? (
        <button type="button" className="danger" onClick={() => void cancel(job.id).then(setCancelError)}>
          Cancel
        </button>
      ) : null}
      {job.status === 'cancelled' ? <p className="muted">{cancelledNote}</p> : null}
      <ErrorMessage error={job.error} title={`${label} failed`} />
      <ErrorMessage error={cancelError} title="Could not cancel" />
    </section>
  )
}
