import { randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { CamtrapExportOptions, CamtrapExportResult } from '../../shared/camtrapDp.js'
import type { Catalog, CatalogPhoto } from '../../shared/storage.js'
import { parseDeploymentZone, withUtcOffset, type DeploymentZone } from '../../shared/timeZone.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import { CAMTRAP_DP_PROFILE, CAMTRAP_TABLES, tableSchemaUrl, type CamtrapTable } from './camtrapDpSchemas.js'
import { csvTable } from './csv.js'
import { checkForeignKeys, checkTable } from './tableSchema.js'

export interface CamtrapExportInput {
  catalog: Catalog
  /** The folder the catalog's paths are relative to (the card, or a card folder of a backup). */
  photoRoot: string
  outDir: string
  options: CamtrapExportOptions
  /** Paths (as in the catalog) the Photos screen starred; absent when no marks are known. */
  favorites?: ReadonlySet<string>
  now?: Date
}

const MEDIATYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.dng': 'image/x-adobe-dng',
}

/**
 * Writes a Camtrap DP 1.0.2 package of one deployment: `datapackage.json`, `deployments.csv`, `media.csv`
 * (one row per photo, each frame of an HDR series its own row) and an empty `observations.csv`, which
 * classification tools fill later. The photos stay where they are: `filePath` is relative to the package.
 *
 * Nothing is written unless all of it can be: the package is made in a temp folder beside `outDir`, its
 * tables checked against their schemas, and only then renamed into place. An `outDir` that holds anything
 * is refused, so an export never mixes with other files or overwrites a previous one.
 */
export async function exportCamtrapDp(input: CamtrapExportInput): Promise<CamtrapExportResult> {
  const { catalog, options } = input
  const zone = parseDeploymentZone(options.timeZone)
  if (!zone) throw new CompanionError('INVALID_INPUT', `Unknown time zone: ${options.timeZone}`)
  const outDir = path.resolve(input.outDir)
  await assertEmptyOrAbsent(outDir)

  const bounds = { start: boundOf(options.start, 'start'), end: boundOf(options.end, 'end') }
  const leftOut: CamtrapExportResult['leftOut'] = []
  const photos = [...catalog.photos]
    .sort((a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.path.localeCompare(b.path))
    .filter((photo) => {
      if (photo.flags.includes('empty')) leftOut.push({ path: photo.path, reason: 'empty file (0 bytes)' })
      else if (!withinBounds(zone, photo.capturedAt, bounds))
        leftOut.push({ path: photo.path, reason: 'captured outside the deployment’s start and end' })
      else return true
      return false
    })
  const first = photos[0]?.capturedAt
  const last = photos.at(-1)?.capturedAt
  const startWall = bounds.start ?? first
  const endWall = bounds.end ?? last
  if (!startWall || !endWall) {
    throw new CompanionError(
      'INVALID_INPUT',
      'No photos to export, and no --start and --end to date the deployment: a Camtrap DP deployment needs both',
    )
  }
  const deploymentStart = withUtcOffset(zone, startWall)
  const deploymentEnd = withUtcOffset(zone, endWall)

  const tables: Record<CamtrapTable, string> = {
    deployments: deploymentsCsv(options, catalog.deviceName, deploymentStart, deploymentEnd),
    media: mediaCsv(photos, zone, input, outDir),
    observations: csvTable(
      CAMTRAP_TABLES.observations.fields.map((field) => field.name),
      [],
    ),
  }
  assertValidTables(tables)
  const descriptor = packageDescriptor(
    options,
    catalog.deviceName,
    startWall,
    endWall,
    input.now ?? new Date(),
  )

  const files = ['datapackage.json', ...Object.keys(tables).map((table) => `${table}.csv`)]
  const temp = path.join(
    path.dirname(outDir),
    `.${path.basename(outDir)}.creaturebox-partial-${randomBytes(4).toString('hex')}`,
  )
  try {
    await fsp.mkdir(temp)
    await fsp.writeFile(path.join(temp, 'datapackage.json'), JSON.stringify(descriptor, null, 2) + '\n')
    for (const [table, csv] of Object.entries(tables))
      await fsp.writeFile(path.join(temp, `${table}.csv`), csv)
    await fsp.rmdir(outDir).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error
    })
    await fsp.rename(temp, outDir)
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true })
    if (error instanceof CompanionError) throw error
    throw new CompanionError(
      'DESTINATION_FAILED',
      `Could not write the package to ${outDir}: ${describeError(error)}`,
      {
        cause: error,
      },
    )
  }
  return { outDir, files, media: photos.length, deploymentStart, deploymentEnd, leftOut }
}

async function assertEmptyOrAbsent(outDir: string): Promise<void> {
  let entries: string[]
  try {
    entries = await fsp.readdir(outDir)
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      if (!(await fsp.stat(path.dirname(outDir)).catch(() => undefined))?.isDirectory())
        throw new CompanionError('DESTINATION_NOT_FOUND', `The folder ${path.dirname(outDir)} does not exist`)
      return
    }
    if (errnoCode(error) === 'ENOTDIR')
      throw new CompanionError('OUTPUT_NOT_EMPTY', `${outDir} is a file, not a folder`)
    throw error
  }
  if (entries.length > 0) {
    throw new CompanionError(
      'OUTPUT_NOT_EMPTY',
      `${outDir} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}): export into a new or empty folder`,
    )
  }
}

