import fsp from 'node:fs/promises'
import path from 'node:path'
import pMap from 'p-map'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { BackupResult, DestinationResult, FileFailure, PhotoFlag } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode, isSourceGone } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import { cardFolderName } from './backupFolder.js'
import { createHasher, hashFile, hashSourceFile, HASH_ALGORITHM } from './fileHash.js'
import { decideBackup } from './incremental.js'
import { ManifestWriter, manifestPathOf, readManifest, type ManifestEntry } from './manifest.js'
import { isInside, resolveInside } from './safety.js'
import { readSourceChunks } from '../sources/readSourceChunks.js'
import { isPhotoFile } from '../../shared/photoName.js'
import { photoFlagsOf } from './captureTime.js'
import { FileEnds } from './fileEnds.js'

export interface BackupFile {
  path: string
  size: number
  mtimeMs: number
}

export interface BackupOptions {
  incremental?: boolean
  verify?: boolean
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
  deviceName?: string
}

/** Suffix of a file being written: never a final name until verified (no partial photo ever looks whole). */
export const PARTIAL_SUFFIX = '.creaturebox-partial'

/**
 * Files copied at once. Each ends in an fdatasync that waits for the drive; with several in flight the
 * drive always has data to write. Eight measured best here; more only queued behind the I/O threads
 * (src/core/ioThreadPool.ts sizes that pool to fit).
 */
const FILES_IN_FLIGHT = 8

interface Destination {
  root: string
  /** Device of the root when the backup started: another device there means the drive was unmounted. */
  device: number
  cardFolder: string
  manifest: Map<string, ManifestEntry>
  writer: ManifestWriter
  result: DestinationResult
  /** Set once the whole destination failed (full, removed): it takes no more files. */
  dead: boolean
}

/**
 * Copies files of a source to one or more destinations, reading each source file once and writing it to
 * every destination that needs it. Each copy goes to a temp name, is fsynced, re-read and hashed, and only
 * when the hash matches the source bytes is it renamed into place and recorded in that destination's
 * manifest. One failing destination does not stop the others.
 */
export async function backupFiles(
  source: PhotoSource,
  files: BackupFile[],
  destinationRoots: string[],
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = Date.now()
  const { incremental = true, verify = true, signal } = options
  const identity = await source.identity()
  const folderName = cardFolderName(options.deviceName, identity.volumeLabel)
  const destinations = await openDestinations(identity.id, destinationRoots, folderName)
  const failed: FileFailure[] = []
  const flagged: BackupResult['flagged'] = []

  try {
    const plan = await planCopies(files, destinations, incremental)
    const bytesTotal = plan.reduce((sum, item) => sum + item.file.size, 0)
    let bytesDone = 0
    let filesDone = 0
    const report = (currentFile?: string) =>
      options.onProgress?.({ bytesDone, bytesTotal, filesDone, filesTotal: plan.length, currentFile })
    report()
    const copyPlanned = async (item: PlannedCopy) => {
      const { file } = item
      let targets = item.targets.filter((destination) => !destination.dead)
      if (targets.length === 0) return
      report(file.path)
      targets = await dropConfirmedByHash(source, item, targets)
      if (targets.length > 0) {
        const outcome = await copyOne(source, file, targets, {
          verify,
          signal,
          onBytes: (bytes) => {
            bytesDone += bytes
            report(file.path)
          },
        })
        if (!('flags' in outcome)) failed.push(outcome)
        else if (outcome.flags.length > 0) flagged.push({ path: file.path, flags: outcome.flags })
      }
      filesDone++
    }
    // Workers rather than p-map: the manifests are closed only after every copy in flight has settled.
    let next = 0
    const worker = async () => {
      while (next < plan.length) {
        if (signal?.aborted) throw cancelled()
        await copyPlanned(plan[next++] as PlannedCopy)
      }
    }
    const workers = Array.from({ length: Math.min(FILES_IN_FLIGHT, plan.length) }, worker)
    const settled = await Promise.allSettled(workers)
    const rejection = settled.find((outcome) => outcome.status === 'rejected')
    if (rejection) throw rejection.reason
    // Cancelled after the last file started: what completed is kept, but the run did not finish as asked.
    if (signal?.aborted) throw cancelled()
    report()
  } finally {
    await Promise.all(destinations.map((destination) => destination.writer.close().catch(() => undefined)))
  }

  const results = destinations.map((destination) => destination.result)
  return {
    sourceId: identity.id,
    filesTotal: files.length,
    bytesTotal: files.reduce((sum, file) => sum + file.size, 0),
    copied: Math.max(0, ...results.map((result) => result.copied)),
    skipped: Math.min(...results.map((result) => result.skipped)),
    failed,
    flagged,
    bytesCopied: results.reduce((sum, result) => sum + result.bytesCopied, 0),
    durationMs: Date.now() - started,
    destinations: results,
  }
}

