import type { Command } from 'commander'
import { runStorageCommand } from '../runStorageCommand.js'
import { Option } from 'commander'
import { DEFAULT_ORGANIZE_BY, type OrganizeBy, type OrganizeResult } from '../../shared/storage.js'
import { assessOrganize } from '../../shared/jobOutcome.js'
import { pathArgument } from './pathArgument.js'

export function registerOrganize(program: Command): void {
  program
    .command('organize')
    .description('move photos and their sidecars into YYYY-MM-DD folders (by capture date or night)')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .addOption(
      new Option('--by <kind>', 'folder per calendar date or per night')
        .choices(['date', 'night'])
        .default(DEFAULT_ORGANIZE_BY),
    )
    .option('--dry-run', 'show the moves, move nothing')
    .option('--undo', 'restore the layout from before the last organize')
    .action(
      (sourcePath: string, options: { by: OrganizeBy; dryRun?: boolean; undo?: boolean }, command: Command) =>
        runStorageCommand(
          command,
          sourcePath,
          'Organize',
          (manager, { signal, progress }) =>
            manager.organizePhotosByDate({
              by: options.by,
              dryRun: Boolean(options.dryRun),
              undo: Boolean(options.undo),
              signal,
              onProgress: progress,
            }),
          {
            describe: describeOrganize,
            assess: assessOrganize,
          },
        ),
    )
}

function describeOrganize(result: OrganizeResult): string {
  const verb = result.dryRun ? 'Would move' : result.undo ? 'Restored' : 'Moved'
  const lines = [`${verb} ${result.dryRun ? result.moves.length : result.done} files`]
  for (const move of result.moves.slice(0, 20))
    lines.push(`  ${move.from} → ${move.to}${move.kind === 'dedupe' ? ' (duplicate removed)' : ''}`)
  if (result.moves.length > 20) lines.push(`  … and ${result.moves.length - 20} more`)
  for (const failure of result.failed) lines.push(`  failed: ${failure.path}: ${failure.reason}`)
  return lines.join('\n')
}