/** A `--start` day starts at 00:00:00, an `--end` day ends at 23:59:59. */
function boundOf(value: string | undefined, which: 'start' | 'end'): string | undefined {
  if (value === undefined || value.includes('T')) return value
  return `${value}T${which === 'start' ? '00:00:00' : '23:59:59'}`
}

function withinBounds(
  zone: DeploymentZone,
  capturedAt: string,
  bounds: { start?: string; end?: string },
): boolean {
  const instant = Date.parse(withUtcOffset(zone, capturedAt))
  if (bounds.start && instant < Date.parse(withUtcOffset(zone, bounds.start))) return false
  if (bounds.end && instant > Date.parse(withUtcOffset(zone, bounds.end))) return false
  return true
}

const header = (table: CamtrapTable) => CAMTRAP_TABLES[table].fields.map((field) => field.name)

function row(table: CamtrapTable, values: Record<string, string>): string[] {
  return header(table).map((name) => values[name] ?? '')
}

function deploymentsCsv(
  options: CamtrapExportOptions,
  deviceName: string | undefined,
  start: string,
  end: string,
) {
  return csvTable(header('deployments'), [
    row('deployments', {
      deploymentID: options.deploymentID,
      latitude: String(options.latitude),
      longitude: String(options.longitude),
      deploymentStart: start,
      deploymentEnd: end,
      cameraID: deviceName ?? '',
      cameraModel: deviceName ? 'CreatureBox / Mothbox' : '',
    }),
  ])
}

function mediaCsv(photos: CatalogPhoto[], zone: DeploymentZone, input: CamtrapExportInput, outDir: string) {
  const ids = new Map<string, number>()
  const rows = photos.map((photo) => {
    const fileName = path.posix.basename(photo.path)
    // The file name without its extension names the shot (device, time, frame); a clash gets a number.
    const stem = fileName.replace(/\.[^.]+$/, '')
    const seen = ids.get(stem) ?? 0
    ids.set(stem, seen + 1)
    const absolute = path.join(input.photoRoot, ...photo.path.split('/'))
    return row('media', {
      mediaID: seen === 0 ? stem : `${stem}-${seen + 1}`,
      deploymentID: input.options.deploymentID,
      // Boxes photograph on a schedule, never on motion: every frame of a series is a time-lapse capture.
      captureMethod: 'timeLapse',
      timestamp: withUtcOffset(zone, photo.capturedAt),
      filePath: path.relative(outDir, absolute).split(path.sep).join('/'),
      filePublic: 'false',
      fileName,
      fileMediatype: MEDIATYPES[path.extname(fileName).toLowerCase()] ?? 'image/jpeg',
      favorite: input.favorites ? String(input.favorites.has(photo.path)) : '',
      mediaComments: photo.flags.includes('corrupt') ? 'The file is cut off (a truncated JPEG)' : '',
    })
  })
  return csvTable(header('media'), rows)
}

/** The export checks its own tables before writing: a package that fails its schema is never handed out. */
function assertValidTables(tables: Record<CamtrapTable, string>): void {
  const checked = (Object.keys(tables) as CamtrapTable[]).map((table) =>
    checkTable(table, CAMTRAP_TABLES[table], tables[table]),
  )
  const problems = [
    ...checked.flatMap((result) => result.problems),
    ...checkForeignKeys(checked.map((result) => result.table)),
  ]
  if (problems.length > 0) {
    const first = problems[0]!
    throw new CompanionError(
      'INVALID_INPUT',
      `The package would not be valid Camtrap DP (${problems.length} problems; first: ${first.table}.csv row ${first.row}${first.field ? ` ${first.field}` : ''} ${first.message})`,
    )
  }
}

function packageDescriptor(
  options: CamtrapExportOptions,
  deviceName: string | undefined,
  startWall: string,
  endWall: string,
  now: Date,
) {
  const box = deviceName ? `box ${deviceName}` : 'a CreatureBox or Mothbox camera trap'
  return {
    name: `creaturebox-${options.deploymentID.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`,
    title: `Deployment ${options.deploymentID} of ${box}`,
    profile: CAMTRAP_DP_PROFILE,
    created: now.toISOString(),
    contributors: [{ title: deviceName ? `Operator of ${deviceName}` : 'Unknown', role: 'contributor' }],
    project: {
      title: `Light-trap photographs of ${box}`,
      samplingDesign: 'targeted',
      captureMethod: ['timeLapse'],
      individualAnimals: false,
      observationLevel: ['media'],
    },
    spatial: { type: 'Point', coordinates: [options.longitude, options.latitude] },
    temporal: { start: startWall.slice(0, 10), end: endWall.slice(0, 10) },
    resources: (['deployments', 'media', 'observations'] as const).map((table) => ({
      name: table,
      path: `${table}.csv`,
      profile: 'tabular-data-resource',
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      schema: tableSchemaUrl(table),
    })),
  }
}