async function openDestinations(
  sourceId: string,
  roots: string[],
  folderName: string,
): Promise<Destination[]> {
  const sourceRoot = sourceId.startsWith('local:') ? sourceId.slice('local:'.length) : undefined
  const realSource = sourceRoot ? await fsp.realpath(sourceRoot) : undefined
  const destinations: Destination[] = []
  for (const root of roots) {
    const absolute = path.resolve(root)
    let real: string
    let device: number
    try {
      real = await fsp.realpath(absolute)
      const stats = await fsp.stat(real)
      if (!stats.isDirectory()) throw new Error('not a folder')
      device = stats.dev
    } catch (error) {
      throw new CompanionError(
        'DESTINATION_NOT_FOUND',
        `The backup drive or folder ${absolute} is not there (is it plugged in?)`,
        {
          cause: error,
        },
      )
    }
    if (realSource && (real === realSource || isInside(realSource, real))) {
      throw new CompanionError(
        'DESTINATION_INSIDE_SOURCE',
        `Refused: ${absolute} is on the card being backed up`,
      )
    }
    const cardFolder = path.join(absolute, folderName)
    await fsp.mkdir(cardFolder, { recursive: true })
    await removeStalePartials(cardFolder)
    destinations.push({
      root: absolute,
      device,
      cardFolder,
      manifest: await readManifest(cardFolder),
      writer: await ManifestWriter.open(cardFolder),
      dead: false,
      result: {
        destination: absolute,
        cardFolder,
        manifestPath: manifestPathOf(cardFolder),
        copied: 0,
        skipped: 0,
        failed: [],
        bytesCopied: 0,
      },
    })
  }
  return destinations
}

/** Decides per file which destinations need it, from stats and manifests only: a no-op run reads no photo. */
interface PlannedCopy {
  file: BackupFile
  targets: Destination[]
  /** Destinations whose copy differs only by whole hours of mtime: skipped if the source hash matches. */
  confirmByHash: Set<Destination>
}

/** Decides per file which destinations need it, from stats and manifests only: a no-op run reads no photo. */
async function planCopies(
  files: BackupFile[],
  destinations: Destination[],
  incremental: boolean,
): Promise<PlannedCopy[]> {
  const planned = await pMap(
    files,
    async (file): Promise<PlannedCopy> => {
      const item: PlannedCopy = { file, targets: [], confirmByHash: new Set() }
      for (const destination of destinations) {
        const decision = incremental
          ? decideBackup(
              file,
              await statOrUndefined(resolveInside(destination.cardFolder, file.path)),
              destination.manifest.get(file.path),
            )
          : 'copy'
        if (decision === 'unchanged') {
          destination.result.skipped++
          continue
        }
        item.targets.push(destination)
        if (decision === 'confirmByHash') item.confirmByHash.add(destination)
      }
      return item
    },
    { concurrency: 64 },
  )
  return planned.filter((item) => item.targets.length > 0)
}

/** Hour-shifted mtimes (FAT after DST) count as unchanged only when the source still hashes the same. */
async function dropConfirmedByHash(source: PhotoSource, item: PlannedCopy, targets: Destination[]) {
  if (!targets.some((destination) => item.confirmByHash.has(destination))) return targets
  const hash = await hashSourceFile(source, item.file.path)
  return targets.filter((destination) => {
    const same =
      item.confirmByHash.has(destination) && destination.manifest.get(item.file.path)?.hash === hash
    if (same) destination.result.skipped++
    return !same
  })
}

interface Target {
  destination: Destination
  finalPath: string
  tempPath: string
  handle?: fsp.FileHandle
}

