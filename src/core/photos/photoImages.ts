import { isPhotoFile } from '../../shared/photoName.js'
import type { PhotoImageKind } from '../../shared/photos.js'
import { SingleFlight } from '../cache/singleFlight.js'
import { CompanionError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import type { RenderedImage, RenderOptions } from './renderPhotoImage.js'
import { imageKeyOf, type ThumbnailCache } from './thumbnailCache.js'

export interface PhotoImage {
  data: Buffer
  /** The cache key: changes with the card, the photo's path, size or mtime, and the kind of image. */
  etag: string
  origin: RenderedImage['origin'] | 'cache'
}

/**
 * Thumbnails and previews of a card's photos, from the disk cache or made once: the grid, the large view
 * and the thumbnail job asking for the same photo at the same time share one rendering.
 */
export class PhotoImages {
  private readonly flights = new SingleFlight()

  constructor(private readonly cache: ThumbnailCache) {}

  /**
   * `card` names the card (its backup folder name and the source's id), so two cards mounted at the same
   * place never share thumbnails. Only photo files are served; a path outside the card is refused by the
   * source (PATH_OUTSIDE_SOURCE), a missing photo is NOT_FOUND, an undecodable one PHOTO_DAMAGED.
   * `options.copyOnDrive` offers a running backup's verified copies of a box's photos.
   */
  async image(
    source: PhotoSource,
    card: string,
    path: string,
    kind: PhotoImageKind,
    options: RenderOptions = {},
  ): Promise<PhotoImage> {
    if (!isPhotoFile(path)) throw new CompanionError('NOT_FOUND', `${path} is not a photo`)
    const file = await source.stat(path)
    if (!file) throw new CompanionError('NOT_FOUND', `No photo ${path} on this card`)
    const etag = imageKeyOf({ card, path: file.path, size: file.size, mtimeMs: file.mtimeMs, kind })
    return this.flights.run(etag, async () => {
      const cached = await this.cache.get(etag)
      if (cached) return { data: cached, etag, origin: 'cache' as const }
      // sharp (libvips) loads on the first image: a CLI command that shows no photo never pays its start.
      const { renderPhotoImage } = await import('./renderPhotoImage.js')
      const rendered = await renderPhotoImage(source, file, kind, options)
      await this.cache.set(etag, rendered.data)
      return { data: rendered.data, etag, origin: rendered.origin }
    })
  }
}
