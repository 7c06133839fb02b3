import type { Readable } from 'node:stream'
import { isPhotoFile } from '../../shared/photoName.js'
import { originalTypeOf, type PhotoOriginalType } from '../../shared/photos.js'
import { CompanionError } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { readWholeFile } from '../sources/readSourceChunks.js'
import { imageKeyOf } from './thumbnailCache.js'

/** A photo's original as it is on the card, ready to be streamed: nothing is read until `open()`. */
export interface PhotoOriginalFile {
  file: SourceFile
  contentType: PhotoOriginalType
  /** Changes with the card, the photo's path, size or mtime: an HTTP ETag. */
  etag: string
  source: PhotoSource
  open(): Readable
}

/**
 * The original of one photo for the large view's 100 % zoom. Only JPEG and PNG photos (a browser cannot show
 * a DNG); a path outside the card is refused by the source (PATH_OUTSIDE_SOURCE) before anything is read, a
 * missing photo is NOT_FOUND, an empty one PHOTO_DAMAGED. The bytes are the card's, unchanged: a cut-off
 * JPEG shows as far as it goes, as any viewer shows it.
 */
export async function photoOriginalOf(
  source: PhotoSource,
  card: string,
  path: string,
): Promise<PhotoOriginalFile> {
  if (!isPhotoFile(path)) throw new CompanionError('NOT_FOUND', `${path} is not a photo`)
  const contentType = originalTypeOf(path)
  if (!contentType)
    throw new CompanionError('NOT_FOUND', `${path} is a raw photo: only its preview can be shown`)
  const file = await source.stat(path)
  if (!file) throw new CompanionError('NOT_FOUND', `No photo ${path} on this card`)
  if (file.size === 0)
    throw new CompanionError('PHOTO_DAMAGED', `${path} cannot be shown: the photo is empty`)
  const etag = imageKeyOf({ card, path: file.path, size: file.size, mtimeMs: file.mtimeMs, kind: 'original' })
  return { file, contentType, etag, source, open: () => source.createReadStream(file.path) }
}

/**
 * An original read whole, for the contract's base64 answer (Electron's IPC cannot stream). A photo that grew
 * or shrank while being read is refused rather than shown half.
 */
export async function readPhotoOriginal(original: PhotoOriginalFile): Promise<Buffer> {
  const data = await readWholeFile(original.source, original.file.path)
  if (data.length !== original.file.size)
    throw new CompanionError('FILE_VANISHED', `${original.file.path} changed while it was read: try again`)
  return data
}
