import path from 'node:path'
import { isEqualOrParent } from '../../shared/paths.js'
import { wallClockOfLocalTime } from './captureTime.js'

/**
 * The rules that decide whether cleanup may delete anything (balenaEtcher's drive-constraints idea): pure
 * functions over plain values, so they can be tested exhaustively without touching a disk. Deleting from
 * the card after a verified copy is what users ask for most; deleting without one is what they fear most.
 */

// ---------------------------------------------------------------------------------------------------------
// Is this source root safe to clean?
// ---------------------------------------------------------------------------------------------------------

/** Folders of the operating system: refused as roots, and so is anything inside them. */
const SYSTEM_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/sbin',
  '/sys',
  '/usr',
  '/System',
  '/Library',
  '/Applications',
  '/private/etc',
  'C:\\Windows',
  'C:\\Program Files',
  'C:\\Program Files (x86)',
  'C:\\ProgramData',
]

/**
 * Folders that hold many things (other users' homes, every mounted drive, the temp folder): refused as
 * roots themselves, while a folder below them is fine — a card mounts at /media/<user>/<label>, a
 * CreatureBox deployment may use /opt/creaturebox/photos, and macOS puts temp folders under /var.
 */
const SHARED_PARENTS = [
  '/',
  '/home',
  '/Users',
  '/root',
  '/media',
  '/mnt',
  '/Volumes',
  '/run',
  '/run/media',
  '/opt',
  '/srv',
  '/tmp',
  '/var',
  '/private',
  '/private/var',
  '/private/tmp',
  'C:\\',
  'C:\\Users',
]

export interface CleanupRootContext {
  /** The user's home folder (os.homedir()); undefined for a remote source whose home is unknown. */
  home?: string
  /** Mount points of the laptop's system drives (drivelist); defaults to `['/']`. */
  systemMountpoints?: readonly string[]
}

export type UnsafeRootReason =
  'NOT_ABSOLUTE' | 'SYSTEM_FOLDER' | 'SYSTEM_MOUNTPOINT' | 'HOME' | 'SHARED_PARENT'

/** Why cleanup must refuse this root, or undefined when it may run there. */
export function unsafeCleanupRootReason(
  rootAbs: string,
  { home, systemMountpoints = ['/'] }: CleanupRootContext = {},
): UnsafeRootReason | undefined {
  const root = comparablePath(rootAbs)
  if (root === undefined) return 'NOT_ABSOLUTE'
  const homePath = home === undefined ? undefined : comparablePath(home)
  // The root itself or an ancestor of the home folder would put every file of the user in reach.
  if (homePath !== undefined && isAtOrAbove(root, homePath)) return 'HOME'
  if (SYSTEM_TREES.some((folder) => isAtOrAbove(comparablePath(folder) as string, root)))
    return 'SYSTEM_FOLDER'
  if (SYSTEM_TREES.some((folder) => isAtOrAbove(root, comparablePath(folder) as string)))
    return 'SYSTEM_FOLDER'
  if (systemMountpoints.some((mount) => comparablePath(mount) === root)) return 'SYSTEM_MOUNTPOINT'
  if (SHARED_PARENTS.some((folder) => comparablePath(folder) === root)) return 'SHARED_PARENT'
  return undefined
}

export const isUnsafeCleanupRoot = (rootAbs: string, context: CleanupRootContext = {}): boolean =>
  unsafeCleanupRootReason(rootAbs, context) !== undefined

/** What is refused a root: cleanup deletes photos, organize moves them and removes emptied folders. */
export type RootAction = 'cleanup' | 'organize'

export const UNSAFE_ROOT_MESSAGES: Record<UnsafeRootReason, (root: string, action: RootAction) => string> = {
  NOT_ABSOLUTE: (root, action) =>
    `${capitalised(action)} needs the full path of the card, not ${JSON.stringify(root)}`,
  SYSTEM_FOLDER: (root, action) =>
    `${root} is a folder of the operating system: ${action} never changes anything there`,
  SYSTEM_MOUNTPOINT: (root, action) =>
    `${root} is this computer's own drive, not a card: ${action} never changes anything there`,
  HOME: (root) => `${root} is your home folder or holds it: pick the card's photo folder instead`,
  SHARED_PARENT: (root) =>
    `${root} holds other users' or drives' files: pick the card's photo folder instead`,
}

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1)

