import type { Dirent } from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { Catalog, CatalogPhoto, CleanupPlan, FileFailure } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import {
  backupOverlapsSource,
  checkBackupCopy,
  cleanupCutoff,
  groupRefusal,
  isCapturedBefore,
  mostTellingRefusal,
  REFUSAL_MESSAGES,
  type CopyEvidence,
  type CopyVerdict,
  type RefusalCode,
} from './cleanupSafety.js'
import { hashFile, hashSourceFile } from './fileHash.js'
import { manifestPathOf, readManifest, type ManifestEntry } from './manifest.js'
import { resolveInside } from './safety.js'
import { assertSafeSourceRoot, realpathOr } from './sourceRootSafety.js'

export interface CleanupPlanOptions {
  daysToKeep: number
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

/**
 * Removes the folders that held `filePaths` when they are now empty, then their parents in turn, deepest
 * first; never the source root.
 */
export async function removeEmptiedFolders(
  source: PhotoSource,
  filePaths: Iterable<string>,
): Promise<{ removed: string[]; failed: FileFailure[] }> {
  const byDepth = new Map<number, Set<string>>()
  const add = (folder: string) => {
    if (folder === '') return
    const depth = folder.split('/').length
    byDepth.set(depth, (byDepth.get(depth) ?? new Set()).add(folder))
  }
  for (const filePath of filePaths) add(parentOf(filePath))
  const removed: string[] = []
  const failed: FileFailure[] = []
  for (let depth = Math.max(0, ...byDepth.keys()); depth > 0; depth -= 1) {
    for (const folder of [...(byDepth.get(depth) ?? [])].sort()) {
      try {
        if (!(await source.removeEmptyFolder(folder))) continue
      } catch (error) {
        failed.push({
          path: folder,
          reason: `Could not remove the empty folder: ${describeError(error)}`,
          code: errnoCode(error),
        })
        continue
      }
      removed.push(folder)
      add(parentOf(folder))
    }
  }
  return { removed, failed }
}

/** `path` is inside `folder`, `''` being the root that holds everything (relative paths with `/`). */
const isAtOrBelow = (filePath: string, folder: string): boolean =>
  folder === '' || filePath.startsWith(`${folder}/`)

export const parentOf = (relativePath: string): string =>
  relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : ''

// ---------------------------------------------------------------------------------------------------------

interface BackupCopy {
  cardFolder: string
  entries: Map<string, ManifestEntry>
}

interface CleanupContext {
  source: PhotoSource
  /** Absolute root of a local source, to recognise a "backup" that is a hard link to the card's own file. */
  localRoot?: string
  backups: BackupCopy[]
  signal?: AbortSignal
}

/** `size`: a provisional check for planning a real run, whose every deletion is then fully hashed. */
type VerifyDepth = 'hash' | 'size'

interface FileCheck {
  path: string
  size: number
  verdict: CopyVerdict
  /** Card folder of the backup whose copy verified. */
  backupAt?: string
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
  const { cardFolders, unavailable } = await findBackupCardFolders(options.requireBackupAt)
  if (localRoot !== undefined) await assertBackupsOutsideSource(localRoot, cardFolders)
  const backups = await Promise.all(
    cardFolders.map(async (cardFolder) => ({ cardFolder, entries: await readManifest(cardFolder) })),
  )
  const context: CleanupContext = { source, localRoot, backups, signal }

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
  }
  const old = catalog.photos.filter((photo) => isCapturedBefore(photo.capturedAt, cutoff))
  // A folder that could not be listed may hold what the listing beside it is missing (sidecars, a newer
  // copy): nothing under its parent is deleted on the strength of that partial listing.
  const unlisted = (catalog.unreadable ?? []).filter((failure) => failure.code === 'FOLDER_UNREADABLE')
  const besideUnlisted = (photo: CatalogPhoto) =>
    unlisted.find((failure) => isAtOrBelow(photo.path, parentOf(failure.path)))
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
    })
    plan.bytesToFree += sumSizes(checks)
  }
  return { plan, context }
}

/** Checks a photo and its sidecars, stopping at the first that cannot be deleted (the rest need no hashing). */
async function checkGroup(
  context: CleanupContext,
  paths: string[],
  depth: VerifyDepth,
  preferred?: string,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  for (const filePath of paths) {
    const check = await checkFile(context, filePath, depth, preferred)
    checks.push(check)
    if (!check.verdict.ok) break
  }
  return checks
}

