import type { Command } from 'commander'
import { runStorageCommand } from '../runStorageCommand.js'
import prettyBytes from 'pretty-bytes'
import type { CleanupPlan } from '../../shared/storage.js'
import { assessCleanup } from '../../shared/jobOutcome.js'
import { EXIT } from '../exitCodes.js'
import { positiveInteger } from './fixtureCommand.js'
import { collectPaths, pathArgument } from './pathArgument.js'

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description(
      'delete photos older than N days, or every photo verified on all the drives named, only with a hash-verified backup',
    )
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .option('--keep-days <n>', 'keep photos captured in the last N days', positiveInteger)
    .option(
      '--all-verified',
      'whatever their age, delete the photos verified on EVERY --require-backup drive; a drive not there stops it',
    )
    .option(
      '--require-backup <dest>',
      'backup drive or card folder that must hold a verified copy (repeatable)',
      collectPaths,
      [],
    )
    .option('--dry-run', 'show what would be deleted, delete nothing')
    .action(
      (
        sourcePath: string,
        options: { keepDays?: number; allVerified?: boolean; requireBackup: string[]; dryRun?: boolean },
        command: Command,
      ) => {
        if (options.allVerified && options.keepDays !== undefined) {
          command.error('error: --all-verified deletes whatever the age: leave out --keep-days', {
            exitCode: EXIT.usage,
          })
        }
        if (!options.allVerified && options.keepDays === undefined) {
          command.error("error: required option '--keep-days <n>' not specified (or use --all-verified)", {
            exitCode: EXIT.usage,
          })
        }
        if (options.allVerified && options.requireBackup.length === 0) {
          command.error(
            'error: --all-verified needs the drives that must all hold a copy: --require-backup <dest>',
            {
              exitCode: EXIT.usage,
            },
          )
        }
        return runStorageCommand(
          command,
          sourcePath,
          options.dryRun ? 'Planning cleanup' : 'Cleanup',
          (manager, { signal, progress }) =>
            manager.cleanupOldPhotos(options.keepDays ?? 0, {
              dryRun: Boolean(options.dryRun),
              requireBackupAt: options.requireBackup,
              allVerified: Boolean(options.allVerified),
              signal,
              onProgress: progress,
            }),
          {
            describe: describeCleanup,
            assess: assessCleanup,
          },
        )
      },
    )
}

function describeCleanup(plan: CleanupPlan): string {
  const candidates = plan.allVerified ? 'verified on every drive named' : `captured before ${plan.cutoff}`
  const lines = plan.dryRun
    ? [`Would delete ${plan.toDelete.length} photos ${candidates}, freeing ${prettyBytes(plan.bytesToFree)}`]
    : [
        `Deleted ${plan.deleted} photos${plan.allVerified ? ` ${candidates}` : ''}, freed ${prettyBytes(plan.bytesFreed)}`,
      ]
  for (const location of plan.unavailableBackups)
    lines.push(`  backup not there, its copies not counted: ${location}`)
  for (const refusal of plan.refused) lines.push(`  kept (${refusal.reason}): ${refusal.path}`)
  for (const failure of plan.failed) lines.push(`  could not delete: ${failure.path}: ${failure.reason}`)
  return lines.join('\n')
}
