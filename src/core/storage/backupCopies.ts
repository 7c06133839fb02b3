import type { Dirent } from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { isEqualOrParent } from '../../shared/paths.js'
import type { FileFailure } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode, isCompanionError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import {
  backupOverlapsSource,
  checkBackupCopy,
  groupRefusal,
  mostTellingRefusal,
  REFUSAL_MESSAGES,
  type CopyEvidence,
  type CopyVerdict,
  type RefusalCode,
} from './cleanupSafety.js'
import { hashFromDrive } from './driveReadBack.js'
import { hashSourceFile } from './fileHash.js'
import { copyPathOf, manifestPathOf, type ManifestEntry } from './manifest.js'
import { listWithDrivelist, type RawDrive } from './drives.js'
import { simulatedDriveOf } from './simulatedDrives.js'
import { isInside, resolveInside } from './safety.js'
import { realpathOr } from './sourceRootSafety.js'

/**
 * The evidence cleanup deletes on: which backups to look in, and for one photo and its sidecars, whether a
 * backup holds a copy whose hash, and the card file's hash, both match its manifest. The rules themselves
 * are the pure functions of cleanupSafety.ts; this gathers the facts they judge.
 */

export interface BackupCopy {
  cardFolder: string
  entries: Map<string, ManifestEntry>
}

/** The card folders found at one backup location the user named (a drive root, or one card folder). */
export interface BackupLocation {
  location: string
  backups: BackupCopy[]
  /**
   * The file system the location is on: a copy counts for it only when it lies there too (a folder inside
   * the location may be a link into another drive, which must not pass for a second copy).
   */
  device?: number
}

export interface CleanupContext {
  source: PhotoSource
  /** Absolute root of a local source, to recognise a "backup" that is a hard link to the card's own file. */
  localRoot?: string
  backups: BackupCopy[]
  /**
   * "Everything verified on all of my drives": a file may go only when EVERY one of these locations holds a
   * verified copy of it (any one of the location's card folders). Without it, one verified copy anywhere
   * in `backups` suffices.
   */
  requireEvery?: BackupLocation[]
  signal?: AbortSignal
}

/** `size`: a provisional check for planning a real run, whose every deletion is then fully hashed. */
export type VerifyDepth = 'hash' | 'size'

export interface FileCheck {
  path: string
  size: number
  verdict: CopyVerdict
  /** Card folder of the backup whose copy verified (the first location's, when every one was required). */
  backupAt?: string
  /** With `requireEvery`: each location's verdict, and the card folder that verified there. */
  perLocation?: { location: string; verdict: CopyVerdict; backupAt?: string }[]
}

/** Checks a photo and its sidecars, stopping at the first that cannot be deleted (the rest need no hashing). */
export async function checkGroup(
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
  const file = await context.source.stat(filePath)
  if (!file) return { path: filePath, size: 0, verdict: { ok: false, code: 'SOURCE_MISSING' } }
  // The card's file is hashed at most once, however many drives' copies it is compared with.
  const cardFile = { size: file.size, hash: undefined as string | undefined }
  if (!context.requireEvery) {
    return {
      path: filePath,
      ...(await checkFileIn(context, filePath, cardFile, context.backups, depth, preferred)),
    }
  }
  const perLocation: NonNullable<FileCheck['perLocation']> = []
  for (const { location, backups, device } of context.requireEvery) {
    perLocation.push({
      location,
      ...(await checkFileIn(context, filePath, cardFile, backups, depth, preferred, device)),
    })
  }
  const refusals = perLocation.flatMap((entry) => (entry.verdict.ok ? [] : [entry.verdict.code]))
  return {
    path: filePath,
    size: file.size,
    verdict: refusals.length === 0 ? { ok: true } : { ok: false, code: mostTellingRefusal(refusals) },
    ...(refusals.length === 0 ? { backupAt: perLocation[0]?.backupAt } : {}),
    perLocation,
  }
}

/** Whether one of `backups` holds a verified copy of the card's file (the preferred card folder first). */
async function checkFileIn(
  context: CleanupContext,
  filePath: string,
  cardFile: { size: number; hash: string | undefined },
  backups: readonly BackupCopy[],
  depth: VerifyDepth,
  preferred: string | undefined,
  device?: number,
): Promise<Omit<FileCheck, 'path'>> {
  const { source, signal } = context
  const codes: RefusalCode[] = []
  const ordered = [...backups].sort(
    (a, b) => Number(b.cardFolder === preferred) - Number(a.cardFolder === preferred),
  )
  for (const backup of ordered) {
    const entry = backup.entries.get(filePath)
    const evidence: CopyEvidence = {
      source: { size: cardFile.size },
      manifest: entry && { size: entry.size, hash: entry.hash },
    }
    const copyPath = entry && copyPathOf(backup.cardFolder, entry)
    if (copyPath !== undefined) {
      const copy = await lstatRegularFile(copyPath)
      if (copy && (device === undefined || copy.dev === device)) {
        evidence.backup = { size: copy.size }
        evidence.backupIsSource = await isSameFileAsSource(context, filePath, copy)
      }
    }
    let verdict = checkBackupCopy(evidence)
    const unhashed = !verdict.ok && verdict.code === 'UNHASHED'
    if (unhashed && depth === 'size') {
      return { size: cardFile.size, verdict: { ok: true }, backupAt: backup.cardFolder }
    }
    if (unhashed && copyPath !== undefined && evidence.backup) {
      cardFile.hash ??= await hashSourceFile(source, filePath, signal)
      evidence.source = { size: cardFile.size, hash: cardFile.hash }
      // From the drive itself, not the page cache: a drive that lost the copy must not pass for holding it.
      evidence.backup.hash = (await hashFromDrive(copyPath, signal)).hash
      verdict = checkBackupCopy(evidence)
    }
    if (verdict.ok) return { size: cardFile.size, verdict, backupAt: backup.cardFolder }
    codes.push(verdict.code)
  }
  return { size: cardFile.size, verdict: { ok: false, code: mostTellingRefusal(codes) } }
}

