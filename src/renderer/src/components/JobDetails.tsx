import type { ReactNode } from 'react'
import type { JobSnapshot } from '../../../shared/jobs.js'
import { verifiedOnDrive } from '../../../shared/jobOutcome.js'
import {
  BackupResultSchema,
  CleanupPlanSchema,
  OrganizeResultSchema,
  type FileFailure,
} from '../../../shared/storage.js'
import { formatBytes, formatDuration } from '../format.js'
import { useJobsStore } from '../stores/jobsStore.js'

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

function Problems({ failures }: { failures: readonly FileFailure[] }) {
  if (failures.length === 0) return null
  return (
    <>
      <h3>Problems</h3>
      <ul className="failures" aria-label="Problems">
        {failures.slice(0, 200).map((failure) => (
          <li key={failure.path}>
            {failure.path}: {failure.reason}
          </li>
        ))}
      </ul>
      {failures.length > 200 ? <p className="muted">and {failures.length - 200} more</p> : null}
    </>
  )
}

/** What each kind of job did, read from its result as the contract defines it. */
function ResultFigures({ job }: { job: JobSnapshot }) {
  if (job.kind === 'backup') {
    const parsed = BackupResultSchema.safeParse(job.result)
    if (!parsed.success) return null
    const result = parsed.data
    return (
      <>
        <Row term="Files on the card">
          {result.filesTotal} ({formatBytes(result.bytesTotal)}), {formatBytes(result.bytesCopied)} copied
        </Row>
        {result.destinations.map((destination) => (
          <Row key={destination.destination} term={`Drive ${destination.destination}`}>
            {destination.error
              ? `stopped: ${destination.error.message}`
              : `${verifiedOnDrive(destination)} of ${result.filesTotal} verified (${destination.copied} copied, ${destination.skipped} already there)`}
            <br />
            Manifest: <code>{destination.manifestPath}</code>
          </Row>
        ))}
        <Problems
          failures={[...result.failed, ...result.destinations.flatMap((destination) => destination.failed)]}
        />
      </>
    )
  }
  if (job.kind === 'cleanup') {
    const parsed = CleanupPlanSchema.safeParse(job.result)
    if (!parsed.success) return null
    const plan = parsed.data
    return (
      <>
        <Row term="Deleted">
          {plan.deleted} photos, {formatBytes(plan.bytesFreed)} freed
        </Row>
        <Problems failures={[...plan.refused, ...plan.failed]} />
      </>
    )
  }
  if (job.kind === 'organize') {
    const parsed = OrganizeResultSchema.safeParse(job.result)
    if (!parsed.success) return null
    return (
      <>
        <Row term={parsed.data.undo ? 'Moved back' : 'Moved'}>{parsed.data.done} files</Row>
        {(parsed.data.backups?.destinations ?? []).map((destination) => (
          <Row key={destination.destination} term={`Drive ${destination.destination}`}>
            {destination.error
              ? `not updated: ${destination.error.message}`
              : `${destination.moved} copies moved to the new layout, ${destination.copied} new files copied`}
          </Row>
        ))}
        <Problems
          failures={[
            ...parsed.data.failed,
            ...(parsed.data.backups?.failed ?? []),
            ...(parsed.data.backups?.destinations ?? []).flatMap((destination) => destination.failed),
          ]}
        />
      </>
    )
  }
  return null
}

/** One job opened from the Jobs list: where it ran, what it did, what went wrong, how long it took. */
export function JobDetails({ id, onClose }: { id: string; onClose(): void }) {
  const job = useJobsStore((state) => state.jobs[id])
  if (!job) return null
  return (
    <section className="panel job-details" id="job-details" aria-label={`Details of ${job.name}`}>
      <div className="screen-head">
        <h2>{job.name}</h2>
        <button type="button" className="small" onClick={onClose}>
          Close details
        </button>
      </div>
      <dl className="figures details">
        <Row term="Source">{job.source ?? '–'}</Row>
        <Row term="Status">
          {job.status}
          {job.outcome ? ` (${job.outcome}${job.problems ? `, ${job.problems} problems` : ''})` : ''}
        </Row>
        <Row term="Started">{job.startedAt ? new Date(job.startedAt).toLocaleString() : '–'}</Row>
        <Row term="Duration">{formatDuration(job.startedAt, job.finishedAt)}</Row>
        <ResultFigures job={job} />
      </dl>
      {job.error ? <p className="error">{job.error.message}</p> : null}
    </section>
  )
}
