import { randomUUID } from 'node:crypto'
import {
  isFinishedStatus,
  type JobError,
  type JobProgressUpdate,
  type JobSnapshot,
  type JobStatus,
} from '../../shared/jobs.js'
import type { Assessment } from '../../shared/jobOutcome.js'
import type { JobKind } from '../../shared/jobs.js'
import { describeError, isCompanionError } from '../errors.js'
import { DEFAULT_MAX_FINISHED_JOBS, JobHistory, finishedBeyond } from './jobHistory.js'
import { SpeedMeter } from './jobSpeed.js'

export interface JobContext {
  signal: AbortSignal
  progress(update: JobProgressUpdate): void
}

/** A long operation; its resolved value becomes the job's result and must be JSON-serialisable. */
export type JobTask<T = unknown> = (context: JobContext) => Promise<T>

/** What a job is, beyond its display name: a typed kind and source, and how to judge its result. */
export interface JobDetails<T = unknown> {
  kind?: JobKind
  source?: string
  /** Judges a result (src/shared/jobOutcome.ts); without it a completed job is a success. */
  assess?: (result: T) => Assessment
}

export type Job = JobSnapshot
export type JobListener = (job: JobSnapshot) => void

export interface JobQueueOptions {
  concurrency?: number
  /** Where finished jobs are kept across restarts; without it history lives in memory only. */
  historyPath?: string
  /** Milliseconds between two progress events of one job; status changes are never delayed. */
  progressIntervalMs?: number
  now?: () => number
  /** Finished jobs kept (newest first), in memory and in the history; unfinished ones are always kept. */
  maxFinishedJobs?: number
}

interface Entry {
  snapshot: JobSnapshot
  task?: JobTask
  controller: AbortController
  speed: SpeedMeter
  /** Progress waiting to be published by the throttle. */
  pendingTimer?: NodeJS.Timeout
  lastPublishedAt: number
  settled: Promise<JobSnapshot>
  settle: (job: JobSnapshot) => void
  assess?: (result: unknown) => Assessment
}

/**
 * A worker pool for long operations (the original web app's job_queue.py): FIFO, at most `concurrency`
 * running, live progress with speed and ETA, cancel, and a history that survives restarts and crashes.
 */
export class JobQueue {
  private readonly entries = new Map<string, Entry>()
  private readonly waiting: Entry[] = []
  private readonly listeners = new Set<JobListener>()
  private running = 0
  private closed = false
  private readonly concurrency: number
  private readonly progressIntervalMs: number
  private readonly now: () => number
  private readonly maxFinishedJobs: number

