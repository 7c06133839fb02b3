import path from 'node:path'
import { assessThumbnails, type PhotoMarks } from '../../shared/photos.js'
import type { CatalogPhoto } from '../../shared/storage.js'
import type { CommandArgs } from '../../shared/contract.js'
import type { CommandHandlers } from '../dispatch.js'
import { CompanionError } from '../errors.js'
import type { JobQueue } from '../jobs/index.js'
import type { SourceFile } from '../sources/photoSource.js'
import type { StorageManager } from '../storage/storageManager.js'
import { makeThumbnails, thumbnailOrder } from './makeThumbnails.js'
import { photoCardOf } from './photoCard.js'
import { photoDetailsOf } from './photoDetails.js'
import { photoOriginalOf, readPhotoOriginal, type PhotoOriginalFile } from './photoOriginal.js'
import { PhotoImages } from './photoImages.js'
import { PhotoMarksStore } from './photoMarks.js'
import { thumbnailCacheIn } from './thumbnailCache.js'

type PhotoCommand =
  | 'photos.night'
  | 'photos.details'
  | 'photos.thumbnail'
  | 'photos.preview'
  | 'photos.setMark'
  | 'photos.makeThumbnails'
  | 'photos.original'
  | 'photos.cacheUsage'

export interface PhotoHandlersOptions {
  /** The app's data folder: thumbnails go to `thumbnails/`, marks to `photo-marks/`. */
  dataDir: string
  /** The cache's bound in bytes, read at each write so a changed setting applies at once. */
  maxCacheBytes: () => number
  managerFor: (ref: string) => Promise<StorageManager>
  jobs: JobQueue
}

export const MARKS_FOLDER = 'photo-marks'

export interface PhotoServices {
  handlers: Pick<CommandHandlers, PhotoCommand>
  /** The original of a photo, to be streamed (`serve`'s `GET /api/photos/original`); input as validated. */
  openOriginal(args: CommandArgs<'photos.original'>): Promise<PhotoOriginalFile>
  /** Evicts the least recently used images down to the cache's bound, after the bound was lowered. */
  trimCache(): Promise<void>
}

/** The photos' part of the contract, wired to one thumbnail cache and one marks store. */
export function createPhotoHandlers(options: PhotoHandlersOptions): PhotoServices {
  const cache = thumbnailCacheIn(options.dataDir, options.maxCacheBytes)
  const images = new PhotoImages(cache)
  const marks = new PhotoMarksStore(path.join(options.dataDir, MARKS_FOLDER))

  const cardOf = photoCardOf
  // A box's photo that a backup of the same box is copying is read from the drive, not pulled again.
  const sharedWith = (manager: StorageManager) => ({
    copyOnDrive: (file: SourceFile) => manager.runningBackup.copyOf(file),
  })
  const photoOf = async (manager: StorageManager, photoPath: string): Promise<CatalogPhoto> => {
    const photo = (await manager.getCatalog()).photos.find((candidate) => candidate.path === photoPath)
    if (!photo) throw new CompanionError('NOT_FOUND', `No photo ${photoPath} on this card`)
    return photo
  }
  const imageOf = async (source: string, photoPath: string, kind: 'thumbnail' | 'preview') => {
    const manager = await options.managerFor(source)
    const { imageKey } = await cardOf(manager)
    const image = await images.image(manager.source, imageKey, photoPath, kind, sharedWith(manager))
    return { contentType: 'image/jpeg' as const, etag: image.etag, base64: image.data.toString('base64') }
  }

  const openOriginal = async ({ source, path: photoPath }: CommandArgs<'photos.original'>) => {
    const manager = await options.managerFor(source)
    const { imageKey } = await cardOf(manager)
    return photoOriginalOf(manager.source, imageKey, photoPath)
  }

  const handlers: PhotoServices['handlers'] = {
    'photos.night': async ({ source, night }) => {
      const { catalog, marksKey } = await cardOf(await options.managerFor(source))
      const photos = thumbnailOrder(catalog.photos, night)
      const cardMarks = await marks.marksOf(marksKey)
      const inNight: PhotoMarks = {}
      for (const photo of photos) {
        const mark = cardMarks[photo.path]
        if (mark) inNight[photo.path] = mark
      }
      return { night, photos, marks: inNight }
    },
    'photos.details': async ({ source, path: photoPath }) => {
      const manager = await options.managerFor(source)
      return photoDetailsOf(manager.source, await photoOf(manager, photoPath))
    },
    'photos.thumbnail': ({ source, path: photoPath }) => imageOf(source, photoPath, 'thumbnail'),
    'photos.preview': ({ source, path: photoPath }) => imageOf(source, photoPath, 'preview'),
    'photos.original': async (args) => {
      const original = await openOriginal(args)
      const data = await readPhotoOriginal(original)
      return { contentType: original.contentType, etag: original.etag, base64: data.toString('base64') }
    },
    'photos.cacheUsage': async () => ({ ...(await cache.size()), maxBytes: options.maxCacheBytes() }),
    'photos.setMark': async ({ source, path: photoPath, mark }) => {
      const manager = await options.managerFor(source)
      await photoOf(manager, photoPath)
      const { marksKey } = await cardOf(manager)
      return marks.setMark(marksKey, photoPath, mark)
    },
    'photos.makeThumbnails': async ({ source, night, allNights }) => {
      const manager = await options.managerFor(source)
      const label = night ? `Thumbnails of the night of ${night}` : 'Thumbnails of the card'
      return options.jobs.enqueue(
        `${label} (${source})`,
        async ({ signal, progress }) => {
          const { catalog, imageKey } = await cardOf(manager)
          const photos = thumbnailOrder(catalog.photos, night, allNights)
          return makeThumbnails(manager.source, imageKey, photos, images, {
            signal,
            onProgress: progress,
            ...sharedWith(manager),
          })
        },
        { kind: 'thumbnails', source, assess: assessThumbnails },
      )
    },
  }
  return { handlers, openOriginal, trimCache: () => cache.trim() }
}
