import fsp from 'node:fs/promises'
import path from 'node:path'
import type { FileFailure, PhotoFlag } from '../../shared/storage.js'
import { isPhotoFile } from '../../shared/photoName.js'
import { CompanionError, describeError, errnoCode, isSourceGone } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { readSourceChunks } from '../sources/readSourceChunks.js'
import {
  assertSameDrive,
  DriveGoneError,
  failDestination,
  PARTIAL_SUFFIX,
  type Destination,
} from './backupDestinations.js'
import { photoFlagsOf } from './captureTime.js'
import { FileEnds } from './fileEnds.js'
import { hashFromDrive } from './driveReadBack.js'
import { createHasher } from './fileHash.js'
import type { CopyThreads } from './copyThreads.js'
import { copyPathOf, verifiedEntryOf } from './manifest.js'
import { resolveInside } from './safety.js'
import { NAME_REFUSALS } from './driveRules.js'
import type { ErrorFacts, ThreadTarget } from './threadedCopy.js'

/**
 * Copies one card file to several drives, reading it once (rclone's copy.go idea: a small state object,
 * one method per step). Each copy goes to a temp name, is flushed to the drive, re-read and hashed, and only
 * when it matches the card's bytes is it renamed into place, given the card's mtime, and recorded in that
 * drive's manifest. A drive that fails stops only itself. A file of a card on this computer is copied by
 * one of the run's copy threads (threadedCopy.ts, the same steps with synchronous calls); this thread then
 * records what happened on each drive.
 */
export async function copyToDestinations(
  source: PhotoSource,
  file: SourceFile,
  destinations: Destination[],
  options: CopyOptions,
): Promise<FileFailure | CopyOutcome> {
  const localPath = options.threads && source.localPath?.(file.path)
  if (options.threads && localPath !== undefined) {
    return copyInThread(options.threads, source, file, localPath, destinations, options)
  }
  const copy = new VerifiedCopy(source, file, options)
  await copy.openTargets(destinations)
  const read = await copy.streamFromSource()
  if (read) return read
  await copy.verifyAndCommit()
  return { flags: copy.flags(), verifiedCopy: copy.verifiedCopy }
}

export interface CopyOutcome {
  flags: PhotoFlag[]
  /** Where one drive holds the copy, read back and matched: the thumbnail maker may read it there. */
  verifiedCopy?: string
}

export interface CopyOptions {
  verify: boolean
  signal?: AbortSignal
  onBytes: (bytes: number) => void
  /** The run's copy threads, for a source whose files are on this computer. */
  threads?: CopyThreads
}

interface Target {
  destination: Destination
  finalPath: string
  tempPath: string
  handle?: fsp.FileHandle
  /** This file, not the drive, was refused there (too large for its file system): the drive goes on. */
  refused?: boolean
}

class VerifiedCopy {
  private readonly targets: Target[] = []
  private readonly ends = new FileEnds()
  private size = 0
  /** Drives on which this copy was renamed into place. */
  private committed = 0
  /** The first copy renamed into place after its read-back matched (none without verification). */
  verifiedCopy: string | undefined
  private sourceHash = ''

  constructor(
    private readonly source: PhotoSource,
    private readonly file: SourceFile,
    private readonly options: CopyOptions,
  ) {}

  private live(): Target[] {
    return this.targets.filter((target) => !target.destination.dead && !target.refused)
  }

  /** A temp file per drive, after checking the drive is still the one the run started with. */
  async openTargets(destinations: Destination[]): Promise<void> {
    for (const destination of destinations) {
      const { finalPath, tempPath } = copyPathsOf(destination, this.file.path)
      try {
        await assertSameDrive(destination)
        await fsp.mkdir(path.dirname(finalPath), { recursive: true })
        this.targets.push({ destination, finalPath, tempPath, handle: await fsp.open(tempPath, 'w') })
      } catch (error) {
        const code = errnoCode(error)
        if (code !== undefined && NAME_REFUSALS.has(code)) refuseName(destination, this.file.path, code)
        else failDestination(destination, error)
      }
    }
  }