async function copyOne(
  source: PhotoSource,
  file: BackupFile,
  destinations: Destination[],
  options: { verify: boolean; signal?: AbortSignal; onBytes: (bytes: number) => void },
): Promise<FileFailure | { flags: PhotoFlag[] }> {
  const targets: Target[] = []
  for (const destination of destinations) {
    const finalPath = resolveInside(destination.cardFolder, file.path)
    const tempPath = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}${PARTIAL_SUFFIX}`)
    try {
      await assertSameDrive(destination)
      await fsp.mkdir(path.dirname(finalPath), { recursive: true })
      targets.push({ destination, finalPath, tempPath, handle: await fsp.open(tempPath, 'w') })
    } catch (error) {
      failDestination(destination, error)
    }
  }
  const live = () => targets.filter((target) => !target.destination.dead)

  const hasher = await createHasher()
  const ends = new FileEnds()
  let size = 0
  try {
    for await (const data of readSourceChunks(source, file.path, options.signal)) {
      hasher.update(data)
      ends.update(data)
      size += data.length
      // Wait for every destination to take the chunk before reading on: backpressure from the slowest drive.
      await Promise.all(
        live().map(async (target) => {
          try {
            await writeAll(target.handle as fsp.FileHandle, data)
          } catch (error) {
            failDestination(target.destination, error)
          }
        }),
      )
      options.onBytes(data.length)
      if (live().length === 0) break
    }
  } catch (error) {
    await discard(targets)
    if (options.signal?.aborted) throw cancelled()
    // A box out of reach for good (its reconnect attempts spent) fails the job with its own clear message.
    if (isSourceGone(error)) throw error
    if (errnoCode(error) === 'ENOENT') {
      return {
        path: file.path,
        code: 'FILE_VANISHED',
        reason: 'The file disappeared from the card during the backup',
      }
    }
    return {
      path: file.path,
      code: 'SOURCE_UNREADABLE',
      reason: `Could not read from the card: ${describeError(error)}`,
    }
  }
  const sourceHash = hasher.digest()

  for (const target of live()) {
    const { destination } = target
    try {
      const handle = target.handle as fsp.FileHandle
      // File data and size reach the drive before the rename; mtime is set after and needs no flush of its own.
      await handle.datasync()
      await handle.close()
      target.handle = undefined
      // Re-read what the drive now holds: "already copied" must mean verified.
      if (options.verify && (await hashFile(target.tempPath, options.signal)) !== sourceHash) {
        await fsp.rm(target.tempPath, { force: true })
        destination.result.failed.push({
          path: file.path,
          code: 'VERIFY_MISMATCH',
          reason: 'The copy read back differs from the card: the drive may be failing',
        })
        continue
      }
      await fsp.rename(target.tempPath, target.finalPath)
      const mtime = new Date(file.mtimeMs)
      await fsp.utimes(target.finalPath, mtime, mtime)
      // Without verification nothing is recorded: the manifest lists verified copies only.
      if (options.verify) {
        await destination.writer.append({
          path: file.path,
          size,
          mtimeMs: file.mtimeMs,
          hash: sourceHash,
          algorithm: HASH_ALGORITHM,
          verifiedAt: Date.now(),
        })
      }
      destination.result.copied++
      destination.result.bytesCopied += size
    } catch (error) {
      if (options.signal?.aborted) {
        await discard(targets)
        throw cancelled()
      }
      failDestination(destination, error)
    }
  }
  await discard(targets.filter((target) => target.destination.dead))
  // Judged from the bytes just copied, so a damaged photo is reported without a second read of the card.
  return { flags: isPhotoFile(file.path) ? photoFlagsOf(size, ends.head, ends.tail) : [] }
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
 * An unplugged drive can leave its mount folder behind (a manual mount, a stale automount); creating the
 * card folder again there would quietly fill the laptop's own disk. The root must still be the same device.
 */
async function assertSameDrive(destination: Destination): Promise<void> {
  const stats = await fsp.stat(destination.root).catch(() => undefined)
  if (!stats?.isDirectory() || stats.dev !== destination.device) throw new DriveGoneError()
}

class DriveGoneError extends Error {}

function failDestination(destination: Destination, error: unknown): void {
  if (destination.dead) return
  destination.dead = true
  const code = errnoCode(error)
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    destination.result.error = {
      code: 'DESTINATION_FULL',
      message: `The drive ${destination.root} is full; files copied before are kept`,
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

async function discard(targets: Target[]): Promise<void> {
  await Promise.all(
    targets.map(async (target) => {
      await target.handle?.close().catch(() => undefined)
      target.handle = undefined
      await fsp.rm(target.tempPath, { force: true }).catch(() => undefined)
    }),
  )
}

/** Temp files of a run that was killed (power cut, cable pulled) are never completed: remove them. */
async function removeStalePartials(cardFolder: string): Promise<void> {
  const entries = await fsp.readdir(cardFolder, { recursive: true, withFileTypes: true })
  await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith(PARTIAL_SUFFIX))
      .map((entry) => fsp.rm(path.join(entry.parentPath, entry.name), { force: true })),
  )
}

async function statOrUndefined(absolutePath: string) {
  try {
    const stats = await fsp.stat(absolutePath)
    return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined
  } catch {
    return undefined
  }
}

const cancelled = () => new CompanionError('CANCELLED', 'The backup was cancelled; completed files are kept')
