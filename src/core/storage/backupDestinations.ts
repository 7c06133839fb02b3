import fsp from 'node:fs/promises'
import path from 'node:path'
import prettyBytes from 'pretty-bytes'
import type { DestinationResult } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import { acquireBackupLock, type BackupLock } from './backupLock.js'
import { UNSAFE_DESTINATION_MESSAGES, unsafeDestinationReason } from './cleanupSafety.js'
import { isStillTheDrive } from './driveRules.js'
import { destinationNamesFor, UNOPENED_NAMES, type DestinationNames } from './destinationNames.js'
import { ManifestWriter, manifestPathOf, readManifest, type ManifestEntry } from './manifest.js'
import { isInside } from './safety.js'

/**
 * The drives of one backup: which may be written at all (checked before the first byte), opening each
 * card folder under its lock, and what makes a drive stop (full, unplugged) without stopping the others.
 */

/** Suffix of a file being written: never a final name until verified (no partial photo ever looks whole). */
export const PARTIAL_SUFFIX = '.creaturebox-partial'

export interface Destination {
  /** As the user named it (made absolute). */
  root: string
  /** Device of the root when the backup started: another device there means the drive was unmounted. */
  device: number
  cardFolder: string
  manifest: Map<string, ManifestEntry>
  /** Each card file's name on this drive, and the files its file system cannot hold (FAT32's 4 GiB). */
  names: DestinationNames
  /** Absent for a drive refused before the run (not plugged in). */
  writer?: ManifestWriter
  lock?: BackupLock
  result: DestinationResult
  /** Set once the whole destination failed (full, removed, refused): it takes no more files. */
  dead: boolean
  /** Told when it fails, so copies already under way elsewhere (copy threads) stop writing there too. */
  onGivenUp?: () => void
}

export interface OpenDestinationsOptions {
  folderName: string
  /** The card's file paths: names that would clash on this drive (case, FAT characters) are told apart. */
  cardPaths?: readonly string[]
  /** Absolute root of a local source: a destination on the card is refused. */
  sourceRoot?: string
  /** Mount points of the laptop's system drives; their roots are never a destination. */
  systemMountpoints?: readonly string[]
  /** false (`--no-wait`): a drive another backup is writing to fails the run instead of waiting. */
  waitForLock?: boolean
  signal?: AbortSignal
  onWaiting?: (message: string) => void
}

/**
 * Checks every destination before anything is written, then opens each one's card folder. Refused as a
 * whole request (nothing written anywhere): a system folder, the system drive's root, a folder on the card.
 * A drive that is not there stops only itself, unless no drive is there at all. Names of one drive given
 * twice (`X`, `X/`, a link to X) are one destination.
 */
export async function openDestinations(
  roots: readonly string[],
  options: OpenDestinationsOptions,
): Promise<Destination[]> {
  const checked = await checkDestinations(roots, options)
  const destinations: Destination[] = checked.map((entry) => {
    const cardFolder = path.join(entry.root, options.folderName)
    const destination: Destination = {
      root: entry.root,
      device: entry.device ?? -1,
      cardFolder,
      manifest: new Map(),
      names: UNOPENED_NAMES,
      dead: false,
      result: emptyResult(entry.root, cardFolder),
    }
    if (entry.missing) {
      destination.dead = true
      destination.result.error = { code: entry.missing.code, message: entry.missing.message }
    }
    return destination
  })
  // Locks are taken in one order for every run (by real path), so two runs naming the same drives in
  // different orders never wait on each other for ever.
  const byRealPath = checked
    .map((entry, index) => ({
      real: entry.real ?? entry.root,
      destination: destinations[index] as Destination,
    }))
    .filter(({ destination }) => !destination.dead)
    .sort((a, b) => (a.real < b.real ? -1 : a.real > b.real ? 1 : 0))
  try {
    for (const { destination } of byRealPath) await openCardFolder(destination, options)
  } catch (error) {
    await closeDestinations(destinations)
    throw error
  }
  return destinations
}

