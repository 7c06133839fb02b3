import type { Command } from 'commander'
import { runStorageCommand } from '../runStorageCommand.js'
import prettyBytes from 'pretty-bytes'
import type { BackupResult } from '../../shared/storage.js'
import { assessBackup, readBackFromCacheNote, verifiedOnDrive } from '../../shared/jobOutcome.js'
import { collectPaths, pathArgument } from './pathArgument.js'

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy a card to one or more drives, verifying every copy by hash')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .requiredOption('--to <dest>', 'backup drive or folder (repeat for several drives)', collectPaths)
    .option('--no-verify', 'skip re-reading the copies (they are then not recorded as verified)')
    .option('--full', 'copy everything again, even files already verified at the destination')
    .option('--no-wait', 'fail at once when another backup is writing to the same drive, instead of waiting')
    .action(
      (
        sourcePath: string,
        options: { to: string[]; verify: boolean; full?: boolean; wait: boolean },
        command: Command,
      ) =>
        runStorageCommand(
          command,
          sourcePath,
          'Backup',
          (manager, { signal, progress }) =>
            manager.backupPhotos(options.to, {
              incremental: !options.full,
              verify: options.verify,
              waitForLock: options.wait,
              signal,
              onProgress: progress,
            }),
          {
            describe: describeBackup,
            assess: assessBackup,
          },
        ),
    )
}

/**
 * What a person reads after a backup. What was not done comes first and is named file by file, and the
 * counts are of copies verified on each drive, never of files merely found on the card: a summary must not
 * let a missed photo read as safe.
 */
export function describeBackup(result: BackupResult): string {
  const { outcome, problems } = assessBackup(result)
  const lines: string[] = []
  for (const failure of result.failed) lines.push(`Not copied: ${failure.path}: ${failure.reason}`)
  for (const destination of result.destinations) {
    if (destination.error) lines.push(`Drive stopped: ${destination.error.message}`)
    for (const failure of destination.failed)
      lines.push(`Not copied to ${destination.destination}: ${failure.path}: ${failure.reason}`)
  }
  const files = `${result.filesTotal} files (${prettyBytes(result.bytesTotal)})`
  const drives = result.destinations.length === 1 ? 'the drive' : `all ${result.destinations.length} drives`
  if (!result.verify)
    lines.push(`Copied without verification (--no-verify): nothing is recorded as backed up`)
  else if (outcome === 'success')
    lines.push(`Backup complete: all ${files} of the card are verified on ${drives}`)
  else lines.push(`Backup INCOMPLETE: ${problems} ${problems === 1 ? 'problem' : 'problems'}, listed above`)
  for (const destination of result.destinations) {
    const done = result.verify
      ? `${verifiedOnDrive(destination)} of ${result.filesTotal} files verified`
      : `${destination.copied} copied`
    const parts = [`${destination.copied} copied now`, `${destination.skipped} already verified`]
    if (destination.moved > 0) parts.push(`${destination.moved} moved to the card's new layout`)
    const nothingNew = destination.copied + destination.moved === 0 && !destination.error
    lines.push(
      `  ${destination.cardFolder}: ${done}` +
        (nothingNew ? ` (nothing new)` : ` (${parts.join(', ')})`) +
        (destination.error ? ' — STOPPED' : ''),
      `    manifest: ${destination.manifestPath}`,
    )
    if (destination.readBackFromCache > 0)
      lines.push(`    ${readBackFromCacheNote(destination.readBackFromCache)}`)
  }
  for (const photo of result.flagged)
    lines.push(`  copied but damaged on the card (${photo.flags.join(', ')}): ${photo.path}`)
  lines.push(`  ${prettyBytes(result.bytesCopied)} written in ${(result.durationMs / 1000).toFixed(1)} s`)
  return lines.join('\n')
}
