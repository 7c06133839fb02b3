import { useState } from 'react'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isFinishedStatus } from '../../../shared/jobs.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { JobDetails } from '../components/JobDetails.js'
import { ProgressBar } from '../components/ProgressBar.js'
import { VirtualList } from '../components/VirtualList.js'
import { formatDuration, formatPercent } from '../format.js'
import { useJobsStore } from '../stores/jobsStore.js'

const DAY_MS = 24 * 3600 * 1000
const CLEAR_CHOICES = [
  { label: 'older than a week', maxAgeMs: 7 * DAY_MS },
  { label: 'older than a day', maxAgeMs: DAY_MS },
  { label: 'all finished jobs', maxAgeMs: 0 },
] as const

/** A row selects its own job, so a progress tick redraws one row, not the list. */
function JobRow({ id, isOpen, onOpen }: { id: string; isOpen: boolean; onOpen(): void }) {
  const job = useJobsStore((state) => state.jobs[id])
  const cancel = useJobsStore((state) => state.cancel)
  if (!job) return null
  const isActive = !isFinishedStatus(job.status)
  return (
    <div className="job-row" data-status={job.status}>
      <div className="job-row-main">
        <span className="job-name" title={job.name}>
          {job.name}
        </span>
        <span className={`status status-${job.status}`}>{job.status}</span>
        {job.outcome && job.outcome !== 'success' ? (
          // A completed job that missed files or drives must never read as plainly done.
          <span className={`status status-${job.outcome}`} data-testid="job-outcome">
            {job.outcome === 'failed' ? 'nothing done' : 'incomplete'}: {job.problems ?? 0}{' '}
            {job.problems === 1 ? 'problem' : 'problems'}
          </span>
        ) : null}
        <span className="muted">{new Date(job.createdAt).toLocaleString()}</span>
        <span className="muted">{formatDuration(job.startedAt, job.finishedAt)}</span>
        <button
          type="button"
          className="small"
          aria-expanded={isOpen}
          aria-controls={isOpen ? 'job-details' : undefined}
          aria-label={`Details of ${job.name}`}
          onClick={onOpen}
        >
          Details
        </button>
        {isActive ? (
          <button
            type="button"
            className="danger small"
            onClick={() => void cancel(job.id)}
            aria-label={`Cancel ${job.name}`}
          >
            Cancel
          </button>
        ) : null}
      </div>
      {isActive ? (
        <div className="job-row-progress">
          <ProgressBar label={`${job.name} progress`} fraction={job.progress.fraction} />
          <span>{formatPercent(job.progress.fraction)}</span>
        </div>
      ) : null}
      {job.error ? <div className="error small">{job.error.message}</div> : null}
    </div>
  )
}

export function JobsScreen() {
  // A string compares by value, so this re-renders only when jobs come or go, not on every progress tick.
  const idList = useJobsStore((state) =>
    Object.values(state.jobs)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((job) => job.id)
      .join(' '),
  )
  const loadError = useJobsStore((state) => state.error)
  const clearFinished = useJobsStore((state) => state.clearFinished)
  const [choice, setChoice] = useState(0)
  const [outcome, setOutcome] = useState<string | undefined>()
  const [error, setError] = useState<CompanionErrorData | undefined>()
  const [openId, setOpenId] = useState<string | undefined>()
  const ids = idList ? idList.split(' ') : []

  const clear = async () => {
    const picked = CLEAR_CHOICES[choice] ?? CLEAR_CHOICES[0]
    const result = await clearFinished(picked.maxAgeMs)
    if (typeof result === 'number') {
      setError(undefined)
      setOutcome(`Removed ${result} ${result === 1 ? 'job' : 'jobs'} from the history.`)
    } else setError(result)
  }

  return (
    <section className="screen">
      <header className="screen-head">
        <h1>Jobs</h1>
        <div className="inline-form">
          <label>
            Clear{' '}
            <select value={choice} onChange={(event) => setChoice(Number(event.target.value))}>
              {CLEAR_CHOICES.map((option, index) => (
                <option key={option.label} value={index}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void clear()}>
            Clear
          </button>
        </div>
      </header>
      {outcome ? (
        <p className="muted" role="status">
          {outcome}
        </p>
      ) : null}
      <ErrorMessage error={loadError ?? error} title="Jobs" />
      {ids.length === 0 ? (
        <p className="muted">No jobs yet.</p>
      ) : (
        <VirtualList
          items={ids}
          rowHeight={76}
          height={520}
          label="Jobs"
          getKey={(id) => id}
          renderRow={(id) => (
            <JobRow
              id={id}
              isOpen={openId === id}
              onOpen={() => setOpenId((current) => (current === id ? undefined : id))}
            />
          )}
        />
      )}
      {openId ? <JobDetails id={openId} onClose={() => setOpenId(undefined)} /> : null}
    </section>
  )
}
