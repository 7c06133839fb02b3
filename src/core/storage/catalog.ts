import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import pMap from 'p-map'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import { dateOf, nightOf } from '../../shared/night.js'
import { isPhotoFile, parsePhotoName, sidecarPhotoOf } from '../../shared/photoName.js'
import type { Catalog, CatalogFile, CatalogPhoto, FileFailure } from '../../shared/storage.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { walkSource } from '../sources/walkSource.js'
import { inspectPhoto } from './captureTime.js'

/**
 * Files the Companion itself leaves on a card: its hidden state (`.creaturebox*`: organize journals,
 * settings), backup manifests, and LocalSource's write-then-rename temporaries. They are neither photos nor
 * field data, so catalogs, stats, backups and cleanups never see them. Every module that writes on a card
 * names its files to match one of these.
 */
const APP_FILE_PATTERNS: readonly RegExp[] = [
  /(^|\/)\.creaturebox[^/]*(\/|$)/,
  /(^|\/)creaturebox-manifest[^/]*$/,
  /\.tmp-\d+-\d+$/,
]

export const isCompanionAppFile = (path: string): boolean =>
  APP_FILE_PATTERNS.some((pattern) => pattern.test(path))

/** Reads in flight while inspecting photos: enough to hide SFTP latency, far below a server's handle limit. */
const INSPECT_CONCURRENCY = 8
const PROGRESS_INTERVAL_MS = 200

export interface BuildCatalogOptions {
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

function throttled(onProgress: BuildCatalogOptions['onProgress']) {
  let last = 0
  return (update: JobProgressUpdate, force = false): void => {
    if (!onProgress) return
    const now = Date.now()
    if (!force && now - last < PROGRESS_INTERVAL_MS) return
    last = now
    onProgress(update)
  }
}

/** The device that took most of the photos; ties go to the alphabetically first name, so it is stable. */
function mostCommonDevice(photos: readonly SourceFile[]): string | undefined {
  const counts = new Map<string, number>()
  for (const photo of photos) {
    const device = parsePhotoName(photo.path)?.deviceName
    if (device !== undefined) counts.set(device, (counts.get(device) ?? 0) + 1)
  }
  let best: [string, number] | undefined
  for (const entry of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!best || entry[1] > best[1]) best = entry
  }
  return best?.[0]
}

const toCatalogFile = ({ path, size, mtimeMs }: SourceFile): CatalogFile => ({ path, size, mtimeMs })

/**
 * Everything on a card, recognised: photos with their capture time, night, flags and sidecars, and the
 * other files (settings, logs, anything else) that a backup must carry too. Photos come sorted by capture
 * time, then path; other files by path.
 */
export async function buildCatalog(source: PhotoSource, options: BuildCatalogOptions = {}): Promise<Catalog> {
  const { signal } = options
  const report = throttled(options.onProgress)
  const { id } = await source.identity()

  const photoFiles: SourceFile[] = []
  const sidecars: SourceFile[] = []
  const otherFiles: SourceFile[] = []
  const unreadable: FileFailure[] = []
  let listed = 0
  for await (const file of walkSource(source, {
    signal,
    onUnreadable: (failure) => unreadable.push(failure),
  })) {
    listed += 1
    report({ message: 'Listing files', filesDone: listed })
    if (isCompanionAppFile(file.path)) continue
    if (isPhotoFile(file.path)) photoFiles.push(file)
    else if (sidecarPhotoOf(file.path) !== undefined) sidecars.push(file)
    else otherFiles.push(file)
  }

  const photoPaths = new Set(photoFiles.map((photo) => photo.path))
  const companionsByPhoto = new Map<string, string[]>()
  for (const sidecar of sidecars) {
    const photo = sidecarPhotoOf(sidecar.path) as string
    // A sidecar whose photo is gone is still field data: it is kept as an other file, not dropped.
    if (!photoPaths.has(photo)) otherFiles.push(sidecar)
    else companionsByPhoto.set(photo, [...(companionsByPhoto.get(photo) ?? []), sidecar.path])
  }

  let inspected = 0
  const total = photoFiles.length
  const photos = await pMap(
    photoFiles,
    async (file): Promise<CatalogPhoto | undefined> => {
      const inspection = await inspectPhoto(source, file)
      inspected += 1
      report({
        message: 'Reading photo times',
        fraction: inspected / total,
        filesDone: inspected,
        filesTotal: total,
        currentFile: file.path,
      })
      if (!inspection) return undefined
      if ('unreadable' in inspection) {
        unreadable.push(inspection.unreadable)
        return undefined
      }
      return {
        path: file.path,
        size: file.size,
        mtimeMs: file.mtimeMs,
        capturedAt: inspection.capturedAt,
        captureOrigin: inspection.captureOrigin,
        date: dateOf(inspection.capturedAt),
        night: nightOf(inspection.capturedAt),
        companions: companionsByPhoto.get(file.path) ?? [],
        flags: inspection.flags,
      }
    },
    { concurrency: INSPECT_CONCURRENCY, signal },
  )
  report({ message: 'Catalog ready', fraction: 1, filesDone: total, filesTotal: total }, true)

  const byPath = (a: { path: string }, b: { path: string }): number =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  const present = photos.filter((photo): photo is CatalogPhoto => photo !== undefined)
  present.sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : byPath(a, b)))
  const catalog: Catalog = {
    sourceId: id,
    photos: present,
    otherFiles: otherFiles.map(toCatalogFile).sort(byPath),
    unreadable: unreadable.sort(byPath),
  }
  const deviceName = mostCommonDevice(photoFiles)
  if (deviceName !== undefined) catalog.deviceName = deviceName
  return catalog
}