export interface CheckedDestination {
  root: string
  real?: string
  device?: number
  /** Set for a drive that is not there. */
  missing?: CompanionError
}

/**
 * The checks that need no write: throws for a request that must be refused as a whole, and lists each
 * distinct drive (a missing one marked). Run again when the job starts; run early too so an API or UI
 * caller hears of a refusal at once instead of from a failed job.
 */
export async function checkDestinations(
  roots: readonly string[],
  options: Pick<OpenDestinationsOptions, 'sourceRoot' | 'systemMountpoints'>,
): Promise<CheckedDestination[]> {
  const realSource = options.sourceRoot ? await fsp.realpath(options.sourceRoot) : undefined
  const checked: CheckedDestination[] = []
  const seen = new Set<string>()
  for (const given of roots) {
    if (given.trim() === '') {
      throw new CompanionError('INVALID_INPUT', 'A backup destination is empty: name a drive or folder')
    }
    const root = path.resolve(given)
    let real: string
    let device: number
    try {
      real = await fsp.realpath(root)
      const stats = await fsp.stat(real)
      if (!stats.isDirectory()) throw new Error('not a folder')
      device = stats.dev
    } catch (error) {
      checked.push({
        root,
        missing: new CompanionError(
          'DESTINATION_NOT_FOUND',
          `The backup drive or folder ${root} is not there (is it plugged in?)`,
          { cause: error },
        ),
      })
      continue
    }
    for (const candidate of new Set([root, real])) {
      const reason = unsafeDestinationReason(candidate, options.systemMountpoints)
      if (reason) {
        throw new CompanionError('UNSAFE_DESTINATION', UNSAFE_DESTINATION_MESSAGES[reason](candidate), {
          details: { destination: root, reason },
        })
      }
    }
    if (realSource && (real === realSource || isInside(realSource, real))) {
      throw new CompanionError('DESTINATION_INSIDE_SOURCE', `Refused: ${root} is on the card being backed up`)
    }
    if (seen.has(real)) continue
    seen.add(real)
    checked.push({ root, real, device })
  }
  const firstMissing = checked.find((entry) => entry.missing)?.missing
  if (firstMissing && checked.every((entry) => entry.missing)) throw firstMissing
  return checked
}

async function openCardFolder(destination: Destination, options: OpenDestinationsOptions): Promise<void> {
  try {
    await fsp.mkdir(destination.cardFolder, { recursive: true })
  } catch (error) {
    // A read-only drive or a folder without write permission: refuse that drive now, not after Start.
    failDestination(destination, error)
    return
  }
  try {
    destination.lock = await acquireBackupLock(destination.cardFolder, {
      wait: options.waitForLock ?? true,
      signal: options.signal,
      onWaiting: options.onWaiting,
    })
  } catch (error) {
    // The lock is this run's first write there: a read-only drive shows up here.
    if (error instanceof CompanionError) throw error
    failDestination(destination, error)
    return
  }
  destination.manifest = await readManifest(destination.cardFolder)
  destination.names = await destinationNamesFor(
    destination.cardFolder,
    destination.manifest,
    options.cardPaths ?? [],
  )
  destination.writer = await ManifestWriter.open(destination.cardFolder)
}

const emptyResult = (root: string, cardFolder: string): DestinationResult => ({
  destination: root,
  cardFolder,
  manifestPath: manifestPathOf(cardFolder),
  copied: 0,
  skipped: 0,
  moved: 0,
  readBackFromCache: 0,
  failed: [],
  bytesCopied: 0,
})

/** Flushes every manifest and releases every lock, whatever happened. */
export async function closeDestinations(destinations: readonly Destination[]): Promise<void> {
  await Promise.all(
    destinations.map(async (destination) => {
      await destination.writer?.close().catch(() => undefined)
      await destination.lock?.release().catch(() => undefined)
    }),
  )
}