  /**
   * Reads the card file once, hashing it and writing every chunk to every live drive. Returns the file's
   * failure when the card could not be read (nothing of it is kept anywhere), else undefined.
   */
  async streamFromSource(): Promise<FileFailure | undefined> {
    const hasher = await createHasher()
    try {
      for await (const data of readSourceChunks(this.source, this.file.path, this.options.signal)) {
        hasher.update(data)
        this.ends.update(data)
        this.size += data.length
        // Every drive takes the chunk before the next is read: backpressure from the slowest drive.
        await Promise.all(this.live().map((target) => this.write(target, data)))
        this.options.onBytes(data.length)
        if (this.live().length === 0) break
      }
    } catch (error) {
      await this.discard(this.targets)
      return sourceReadFailure(this.source, this.file.path, error, this.options.signal)
    }
    this.sourceHash = hasher.digest()
    return undefined
  }

  private async write(target: Target, data: Buffer): Promise<void> {
    try {
      await writeAll(target.handle as fsp.FileHandle, data)
    } catch (error) {
      // EFBIG: larger than the drive's file system holds (FAT32 where its type could not be read first).
      if (errnoCode(error) === 'EFBIG') {
        target.refused = true
        refuseTooLarge(target.destination, this.file.path)
        return
      }
      failDestination(target.destination, error)
    }
  }

  /** Flush, re-read, compare, rename, record: per drive, so one drive's failure leaves the others whole. */
  async verifyAndCommit(): Promise<void> {
    for (const target of this.live()) {
      try {
        await this.commit(target)
      } catch (error) {
        if (this.options.signal?.aborted) {
          await this.discard(this.targets)
          throw cancelled()
        }
        failDestination(target.destination, error)
      }
    }
    await this.discard(this.targets.filter((target) => target.destination.dead || target.refused))
  }

  private async commit(target: Target): Promise<void> {
    const { destination } = target
    const handle = target.handle as fsp.FileHandle
    // File data and size reach the drive before the rename; mtime is set after and needs no flush of its own.
    await handle.datasync()
    await handle.close()
    target.handle = undefined
    // Re-read what the drive now holds, from the drive rather than the page cache: "already copied" must
    // mean verified.
    const readBack = this.options.verify
      ? await hashFromDrive(target.tempPath, this.options.signal)
      : undefined
    if (readBack?.level === 'cache') destination.result.readBackFromCache++
    if (readBack && readBack.hash !== this.sourceHash) {
      await fsp.rm(target.tempPath, { force: true })
      recordMismatch(destination, this.file.path)
      return
    }
    await keepEarlierPhoto(destination, this.file.path, this.sourceHash)
    await fsp.rename(target.tempPath, target.finalPath)
    const mtime = new Date(this.file.mtimeMs)
    await fsp.utimes(target.finalPath, mtime, mtime)
    await recordCopy(destination, this.file, this.size, this.sourceHash, this.options.verify)
    this.committed++
    if (this.options.verify) this.verifiedCopy ??= target.finalPath
  }

  /** Judged from the bytes just copied, so a damaged photo is reported without a second read of the card. */
  flags(): PhotoFlag[] {
    // Bytes of a copy that no drive kept (every drive failed mid-file) say nothing about the card's photo.
    if (this.committed === 0) return []
    return isPhotoFile(this.file.path) ? photoFlagsOf(this.size, this.ends.head, this.ends.tail) : []
  }

  private async discard(targets: Target[]): Promise<void> {
    await Promise.all(
      targets.map(async (target) => {
        await target.handle?.close().catch(() => undefined)
        target.handle = undefined
        await fsp.rm(target.tempPath, { force: true }).catch(() => undefined)
      }),
    )
  }
}

/** A write may take only part of a buffer (a drive filling up); the rest must not be silently dropped. */
async function writeAll(handle: fsp.FileHandle, data: Buffer): Promise<void> {
  let offset = 0
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset)
    if (bytesWritten === 0) throw Object.assign(new Error('The drive took no more bytes'), { code: 'ENOSPC' })
    offset += bytesWritten
  }
}

/**
 * The copy made by a copy thread, recorded here by the same rules as VerifiedCopy's: the thread reports
 * what happened on each drive, this thread decides what it means for the drive and the run.
 */