/**
 * Why a backup must not write to this destination, or undefined when it may: the same system folders,
 * system drive roots and shared parents that cleanup refuses as a card. A folder inside the home folder or
 * on the system drive is fine (a backup folder on the laptop's disk is still a second copy).
 */
export const unsafeDestinationReason = (
  destinationAbs: string,
  systemMountpoints: readonly string[] = ['/'],
): UnsafeRootReason | undefined => unsafeCleanupRootReason(destinationAbs, { systemMountpoints })

export const UNSAFE_DESTINATION_MESSAGES: Record<UnsafeRootReason, (root: string) => string> = {
  NOT_ABSOLUTE: (root) => `A backup drive needs its full path, not ${JSON.stringify(root)}`,
  SYSTEM_FOLDER: (root) => `${root} is a folder of the operating system: backups are never written there`,
  SYSTEM_MOUNTPOINT: (root) =>
    `${root} is the root of this computer's own drive: pick a backup drive, or a folder on this one`,
  HOME: (root) => `${root} holds your home folder: pick a backup drive or a folder on it`,
  SHARED_PARENT: (root) =>
    `${root} holds other users' or drives' files: pick a backup drive or a folder on it`,
}

/** True when the backup folder and the source root are the same tree or one holds the other. */
export function backupOverlapsSource(sourceRootAbs: string, cardFolderAbs: string): boolean {
  const source = comparablePath(sourceRootAbs)
  const backup = comparablePath(cardFolderAbs)
  // An unreadable path cannot be shown to be separate, so it counts as overlapping.
  if (source === undefined || backup === undefined) return true
  return isAtOrAbove(source, backup) || isAtOrAbove(backup, source)
}

/**
 * A normalised, case-folded absolute path with `/` separators and no trailing separator (except the
 * root), or undefined for a relative one. Case is folded on every platform: SD cards (FAT/exFAT), macOS
 * and Windows compare names without case, and refusing a harmless Linux folder named `/USR` costs nothing.
 */
function comparablePath(input: string): string | undefined {
  const isWindows = /^[a-zA-Z]:([\\/]|$)/.test(input) || input.startsWith('\\\\')
  if (isWindows) {
    if (/^[a-zA-Z]:$/.test(input)) input = `${input}\\`
    const normal = path.win32.normalize(input)
    if (!path.win32.isAbsolute(normal)) return undefined
    const trimmed = normal.length > 3 ? normal.replace(/[\\/]+$/, '') : normal
    return trimmed.replaceAll('\\', '/').toLowerCase()
  }
  if (!path.posix.isAbsolute(input)) return undefined
  const normal = path.posix.normalize(input)
  return (normal.length > 1 ? normal.replace(/\/+$/, '') : normal).toLowerCase()
}

/** `ancestor` equals `descendant` or holds it (both comparable paths, already case-folded). */
const isAtOrAbove = (ancestor: string, descendant: string): boolean => isEqualOrParent(descendant, ancestor)

// ---------------------------------------------------------------------------------------------------------
// May this file be deleted?
// ---------------------------------------------------------------------------------------------------------

/** What is known about one file and its copy in one backup; a hash is absent until it was computed. */
export interface CopyEvidence {
  /** The file on the card now; undefined when it is gone. */
  source?: { size: number; hash?: string }
  /** The backup's manifest entry for the same relative path; undefined when the backup never verified it. */
  manifest?: { size: number; hash: string }
  /** The copy in the backup folder now; undefined when it is missing. */
  backup?: { size: number; hash?: string }
  /** The "copy" is the card's own file (a hard link or the same folder): no copy at all. */
  backupIsSource?: boolean
}

