import type { Command } from 'commander'
import { runStorageCommand } from '../runStorageCommand.js'
import prettyBytes from 'pretty-bytes'
import type { BackupResult } from '../../shared/storage.js'
import { EXIT } from '../exitCodes.js'
import { collectPaths, pathArgument } from './pathArgument.js'

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy a card to one or more drives, verifying every copy by hash')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .requiredOption('--to <dest>', 'backup drive or folder (repeat for several drives)', collectPaths)
    .option('--no-verify', 'skip re-reading the copies (they are then not recorded as verified)')
    .option('--full', 'copy everything again, even files already verified at the destination')
    .action(
      (sourcePath: string, options: { to: string[]; verify: boolean; full?: boolean }, command: Command) =>
        runStorageCommand(
          command,
          sourcePath,
          'Backup',
          (manager, { signal, progress }) =>
            manager.backupPhotos(options.to, {
              incremental: !options.full,
              verify: options.verify,
              signal,
              onProgress: progress,
            }),
          {
            describe: describeBackup,
            exitCode: (result: BackupResult) => {
              const anyFailure =
                result.failed.length > 0 || result.destinations.some((d) => d.error || d.failed.length)
              const allFailed = result.destinations.every((d) => d.error)
              return allFailed ? EXIT.failed : anyFailure ? EXIT.partial : EXIT.ok
            },
          },
        ),
    )
}

export function describeBackup(result: BackupResult): string {
  const lines = [
    `Backed up ${result.filesTotal} files (${prettyBytes(result.bytesTotal)}) in ${(result.durationMs / 1000).toFixed(1)} s`,
  ]
  for (const destination of result.destinations) {
    lines.push(
      `  ${destination.cardFolder}: ${destination.copied} copied and verified, ${destination.skipped} already verified` +
        (destination.error ? ` — STOPPED: ${destination.error.message}` : ''),
      `    manifest: ${destination.manifestPath}`,
    )
    for (const failure of destination.failed) lines.push(`    failed: ${failure.path}: ${failure.reason}`)
  }
  for (const failure of result.failed) lines.push(`  not copied: ${failure.path}: ${failure.reason}`)
  for (const photo of result.flagged)
    lines.push(`  copied but damaged (${photo.flags.join(', ')}): ${photo.path}`)
  return lines.join('\n')
}
