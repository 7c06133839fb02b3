import fs from 'node:fs'
import path from 'node:path'
import type { PhotoFlag } from '../../shared/storage.js'
import { isPhotoFile } from '../../shared/photoName.js'
import { errnoCode } from '../errors.js'
import { photoFlagsOf } from './captureTime.js'
import { hashFromDriveSync, type ReadBackLevel } from './driveReadBack.js'
import { isStillTheDrive, NAME_REFUSALS } from './driveRules.js'
import { FileEnds } from './fileEnds.js'
import type { Hasher } from './fileHash.js'
import { manifestLineOf, verifiedEntryOf } from './manifest.js'

/**
 * One card file copied to several drives by a copy thread (copyThread.ts) with synchronous calls: the same
 * steps and the same rules as verifiedCopy.ts, which makes the copies of a source that is not a local
 * folder (a box over SFTP). Why a thread: a small photo's copy is a dozen file system calls per drive, and
 * each asynchronous call on the main thread costs a hand-over to libuv's pool and back (a mutex, a wake-up,
 * a promise) that outweighs the call itself: 20 000 photos of 100 KB to two drives took 30 s of CPU that
 * way and 9 s here. Only facts come back (what happened on each drive); what they mean for the run (a drive
 * given up, the manifest line, the failure reported) is decided on the main thread, in verifiedCopy.ts.
 */

export interface ThreadCopyRequest {
  id: number
  /** The card file on this computer (a listed regular file of a local source). */
  sourcePath: string
  /** Its path on the card, which decides whether it is a photo to judge. */
  cardPath: string
  mtimeMs: number
  verify: boolean
  targets: ThreadTarget[]
}

export interface ThreadTarget {
  /** The drive's place in the run's given-up flags (CopyThreads): a drive given up takes nothing more. */
  driveSlot: number
  root: string
  /** Device of the drive's root when the run started. */
  device: number
  tempPath: string
  finalPath: string
  /**
   * The hash of the photo this drive holds verified under this name. A new photo with another hash is not
   * renamed over it: it stays verified at tempPath and the main thread first moves the earlier one aside.
   */
  earlierHash?: string
  /**
   * The descriptor of the drive's manifest as the run's ManifestWriter opened it (O_APPEND), to which the
   * verified copy's line is appended (none without verification). That one, not a second opening: fusefat
   * refuses writes through a second descriptor of a file (EPERM). The run closes it only after its copy
   * threads have ended.
   */
  manifestFd?: number
  /** The copy's name on the drive when it is not the card's (the manifest line says so). */
  storedAs?: string
}

export interface ErrorFacts {
  code?: string
  message: string
}

export type TargetOutcome =
  /**
   * Renamed into place with the card's mtime; with verification, read back and its line appended to the
   * manifest (a failure to append is `failed`: the copy is there, but not recorded, so not counted).
   */
  | { kind: 'committed'; readBack?: ReadBackLevel }
  /**
   * Verified at tempPath, waiting for the earlier photo under the final name to be moved aside; the main
   * thread renames it and sets its mtime.
   */
  | { kind: 'awaitingRename'; readBack?: ReadBackLevel }
  | { kind: 'mismatch'; readBack: ReadBackLevel }
  /** The drive refused this name (a character its file system cannot store). */
  | { kind: 'nameRefused'; code: string }
  /** EFBIG: larger than the drive's file system holds. */
  | { kind: 'tooLarge' }
  /**
   * The drive failed (full, read-only, unplugged: `driveGone`). No temp file is left; a copy already renamed
   * into place when setting its mtime or appending its line failed stays there, unrecorded and uncounted.
   */
  | { kind: 'failed'; error: ErrorFacts; driveGone?: boolean }
  /** Not (or no longer) written: the card file could not be read, the run was cancelled, the drive given up. */
  | { kind: 'notWritten' }

export interface ThreadCopyReply {
  id: number
  /** Bytes read from the card. */
  size: number
  hash?: string
  /** Judged from the bytes copied, for a photo (empty when no drive kept the copy). */
  flags: PhotoFlag[]
  /** The card file could not be read: nothing of it is kept anywhere. */
  sourceError?: ErrorFacts
  cancelled?: boolean
  targets: TargetOutcome[]
}

