import { JobQueue, type JobDetails, type JobTask } from '../core/jobs/index.js'
import type { JobSnapshot } from '../shared/jobs.js'
import { ProgressBar } from './progressBar.js'

/**
 * Runs one operation as a job, exactly as the app does, with a progress bar fed by the job's events and
 * Ctrl-C mapped to cancel (complete files are kept).
 */
export async function runAsJob<T>(
  label: string,
  task: JobTask<T>,
  options: { quiet: boolean; details?: JobDetails<T> },
): Promise<JobSnapshot> {
  const queue = JobQueue.inMemory({ concurrency: 1 })
  const bar = new ProgressBar(label, !options.quiet && Boolean(process.stderr.isTTY))
  const job = queue.enqueue(label, task, options.details)
  let lastMessage: string | undefined
  const unsubscribe = queue.subscribe((snapshot) => {
    if (snapshot.id !== job.id || snapshot.status !== 'running') return
    // A message without figures (waiting for another backup to the drive) is worth a line of its own.
    const { message } = snapshot.progress
    if (message !== undefined && message !== lastMessage && snapshot.progress.bytesTotal === undefined) {
      lastMessage = message
      if (!options.quiet) process.stderr.write(`${message}\n`)
    }
    bar.update(snapshot.progress)
  })
  const onInterrupt = () => {
    process.stderr.write('\nCancelling: finishing the current file safely…\n')
    queue.cancelJob(job.id)
  }
  process.on('SIGINT', onInterrupt)
  try {
    return (await queue.waitFor(job.id)) as JobSnapshot
  } finally {
    process.off('SIGINT', onInterrupt)
    unsubscribe()
    bar.stop()
  }
}
