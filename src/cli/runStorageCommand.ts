import type { Command } from 'commander'
import type { JobContext } from '../core/jobs/index.js'
import type { StorageManager } from '../core/storage/storageManager.js'
import { boxOptionsOf } from './boxOptions.js'
import type { Assessment } from '../shared/jobOutcome.js'
import { exitCodeOfOutcome } from './exitCodes.js'
import { exitCodeOfUnfinished } from './jobOutcome.js'
import { printResult } from './output.js'
import { runAsJob } from './runAsJob.js'
import { withManager } from './withManager.js'

export interface StorageCommandReport<R> {
  /** The text a person reads; `--json` prints the result itself. */
  describe(result: R): string
  /** How the run went (src/shared/jobOutcome.ts), as the app's job records it: it gives the exit code. */
  assess(result: R): Assessment
}

/**
 * What backup, cleanup and organize share: open the source (a card, a folder or a box), run the operation as
 * a job with a progress bar and Ctrl-C as cancel, print the result, and exit with a code a script can test.
 */
export async function runStorageCommand<R>(
  command: Command,
  sourceRef: string,
  label: string,
  operation: (manager: StorageManager, context: JobContext) => Promise<R>,
  report: StorageCommandReport<R>,
): Promise<void> {
  const output = command.optsWithGlobals<{ json: boolean }>()
  await withManager(
    sourceRef,
    async (manager) => {
      const job = await runAsJob(label, (context) => operation(manager, context), {
        quiet: output.json,
        details: { source: sourceRef, assess: report.assess },
      })
      const unfinished = exitCodeOfUnfinished(job, output)
      if (unfinished !== undefined) return void (process.exitCode = unfinished)
      const result = job.result as R
      printResult(output, result, () => report.describe(result))
      process.exitCode = exitCodeOfOutcome(job.outcome)
    },
    boxOptionsOf(command),
  )
}
