import type { Command } from 'commander'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import prettyBytes from 'pretty-bytes'
import type { BackupResult } from '../../shared/storage.js'
import { assessBackup } from '../../shared/jobOutcome.js'
import { exitCodeOfOutcome } from '../exitCodes.js'
import { exitCodeOfUnfinished } from '../jobOutcome.js'
import { printResult } from '../output.js'
import { runAsJob } from '../runAsJob.js'
import { withManager } from '../withManager.js'
import { describeBackup } from './backupCommand.js'

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('make a sample card in a temp folder and back it up, verified')
    .option('--keep', 'keep the temp folder to look at afterwards')
    .action(async (options: { keep?: boolean }, command: Command) => {
      const output = command.optsWithGlobals<{ json: boolean }>()
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'creaturebox-demo-'))
      try {
        const { writeCardFixture } = await import('../../core/fixtures/cardFixture.js')
        const card = await writeCardFixture(path.join(dir, 'CREATUREBOX'), {
          nights: 3,
          perNight: 30,
          photoKb: 300,
        })
        const drive = path.join(dir, 'BACKUP-DRIVE')
        await fsp.mkdir(drive)
        if (!output.json) {
          process.stdout.write(
            `Sample card: ${card.photos} photos, ${prettyBytes(card.bytes)} at ${card.root}\n`,
          )
        }
        await withManager(card.root, async (manager) => {
          const job = await runAsJob(
            'Backup',
            ({ signal, progress }) => manager.backupPhotos(drive, { signal, onProgress: progress }),
            { quiet: output.json, details: { kind: 'backup', assess: assessBackup } },
          )
          const code = exitCodeOfUnfinished(job, output)
          if (code !== undefined) return void (process.exitCode = code)
          const result = job.result as BackupResult
          printResult(output, result, () => describeBackup(result))
          process.exitCode = exitCodeOfOutcome(job.outcome)
        })
        if (options.keep && !output.json) process.stdout.write(`Kept ${dir}\n`)
      } finally {
        if (!options.keep) await fsp.rm(dir, { recursive: true, force: true })
      }
    })
}