  private constructor(
    options: JobQueueOptions,
    private readonly history: JobHistory | undefined,
    restored: JobSnapshot[],
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2)
    this.progressIntervalMs = options.progressIntervalMs ?? 100
    this.now = options.now ?? Date.now
    this.maxFinishedJobs = options.maxFinishedJobs ?? DEFAULT_MAX_FINISHED_JOBS
    for (const job of restored) this.entries.set(job.id, this.newEntry(job))
  }

  /** Opens the queue, reading the history at `historyPath` if given. */
  static async open(options: JobQueueOptions = {}): Promise<JobQueue> {
    const now = (options.now ?? Date.now)()
    if (!options.historyPath) return new JobQueue(options, undefined, [])
    const { history, jobs } = await JobHistory.open(options.historyPath, now, options.maxFinishedJobs)
    return new JobQueue(options, history, jobs)
  }

  /** A queue without persistent history, for one-shot runs (the CLI) and tests. */
  static inMemory(options: Omit<JobQueueOptions, 'historyPath'> = {}): JobQueue {
    return new JobQueue(options, undefined, [])
  }

  enqueue<T>(name: string, task: JobTask<T>, details: JobDetails<T> = {}): Job {
    if (this.closed) throw new Error('The job queue is closed')
    const entry = this.newEntry({
      id: randomUUID(),
      name,
      ...(details.kind ? { kind: details.kind } : {}),
      ...(details.source ? { source: details.source } : {}),
      status: 'queued',
      progress: {},
      createdAt: this.now(),
    })
    entry.task = task as JobTask
    entry.assess = details.assess as ((result: unknown) => Assessment) | undefined
    this.entries.set(entry.snapshot.id, entry)
    this.waiting.push(entry)
    const queued = { ...entry.snapshot }
    void this.persist(queued)
    this.publish(entry)
    this.pump()
    return queued
  }

  getJob(id: string): Job | undefined {
    const entry = this.entries.get(id)
    return entry ? { ...entry.snapshot } : undefined
  }

  getJobStatus(id: string): JobStatus | undefined {
    return this.entries.get(id)?.snapshot.status
  }

  /** Newest first. */
  listJobs(): Job[] {
    // Entries are kept in creation order; reversing first keeps same-millisecond jobs newest first too.
    return [...this.entries.values()]
      .reverse()
      .map((entry) => ({ ...entry.snapshot }))
      .sort((a, b) => b.createdAt - a.createdAt)
  }

  /** Resolves with the job's final state (at once for a finished job, undefined for an unknown id). */
  async waitFor(id: string): Promise<Job | undefined> {
    return this.entries.get(id)?.settled
  }

  /**
   * A queued job is cancelled at once; a running one is asked to stop through its signal and becomes
   * `cancelled` when its task settles. Returns whether anything was cancelled.
   */
  cancelJob(id: string): boolean {
    const entry = this.entries.get(id)
    if (!entry) return false
    const { status } = entry.snapshot
    if (status === 'queued') {
      this.waiting.splice(this.waiting.indexOf(entry), 1)
      this.finish(entry, { status: 'cancelled' })
      return true
    }
    if (status === 'running' && !entry.controller.signal.aborted) {
      entry.controller.abort()
      return true
    }
    return false
  }

  /** Removes finished jobs that ended more than `maxAgeMs` ago, from memory and history; returns how many. */
  async cleanupOldJobs(maxAgeMs: number): Promise<number> {
    const cutoff = this.now() - maxAgeMs
    let removed = 0
    for (const [id, entry] of this.entries) {
      const { status, finishedAt } = entry.snapshot
      if (isFinishedStatus(status) && (finishedAt ?? 0) < cutoff) {
        this.entries.delete(id)
        removed++
      }
    }
    if (removed > 0) await this.history?.replaceAll(this.listJobs().reverse())
    return removed
  }

  /** Resolves once every state recorded so far is on disk. */
  flushed(): Promise<void> {
    return this.history?.flushed() ?? Promise.resolve()
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Stops taking jobs; running ones are aborted and recorded as `interrupted`. */
  async close(): Promise<void> {
    this.closed = true
    for (const entry of this.waiting.splice(0)) this.finish(entry, interrupted())
    const running = [...this.entries.values()].filter((entry) => entry.snapshot.status === 'running')
    for (const entry of running) entry.controller.abort(new Error('closing'))
    await Promise.all(running.map((entry) => entry.settled))
    await this.history?.close()
  }

  private newEntry(snapshot: JobSnapshot): Entry {
    let settle: (job: JobSnapshot) => void = () => undefined
    const settled = new Promise<JobSnapshot>((resolve) => (settle = resolve))
    const entry: Entry = {
      snapshot,
      controller: new AbortController(),
      speed: new SpeedMeter(),
      lastPublishedAt: 0,
      settled,
      settle,
    }
    if (isFinishedStatus(snapshot.status)) settle({ ...snapshot })
    return entry
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      void this.run(this.waiting.shift() as Entry)
    }
  }

  private async run(entry: Entry): Promise<void> {
    this.running++
    entry.snapshot = { ...entry.snapshot, status: 'running', startedAt: this.now() }
    void this.persist(entry.snapshot)
    this.publish(entry)
    const { signal } = entry.controller
    try {
      const result = await (entry.task as JobTask)({
        signal,
        progress: (update) => this.onProgress(entry, update),
      })
      if (signal.aborted) this.finish(entry, this.closed ? interrupted() : { status: 'cancelled' })
      else {
        const { outcome, problems } = entry.assess?.(result) ?? { outcome: 'success', problems: 0 }
        this.finish(entry, {
          status: 'completed',
          outcome,
          problems,
          result,
          progress: completedProgress(entry),
        })
      }
    } catch (error) {
      if (signal.aborted) this.finish(entry, this.closed ? interrupted() : { status: 'cancelled' })
      else this.finish(entry, { status: 'failed', error: toJobError(error) })
    } finally {
      this.running--
      entry.task = undefined
      this.pump()
    }
  }

  private onProgress(entry: Entry, update: JobProgressUpdate): void {
    if (entry.snapshot.status !== 'running') return
    const at = this.now()
    const progress = { ...entry.snapshot.progress, ...update }
    if (progress.bytesDone !== undefined) entry.speed.add(at, progress.bytesDone)
    progress.bytesPerSecond = entry.speed.bytesPerSecond()
    progress.etaSeconds = entry.speed.etaSeconds(progress.bytesTotal)
    if (update.fraction === undefined && progress.bytesTotal) {
      progress.fraction = Math.min(1, (progress.bytesDone ?? 0) / progress.bytesTotal)
    }
    entry.snapshot = { ...entry.snapshot, progress }
    // Throttle: at most one event per interval per job, always carrying the latest state.
    if (entry.pendingTimer) return
    const wait = entry.lastPublishedAt + this.progressIntervalMs - at
    if (wait <= 0) this.publish(entry)
    else {
      entry.pendingTimer = setTimeout(() => {
        entry.pendingTimer = undefined
        if (entry.snapshot.status === 'running') this.publish(entry)
      }, wait)
    }
  }

  private finish(entry: Entry, change: Partial<JobSnapshot>): void {
    clearTimeout(entry.pendingTimer)
    entry.pendingTimer = undefined
    entry.snapshot = { ...entry.snapshot, ...change, finishedAt: this.now() }
    const final = { ...entry.snapshot }
    // The job counts as finished for waiters only once its final state is on disk.
    void this.persist(final).finally(() => entry.settle(final))
    this.publish(entry)
    this.forgetOldFinished()
  }

  /** The history's bound in memory too: a long-running `serve` must not keep every result it ever made. */
  private forgetOldFinished(): void {
    const snapshots = [...this.entries.values()].map((entry) => entry.snapshot)
    for (const job of finishedBeyond(snapshots, this.maxFinishedJobs)) this.entries.delete(job.id)
  }

  private async persist(job: JobSnapshot): Promise<void> {
    if (!this.history) return
    try {
      await this.history.record(job)
    } catch (error) {
      console.warn(`Could not record job ${job.id} in the history: ${describeError(error)}`)
    }
  }

  private publish(entry: Entry): void {
    entry.lastPublishedAt = this.now()
    const job = { ...entry.snapshot }
    for (const listener of this.listeners) {
      try {
        listener(job)
      } catch (error) {
        console.warn(`A job listener failed: ${describeError(error)}`)
      }
    }
  }
}

const interrupted = (): Partial<JobSnapshot> => ({
  status: 'interrupted',
  error: { type: 'Interrupted', message: 'The app stopped while this job was running' },
})

function completedProgress(entry: Entry): JobSnapshot['progress'] {
  const { bytesPerSecond: _speed, etaSeconds: _eta, ...progress } = entry.snapshot.progress
  return { ...progress, fraction: 1 }
}

/** A readable `{ type, message }` from anything a task can throw, including non-Error values. */
export function toJobError(error: unknown): JobError {
  if (isCompanionError(error)) return { type: error.code, message: error.message }
  if (error instanceof Error) return { type: error.name || 'Error', message: describeError(error) }
  return {
    type: 'Error',
    message: error === undefined ? 'The task failed without a reason' : describeError(error),
  }
}
