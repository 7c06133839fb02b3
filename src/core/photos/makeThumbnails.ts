import type { JobProgressUpdate } from '../../shared/jobs.js'
import type { ThumbnailsResult } from '../../shared/photos.js'
import type { CatalogPhoto } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode, isCompanionError, isSourceGone } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import type { PhotoImages } from './photoImages.js'
import type { RenderOptions } from './renderPhotoImage.js'

/**
 * Photos made at once: sharp decodes on libuv's threads, so a few in flight keep both cores busy without
 * holding many decoded 12 MP images in memory.
 */
const IN_FLIGHT = 3

export interface MakeThumbnailsOptions extends RenderOptions {
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

/**
 * Makes and caches the thumbnails of `photos` in the given order (the screen puts the night in view first),
 * so a card's grid appears at once later, even offline. Cancelling stops before the next photo; what was
 * made stays cached. A damaged photo is counted as such, not as a failure; a source that is gone stops it.
 */
export async function makeThumbnails(
  source: PhotoSource,
  card: string,
  photos: CatalogPhoto[],
  images: PhotoImages,
  options: MakeThumbnailsOptions = {},
): Promise<ThumbnailsResult> {
  const result: ThumbnailsResult = {
    photos: photos.length,
    fromPreview: 0,
    decoded: 0,
    cached: 0,
    damaged: [],
    failed: [],
  }
  let done = 0
  let next = 0
  const report = (currentFile?: string) =>
    options.onProgress?.({
      fraction: photos.length === 0 ? 1 : done / photos.length,
      filesDone: done,
      filesTotal: photos.length,
      ...(currentFile ? { currentFile } : {}),
    })
  report()

  const stopIfCancelled = () => {
    if (options.signal?.aborted)
      throw new CompanionError('CANCELLED', 'Thumbnails cancelled; those already made are kept')
  }
  const work = async (): Promise<void> => {
    while (next < photos.length) {
      stopIfCancelled()
      const photo = photos[next] as CatalogPhoto
      next += 1
      try {
        const image = await images.image(source, card, photo.path, 'thumbnail', {
          copyOnDrive: options.copyOnDrive,
        })
        if (image.origin === 'cache') result.cached += 1
        else if (image.origin === 'embedded') result.fromPreview += 1
        else result.decoded += 1
      } catch (error) {
        if (isSourceGone(error)) throw error
        if (isCompanionError(error) && error.code === 'PHOTO_DAMAGED') result.damaged.push(photo.path)
        else {
          const code = isCompanionError(error) ? error.code : errnoCode(error)
          result.failed.push({ path: photo.path, reason: describeError(error), ...(code ? { code } : {}) })
        }
      }
      done += 1
      report(photo.path)
    }
  }
  // Every thumbnail under way settles before the job ends: once it says cancelled, no more is written.
  const settled = await Promise.allSettled(Array.from({ length: IN_FLIGHT }, work))
  const rejection = settled.find((outcome) => outcome.status === 'rejected')
  if (rejection) throw rejection.reason
  stopIfCancelled()
  return result
}

/** The photos of `night` first (in capture order), then, with `allNights`, every other night's. */
export function thumbnailOrder(photos: CatalogPhoto[], night?: string, allNights = false): CatalogPhoto[] {
  const byTime = [...photos].sort(
    (a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.path.localeCompare(b.path),
  )
  if (night === undefined) return byTime
  const first = byTime.filter((photo) => photo.night === night)
  return allNights ? [...first, ...byTime.filter((photo) => photo.night !== night)] : first
}
