import type { JobSnapshot } from '../shared/jobs.js'
import { EXIT } from './exitCodes.js'
import { printError, type OutputOptions } from './output.js'

/** Prints a failed or cancelled job's error and returns its exit code; undefined when it completed. */
export function exitCodeOfUnfinished(job: JobSnapshot, output: OutputOptions): number | undefined {
  if (job.status === 'completed') return undefined
  const message = job.error?.message ?? `The job ended as ${job.status}`
  printError(output, { code: job.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL', message })
  return job.status === 'cancelled' ? EXIT.cancelled : EXIT.failed
}
