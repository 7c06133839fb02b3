import type { z } from 'zod'
import { isFinishedStatus, type JobSnapshot } from '../../shared/jobs.js'
import { useJobsStore, type JobKind } from './stores/jobsStore.js'

export interface LastJob<T> {
  job: JobSnapshot | undefined
  /** Starting or running: the screen's form is locked so a second run cannot begin. */
  isRunning: boolean
  /** The completed job's result, checked against the contract's schema. */
  result: z.ZodSafeParseResult<T> | undefined
}

/** The job a screen last started (found again after navigating away), and what it has come to. */
export function useLastJob<T>(kind: JobKind, resultSchema: z.ZodType<T>): LastJob<T> {
  const jobId = useJobsStore((state) => state.lastStarted[kind])
  const job = useJobsStore((state) => (jobId ? state.jobs[jobId] : undefined))
  const isStarting = useJobsStore((state) => state.starting[kind] ?? false)
  return {
    job,
    isRunning: isStarting || (job !== undefined && !isFinishedStatus(job.status)),
    result: job?.status === 'completed' ? resultSchema.safeParse(job.result) : undefined,
  }
}