async function checkFile(
  context: CleanupContext,
  filePath: string,
  depth: VerifyDepth,
  preferred?: string,
): Promise<FileCheck> {
  const { source, signal } = context
  const file = await source.stat(filePath)
  if (!file) return { path: filePath, size: 0, verdict: { ok: false, code: 'SOURCE_MISSING' } }
  let sourceHash: string | undefined
  const codes: RefusalCode[] = []
  const backups = [...context.backups].sort(
    (a, b) => Number(b.cardFolder === preferred) - Number(a.cardFolder === preferred),
  )
  for (const backup of backups) {
    const entry = backup.entries.get(filePath)
    const evidence: CopyEvidence = {
      source: { size: file.size },
      manifest: entry && { size: entry.size, hash: entry.hash },
    }
    const copyPath = entry && resolveInside(backup.cardFolder, filePath)
    if (copyPath !== undefined) {
      const copy = await lstatRegularFile(copyPath)
      if (copy) {
        evidence.backup = { size: copy.size }
        evidence.backupIsSource = await isSameFileAsSource(context, filePath, copy)
      }
    }
    let verdict = checkBackupCopy(evidence)
    const unhashed = !verdict.ok && verdict.code === 'UNHASHED'
    if (unhashed && depth === 'size') {
      return { path: filePath, size: file.size, verdict: { ok: true }, backupAt: backup.cardFolder }
    }
    if (unhashed && copyPath !== undefined && evidence.backup) {
      sourceHash ??= await hashSourceFile(source, filePath, signal)
      evidence.source = { size: file.size, hash: sourceHash }
      evidence.backup.hash = await hashFile(copyPath, signal)
      verdict = checkBackupCopy(evidence)
    }
    if (verdict.ok) return { path: filePath, size: file.size, verdict, backupAt: backup.cardFolder }
    codes.push(verdict.code)
  }
  return { path: filePath, size: file.size, verdict: { ok: false, code: mostTellingRefusal(codes) } }
}

function refusalOf(photoPath: string, checks: FileCheck[]): FileFailure | undefined {
  const refusal = groupRefusal(checks)
  if (!refusal) return undefined
  const reason = REFUSAL_MESSAGES[refusal.code]
  return {
    path: photoPath,
    reason: refusal.path === photoPath ? reason : `its sidecar ${refusal.path}: ${reason}`,
    code: refusal.code,
  }
}

const unverifiable = (photoPath: string, error: unknown): FileFailure => ({
  path: photoPath,
  reason: `could not be verified: ${describeError(error)}`,
  code: errnoCode(error) ?? 'UNVERIFIABLE',
})

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

/** A symlink or a folder in the backup is no copy: it may point right back at the card. */
async function lstatRegularFile(
  absolutePath: string,
): Promise<{ size: number; dev: number; ino: number } | undefined> {
  try {
    const stats = await fsp.lstat(absolutePath)
    return stats.isFile() ? { size: stats.size, dev: stats.dev, ino: stats.ino } : undefined
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined
    throw error
  }
}

async function isSameFileAsSource(
  context: CleanupContext,
  filePath: string,
  copy: { dev: number; ino: number },
): Promise<boolean> {
  if (context.localRoot === undefined) return false
  const original = await lstatRegularFile(resolveInside(context.localRoot, filePath))
  return original !== undefined && original.dev === copy.dev && original.ino === copy.ino
}

/**
 * Card folders under the given backup locations: a folder holding a manifest is one; otherwise each of its
 * subfolders that holds one (a drive root with a folder per card). A location that is not there (a drive left
 * at home) is listed as unavailable: one verified copy anywhere suffices, so the others still count; only when
 * none of the locations asked for is there does the cleanup stop.
 */
export async function findBackupCardFolders(
  locations: readonly string[],
): Promise<{ cardFolders: string[]; unavailable: string[] }> {
  const cardFolders: string[] = []
  const unavailable: string[] = []
  for (const location of locations) {
    const folder = path.resolve(location)
    if (await isFile(manifestPathOf(folder))) {
      cardFolders.push(folder)
      continue
    }
    let entries: Dirent[]
    try {
      entries = await fsp.readdir(folder, { withFileTypes: true })
    } catch {
      unavailable.push(folder)
      continue
    }
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const cardFolder = path.join(folder, entry.name)
      if (await isFile(manifestPathOf(cardFolder))) cardFolders.push(cardFolder)
    }
  }
  if (locations.length > 0 && unavailable.length === locations.length) {
    throw new CompanionError(
      'DESTINATION_NOT_FOUND',
      `No backup to check against is there: ${unavailable.join(', ')} (is the drive plugged in?)`,
    )
  }
  return { cardFolders: [...new Set(cardFolders)], unavailable }
}

async function isFile(absolutePath: string): Promise<boolean> {
  try {
    return (await fsp.stat(absolutePath)).isFile()
  } catch {
    return false
  }
}

/** A "backup" on the card being cleaned, or holding it, is no backup: cleaning would delete the only copy. */
async function assertBackupsOutsideSource(localRoot: string, cardFolders: string[]): Promise<void> {
  const roots = new Set([localRoot, await realpathOr(localRoot)])
  for (const cardFolder of cardFolders) {
    for (const folder of new Set([cardFolder, await realpathOr(cardFolder)])) {
      if ([...roots].some((root) => backupOverlapsSource(root, folder))) {
        throw new CompanionError(
          'DESTINATION_INSIDE_SOURCE',
          `The backup ${cardFolder} is on the card being cleaned (or holds it): it cannot prove a separate copy`,
          { details: { cardFolder, root: localRoot } },
        )
      }
    }
  }
}
