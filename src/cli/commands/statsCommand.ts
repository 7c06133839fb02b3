import type { Command } from 'commander'
import prettyBytes from 'pretty-bytes'
import type { StorageStats } from '../../shared/storage.js'
import { withManager } from '../withManager.js'
import { boxOptionsOf } from '../boxOptions.js'
import { exitCodeOfUnfinished } from '../jobOutcome.js'
import { printResult } from '../output.js'
import { runAsJob } from '../runAsJob.js'
import { pathArgument } from './pathArgument.js'

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('show capacity, free space, photos and photos per night of a card or folder')
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .option('--refresh', 'ignore cached figures and read the card again')
    .option(
      '--check-damage',
      'read the photos not checked yet for damage (empty, truncated) before answering',
    )
    .action(
      async (sourcePath: string, options: { refresh?: boolean; checkDamage?: boolean }, command: Command) => {
        const global = command.optsWithGlobals<{ json: boolean }>()
        await withManager(
          sourcePath,
          async (manager) => {
            if (options.checkDamage) {
              const job = await runAsJob(
                'Damage check',
                ({ signal, progress }) => manager.checkDamage({ signal, onProgress: progress }),
                { quiet: global.json, details: { kind: 'checkDamage', source: sourcePath } },
              )
              const unfinished = exitCodeOfUnfinished(job, global)
              if (unfinished !== undefined) return void (process.exitCode = unfinished)
            }
            const stats = await manager.getStorageStats({ refresh: options.refresh })
            printResult(global, stats, () => describeStats(stats))
          },
          boxOptionsOf(command),
        )
      },
    )
}

export function describeStats(stats: StorageStats): string {
  const lines = [
    `Source:        ${stats.sourceId.replace(/^local:/, '')}${stats.deviceName ? ` (box ${stats.deviceName})` : ''}`,
    `Volume:        ${prettyBytes(stats.volume.usedBytes)} used, ${prettyBytes(stats.volume.freeBytes)} free of ${prettyBytes(stats.volume.totalBytes)}`,
    `Photos:        ${stats.photos.count} (${prettyBytes(stats.photos.bytes)})`,
    `Other files:   ${stats.otherFiles.count} (${prettyBytes(stats.otherFiles.bytes)})`,
  ]
  const unchecked = stats.photos.count - (stats.damageChecked ?? stats.photos.count)
  if (stats.flagged.empty + stats.flagged.corrupt > 0 || unchecked > 0) {
    lines.push(
      `Damaged:       ${stats.flagged.empty} empty, ${stats.flagged.corrupt} corrupt (kept and copied)` +
        (unchecked > 0 ? `; ${unchecked} photos not checked yet (--check-damage)` : ''),
    )
  }
  if (stats.oldestCapture && stats.newestCapture) {
    lines.push(`Captured:      ${stats.oldestCapture} … ${stats.newestCapture}`)
  }
  if (stats.nights.length > 0) {
    lines.push('Photos per night:')
    const widest = Math.max(...stats.nights.map((night) => night.count), 1)
    for (const night of stats.nights) {
      const bar = '#'.repeat(Math.round((night.count / widest) * 40))
      lines.push(
        `  ${night.night}  ${String(night.count).padStart(6)}  ${bar}${night.count === 0 ? '(no photos)' : ''}`,
      )
    }
  }
  return lines.join('\n')
}
