import pMap from 'p-map'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import { dateOf, nightOf, type WallClock } from '../../shared/night.js'
import { isPhotoFile, parsePhotoName, sidecarPhotoOf } from '../../shared/photoName.js'
import type { Catalog, CatalogFile, CatalogPhoto, FileFailure } from '../../shared/storage.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { walkSourceByFolder, type WalkOptions } from '../sources/walkSource.js'
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
  /**
   * false: photos whose name carries the capture time are not opened, so a catalog costs one walk of names,
   * sizes and mtimes; their flags then say only whether they are empty (`checked: false`) until
   * `checkPhotoDamage` reads them. Default true: every photo is read.
   */
  checkDamage?: boolean
  /** What an earlier catalog knew of a photo, reused when its size and mtime are unchanged. */
  knownPhoto?: (file: SourceFile) => KnownPhoto | undefined
  /** Folders an earlier walk listed, and where to report this walk's folders (walkSource.ts). */
  knownFolders?: WalkOptions['known']
  onListed?: WalkOptions['onListed']
}

/** What a catalog knows of one photo beyond its listing. */
export type KnownPhoto = Pick<CatalogPhoto, 'capturedAt' | 'captureOrigin' | 'flags' | 'checked'>

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
  for (const photo of photos) countDevice(counts, parsePhotoName(photo.path)?.deviceName)
  return mostCountedOf(counts)
}

function countDevice(counts: Map<string, number>, device: string | undefined): void {
  if (device !== undefined) counts.set(device, (counts.get(device) ?? 0) + 1)
}

function mostCountedOf(counts: ReadonlyMap<string, number>): string | undefined {
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
  const { signal, checkDamage = true } = options
  const report = throttled(options.onProgress)
  const { id } = await source.identity()

  const photoFiles: SourceFile[] = []
  const sidecars: SourceFile[] = []
  const otherFiles: SourceFile[] = []
  const unreadable: FileFailure[] = []
  let listed = 0
  for await (const files of walkSourceByFolder(source, {
    signal,
    onUnreadable: (failure) => unreadable.push(failure),
    known: options.knownFolders,
    onListed: options.onListed,
  })) {
    listed += files.length
    report({ message: 'Listing files', filesDone: listed })
    for (const file of files) {
      if (isCompanionAppFile(file.path)) continue
      if (isPhotoFile(file.path)) photoFiles.push(file)
      else if (sidecarPhotoOf(file.path) !== undefined) sidecars.push(file)
      else otherFiles.push(file)
    }
  }

  const photoPaths = new Set(photoFiles.map((photo) => photo.path))
  const companionsByPhoto = new Map<string, string[]>()
  for (const sidecar of sidecars) {
    const photo = sidecarPhotoOf(sidecar.path) as string
    // A sidecar whose photo is gone is still field data: it is kept as an other file, not dropped.
    if (!photoPaths.has(photo)) otherFiles.push(sidecar)
    else companionsByPhoto.set(photo, [...(companionsByPhoto.get(photo) ?? []), sidecar.path])
  }

  const toPhoto = (file: SourceFile, known: KnownPhoto): CatalogPhoto => ({
    path: file.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
    capturedAt: known.capturedAt,
    captureOrigin: known.captureOrigin,
    date: dateOf(known.capturedAt),
    night: nightOf(known.capturedAt),
    companions: companionsByPhoto.get(file.path) ?? [],
    flags: known.flags,
    checked: known.checked ?? true,
  })
  // Photos known already, or whose name gives the time when damage is checked later, need no read: they are
  // described at once, without a promise each (a season's card has a hundred thousand of them).
  const photos: CatalogPhoto[] = []
  const toRead: SourceFile[] = []
  const devices = new Map<string, number>()
  for (const file of photoFiles) {
    // One parse of each name: for the device that took most photos, and for the time of a photo not known.
    const named = parsePhotoName(file.path)
    countDevice(devices, named?.deviceName)
    const known =
      options.knownPhoto?.(file) ??
      (checkDamage || !named ? undefined : describeByName(file, named.capturedAt))
    if (known) photos.push(toPhoto(file, known))
    else toRead.push(file)
  }
  const total = photoFiles.length
  let inspected = photos.length
  await pMap(
    toRead,
    async (file) => {
      const inspection = await inspectPhoto(source, file)
      inspected += 1
      report({
        message: 'Reading photo times',
        fraction: inspected / total,
        filesDone: inspected,
        filesTotal: total,
        currentFile: file.path,
      })
      if (!inspection) return
      if ('unreadable' in inspection) unreadable.push(inspection.unreadable)
      else photos.push(toPhoto(file, { ...inspection, checked: true }))
    },
    { concurrency: INSPECT_CONCURRENCY, signal },
  )
  report({ message: 'Catalog ready', fraction: 1, filesDone: total, filesTotal: total }, true)

  const byPath = (a: { path: string }, b: { path: string }): number =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0

  photos.sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : byPath(a, b)))
  const catalog: Catalog = {
    sourceId: id,
    photos,
    otherFiles: otherFiles.map(toCatalogFile).sort(byPath),
    unreadable: unreadable.sort(byPath),
  }
  const deviceName = mostCountedOf(devices)
  if (deviceName !== undefined) catalog.deviceName = deviceName
  return catalog
}