async function copyInThread(
  threads: CopyThreads,
  source: PhotoSource,
  file: SourceFile,
  sourcePath: string,
  destinations: Destination[],
  options: CopyOptions,
): Promise<FileFailure | CopyOutcome> {
  const targets = destinations.map((destination): ThreadTarget => {
    const earlier = destination.manifest.get(file.path)
    const storedAs = destination.names.storedAs(file.path)
    const manifestFd = destination.writer?.fd
    return {
      driveSlot: threads.slotOf(destination),
      root: destination.root,
      device: destination.device,
      ...copyPathsOf(destination, file.path),
      // keepEarlierPhoto's case, decided before the rename: only a photo is kept aside.
      ...(earlier && isPhotoFile(file.path) ? { earlierHash: earlier.hash } : {}),
      ...(manifestFd === undefined ? {} : { manifestFd }),
      ...(storedAs === file.path ? {} : { storedAs }),
    }
  })
  let reported = 0
  const reply = await threads.copy(
    { sourcePath, cardPath: file.path, mtimeMs: file.mtimeMs, verify: options.verify, targets },
    (bytes) => {
      reported += bytes
      options.onBytes(bytes)
    },
  )
  if (reply.size > reported) options.onBytes(reply.size - reported)
  let verifiedCopy: string | undefined
  let kept = 0
  for (const [index, outcome] of reply.targets.entries()) {
    const destination = destinations[index] as Destination
    const { tempPath, finalPath } = targets[index] as ThreadTarget
    if (outcome.kind === 'nameRefused') refuseName(destination, file.path, outcome.code)
    if (outcome.kind === 'tooLarge') refuseTooLarge(destination, file.path)
    if (outcome.kind === 'mismatch') recordMismatch(destination, file.path)
    // Every read-back through the cache counts, as on the in-process path: verified or not, it was weaker.
    if ('readBack' in outcome && outcome.readBack === 'cache') destination.result.readBackFromCache++
    if (outcome.kind === 'failed') {
      failDestination(destination, outcome.driveGone ? new DriveGoneError() : errorOf(outcome.error))
    }
    // Nothing written for no reason the reply gives (not cancelled, card read, drive not given up) must never
    // pass for a drive that simply has the file: that drive stops, saying so.
    if (outcome.kind === 'notWritten' && !reply.cancelled && !reply.sourceError && !destination.dead) {
      failDestination(destination, new Error('the copy thread did not write this file there'))
    }
    if (outcome.kind === 'committed') {
      // Verified and recorded by the thread: a true record even if the drive was given up meanwhile.
      countCopy(destination, reply.size)
      // Its turn to flush the manifest may come now; a drive that fails that stops, as for a line written here.
      if (options.verify)
        await destination.writer
          ?.wroteElsewhere()
          .catch((error: unknown) => failDestination(destination, error))
    }
    if (outcome.kind === 'awaitingRename') {
      try {
        // Given up (full, unplugged) while this file was copied: nothing more is done on that drive.
        if (destination.dead) throw new DriveGoneError()
        await keepEarlierPhoto(destination, file.path, reply.hash as string)
        await fsp.rename(tempPath, finalPath)
        const mtime = new Date(file.mtimeMs)
        await fsp.utimes(finalPath, mtime, mtime)
        await recordCopy(destination, file, reply.size, reply.hash as string, options.verify)
      } catch (error) {
        await fsp.rm(tempPath, { force: true }).catch(() => undefined)
        failDestination(destination, error)
        continue
      }
    }
    if (outcome.kind !== 'committed' && outcome.kind !== 'awaitingRename') continue
    kept++
    if (options.verify) verifiedCopy ??= finalPath
  }
  if (reply.cancelled) throw cancelled()
  if (reply.sourceError) {
    return sourceReadFailure(source, file.path, errorOf(reply.sourceError), options.signal)
  }
  return { flags: kept > 0 ? reply.flags : [], verifiedCopy }
}