/**
 * A drive that cannot hold what this run will write is refused before its first byte, with both figures,
 * rather than filling up mid-file; the other drives go on.
 */
export async function refuseIfTooSmall(destination: Destination, bytesNeeded: number): Promise<void> {
  if (destination.dead || bytesNeeded === 0) return
  const available = await freeSpaceOf(destination.cardFolder)
  if (available === undefined || bytesNeeded <= available) return
  destination.dead = true
  destination.result.error = {
    code: 'DESTINATION_TOO_SMALL',
    message: `${tooSmallMessage(`The drive ${destination.root}`, available, bytesNeeded)}: nothing was copied there`,
  }
}

/**
 * Bytes an unprivileged writer may still put on the drive holding `folder`; undefined when the drive reports
 * no size at all (fusefat, as `df` shows with "-"): a full drive is then caught mid-file.
 */
export async function freeSpaceOf(folder: string): Promise<number | undefined> {
  const stats = await fsp.statfs(folder)
  return stats.blocks === 0 ? undefined : stats.bavail * stats.bsize
}

export const tooSmallMessage = (drive: string, freeBytes: number, bytesNeeded: number): string =>
  `${drive} has ${prettyBytes(freeBytes)} free but this card's new files need ${prettyBytes(bytesNeeded)}`

/**
 * An unplugged drive can leave its mount folder behind (a manual mount, a stale automount); creating the
 * card folder again there would quietly fill the laptop's own disk. The root must still be the same device.
 */
export async function assertSameDrive(destination: Destination): Promise<void> {
  const stats = await fsp.stat(destination.root).catch(() => undefined)
  if (!isStillTheDrive(stats, destination.device)) throw new DriveGoneError()
}

/** The drive's root is no longer the drive the run started with (unplugged, unmounted). */
export class DriveGoneError extends Error {}

export function failDestination(destination: Destination, error: unknown): void {
  if (destination.dead) return
  destination.dead = true
  destination.onGivenUp?.()
  const code = errnoCode(error)
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    destination.result.error = {
      code: 'DESTINATION_FULL',
      message: `The drive ${destination.root} is full; files copied before are kept`,
    }
    return
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    destination.result.error = {
      code: 'DESTINATION_FAILED',
      message: `Cannot write to ${destination.root} (${code}): it is read-only or not yours; files copied before are kept`,
    }
    return
  }
  const why =
    error instanceof DriveGoneError ? 'the drive is no longer there' : (code ?? describeError(error))
  destination.result.error = {
    code: 'DESTINATION_FAILED',
    message: `Writing to ${destination.root} failed (${why}); was it unplugged? Files copied before are kept`,
  }
}

/**
 * Temp files of a run that was killed (power cut, cable pulled) are never completed: removed from the drive
 * and from the listing of its card folder the run has just made (copiesIn), which is not walked twice. Only
 * under the run's lock (another run's temp files are its own until it has finished), and never the copy of
 * a card file whose own name ends like a temp file's.
 */
export async function removeStalePartials(
  destination: Destination,
  copies: Map<string, unknown>,
  cardPaths: readonly string[],
): Promise<void> {
  if (!destination.lock) throw new Error(`removeStalePartials: ${destination.cardFolder} is not locked`)
  const stale = [...copies.keys()].filter((stored) => stored.endsWith(PARTIAL_SUFFIX))
  if (stale.length === 0) return
  const cardCopies = new Set(
    cardPaths.filter((cardPath) => cardPath.endsWith(PARTIAL_SUFFIX)).map(destination.names.storedAs),
  )
  const removable = stale.filter((stored) => !cardCopies.has(stored))
  await Promise.all(
    removable.map((stored) => fsp.rm(path.join(destination.cardFolder, stored), { force: true })),
  )
  for (const stored of removable) copies.delete(stored)
}
