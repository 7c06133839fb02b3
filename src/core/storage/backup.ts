import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { BackupResult, FileFailure } from '../../shared/storage.js'
import { errnoCode, isSourceGone } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { cardFolderName, copiesIn } from './backupFolder.js'
import {
  closeDestinations,
  failDestination,
  openDestinations,
  refuseIfTooSmall,
  removeStalePartials,
  type Destination,
} from './backupDestinations.js'
import { CopyThreads } from './copyThreads.js'
import { hashSourceFile } from './fileHash.js'
import { decideBackup, type FileState } from './incremental.js'
import type { BackupRun, RunningBackupCopies } from './runningBackupCopies.js'
import { formerCopiesOf, relocateFormerCopies, type FormerCopies } from './relocateCopies.js'
import { cancelled, copyToDestinations, unreadableFailure } from './verifiedCopy.js'

export { PARTIAL_SUFFIX } from './backupDestinations.js'

/**
 * Backup of one card to one or more drives: plans from stats and manifests, then copies each file that a
 * drive lacks (verifiedCopy.ts), or moves a copy the drive already holds under a former path
 * (relocateCopies.ts). The drives themselves are checked and opened in backupDestinations.ts.
 */

export type BackupFile = SourceFile

export interface BackupOptions {
  incremental?: boolean
  verify?: boolean
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
  deviceName?: string
  /** Files and folders of the card that could not be listed: reported as not copied. */
  unreadable?: FileFailure[]
  /** Mount points of the laptop's system drives; their roots are never a destination. */
  systemMountpoints?: readonly string[]
  /** false (`--no-wait`): fail at once when another backup is writing to the same drive. */
  waitForLock?: boolean
  /** Offers each verified copy to the thumbnail maker, and copies first the photos it waits for. */
  sharing?: RunningBackupCopies
}

/**
 * A box's files copied at once, on this thread. Each ends in an fdatasync that waits for the drive; with
 * several in flight the drive always has data to write. Eight measured best here; more only queued behind
 * libuv's I/O threads (src/core/ioThreadPool.ts sizes that pool to fit).
 */
const FILES_IN_FLIGHT = 8

/**
 * Copy threads for a card on this computer (copyThreads.ts), each copying one file at a time. A thread
 * spends most of a small photo's time blocked, not computing: in the card's read, and in one flush per
 * drive (about 1 ms each on the benchmark's drives, a third of a thread's time with two drives). Eight keep
 * the card read while others wait on the drives. Measured from the card reader to RAM-backed drives
 * (alternating runs in four sittings), two drives / one drive: a median 1.03 with eight threads and 1.01
 * with sixteen files in flight (two runs), against 1.04 with four; one drive the same; a 2 GB card from the
 * page cache 7.9 s against 9.3 s (one run each; docs/benchmarks.md, 2026-11-29 night). As many files again
 * wait on this thread, so that a thread that finishes one starts the next at once.
 */
const COPY_THREADS = 8
const FILES_IN_FLIGHT_TO_THREADS = 2 * COPY_THREADS

/** What one file needs, decided per drive from stats and manifests only: a no-op run reads no photo. */
interface PlannedCopy {
  file: BackupFile
  targets: Destination[]
  /** Destinations whose copy differs only by whole hours of mtime: skipped if the source hash matches. */
  confirmByHash: Set<Destination>
}

