import type { ManifestEntry } from './manifest.js'

/** FAT and exFAT keep mtimes to 2 s. */
const MTIME_WINDOW_MS = 2_000
const HOUR_MS = 3_600_000

export type MtimeMatch = 'same' | 'hourShift' | 'different'

/**
 * Compares mtimes as backup drives can keep them: within FAT's 2-second precision is the same moment; a
 * shift by one or two whole hours may be FAT's local-time storage after a DST or time-zone change (rclone
 * and ownCloud users saw full re-copies from exact comparisons), to be confirmed by hash.
 */
export function compareMtimes(a: number, b: number): MtimeMatch {
  const difference = Math.abs(a - b)
  if (difference <= MTIME_WINDOW_MS) return 'same'
  for (const hours of [1, 2]) {
    if (Math.abs(difference - hours * HOUR_MS) <= MTIME_WINDOW_MS) return 'hourShift'
  }
  return 'different'
}

export interface FileState {
  size: number
  mtimeMs: number
}

/** `unchanged`: skip; `confirmByHash`: skip only if the source's hash equals the manifest's; `copy`. */
export type BackupDecision = 'unchanged' | 'confirmByHash' | 'copy'

/**
 * A file is already backed up when the copy at the destination and the manifest's verified record both
 * match the source: the manifest entry is what makes it verified, not the copy's presence alone.
 */
export function decideBackup(
  source: FileState,
  copy: FileState | undefined,
  entry: ManifestEntry | undefined,
): BackupDecision {
  if (!copy || !entry || copy.size !== source.size || entry.size !== source.size) return 'copy'
  const matches = [compareMtimes(copy.mtimeMs, source.mtimeMs), compareMtimes(entry.mtimeMs, source.mtimeMs)]
  if (matches.includes('different')) return 'copy'
  return matches.every((match) => match === 'same') ? 'unchanged' : 'confirmByHash'
}
