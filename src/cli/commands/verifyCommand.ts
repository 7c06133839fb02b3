import { InvalidArgumentError, type Command } from 'commander'
import prettyBytes from 'pretty-bytes'
import { verifyBackup } from '../../core/storage/verifyBackup.js'
import { assessVerify, parseSamplePercent, type VerifyReport } from '../../shared/verify.js'
import { exitCodeOfOutcome } from '../exitCodes.js'
import { exitCodeOfUnfinished } from '../jobOutcome.js'
import { printResult } from '../output.js'
import { runAsJob } from '../runAsJob.js'
import { pathArgument } from './pathArgument.js'

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("re-read a backup's copies from the drive itself and compare them with its manifest")
    .argument('<path>', 'backup drive, or one card folder on it', pathArgument)
    .option(
      '--sample <percent>',
      'read back only this share of the files, spread over the card (e.g. 10%)',
      samplePercent,
    )
    .action(async (target: string, options: { sample?: number }, command: Command) => {
      const output = command.optsWithGlobals<{ json: boolean }>()
      const job = await runAsJob(
        'Verify',
        ({ signal, progress }) =>
          verifyBackup(target, { sampleFraction: options.sample, signal, onProgress: progress }),
        { quiet: output.json, details: { kind: 'verify', source: target, assess: assessVerify } },
      )
      const unfinished = exitCodeOfUnfinished(job, output)
      if (unfinished !== undefined) return void (process.exitCode = unfinished)
      const report = job.result as VerifyReport
      printResult(output, report, () => describeVerify(report))
      process.exitCode = exitCodeOfOutcome(job.outcome)
    })
}

function samplePercent(value: string): number {
  const fraction = parseSamplePercent(value)
  if (fraction === undefined)
    throw new InvalidArgumentError('give a share above 0 and at most 100%, like 10%')
  return fraction
}

/** What a person reads: every file that is not intact first, named, then the counts per card folder. */
export function describeVerify(report: VerifyReport): string {
  const lines: string[] = []
  for (const folder of report.cardFolders) {
    for (const file of folder.files) {
      if (file.status !== 'ok')
        lines.push(`${file.status.toUpperCase()}: ${folder.cardFolder}/${file.path}: ${file.reason ?? ''}`)
    }
  }
  const assessment = assessVerify(report)
  const checked = report.counts.ok + report.counts.changed + report.counts.unreadable
  lines.push(
    assessment.outcome === 'success'
      ? `Verify complete: all ${checked} copies read back intact`
      : `Verify found ${assessment.problems} ${assessment.problems === 1 ? 'problem' : 'problems'}, listed above`,
  )
  for (const folder of report.cardFolders) {
    const { ok, changed, missing, unlisted, unreadable, notSampled } = folder.counts
    const parts = [`${ok} ok`, `${changed} changed`, `${missing} missing`, `${unlisted} unlisted`]
    if (unreadable > 0) parts.push(`${unreadable} unreadable`)
    if (notSampled > 0) parts.push(`${notSampled} not in the sample`)
    lines.push(`  ${folder.cardFolder}: ${parts.join(', ')}`)
  }
  lines.push(
    report.readLevel === 'drive'
      ? '  read from the drive itself (page cache bypassed)'
      : '  read through the page cache: this system could not bypass it, so a drive that drops writes could pass',
    `  ${prettyBytes(report.bytesRead)} read in ${(report.durationMs / 1000).toFixed(1)} s`,
  )
  return lines.join('\n')
}
