import { InvalidArgumentError, type Command } from 'commander'
import { CompanionError } from '../../core/errors.js'
import { exportCamtrapDp } from '../../core/export/camtrapDpExport.js'
import { CamtrapExportOptionsSchema, type CamtrapExportResult } from '../../shared/camtrapDp.js'
import { boxOptionsOf } from '../boxOptions.js'
import { EXIT } from '../exitCodes.js'
import { printError, printResult } from '../output.js'
import { withManager } from '../withManager.js'
import { pathArgument } from './pathArgument.js'

export function registerExport(program: Command): void {
  const exportCommand = program
    .command('export')
    .description('write a card or backup in a standard exchange format')
  exportCommand
    .command('camtrap-dp')
    .description(
      'write a Camtrap DP 1.0.2 package (datapackage.json, deployments, media, observations) of one deployment',
    )
    .argument('<path>', 'card, folder, or a card folder of a backup', pathArgument)
    .requiredOption('--out <dir>', 'new or empty folder for the package', pathArgument)
    .requiredOption('--deployment <id>', 'the deployment ID (one box at one place for one card)')
    .requiredOption('--lat <degrees>', 'latitude of the box, -90 to 90', degrees)
    .requiredOption('--lon <degrees>', 'longitude of the box, -180 to 180', degrees)
    .requiredOption('--timezone <zone>', "the box's time zone: IANA name (Europe/Berlin) or offset (+02:00)")
    .option(
      '--start <time>',
      'deployment start, YYYY-MM-DD[THH:mm:ss] on the box clock (default: first capture)',
    )
    .option('--end <time>', 'deployment end (default: last capture)')
    .action(async (sourceRef: string, raw: ExportFlags, command: Command) => {
      const output = command.optsWithGlobals<{ json: boolean }>()
      const parsed = CamtrapExportOptionsSchema.safeParse({
        deploymentID: raw.deployment,
        latitude: raw.lat,
        longitude: raw.lon,
        timeZone: raw.timezone,
        start: raw.start,
        end: raw.end,
      })
      if (!parsed.success) {
        printError(output, {
          code: 'INVALID_INPUT',
          message: parsed.error.issues.map((issue) => issue.message).join('; '),
        })
        return void (process.exitCode = EXIT.usage)
      }
      const result = await withManager(
        sourceRef,
        async (manager) => {
          const photoRoot = manager.source.features.localRoot
          if (!photoRoot)
            throw new CompanionError(
              'INVALID_INPUT',
              'Camtrap DP export needs a card or folder on this computer: back the box up first and export the backup',
            )
          return exportCamtrapDp({
            catalog: await manager.getCatalog(),
            photoRoot,
            outDir: raw.out,
            options: parsed.data,
          })
        },
        boxOptionsOf(command),
      )
      printResult(output, result, () => describeExport(result))
    })
}

interface ExportFlags {
  out: string
  deployment: string
  lat: number
  lon: number
  timezone: string
  start?: string
  end?: string
}

function degrees(value: string): number {
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number))
    throw new InvalidArgumentError('give the degrees as a number, like 52.52 or -13.4')
  return number
}

function describeExport(result: CamtrapExportResult): string {
  const lines = [
    `Camtrap DP package written to ${result.outDir}: ${result.files.join(', ')}`,
    `  ${result.media} photos in media.csv; deployment ${result.deploymentStart} … ${result.deploymentEnd}`,
  ]
  for (const photo of result.leftOut) lines.push(`  left out: ${photo.path}: ${photo.reason}`)
  return lines.join('\n')
}
