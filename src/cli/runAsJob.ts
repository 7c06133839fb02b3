import { JobQueue, type JobTask } from '../core/jobs/index.js'
import type { JobSnapshot } from '../shared/jobs.js'
import { ProgressBar } from './progressBar.js'

/**
 * Runs one operation as a job, exactly as the app does, with a progress bar fed by the job's events and
 * Ctrl-C mapped to cancel (complete files are kept).
 */
export async function runAsJob(
  label: string,
  task: JobTask,
  options: { quiet: boolean },
): Promise<JobSnapshot> {
  const queue = JobQueue.inMemory({ concurrency: 1 })
  const bar = new ProgressBar(label, !options.quiet && Boolean(process.stderr.isTTY))
  const job = queue.enqueue(label, task)
  const unsubscribe = queue.subscribe((snapshot) => {
    if (snapshot.id === job.id && snapshot.status === 'running') bar.update(snapshot.progress)
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