/**
 * Copies files of a source to one or more destinations, reading each source file once and writing it to
 * every destination that needs it. One failing destination does not stop the others; a file is counted on
 * a drive only once its copy there is verified.
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
  const localRoot = source.features.localRoot
  const destinations = await openDestinations(destinationRoots, {
    folderName: cardFolderName(options.deviceName, identity.volumeLabel),
    cardPaths: files.map((file) => file.path),
    sourceRoot: localRoot,
    systemMountpoints: options.systemMountpoints,
    waitForLock: options.waitForLock,
    signal,
    onWaiting: (message) => options.onProgress?.({ message }),
  })
  const failed: FileFailure[] = [...(options.unreadable ?? [])]
  const flagged: BackupResult['flagged'] = []
  let run: BackupRun | undefined
  // Started with the first file copied: a run with nothing new starts none.
  const threads = source.localPath ? new CopyThreads(COPY_THREADS, signal) : undefined
  if (threads)
    for (const destination of destinations) destination.onGivenUp = () => threads.giveUp(destination)

  try {
    const plan = dropRefusedFiles(
      planCopies(
        files,
        destinations,
        await listCopies(
          destinations,
          files.map((file) => file.path),
        ),
        incremental,
      ),
    )
    for (const destination of destinations) {
      const needed = plan
        .filter((item) => item.targets.includes(destination))
        .reduce((sum, item) => sum + item.file.size, 0)
      await refuseIfTooSmall(destination, needed)
    }
    const cardPaths = new Set(files.map((file) => file.path))
    const formerCopies = new Map<Destination, FormerCopies>(
      destinations.map((destination) => [destination, formerCopiesOf(destination, cardPaths)]),
    )
    // From here until the run ends, the thumbnail maker may wait for a photo's copy instead of pulling it;
    // only a verified copy is offered, so a run without verification offers none.
    run = verify ? options.sharing?.begin(plan.map((item) => item.file)) : undefined
    const bytesTotal = plan.reduce((sum, item) => sum + item.file.size, 0)
    let bytesDone = 0
    let filesDone = 0
    const report = (currentFile?: string) =>
      options.onProgress?.({ bytesDone, bytesTotal, filesDone, filesTotal: plan.length, currentFile })
    report()
    const copyPlanned = async (item: PlannedCopy) => {
      const { file } = item
      const targets = item.targets.filter((destination) => !destination.dead)
      if (targets.length === 0) return run?.settled(file.path, undefined)
      report(file.path)
      let verifiedCopy: string | undefined
      try {
        verifiedCopy = await copyOne(item, targets)
      } finally {
        run?.settled(file.path, verifiedCopy)
      }
    }
    /** Copies one file to its drives; the path of a verified copy on one of them, if one was made. */
    const copyOne = async (item: PlannedCopy, live: Destination[]): Promise<string | undefined> => {
      const { file } = item
      let targets = live
      let hash: Promise<string> | undefined
      const sourceHash = () => (hash ??= hashSourceFile(source, file.path, signal))
      try {
        targets = await dropConfirmedByHash(item, targets, sourceHash)
        targets = await relocateFormerCopies(file, targets, formerCopies, sourceHash, signal)
      } catch (error) {
        // Reading the card file to compare it failed: that file is not backed up; the others go on.
        if (signal?.aborted) throw cancelled()
        if (isSourceGone(error)) throw error
        failed.push(unreadableFailure(file.path, error))
        filesDone++
        return undefined
      }
      let verifiedCopy: string | undefined
      if (targets.length > 0) {
        const outcome = await copyToDestinations(source, file, targets, {
          verify,
          signal,
          threads,
          onBytes: (bytes) => {
            bytesDone += bytes
            report(file.path)
          },
        })
        if (!('flags' in outcome)) failed.push(outcome)
        else {
          if (outcome.flags.length > 0) flagged.push({ path: file.path, flags: outcome.flags })
          verifiedCopy = outcome.verifiedCopy
        }
      } else {
        // Nothing to write: the file is done all the same, and the bar must say so.
        bytesDone += file.size
      }
      filesDone++
      return verifiedCopy
    }
    // Workers rather than p-map: the manifests are closed only after every copy in flight has settled.
    // In plan order, except that a photo the thumbnail maker waits for is taken next.
    let next = 0
    const started = new Set<number>()
    const indexOf = new Map(plan.map((item, index) => [item.file.path, index]))
    const isStarted = (path: string) => started.has(indexOf.get(path) ?? -1)
    const takeNext = (): PlannedCopy | undefined => {
      const wanted = run?.nextWanted(isStarted)
      let index = wanted === undefined ? undefined : indexOf.get(wanted)
      if (index === undefined) {
        while (started.has(next)) next++
        if (next >= plan.length) return undefined
        index = next++
      }
      started.add(index)
      return plan[index]
    }
    const worker = async () => {
      for (;;) {
        if (signal?.aborted) throw cancelled()
        const item = takeNext()
        if (!item) return
        await copyPlanned(item)
      }
    }
    const inFlight = threads ? FILES_IN_FLIGHT_TO_THREADS : FILES_IN_FLIGHT
    const workers = Array.from({ length: Math.min(inFlight, plan.length) }, worker)
    const settled = await Promise.allSettled(workers)
    const rejection = settled.find((outcome) => outcome.status === 'rejected')
    if (rejection) throw rejection.reason
    // Cancelled after the last file started: what completed is kept, but the run did not finish as asked.
    if (signal?.aborted) throw cancelled()
    report()
  } finally {
    run?.end()
    try {
      await threads?.close()
    } finally {
      await closeDestinations(destinations)
    }
  }

  const results = destinations.map((destination) => destination.result)
  return {
    sourceId: identity.id,
    filesTotal: files.length,
    bytesTotal: files.reduce((sum, file) => sum + file.size, 0),
    verify,
    copied: Math.max(0, ...results.map((result) => result.copied)),
    skipped: Math.min(...results.map((result) => result.skipped)),
    failed,
    flagged,
    bytesCopied: results.reduce((sum, result) => sum + result.bytesCopied, 0),
    durationMs: Date.now() - started,
    destinations: results,
  }
}

