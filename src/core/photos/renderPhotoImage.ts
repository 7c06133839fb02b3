import sharp from 'sharp'
import type { PhotoImageKind } from '../../shared/photos.js'
import { CompanionError } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { readWholeFile } from '../sources/readSourceChunks.js'
import { resolveInside } from '../storage/safety.js'
import { embeddedPreviewOf, PREVIEW_HEAD_BYTES } from './embeddedPreview.js'

/** Long edge in pixels: a grid tile, and a rendition that fills a laptop screen without the 12–64 MP original. */
export const IMAGE_EDGE: Record<PhotoImageKind, number> = { thumbnail: 320, preview: 1920 }
const JPEG_QUALITY: Record<PhotoImageKind, number> = { thumbnail: 78, preview: 85 }

// libvips' operation cache keeps decoded images for reuse; every photo here is decoded once, so it would
// only hold memory (10 000 thumbnails must stay far below 300 MB of RSS).
sharp.cache(false)

export interface RenderedImage {
  data: Buffer
  /** `embedded`: from the photo's EXIF preview, only its first bytes read; `decoded`: from the whole photo. */
  origin: 'embedded' | 'decoded'
}

export interface RenderOptions {
  /** A box's photo verified on a drive by a running backup (runningBackupCopies.ts): read there instead. */
  copyOnDrive?: (file: SourceFile) => Promise<string | undefined>
}

const damaged = (file: SourceFile, cause?: unknown) =>
  new CompanionError(
    'PHOTO_DAMAGED',
    `${file.path} cannot be shown: the photo is ${file.size === 0 ? 'empty' : 'damaged or cut off'}`,
    { cause },
  )

/**
 * A thumbnail or preview of one photo. A thumbnail comes from the embedded EXIF preview when there is one at
 * least 320 px wide (read through `readRange`, so a box sends only those bytes); otherwise, and for previews,
 * sharp decodes the photo with shrink-on-load (a JPEG decoded at 1/2–1/8 of its size, as vipsthumbnail does).
 */
export async function renderPhotoImage(
  source: PhotoSource,
  file: SourceFile,
  kind: PhotoImageKind,
  options: RenderOptions = {},
): Promise<RenderedImage> {
  if (file.size === 0) throw damaged(file)
  if (kind === 'thumbnail') {
    const edge = IMAGE_EDGE[kind]
    const head = await source.readRange(file.path, 0, Math.min(file.size, PREVIEW_HEAD_BYTES))
    const preview = await embeddedPreviewOf(head)
    const fitted = preview && (await fitPreview(preview, edge))
    if (fitted) return { data: fitted, origin: 'embedded' }
  }
  // A card's photo is opened by path, so libvips reads it itself. A box's is read from a running backup's
  // verified copy on a drive when there is one, else pulled once into memory.
  const { localRoot } = source.features
  if (localRoot) return decode(resolveInside(localRoot, file.path), file, kind)
  const copy = await options.copyOnDrive?.(file)
  if (copy) {
    try {
      return await decode(copy, file, kind)
    } catch {
      // The drive's copy could not be read (the drive was pulled): the box's photo is read instead.
    }
  }
  return decode(await readWholeFile(source, file.path), file, kind)
}

async function decode(
  input: string | Buffer,
  file: SourceFile,
  kind: PhotoImageKind,
): Promise<RenderedImage> {
  const edge = IMAGE_EDGE[kind]
  try {
    const data = await sharp(input, { failOn: 'truncated' })
      .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY[kind] })
      .toBuffer()
    return { data, origin: 'decoded' }
  } catch (error) {
    throw damaged(file, error)
  }
}

/** The preview itself when its long edge is `edge`, shrunk when larger; undefined when too small to use. */
async function fitPreview(preview: Buffer, edge: number): Promise<Buffer | undefined> {
  try {
    const { width = 0, height = 0 } = await sharp(preview).metadata()
    const longEdge = Math.max(width, height)
    if (longEdge === edge) return preview
    if (longEdge < edge) return undefined
    return await sharp(preview).resize(edge, edge, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer()
  } catch {
    return undefined
  }
}
