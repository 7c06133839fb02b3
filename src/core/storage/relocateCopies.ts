import fsp from 'node:fs/promises'
import path from 'node:path'
import type { SourceFile } from '../sources/photoSource.js'
import { failDestination, type Destination } from './backupDestinations.js'
import { hashFromDrive } from './driveReadBack.js'
import { copyPathOf, type ManifestEntry } from './manifest.js'
import { isInside, resolveInside } from './safety.js'

/**
 * After the card was organized, its photos have new paths while the drive still holds their verified
 * copies under the old ones. Copying them again would leave every photo twice on the drive; instead the
 * copy on the drive is moved to the new path, once its bytes hash to the card file's hash, and the move is
 * recorded in the manifest. The drive then mirrors the card's layout with one copy of each photo.
 */

/** Manifest entries of one drive whose path is no longer on the card, by size: where moved photos were. */
export type FormerCopies = Map<number, ManifestEntry[]>

export function formerCopiesOf(destination: Destination, cardPaths: ReadonlySet<string>): FormerCopies {
  const bySize: FormerCopies = new Map()
  for (const entry of destination.manifest.values()) {
    if (cardPaths.has(entry.path)) continue
    bySize.set(entry.size, [...(bySize.get(entry.size) ?? []), entry])
  }
  return bySize
}

/**
 * Moves, on each drive that holds one, a former copy with the card file's exact bytes to the file's path.
 * Returns the drives still needing a real copy. `sourceHash` is computed once, and only when some drive has
 * a former copy of the same size: a file that is new to every drive is never read twice.
 */
export async function relocateFormerCopies(
  file: SourceFile,
  targets: Destination[],
  formerCopies: Map<Destination, FormerCopies>,
  sourceHash: () => Promise<string>,
  signal?: AbortSignal,
): Promise<Destination[]> {
  const remaining: Destination[] = []
  for (const destination of targets) {
    const candidates = formerCopies.get(destination)?.get(file.size) ?? []
    if (destination.dead || candidates.length === 0 || destination.manifest.has(file.path)) {
      remaining.push(destination)
      continue
    }
    const hash = await sourceHash()
    const index = candidates.findIndex((entry) => entry.hash === hash)
    const former = candidates[index]
    // Claimed at once: two card files with the same bytes never take the same copy.
    if (former) candidates.splice(index, 1)
    if (!former || !(await moveCopy(destination, former, file, signal))) remaining.push(destination)
  }
  return remaining
}

/** True when the former copy, re-read and matching its record, now stands at the file's new path. */
async function moveCopy(
  destination: Destination,
  former: ManifestEntry,
  file: SourceFile,
  signal?: AbortSignal,
): Promise<boolean> {
  const from = copyPathOf(destination.cardFolder, former)
  const storedAs = destination.names.storedAs(file.path)
  const to = resolveInside(destination.cardFolder, storedAs)
  try {
    const stats = await fsp.lstat(from)
    if (!stats.isFile() || stats.size !== former.size) return false
    // "Verified" must stay true: the drive's bytes are read again before the move counts.
    if ((await hashFromDrive(from, signal)).hash !== former.hash) return false
    await fsp.mkdir(path.dirname(to), { recursive: true })
    await fsp.rename(from, to)
  } catch (error) {
    if (signal?.aborted) throw error
    // Anything odd about the former copy (gone, unreadable): copy the file afresh instead.
    return false
  }
  try {
    await recordMove(destination, former, file, storedAs, to)
  } catch (error) {
    // Moved but not recorded (the drive went away): that drive stops, and the next run copies the file again.
    failDestination(destination, error)
    return true
  }
  destination.result.moved++
  await removeEmptiedParents(destination.cardFolder, path.dirname(from))
  return true
}

async function recordMove(
  destination: Destination,
  former: ManifestEntry,
  file: SourceFile,
  storedAs: string,
  to: string,
): Promise<void> {
  const mtime = new Date(file.mtimeMs)
  await fsp.utimes(to, mtime, mtime)
  const now = Date.now()
  await destination.writer?.append([
    {
      ...former,
      path: file.path,
      storedAs: storedAs === file.path ? undefined : storedAs,
      mtimeMs: file.mtimeMs,
      verifiedAt: now,
    },
    { path: former.path, movedTo: file.path, movedAt: now },
  ])
  destination.manifest.delete(former.path)
}

/** The folders a move left empty on the drive go too, up to (never including) the card folder. */
async function removeEmptiedParents(cardFolder: string, folder: string): Promise<void> {
  let current = folder
  while (isInside(cardFolder, current)) {
    try {
      await fsp.rmdir(current)
    } catch {
      return
    }
    current = path.dirname(current)
  }
}
