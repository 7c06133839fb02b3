import type { Dirent } from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { FileFailure } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
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
import { resolveInside } from './safety.js'
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

export interface CleanupContext {
  source: PhotoSource
  /** Absolute root of a local source, to recognise a "backup" that is a hard link to the card's own file. */
  localRoot?: string
  backups: BackupCopy[]
  signal?: AbortSignal
}

/** `size`: a provisional check for planning a real run, whose every deletion is then fully hashed. */
export type VerifyDepth = 'hash' | 'size'

export interface FileCheck {
  path: string
  size: number
  verdict: CopyVerdict
  /** Card folder of the backup whose copy verified. */
  backupAt?: string
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
    const copyPath = entry && copyPathOf(backup.cardFolder, entry)
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
      // From the drive itself, not the page cache: a drive that lost the copy must not pass for holding it.
      evidence.backup.hash = (await hashFromDrive(copyPath, signal)).hash
      verdict = checkBackupCopy(evidence)
    }
    if (verdict.ok) return { path: filePath, size: file.size, verdict, backupAt: backup.cardFolder }
    codes.push(verdict.code)
  }
  return { path: filePath, size: file.size, verdict: { ok: false, code: mostTellingRefusal(codes) } }
}

export function refusalOf(photoPath: string, checks: FileCheck[]): FileFailure | undefined {
  const refusal = groupRefusal(checks)
  if (!refusal) return undefined
  const reason = REFUSAL_MESSAGES[refusal.code]
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