export interface CopyThreadTools {
  buffer: Buffer
  newHasher: () => Hasher
  isCancelled: () => boolean
  /** Whether the main thread gave up the drive in this slot (full, unplugged, failing) since the file began. */
  isGivenUp: (driveSlot: number) => boolean
  /** Bytes of a chunk every drive took, reported as the copy goes (the reply carries the total). */
  onBytes: (bytes: number) => void
  /** Folders this thread made or found on the drives during this run. */
  madeFolders: Set<string>
}

interface OpenTarget {
  target: ThreadTarget
  index: number
  fd: number
}

export function copyLocalFile(request: ThreadCopyRequest, tools: CopyThreadTools): ThreadCopyReply {
  const outcomes: TargetOutcome[] = request.targets.map(() => ({ kind: 'notWritten' }))
  const reply: ThreadCopyReply = { id: request.id, size: 0, flags: [], targets: outcomes }
  if (tools.isCancelled()) return { ...reply, cancelled: true }
  let sourceFd: number
  try {
    sourceFd = fs.openSync(request.sourcePath, 'r')
  } catch (error) {
    return { ...reply, sourceError: factsOf(error) }
  }
  const open: OpenTarget[] = []
  const give = (entry: OpenTarget, outcome: TargetOutcome) => {
    discard(entry)
    outcomes[entry.index] = outcome
    open.splice(open.indexOf(entry), 1)
  }
  try {
    for (const [index, target] of request.targets.entries()) {
      if (tools.isGivenUp(target.driveSlot)) continue
      try {
        // The drive is still the one the run started with: an unplugged drive's empty mount point is a
        // folder of the laptop's own disk, which must not fill up with a "backup".
        const root = fs.statSync(target.root, { throwIfNoEntry: false })
        if (!isStillTheDrive(root, target.device)) {
          outcomes[index] = { kind: 'failed', error: { message: 'the drive is gone' }, driveGone: true }
          continue
        }
        open.push({ target, index, fd: openInFolder(target.tempPath, tools.madeFolders) })
      } catch (error) {
        const code = errnoCode(error)
        outcomes[index] =
          code !== undefined && NAME_REFUSALS.has(code)
            ? { kind: 'nameRefused', code }
            : { kind: 'failed', error: factsOf(error) }
      }
    }

    // Read once, hash, and hand every chunk to every drive still taking it.
    const hasher = tools.newHasher()
    const ends = new FileEnds()
    for (let position = 0; ;) {
      if (tools.isCancelled()) {
        for (const entry of [...open]) give(entry, { kind: 'notWritten' })
        return { ...reply, size: position, cancelled: true }
      }
      for (const entry of [...open])
        if (tools.isGivenUp(entry.target.driveSlot)) give(entry, { kind: 'notWritten' })
      let bytesRead: number
      try {
        bytesRead = fs.readSync(sourceFd, tools.buffer, 0, tools.buffer.length, position)
      } catch (error) {
        hasher.digest()
        for (const entry of [...open]) give(entry, { kind: 'notWritten' })
        return { ...reply, size: position, sourceError: factsOf(error) }
      }
      if (bytesRead === 0) break
      const chunk = tools.buffer.subarray(0, bytesRead)
      hasher.update(chunk)
      ends.update(chunk)
      position += bytesRead
      reply.size = position
      for (const entry of [...open]) {
        try {
          writeAll(entry.fd, chunk)
        } catch (error) {
          give(
            entry,
            errnoCode(error) === 'EFBIG' ? { kind: 'tooLarge' } : { kind: 'failed', error: factsOf(error) },
          )
        }
      }
      if (open.length === 0) break
      if (bytesRead === tools.buffer.length) tools.onBytes(bytesRead)
    }
    reply.hash = hasher.digest()

    // Per drive: flush, read back from the drive, compare, and only then the final name and the card's mtime.
    const mtime = request.mtimeMs / 1000
    for (const entry of [...open]) {
      if (tools.isCancelled()) {
        for (const left of [...open]) give(left, { kind: 'notWritten' })
        reply.cancelled = true
        break
      }
      const { target, index } = entry
      if (tools.isGivenUp(target.driveSlot)) {
        give(entry, { kind: 'notWritten' })
        continue
      }
      try {
        // File data and size reach the drive before the rename; mtime is set after and needs no flush of its
        // own (and by path: fusefat refuses it through a descriptor, EPERM).
        fs.fdatasyncSync(entry.fd)
        closeOnce(entry)
        const readBack = request.verify
          ? hashFromDriveSync(target.tempPath, tools.buffer, tools.newHasher, tools.isCancelled)
          : undefined
        if (readBack && readBack.hash !== reply.hash) {
          give(entry, { kind: 'mismatch', readBack: readBack.level })
          continue
        }
        const level = readBack?.level
        if (target.earlierHash !== undefined && target.earlierHash !== reply.hash) {
          outcomes[index] = { kind: 'awaitingRename', ...(level ? { readBack: level } : {}) }
        } else {
          fs.renameSync(target.tempPath, target.finalPath)
          fs.utimesSync(target.finalPath, mtime, mtime)
          if (request.verify && target.manifestFd !== undefined)
            appendLine(target.manifestFd, target, request, reply)
          outcomes[index] = { kind: 'committed', ...(level ? { readBack: level } : {}) }
        }
        open.splice(open.indexOf(entry), 1)
      } catch (error) {
        if (tools.isCancelled()) {
          give(entry, { kind: 'notWritten' })
          reply.cancelled = true
        } else give(entry, { kind: 'failed', error: factsOf(error) })
      }
    }
    const kept = outcomes.some((outcome) => outcome.kind === 'committed' || outcome.kind === 'awaitingRename')
    if (kept && isPhotoFile(request.cardPath)) reply.flags = photoFlagsOf(reply.size, ends.head, ends.tail)
    return reply
  } finally {
    for (const entry of open) discard(entry)
    try {
      fs.closeSync(sourceFd)
    } catch {
      // A card pulled out may fail even this; the reply already says what happened to the file.
    }
  }
}