export type RefusalCode =
  | 'SOURCE_MISSING'
  | 'NOT_BACKED_UP'
  | 'BACKUP_MISSING'
  | 'BACKUP_DIFFERS'
  | 'SOURCE_CHANGED'
  | 'BACKUP_IS_SOURCE'
  /** Sizes agree but hashes were not computed yet: hash both files and ask again. */
  | 'UNHASHED'

export type CopyVerdict = { ok: true } | { ok: false; code: RefusalCode }

/**
 * A file may be deleted only when its backup copy exists, its manifest entry records the same size, and
 * both the card's file and the copy hash, as they are now, to the manifest's hash. Sizes are checked first
 * so that no file is hashed when a cheaper fact already refuses it.
 */
export function checkBackupCopy(evidence: CopyEvidence): CopyVerdict {
  const { source, manifest, backup } = evidence
  if (source === undefined) return refuse('SOURCE_MISSING')
  if (manifest === undefined) return refuse('NOT_BACKED_UP')
  if (backup === undefined) return refuse('BACKUP_MISSING')
  if (evidence.backupIsSource) return refuse('BACKUP_IS_SOURCE')
  if (backup.size !== manifest.size) return refuse('BACKUP_DIFFERS')
  if (source.size !== manifest.size) return refuse('SOURCE_CHANGED')
  if (backup.hash === undefined || source.hash === undefined) return refuse('UNHASHED')
  if (backup.hash !== manifest.hash) return refuse('BACKUP_DIFFERS')
  if (source.hash !== manifest.hash) return refuse('SOURCE_CHANGED')
  return { ok: true }
}

const refuse = (code: RefusalCode): CopyVerdict => ({ ok: false, code })

/**
 * Of the refusals a file met in several backups, the one that tells the user most: a copy that exists but
 * differs says more than a backup that never held the file.
 */
export function mostTellingRefusal(codes: readonly RefusalCode[]): RefusalCode {
  const order: RefusalCode[] = [
    'SOURCE_MISSING',
    'BACKUP_IS_SOURCE',
    'SOURCE_CHANGED',
    'BACKUP_DIFFERS',
    'BACKUP_MISSING',
    'UNHASHED',
    'NOT_BACKED_UP',
  ]
  return order.find((code) => codes.includes(code)) ?? 'NOT_BACKED_UP'
}

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  SOURCE_MISSING: 'no longer on the card',
  NOT_BACKED_UP: 'not in any backup',
  BACKUP_MISSING: 'backup file missing',
  BACKUP_DIFFERS: 'backup differs from its verified record',
  SOURCE_CHANGED: 'changed on the card since it was backed up',
  BACKUP_IS_SOURCE: 'the backup copy is the card’s own file',
  UNHASHED: 'not verified',
}

/** A photo goes with its sidecars or not at all: the first file that cannot be deleted keeps the group. */
export function groupRefusal(
  verdicts: readonly { path: string; verdict: CopyVerdict }[],
): { path: string; code: RefusalCode } | undefined {
  for (const { path: filePath, verdict } of verdicts) {
    if (!verdict.ok) return { path: filePath, code: verdict.code }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------------------
// Is this photo old enough?
// ---------------------------------------------------------------------------------------------------------

/**
 * `now` minus `daysToKeep` calendar days, as the local wall clock reads it (`YYYY-MM-DDTHH:mm:ss`). Capture
 * times are the box's wall clock, so the cutoff is one too; calendar days keep a DST change from moving it
 * by an hour.
 */
export function cleanupCutoff(now: Date, daysToKeep: number): string {
  const cutoff = new Date(now.getTime())
  cutoff.setDate(cutoff.getDate() - daysToKeep)
  return wallClockOfLocalTime(cutoff.getTime())
}

/** Wall-clock strings of one fixed format order as text. */
export const isCapturedBefore = (capturedAt: string, cutoff: string): boolean => capturedAt < cutoff