export function refusalOf(photoPath: string, checks: FileCheck[]): FileFailure | undefined {
  const refusal = groupRefusal(checks)
  if (!refusal) return undefined
  const failing = checks.find((check) => check.path === refusal.path)
  // With every drive required, the reason names each drive: first those lacking the copy and why, then
  // those holding it.
  const reason = failing?.perLocation
    ? `not verified on every drive: ${[...failing.perLocation]
        .sort((a, b) => Number(a.verdict.ok) - Number(b.verdict.ok))
        .map(({ location, verdict }) =>
          verdict.ok ? `${location}: verified` : `${location}: ${REFUSAL_MESSAGES[verdict.code]}`,
        )
        .join('; ')}`
    : REFUSAL_MESSAGES[refusal.code]
  return {
    path: photoPath,
    reason: refusal.path === photoPath ? reason : `its sidecar ${refusal.path}: ${reason}`,
    code: refusal.code,
  }
}

export const unverifiable = (photoPath: string, error: unknown): FileFailure => ({
  path: photoPath,
  reason: `could not be verified: ${describeError(error)}`,
  code: errnoCode(error) ?? 'UNVERIFIABLE',
})

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

/**
 * "Everything verified on all of my drives": the card folders of each location on its own, since each must
 * hold a verified copy. A location that is not there stops everything: nothing may be deleted for lack of a
 * drive the user counted on, and the message says which to plug in.
 */
export async function findBackupsAtEveryLocation(
  locations: readonly string[],
): Promise<{ location: string; cardFolders: string[]; device?: number }[]> {
  if (locations.length === 0) {
    throw new CompanionError(
      'INVALID_INPUT',
      'Name the drives that must all hold a verified copy: with none, nothing could be deleted',
    )
  }
  const named = [...new Set(locations.map((each) => path.resolve(each)))]
  // One drive named twice, or a drive and a card folder on it, is one copy, not two: refused rather than
  // letting one physical copy pass for "every drive".
  const real = await Promise.all(named.map(realpathOr))
  for (const [i, one] of real.entries()) {
    const other = real.findIndex((each, j) => j !== i && (each === one || isInside(each, one)))
    if (other !== -1) {
      throw new CompanionError(
        'INVALID_INPUT',
        `${named[i]} and ${named[other]} are the same backup (one is the other, or inside it): name each drive once`,
      )
    }
  }
  // Two folders on one physical drive are one drive: losing or dropping it loses both copies, so they must
  // never pass for two (driveOf; a location not there is named below).
  const disks = await listWithDrivelist().catch(() => [])
  const drives = await Promise.all(real.map((location) => driveOf(location, disks)))
  for (const [i, drive] of drives.entries()) {
    const other = drives.findIndex((each, j) => j !== i && drive !== undefined && each?.id === drive.id)
    if (other !== -1) {
      throw new CompanionError(
        'INVALID_INPUT',
        `${named[i]} and ${named[other]} are on the same drive: copies on one drive are lost together. ` +
          'Name folders on different drives',
      )
    }
  }
  const found: { location: string; cardFolders: string[]; device?: number }[] = []
  const missing: string[] = []
  for (const [index, location] of named.entries()) {
    try {
      const { cardFolders } = await findBackupCardFolders([location])
      const device = drives[index]?.device
      found.push({ location, cardFolders, ...(device === undefined ? {} : { device }) })
    } catch (error) {
      if (isCompanionError(error) && error.code === 'DESTINATION_NOT_FOUND') missing.push(location)
      else throw error
    }
  }
  if (missing.length > 0) {
    throw new CompanionError(
      'DESTINATION_NOT_FOUND',
      `Nothing was deleted: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not there (is the drive plugged in?), ` +
        'and every photo must be verified on all the drives named',
      { details: { missing } },
    )
  }
  return found
}

/**
 * Which physical drive a location is on, or undefined when it is not there: the disk drivelist lists it
 * under (two partitions of one disk are one drive), else its file system's device number. A mount point
 * counts only when the location is on that very file system (a tmpfs mounted below `/` is not the system
 * disk). With it, the file system's device number, which each copy counted for the location must share.
 */
async function driveOf(
  location: string,
  disks: readonly RawDrive[],
): Promise<{ id: string; device: number } | undefined> {
  const stats = await fsp.stat(location).catch(() => undefined)
  if (stats === undefined) return undefined
  const simulated = simulatedDriveOf(location)
  if (simulated !== undefined) return { id: simulated, device: stats.dev }
  const mounts = disks
    .flatMap((disk) => disk.mountpoints.map((mount) => ({ disk: disk.device, path: mount.path })))
    .filter((mount) => isEqualOrParent(location, mount.path))
    .sort((a, b) => b.path.length - a.path.length)
  const mount = mounts[0]
  const onMount = mount && (await fsp.stat(mount.path).catch(() => undefined))?.dev === stats.dev
  return { id: onMount ? `disk:${mount.disk}` : `device:${stats.dev}`, device: stats.dev }
}

async function isFile(absolutePath: string): Promise<boolean> {
  try {
    return (await fsp.stat(absolutePath)).isFile()
  } catch {
    return false
  }
}

/** A "backup" on the card being cleaned, or holding it, is no backup: cleaning would delete the only copy. */
export async function assertBackupsOutsideSource(localRoot: string, cardFolders: string[]): Promise<void> {
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
