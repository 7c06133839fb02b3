import { useEffect, useRef, useState } from 'react'
import type { JobSnapshot } from '../../../shared/jobs.js'
import { useJobsStore } from '../stores/jobsStore.js'

/** Progress is announced at these steps only: every tick would drown a screen reader. */
const STEP = 0.25

/** Runs the user asked for; background work (damage checks, thumbnails) is not worth interrupting them. */
const ANNOUNCED_KINDS = new Set(['backup', 'cleanup', 'organize', 'verify', 'export'])

function outcomeText(job: JobSnapshot): string {
  if (job.status !== 'completed') {
    return { failed: 'failed', cancelled: 'was cancelled', interrupted: 'was interrupted' }[
      job.status as 'failed' | 'cancelled' | 'interrupted'
    ]
  }
  if (!job.outcome || job.outcome === 'success') return 'is done'
  const problems = `${job.problems ?? 0} ${job.problems === 1 ? 'problem' : 'problems'}`
  return job.outcome === 'failed' ? `did nothing (${problems})` : `is incomplete (${problems})`
}

/** What is worth saying about a job that changed, or undefined when nothing new is worth saying. */
function announcementOf(job: JobSnapshot, before: JobSnapshot | undefined): string | undefined {
  if (job.kind && !ANNOUNCED_KINDS.has(job.kind)) return undefined
  if (job.status === 'running' && before?.status !== 'running') return `${job.name} started`
  if (job.status === 'running' && before) {
    const step = Math.floor((job.progress.fraction ?? 0) / STEP)
    const stepBefore = Math.floor((before.progress.fraction ?? 0) / STEP)
    return step > stepBefore && step < 1 / STEP ? `${job.name}: ${step * 25} %` : undefined
  }
  if (
    job.status !== before?.status &&
    ['completed', 'failed', 'cancelled', 'interrupted'].includes(job.status)
  ) {
    return `${job.name} ${outcomeText(job)}`
  }
  return undefined
}

/**
 * One polite live region for the whole app: a run's start, its progress by quarters and its end are read
 * out wherever the user is, without moving their focus.
 */
export function JobAnnouncer() {
  const jobs = useJobsStore((state) => state.jobs)
  const seen = useRef<Record<string, JobSnapshot> | undefined>(undefined)
  const [message, setMessage] = useState('')
  useEffect(() => {
    const before = seen.current
    seen.current = jobs
    // The history loaded at start is not news.
    if (!before) return
    const said = Object.values(jobs).flatMap((job) => announcementOf(job, before[job.id]) ?? [])
    if (said.length > 0) setMessage(said.join('. '))
  }, [jobs])
  return (
    <div className="visually-hidden" aria-live="polite" data-testid="announcer">
      {message}
    </div>
  )
}
