import fsp from 'node:fs/promises'
import path from 'node:path'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { VerifiedFile, VerifyCounts, VerifyReport, VerifyStatus } from '../../shared/verify.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import { PARTIAL_SUFFIX } from './backupDestinations.js'
import { BACKUP_LOCK_FILE } from './backupLock.js'
import { hashFromDrive, type ReadBackLevel } from './driveReadBack.js'
import { copyPathOf, MANIFEST_FILE, manifestPathOf, readManifest, type ManifestEntry } from './manifest.js'

export interface VerifyOptions {
  /** Share of the manifest's files to read back, in (0, 1]; every file is still checked for presence. */
  sampleFraction?: number
  signal?: AbortSignal
  onProgress?: (update: JobProgressUpdate) => void
}

/**
 * Re-reads every copy a backup's manifest lists, from the drive itself (`hashFromDrive`), and compares it with
 * the manifest; also lists files the card folder holds that the manifest does not. `target` is a card folder
 * (it holds the manifest) or a drive or folder whose direct subfolders are card folders.
 */
export async function verifyBackup(target: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now()
  const sampleFraction = options.sampleFraction ?? 1
  const cardFolders = await findCardFolders(target)
  const plans = await Promise.all(
    cardFolders.map(async (cardFolder) => {
      const manifest = await readManifest(cardFolder)
      const entries = [...manifest.values()]
      return { cardFolder, manifest, sampled: new Set(pickSample(entries, sampleFraction)) }
    }),
  )
  const bytesTotal = plans.reduce(
    (total, plan) => total + [...plan.sampled].reduce((sum, entry) => sum + entry.size, 0),
    0,
  )
  const filesTotal = plans.reduce((total, plan) => total + plan.sampled.size, 0)
  const progress = { bytesDone: 0, filesDone: 0 }
  const levels = new Set<ReadBackLevel>()
  const report = (currentFile?: string) =>
    options.onProgress?.({
      ...progress,
      bytesTotal,
      filesTotal,
      fraction:
        bytesTotal > 0
          ? progress.bytesDone / bytesTotal
          : filesTotal > 0
            ? progress.filesDone / filesTotal
            : 1,
      currentFile,
    })

  const folders: VerifyReport['cardFolders'] = []
  for (const { cardFolder, manifest, sampled } of plans) {
    const files: VerifiedFile[] = []
    let notSampled = 0
    const onDrive = await listCopies(cardFolder)
    // A copy's name on the drive, when its file system could not hold the card's (destinationNames.ts).
    const storedNames = new Set([...manifest.values()].map((entry) => entry.storedAs ?? entry.path))
    for (const entry of manifest.values()) {
      options.signal?.throwIfAborted()
      const copyPath = copyPathOf(cardFolder, entry)
      if (!onDrive.has(entry.storedAs ?? entry.path)) {
        files.push({
          path: entry.path,
          status: 'missing',
          reason: 'Listed in the manifest, not on the drive',
        })
        continue
      }
      if (!sampled.has(entry)) {
        notSampled++
        continue
      }
      report(entry.path)
      const checked = await checkCopy(copyPath, entry, options.signal, levels)
      files.push({ path: entry.path, ...checked })
      progress.bytesDone += entry.size
      progress.filesDone++
    }
    for (const relative of onDrive) {
      if (!storedNames.has(relative))
        files.push({
          path: relative,
          status: 'unlisted',
          reason: 'On the drive, not in the manifest: never verified',
        })
    }
    const counts = { ...countOf(files), notSampled }
    files.sort(
      (a, b) => Number(a.status === 'ok') - Number(b.status === 'ok') || a.path.localeCompare(b.path),
    )
    folders.push({ cardFolder, manifestPath: manifestPathOf(cardFolder), counts, files })
  }
  report()
  return {
    target,
    cardFolders: folders,
    counts: sumCounts(folders.map((folder) => folder.counts)),
    // One file read through the cache makes the whole check no stronger than that file's.
    readLevel: levels.has('cache') ? 'cache' : 'drive',
    sampleFraction,
    bytesRead: progress.bytesDone,
    durationMs: Date.now() - started,
  }
}