/**
 * The copy's manifest line, appended here rather than by the main thread: an asynchronous write per file
 * there cost more than the rest of its bookkeeping. One write of the whole line on an O_APPEND descriptor:
 * lines written at once by several threads never interleave.
 */
function appendLine(
  fd: number,
  target: ThreadTarget,
  request: ThreadCopyRequest,
  reply: ThreadCopyReply,
): void {
  const line = manifestLineOf(
    verifiedEntryOf({
      path: request.cardPath,
      storedAs: target.storedAs ?? request.cardPath,
      size: reply.size,
      mtimeMs: request.mtimeMs,
      hash: reply.hash as string,
    }),
  )
  writeAll(fd, Buffer.from(line))
}

/**
 * Opens a new file, making its folder first the first time this thread writes there in the run (a mkdir per
 * file and drive was two system calls more per copy), and again if it was removed since.
 */
function openInFolder(filePath: string, madeFolders: Set<string>): number {
  const folder = path.dirname(filePath)
  if (!madeFolders.has(folder)) {
    fs.mkdirSync(folder, { recursive: true })
    madeFolders.add(folder)
  }
  try {
    return fs.openSync(filePath, 'w')
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error
    fs.mkdirSync(folder, { recursive: true })
    return fs.openSync(filePath, 'w')
  }
}

/** A write may take only part of a buffer (a drive filling up); the rest must not be silently dropped. */
function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) {
    const written = fs.writeSync(fd, data, offset, data.length - offset)
    if (written === 0) throw Object.assign(new Error('The drive took no more bytes'), { code: 'ENOSPC' })
    offset += written
  }
}

/**
 * Closes the copy's descriptor at most once: a close that fails has freed the number all the same, and in a
 * process of several threads a second close could end a file another thread just opened under it.
 */
function closeOnce(entry: OpenTarget): void {
  const { fd } = entry
  if (fd === -1) return
  entry.fd = -1
  fs.closeSync(fd)
}

/** Nothing of a copy that did not verify stays on the drive. */
function discard(entry: OpenTarget): void {
  try {
    closeOnce(entry)
  } catch {
    // Closing a descriptor of an unplugged drive may fail; the temp file is removed all the same.
  }
  try {
    fs.rmSync(entry.target.tempPath, { force: true })
  } catch {
    // The drive is gone (EIO): nothing more can be removed from it; the next run clears what is left.
  }
}

function factsOf(error: unknown): ErrorFacts {
  const code = errnoCode(error)
  return {
    ...(code === undefined ? {} : { code }),
    message: error instanceof Error ? error.message : String(error),
  }
}
