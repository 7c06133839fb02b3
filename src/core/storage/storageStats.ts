import { eachDay, type DayKey } from '../../shared/night.js'
import type { Catalog, CatalogPhoto, StorageStats } from '../../shared/storage.js'
import type { SourceVolume } from '../sources/photoSource.js'

interface CountBytes {
  count: number
  bytes: number
}

/**
 * Photo count and bytes per day, with every day from the first to the last present so that a night the box
 * failed shows as a zero instead of silently missing (docs/field-notes.md, "Nights").
 */
function perDay(photos: readonly CatalogPhoto[], dayOf: (photo: CatalogPhoto) => DayKey) {
  const totals = new Map<DayKey, CountBytes>()
  for (const photo of photos) {
    const day = dayOf(photo)
    const total = totals.get(day) ?? { count: 0, bytes: 0 }
    total.count += 1
    total.bytes += photo.size
    totals.set(day, total)
  }
  const days = [...totals.keys()].sort()
  const first = days[0]
  const last = days[days.length - 1]
  if (first === undefined || last === undefined) return []
  return eachDay(first, last).map((day) => ({ day, ...(totals.get(day) ?? { count: 0, bytes: 0 }) }))
}

/**
 * The storage stats of the original service (disk total/used/free, photo count and size), plus what
 * researchers compare: per-night and per-date counts with gaps, flagged photos, and the capture span.
 *
 * `photos.bytes` counts the photo files only. Their sidecars are not in it because the catalog lists
 * companions by path without a size; they are a few hundred bytes each, and not in `otherFiles` either.
 * `volume.freeBytes` is the space an unprivileged writer can use (statvfs `f_bavail`, like Python's
 * `shutil.disk_usage`), and `usedBytes` is what is not free to anyone.
 */
export function computeStorageStats(catalog: Catalog, volume: SourceVolume, now: Date): StorageStats {
  const { photos } = catalog
  let photoBytes = 0
  let empty = 0
  let corrupt = 0
  let oldest: string | undefined
  let newest: string | undefined
  for (const photo of photos) {
    photoBytes += photo.size
    if (photo.flags.includes('empty')) empty += 1
    if (photo.flags.includes('corrupt')) corrupt += 1
    if (oldest === undefined || photo.capturedAt < oldest) oldest = photo.capturedAt
    if (newest === undefined || photo.capturedAt > newest) newest = photo.capturedAt
  }

  const stats: StorageStats = {
    sourceId: catalog.sourceId,
    volume: volumeStatsOf(volume),
    photos: { count: photos.length, bytes: photoBytes },
    otherFiles: {
      count: catalog.otherFiles.length,
      bytes: catalog.otherFiles.reduce((sum, file) => sum + file.size, 0),
    },
    flagged: { empty, corrupt },
    unreadable: catalog.unreadable ?? [],
    damageChecked: photos.filter((photo) => photo.checked !== false).length,
    nights: perDay(photos, (photo) => photo.night).map(({ day, ...total }) => ({ night: day, ...total })),
    dates: perDay(photos, (photo) => photo.date).map(({ day, ...total }) => ({ date: day, ...total })),
    generatedAt: now.getTime(),
  }
  if (catalog.deviceName !== undefined) stats.deviceName = catalog.deviceName
  if (oldest !== undefined) stats.oldestCapture = oldest
  if (newest !== undefined) stats.newestCapture = newest
  return stats
}

/** `freeBytes` is what an unprivileged writer can use; `usedBytes` what is free to no one. */
export const volumeStatsOf = (volume: SourceVolume): StorageStats['volume'] => ({
  totalBytes: volume.totalBytes,
  usedBytes: Math.max(0, volume.totalBytes - volume.freeBytes),
  freeBytes: volume.availableBytes,
})