async function checkCopy(
  copyPath: string,
  entry: ManifestEntry,
  signal: AbortSignal | undefined,
  levels: Set<ReadBackLevel>,
): Promise<{ status: VerifyStatus; reason?: string }> {
  try {
    const { size } = await fsp.stat(copyPath)
    if (size !== entry.size)
      return { status: 'changed', reason: `${size} bytes on the drive, ${entry.size} in the manifest` }
    const { hash, level } = await hashFromDrive(copyPath, signal)
    levels.add(level)
    return hash === entry.hash
      ? { status: 'ok' }
      : { status: 'changed', reason: 'The bytes on the drive differ from the ones verified at backup' }
  } catch (error) {
    if (signal?.aborted) throw error
    if (errnoCode(error) === 'ENOENT') return { status: 'missing', reason: 'Vanished during the check' }
    return { status: 'unreadable', reason: `The drive could not read it back: ${describeError(error)}` }
  }
}

/**
 * A card folder holds the manifest; a drive holds card folders one level down (`<device>_<volume label>`).
 * Anything else holds no backup this app made, and saying so beats reporting "all 0 files ok".
 */
async function findCardFolders(target: string): Promise<string[]> {
  const absolute = path.resolve(target)
  let entries
  try {
    entries = await fsp.readdir(absolute, { withFileTypes: true })
  } catch (error) {
    throw new CompanionError('DESTINATION_NOT_FOUND', `Cannot open ${absolute}: ${describeError(error)}`, {
      cause: error,
    })
  }
  if (entries.some((entry) => entry.isFile() && entry.name === MANIFEST_FILE)) return [absolute]
  const folders: string[] = []
  for (const entry of entries) {
    if (!entry.isDirectory()) continue
    const folder = path.join(absolute, entry.name)
    if (await exists(manifestPathOf(folder))) folders.push(folder)
  }
  if (folders.length === 0) {
    throw new CompanionError(
      'BACKUP_NOT_FOUND',
      `No backup found in ${absolute}: neither it nor the folders directly inside it hold a ${MANIFEST_FILE}`,
    )
  }
  return folders.sort()
}

const exists = (file: string): Promise<boolean> =>
  fsp.stat(file).then(
    () => true,
    () => false,
  )

/** The copies in a card folder, relative with forward slashes; the app's own bookkeeping files are not copies. */
async function listCopies(cardFolder: string): Promise<Set<string>> {
  const entries = await fsp.readdir(cardFolder, { recursive: true, withFileTypes: true })
  const copies = new Set<string>()
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const relative = path
      .relative(cardFolder, path.join(entry.parentPath, entry.name))
      .split(path.sep)
      .join('/')
    if (relative === MANIFEST_FILE || relative === BACKUP_LOCK_FILE || entry.name.endsWith(PARTIAL_SUFFIX))
      continue
    copies.add(relative)
  }
  return copies
}

/**
 * Every n-th entry, spread over the whole card rather than its first nights, and at least one file whenever
 * the manifest has any: a sample that checks nothing would read as a pass.
 */
function pickSample<T>(entries: T[], fraction: number): T[] {
  if (fraction >= 1) return entries
  const wanted = Math.max(1, Math.round(entries.length * fraction))
  if (entries.length === 0) return []
  const step = entries.length / wanted
  return Array.from({ length: wanted }, (_, index) => entries[Math.floor(index * step)] as T)
}

function countOf(files: VerifiedFile[]): VerifyCounts {
  const counts: VerifyCounts = { ok: 0, changed: 0, missing: 0, unlisted: 0, unreadable: 0, notSampled: 0 }
  for (const file of files) counts[file.status]++
  return counts
}

function sumCounts(all: VerifyCounts[]): VerifyCounts {
  const total: VerifyCounts = { ok: 0, changed: 0, missing: 0, unlisted: 0, unreadable: 0, notSampled: 0 }
  for (const counts of all)
    for (const key of Object.keys(total) as (keyof VerifyCounts)[]) total[key] += counts[key]
  return total
}
