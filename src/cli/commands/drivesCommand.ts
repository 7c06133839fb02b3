import type { Command } from 'commander'
import prettyBytes from 'pretty-bytes'
import { listDrives } from '../../core/storage/drives.js'
import { printResult } from '../output.js'

export function registerDrives(program: Command): void {
  program
    .command('drives')
    .description('list drives, mark CreatureBox cards and the system drive')
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<{ json: boolean }>()
      const drives = await listDrives()
      printResult(global, drives, () =>
        drives
          .map((drive) => {
            const marks = [
              drive.isSystem ? 'system drive (never a target)' : '',
              drive.isCreatureBoxCard ? 'CreatureBox card' : '',
              drive.isRemovable ? 'removable' : '',
              drive.isReadOnly ? 'read-only' : '',
            ].filter(Boolean)
            const mounts = drive.mountpoints
              .map((m) => {
                const facts = [
                  m.label ?? '',
                  m.fileSystem ?? '',
                  m.freeBytes === undefined ? '' : `${prettyBytes(m.freeBytes)} free`,
                ].filter(Boolean)
                return `${m.path}${facts.length ? ` [${facts.join(', ')}]` : ''}`
              })
              .join(', ')
            const size = drive.size === null ? '?' : prettyBytes(drive.size)
            return `${drive.device}  ${size}  ${mounts || '(not mounted)'}  ${marks.join(', ')}`
          })
          .join('\n'),
      )
    })
}