function planCopies(
  files: BackupFile[],
  destinations: Destination[],
  copiesOnDrive: ReadonlyMap<Destination, ReadonlyMap<string, FileState>>,
  incremental: boolean,
): PlannedCopy[] {
  const live = destinations.filter((destination) => !destination.dead)
  const planned: PlannedCopy[] = []
  for (const file of files) {
    const item: PlannedCopy = { file, targets: [], confirmByHash: new Set() }
    for (const destination of live) {
      const entry = destination.manifest.get(file.path)
      // The copy's size and mtime as the drive's listing found them: one cut short or replaced since it was
      // verified (a drive pulled, fsck) no longer matches and is copied again, never counted as verified.
      const copy = copiesOnDrive.get(destination)?.get(destination.names.storedAs(file.path))
      const decision = incremental ? decideBackup(file, copy, entry) : 'copy'
      if (decision === 'unchanged') {
        destination.result.skipped++
        continue
      }
      item.targets.push(destination)
      if (decision === 'confirmByHash') item.confirmByHash.add(destination)
    }
    if (item.targets.length > 0) planned.push(item)
  }
  return planned
}

/**
 * What each live drive already holds of this card: one listing per drive, read before planning, from which
 * the temp files of a killed run are removed first. A drive whose card folder cannot be listed (or tidied)
 * fails on its own with a message saying so: the other drives go on.
 */
async function listCopies(
  destinations: Destination[],
  cardPaths: readonly string[],
): Promise<Map<Destination, ReadonlyMap<string, FileState>>> {
  const listed = new Map<Destination, ReadonlyMap<string, FileState>>()
  const listCopiesOf = async (destination: Destination) => {
    try {
      const copies = await copiesIn(destination.cardFolder)
      await removeStalePartials(destination, copies, cardPaths)
      listed.set(destination, copies)
    } catch (error) {
      // Given up like any failing drive; the message says it was the listing, not a write, that failed.
      failDestination(destination, error)
      const code = errnoCode(error) ?? errnoCode((error as { cause?: unknown } | undefined)?.cause)
      destination.result.error = {
        code: 'DESTINATION_FAILED',
        message:
          `Could not read what ${destination.root} already holds of this card` +
          `${code ? ` (${code})` : ''}: nothing was copied there; files copied before are kept`,
      }
    }
  }
  await Promise.all(destinations.filter((destination) => !destination.dead).map(listCopiesOf))
  return listed
}

/**
 * A file the drive's file system cannot hold (over FAT32's 4 GiB − 1) is refused there by name before
 * anything is read; the other files, and the other drives, go on.
 */
function dropRefusedFiles(plan: PlannedCopy[]): PlannedCopy[] {
  for (const item of plan) {
    item.targets = item.targets.filter((destination) => {
      const refusal = destination.names.refusal(item.file)
      if (refusal) destination.result.failed.push(refusal)
      return !refusal
    })
  }
  return plan.filter((item) => item.targets.length > 0)
}

/** Hour-shifted mtimes (FAT after DST) count as unchanged only when the source still hashes the same. */
async function dropConfirmedByHash(
  item: PlannedCopy,
  targets: Destination[],
  sourceHash: () => Promise<string>,
): Promise<Destination[]> {
  if (!targets.some((destination) => item.confirmByHash.has(destination))) return targets
  const hash = await sourceHash()
  return targets.filter((destination) => {
    const same =
      item.confirmByHash.has(destination) && destination.manifest.get(item.file.path)?.hash === hash
    if (same) destination.result.skipped++
    return !same
  })
}
