import type { Command } from 'commander'
import prettyBytes from 'pretty-bytes'
import type { CleanupPlan } from '../../shared/storage.js'
import { EXIT } from '../exitCodes.js'
import { exitCodeOfUnfinished } from '../jobOutcome.js'
import { printResult } from '../output.js'
import { runAsJob } from '../runAsJob.js'
import { withManager } from '../withManager.js'
import { boxOptionsOf } from '../boxOptions.js'
import { positiveInteger } from './fixtureCommand.js'

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('delete photos older than N days, only those with a hash-verified backup')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path')
    .requiredOption('--keep-days <n>', 'keep photos captured in the last N days', positiveInteger)
    .option(
      '--require-backup <dest>',
      'backup drive or card folder that must hold a verified copy',
      collect,
      [],
    )
    .option('--dry-run', 'show what would be deleted, delete nothing')
    .action(
      async (
        sourcePath: string,
        options: { keepDays: number; requireBackup: string[]; dryRun?: boolean },
        command: Command,
      ) => {
        const output = command.optsWithGlobals<{ json: boolean }>()
        await withManager(
          sourcePath,
          async (manager) => {
            const job = await runAsJob(
              options.dryRun ? 'Planning cleanup' : 'Cleanup',
              ({ signal, progress }) =>
                manager.cleanupOldPhotos(options.keepDays, {
                  dryRun: Boolean(options.dryRun),
                  requireBackupAt: options.requireBackup,
                  signal,
                  onProgress: progress,
                }),
              { quiet: output.json },
            )
            const code = exitCodeOfUnfinished(job, output)
            if (code !== undefined) return void (process.exitCode = code)
            const plan = job.result as CleanupPlan
            printResult(output, plan, () => describeCleanup(plan))
            process.exitCode = plan.refused.length > 0 || plan.failed.length > 0 ? EXIT.partial : EXIT.ok
          },
          boxOptionsOf(command),
        )
      },
    )
}

function describeCleanup(plan: CleanupPlan): string {
  const lines = plan.dryRun
    ? [
        `Would delete ${plan.toDelete.length} photos captured before ${plan.cutoff}, freeing ${prettyBytes(plan.bytesToFree)}`,
      ]
    : [`Deleted ${plan.deleted} photos, freed ${prettyBytes(plan.bytesFreed)}`]
  for (const refusal of plan.refused) lines.push(`  kept (${refusal.reason}): ${refusal.path}`)
  for (const failure of plan.failed) lines.push(`  could not delete: ${failure.path}: ${failure.reason}`)
  return lines.join('\n')
}
