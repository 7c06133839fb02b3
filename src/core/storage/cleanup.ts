import type { JobProgressUpdate } from '../../shared/jobs.js'
import { isEqualOrParent, parentOf } from '../../shared/paths.js'
import type { Catalog, CatalogPhoto, CleanupPlan, FileFailure } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import {
  assertBackupsOutsideSource,
  checkGroup,
  findBackupCardFolders,
  findBackupsAtEveryLocation,
  refusalOf,
  unverifiable,
  type CleanupContext,
  type FileCheck,
  type VerifyDepth,
} from './backupCopies.js'
import { cleanupCutoff, isCapturedBefore } from './cleanupSafety.js'
import { removeEmptiedFolders } from './emptiedFolders.js'
import { readManifest } from './manifest.js'
import { assertSafeSourceRoot } from './sourceRootSafety.js'

/**
 * Cleanup: plans which old photos may be deleted (each with its sidecars, only with a verified copy in a
 * backup, judged in backupCopies.ts), then deletes them one by one, re-checking each right before.
 */

export interface CleanupPlanOptions {
  daysToKeep: number
  /**
   * These nights' photos instead of those older than `daysToKeep` days: the user picked the nights, so no
   * day arithmetic against today (a card from another year would be all "old").
   */
  nights?: readonly string[]
  /**
   * "Everything verified on all of my drives": every photo, whatever its age, that EVERY location of
   * `requireBackupAt` holds a verified copy of; a location not there stops the cleanup before anything goes.
   */
  allVerified?: boolean
  now?: Date
  /** Backup card folders (holding creaturebox-manifest.jsonl) or drive roots with one card folder per card. */
  requireBackupAt: string[]
  /** Mount points of the laptop's system drives (drivelist); defaults to `['/']`. */
  systemMountpoints?: string[]
  /** The user's home folder; defaults to os.homedir(). */
  home?: string
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

export interface CleanupOptions extends Omit<CleanupPlanOptions, 'daysToKeep' | 'requireBackupAt'> {
  /** Defaults to true: deleting from a card is never what happens when a caller forgets to say. */
  dryRun?: boolean
  /** Without any backup every photo is refused. */
  requireBackupAt?: string[]
}

/** Plans a cleanup without deleting anything; see cleanupOldPhotos. */
export async function planCleanup(
  source: PhotoSource,
  catalog: Catalog,
  options: CleanupPlanOptions,
): Promise<CleanupPlan> {
  return (await prepareCleanup(source, catalog, options, 'hash')).plan
}

/**
 * Deletes photos (with their sidecars) captured more than `daysToKeep` days before `now`, but only those
 * whose every file has a hash-verified copy in a backup; both the card's file and the copy are hashed
 * again right before each deletion, so nothing that changed since the plan is deleted.
 */
export async function cleanupOldPhotos(
  source: PhotoSource,
  catalog: Catalog,
  daysToKeep: number,
  options: CleanupOptions = {},
): Promise<CleanupPlan> {
  const { dryRun = true, requireBackupAt = [], signal, onProgress } = options
  // A dry run hashes everything, so its preview is exact; a real run hashes each file once, right before
  // deleting it, and plans from sizes and manifests only (hashing twice would double the time on a full card).
  const { plan, context } = await prepareCleanup(
    source,
    catalog,
    { ...options, daysToKeep, requireBackupAt },
    dryRun ? 'hash' : 'size',
  )
  if (dryRun) return plan

  const result: CleanupPlan = {
    ...plan,
    dryRun: false,
    toDelete: [],
    refused: [...plan.refused],
    bytesToFree: 0,
  }
  const deletedPaths: string[] = []
  let cancelled = false
  for (const [index, item] of plan.toDelete.entries()) {
    onProgress?.({
      message: 'Deleting verified photos',
      filesDone: index,
      filesTotal: plan.toDelete.length,
      fraction: index / plan.toDelete.length,
      currentFile: item.path,
    })
    if (signal?.aborted) {
      cancelled = true
      break
    }
    let checks: FileCheck[]
    try {
      checks = await checkGroup(context, [item.path, ...item.companions], 'hash', item.backupAt)
    } catch (error) {
      if (signal?.aborted) {
        cancelled = true
        break
      }
      result.refused.push(unverifiable(item.path, error))
      continue
    }
    const refusal = refusalOf(item.path, checks)
    if (refusal) {
      result.refused.push(refusal)
      continue
    }
    result.toDelete.push(item)
    result.bytesToFree += sumSizes(checks)
    const [photoCheck, ...companionChecks] = checks
    // The photo goes first and its sidecars only once it is gone, so a failure never leaves a photo
    // on the card without its metadata.
    if (!(await removeReporting(source, item.path, result.failed))) continue
    result.deleted += 1
    result.bytesFreed += photoCheck?.size ?? 0
    deletedPaths.push(item.path)
    for (const companion of companionChecks) {
      if (!(await removeReporting(source, companion.path, result.failed))) continue
      result.bytesFreed += companion.size
      deletedPaths.push(companion.path)
    }
  }
  const folders = await removeEmptiedFolders(source, deletedPaths)
  result.removedFolders = folders.removed
  result.failed.push(...folders.failed)
  onProgress?.({ message: 'Cleanup finished', filesDone: result.deleted, filesTotal: plan.toDelete.length })
  if (cancelled) {
    throw new CompanionError(
      'CANCELLED',
      `Cleanup cancelled after deleting ${result.deleted} verified photos; the rest is untouched`,
      { details: { deleted: result.deleted, bytesFreed: result.bytesFreed } },
    )
  }
  return result
}

async function prepareCleanup(
  source: PhotoSource,
  catalog: Catalog,
  options: CleanupPlanOptions,
  depth: VerifyDepth,
): Promise<{ plan: CleanupPlan; context: CleanupContext }> {
  const { daysToKeep, now = new Date(), signal, onProgress } = options
  if (!Number.isInteger(daysToKeep) || daysToKeep < 0) {
    throw new CompanionError(
      'INVALID_INPUT',
      `Days to keep must be a whole number of days, not ${daysToKeep}`,
    )
  }
  const identity = await source.identity()
  const localRoot = await assertSafeSourceRoot(source, 'cleanup', options)
  const everyLocation = options.allVerified
    ? await findBackupsAtEveryLocation(options.requireBackupAt)
    : undefined
  const { cardFolders, unavailable } = everyLocation
    ? { cardFolders: [...new Set(everyLocation.flatMap((each) => each.cardFolders))], unavailable: [] }
    : await findBackupCardFolders(options.requireBackupAt)
  if (localRoot !== undefined) await assertBackupsOutsideSource(localRoot, cardFolders)
  const backups = await Promise.all(
    cardFolders.map(async (cardFolder) => ({ cardFolder, entries: await readManifest(cardFolder) })),
  )
  const context: CleanupContext = { source, localRoot, backups, signal }
  if (everyLocation) {
    context.requireEvery = everyLocation.map(({ location, cardFolders: atLocation, device }) => ({
      location,
      ...(device === undefined ? {} : { device }),
      backups: backups.filter((backup) => atLocation.includes(backup.cardFolder)),
    }))
  }

  const cutoff = cleanupCutoff(now, daysToKeep)
  const plan: CleanupPlan = {
    sourceId: identity.id,
    daysToKeep,
    cutoff,
    toDelete: [],
    refused: [],
    unavailableBackups: unavailable,
    bytesToFree: 0,
    dryRun: true,
    deleted: 0,
    bytesFreed: 0,
    failed: [],
    removedFolders: [],
    ...(everyLocation ? { allVerified: true } : {}),
  }
  const nights = options.nights ? new Set(options.nights) : undefined
  const old = catalog.photos.filter((photo) =>
    everyLocation ? true : nights ? nights.has(photo.night) : isCapturedBefore(photo.capturedAt, cutoff),
  )
  // A folder that could not be listed may hold what the listing beside it is missing (sidecars, a newer
  // copy): nothing under its parent is deleted on the strength of that partial listing.
  const unlisted = (catalog.unreadable ?? []).filter((failure) => failure.code === 'FOLDER_UNREADABLE')
  const besideUnlisted = (photo: CatalogPhoto) =>
    unlisted.find((failure) => isEqualOrParent(photo.path, parentOf(failure.path)))
  const candidates: CatalogPhoto[] = []
  for (const photo of old) {
    const blocker = besideUnlisted(photo)
    if (!blocker) candidates.push(photo)
    else
      plan.refused.push({
        path: photo.path,
        reason: `the folder ${blocker.path} beside it could not be read, so the card's listing is incomplete there`,
        code: 'PARTIAL_LISTING',
      })
  }
  for (const [index, photo] of candidates.entries()) {
    throwIfCancelled(signal)
    onProgress?.({
      message: 'Verifying backups',
      filesDone: index,
      filesTotal: candidates.length,
      fraction: index / candidates.length,
      currentFile: photo.path,
    })
    let checks: FileCheck[]
    try {
      checks = await checkGroup(context, [photo.path, ...photo.companions], depth)
    } catch (error) {
      throwIfCancelled(signal)
      plan.refused.push(unverifiable(photo.path, error))
      continue
    }
    const refusal = refusalOf(photo.path, checks)
    if (refusal) {
      plan.refused.push(refusal)
      continue
    }
    const [photoCheck] = checks
    plan.toDelete.push({
      path: photo.path,
      size: photoCheck?.size ?? photo.size,
      companions: [...photo.companions],
      backupAt: photoCheck?.backupAt ?? '',
      ...(photoCheck?.perLocation
        ? { verifiedOn: photoCheck.perLocation.map((each) => each.backupAt ?? each.location) }
        : {}),
    })
    plan.bytesToFree += sumSizes(checks)
  }
  return { plan, context }
}

const sumSizes = (checks: FileCheck[]): number => checks.reduce((sum, check) => sum + check.size, 0)

async function removeReporting(
  source: PhotoSource,
  filePath: string,
  failed: FileFailure[],
): Promise<boolean> {
  try {
    await source.remove(filePath)
    return true
  } catch (error) {
    failed.push({
      path: filePath,
      reason: `Could not delete: ${describeError(error)}`,
      code: errnoCode(error),
    })
    return false
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CompanionError('CANCELLED', 'Cleanup cancelled before anything was deleted')
}