/**
 * A photo whose name carries its capture time, described without opening it: until the damage check reads
 * it, its flags say only whether it is empty.
 */
function describeByName(file: SourceFile, fromName: WallClock): KnownPhoto {
  const empty = file.size === 0
  return { capturedAt: fromName, captureOrigin: 'filename', flags: empty ? ['empty'] : [], checked: empty }
}

/**
 * Reads the photos of a catalog that the damage check has not read yet, newest night first (a power cut
 * damages the photo being written last), and reports each one's flags as it goes. Photos that vanished
 * meanwhile are skipped. Cancelling keeps what was reported.
 */
export async function checkPhotoDamage(
  source: PhotoSource,
  photos: readonly CatalogPhoto[],
  options: {
    signal?: AbortSignal
    onProgress?: (progress: JobProgressUpdate) => void
    onChecked: (photo: CatalogPhoto, flags: CatalogPhoto['flags']) => void
  },
): Promise<{ checked: number; damaged: { path: string; flags: CatalogPhoto['flags'] }[] }> {
  const pending = photos
    .filter((photo) => photo.checked === false)
    .sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : a.capturedAt > b.capturedAt ? -1 : 0))
  const report = throttled(options.onProgress)
  const damaged: { path: string; flags: CatalogPhoto['flags'] }[] = []
  let checked = 0
  await pMap(
    pending,
    async (photo) => {
      const inspection = await inspectPhoto(source, photo)
      checked += 1
      report({
        message: 'Checking photos for damage',
        fraction: checked / pending.length,
        filesDone: checked,
        filesTotal: pending.length,
        currentFile: photo.path,
      })
      if (!inspection) return
      // A photo without read permission shows no damage it can be judged by; it is not read again until it
      // changes, and backups list it as unreadable.
      const flags = 'unreadable' in inspection ? [] : inspection.flags
      options.onChecked(photo, flags)
      if ('unreadable' in inspection) return
      if (flags.length > 0) damaged.push({ path: photo.path, flags })
    },
    { concurrency: INSPECT_CONCURRENCY, signal: options.signal },
  )
  report({ message: 'Damage check done', fraction: 1, filesDone: checked, filesTotal: pending.length }, true)
  return { checked, damaged }
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
  for await (const folderFiles of walkSourceByFolder(source, {
    signal,
    onUnreadable: (failure) => unreadable.push(failure),
  })) {
    for (const file of folderFiles) if (!isCompanionAppFile(file.path)) files.push(file)
  }
  const deviceName = mostCommonDevice(files.filter((file) => isPhotoFile(file.path)))
  return deviceName === undefined ? { files, unreadable } : { files, unreadable, deviceName }
}