/**
 * What a backup carries: every file on the card except the Companion's own, listed without opening any (a
 * no-op re-run must not read photos), the folders that could not be listed, and the device name for the
 * backup folder.
 */
export async function listCardFiles(
  source: PhotoSource,
  signal?: AbortSignal,
): Promise<{ files: SourceFile[]; unreadable: FileFailure[]; deviceName?: string }> {
  const files: SourceFile[] = []
  const unreadable: FileFailure[] = []
  for await (const file of walkSource(source, {
    signal,
    onUnreadable: (failure) => unreadable.push(failure),
  })) {
    if (!isCompanionAppFile(file.path)) files.push(file)
  }
  const deviceName = mostCommonDevice(files.filter((file) => isPhotoFile(file.path)))
  return deviceName === undefined ? { files, unreadable } : { files, unreadable, deviceName }
}

/** Every folder that holds a file, with all its ancestors and the root (`''`). */
async function foldersOf(source: PhotoSource): Promise<string[]> {
  const folders = new Set<string>([''])
  // An unreadable folder cannot change what the catalog shows, so the fingerprint simply leaves it out.
  for await (const file of walkSource(source, { onUnreadable: () => undefined })) {
    let slash = file.path.lastIndexOf('/')
    while (slash > 0) {
      const folder = file.path.slice(0, slash)
      if (folders.has(folder)) break
      folders.add(folder)
      slash = folder.lastIndexOf('/')
    }
  }
  return [...folders].sort()
}

interface FolderSnapshot {
  folders: string[]
  mtimes: (number | undefined)[]
}

/** Folder lists of recently fingerprinted sources, by source id. */
const knownFolders = new LRUCache<string, FolderSnapshot>({ max: 64 })

const statFolders = (source: PhotoSource, folders: string[]): Promise<(number | undefined)[]> =>
  pMap(folders, async (folder) => (await source.statFolder(folder))?.mtimeMs, {
    concurrency: INSPECT_CONCURRENCY,
  })

/**
 * A cheap "has this card changed?" signal for caches, read from folder mtimes only (no file is opened).
 * Adding, removing or renaming a file changes its folder's mtime, and a new folder changes its parent's;
 * the folders to stat are remembered per source from one walk, which is redone only when some mtime moved,
 * so an unchanged card costs one statFolder per folder and keeps the same fingerprint.
 *
 * Limitations, covered by the catalog cache's TTL: a file rewritten in place under the same name changes no
 * folder; files appearing in a folder that held no file at the last walk go unnoticed (PhotoSource cannot
 * list empty folders); and FAT keeps mtimes to 2 s, so two changes within 2 s may look like one.
 */
export async function catalogFingerprint(source: PhotoSource): Promise<string> {
  const { id } = await source.identity()
  let snapshot = knownFolders.get(id)
  if (snapshot) {
    const mtimes = await statFolders(source, snapshot.folders)
    if (mtimes.some((mtime, index) => mtime !== snapshot?.mtimes[index])) snapshot = undefined
  }
  if (!snapshot) {
    const folders = await foldersOf(source)
    snapshot = { folders, mtimes: await statFolders(source, folders) }
    knownFolders.set(id, snapshot)
  }
  const hash = createHash('sha256')
  snapshot.folders.forEach((folder, index) => hash.update(`${folder}\0${snapshot.mtimes[index] ?? '-'}\n`))
  return hash.digest('hex').slice(0, 32)
}