/** Where a card file's copy goes on a drive, and the temp name it is written under until verified. */
function copyPathsOf(destination: Destination, cardPath: string): { finalPath: string; tempPath: string } {
  const finalPath = resolveInside(destination.cardFolder, destination.names.storedAs(cardPath))
  const tempPath = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}${PARTIAL_SUFFIX}`)
  return { finalPath, tempPath }
}

/**
 * The drive took this run's lock and folder, so a refusal now is of this name (a character its driver
 * cannot store): that file is not copied there, the drive goes on with the others.
 */
function refuseName(destination: Destination, cardPath: string, code: string): void {
  destination.result.failed.push({
    path: cardPath,
    code: 'NAME_REFUSED_BY_DRIVE',
    reason: `The drive refused this name (${code}): not copied there`,
  })
}

/** EFBIG: larger than the drive's file system holds (FAT32 where its type could not be read first). */
function refuseTooLarge(destination: Destination, cardPath: string): void {
  destination.result.failed.push({
    path: cardPath,
    code: 'FILE_TOO_LARGE_FOR_DRIVE',
    reason: 'The drive cannot hold a file this large (EFBIG): not copied there',
  })
}

function recordMismatch(destination: Destination, cardPath: string): void {
  destination.result.failed.push({
    path: cardPath,
    code: 'VERIFY_MISMATCH',
    reason: 'The copy read back differs from the card: the drive may be failing',
  })
}

/** A copy in place on a drive: counted, and in the manifest when verified (it lists verified copies only). */
async function recordCopy(
  destination: Destination,
  file: SourceFile,
  size: number,
  hash: string,
  verified: boolean,
): Promise<void> {
  if (verified) {
    const storedAs = destination.names.storedAs(file.path)
    await destination.writer?.append(
      verifiedEntryOf({ path: file.path, storedAs, size, mtimeMs: file.mtimeMs, hash }),
    )
  }
  countCopy(destination, size)
}

function countCopy(destination: Destination, size: number): void {
  destination.result.copied++
  destination.result.bytesCopied += size
}

/**
 * The card file could not be read: nothing of it was kept anywhere. A cancelled run, a box out of reach for
 * good (its reconnect attempts spent) and a card pulled out stop the run once; anything else is this file's
 * failure and the run goes on.
 */
async function sourceReadFailure(
  source: PhotoSource,
  cardPath: string,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<FileFailure> {
  if (signal?.aborted) throw cancelled()
  if (isSourceGone(error)) throw error
  if (source.stillThere && !(await source.stillThere())) throw cardRemoved(error)
  return unreadableFailure(cardPath, error)
}

/** An error as a copy thread described it, with its errno code, for the messages made from errors here. */
const errorOf = (facts: ErrorFacts): Error =>
  Object.assign(new Error(facts.message), facts.code ? { code: facts.code } : {})

/** The card stopped answering mid-run (pulled out): the backup stops once, keeping what was verified. */
const cardRemoved = (cause: unknown) =>
  new CompanionError(
    'SOURCE_NOT_FOUND',
    'The card was removed or stopped answering during the backup: files verified before are kept, and no partial file was left; plug it in and run the backup again to finish',
    { cause },
  )

export const cancelled = () =>
  new CompanionError('CANCELLED', 'The backup was cancelled; completed files are kept')

/** Why a card file could not be read for the backup, as the list of files not copied says it. */
export function unreadableFailure(filePath: string, error: unknown): FileFailure {
  if (errnoCode(error) === 'ENOENT') {
    return {
      path: filePath,
      code: 'FILE_VANISHED',
      reason: 'The file disappeared from the card during the backup',
    }
  }
  return {
    path: filePath,
    code: 'SOURCE_UNREADABLE',
    reason: `Could not read from the card: ${describeError(error)}`,
  }
}

/**
 * A different photo now stands on the card under a name the drive already holds verified (a camera that
 * restarted its numbering after a cleanup): the drive's copy may be the only one left of the earlier photo,
 * so it is moved aside to `<name>.earlier-<hash>.<ext>` and recorded there, never overwritten. Other files
 * (logs, settings, sidecars rewritten by the box) are mirrored as they are now.
 */
async function keepEarlierPhoto(destination: Destination, cardPath: string, newHash: string): Promise<void> {
  const earlier = destination.manifest.get(cardPath)
  if (!earlier || earlier.hash === newHash || !isPhotoFile(cardPath)) return
  const from = copyPathOf(destination.cardFolder, earlier)
  const stats = await fsp.lstat(from).catch(() => undefined)
  if (!stats?.isFile()) return
  // Named after the copy as the drive stored it, so the new name is one this drive can hold too.
  const stored = earlier.storedAs ?? cardPath
  const dot = stored.lastIndexOf('.')
  const keptPath = `${stored.slice(0, dot)}.earlier-${earlier.hash.slice(0, 8)}${stored.slice(dot)}`
  const keptAt = copyPathOf(destination.cardFolder, { path: keptPath })
  if (await fsp.lstat(keptAt).catch(() => undefined)) return
  await fsp.rename(from, keptAt)
  const now = Date.now()
  await destination.writer?.append([
    { ...earlier, path: keptPath, storedAs: undefined, verifiedAt: earlier.verifiedAt },
    { path: cardPath, movedTo: keptPath, movedAt: now },
  ])
  destination.manifest.delete(cardPath)
  destination.manifest.set(keptPath, { ...earlier, path: keptPath, storedAs: undefined })
}
