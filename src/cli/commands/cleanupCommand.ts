import type { Command } from 'commander'
import { runStorageCommand } from '../runStorageCommand.js'
import prettyBytes from 'pretty-bytes'
import type { CleanupPlan } from '../../shared/storage.js'
import { assessCleanup } from '../../shared/jobOutcome.js'
import { positiveInteger } from './fixtureCommand.js'
import { collectPaths, pathArgument } from './pathArgument.js'

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('delete photos older than N days, only those with a hash-verified backup')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .requiredOption('--keep-days <n>', 'keep photos captured in the last N days', positiveInteger)
    .option(
      '--require-backup <dest>',
      'backup drive or card folder that must hold a verified copy',
      collectPaths,
      [],
    )
    .option('--dry-run', 'show what would be deleted, delete nothing')
    .action(
      (
        sourcePath: string,
        options: { keepDays: number; requireBackup: string[]; dryRun?: boolean },
        command: Command,
      ) =>
        runStorageCommand(
          command,
          sourcePath,
          options.dryRun ? 'Planning cleanup' : 'Cleanup',
          (manager, { signal, progress }) =>
            manager.cleanupOldPhotos(options.keepDays, {
              dryRun: Boolean(options.dryRun),
              requireBackupAt: options.requireBackup,
              signal,
              onProgress: progress,
            }),
          {
            describe: describeCleanup,
            assess: assessCleanup,
          },
        ),
    )
}

function describeCleanup(plan: CleanupPlan): string {
  const lines = plan.dryRun
    ? [
        `Would delete ${plan.toDelete.length} photos captured before ${plan.cutoff}, freeing ${prettyBytes(plan.bytesToFree)}`,
      ]
    : [`Deleted ${plan.deleted} photos, freed ${prettyBytes(plan.bytesFreed)}`]
  for (const location of plan.unavailableBackups)
    lines.push(`  backup not there, its copies not counted: ${location}`)
  for (const refusal of plan.refused) lines.push(`  kept (${refusal.reason}): ${refusal.path}`)
  for (const failure of plan.failed) lines.push(`  could not delete: ${failure.path}: ${failure.reason}`)
  return lines.join('\n')
}
