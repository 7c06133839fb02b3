import { z } from 'zod'
import type { Assessment } from './jobOutcome.js'
import { parsePhotoName } from './photoName.js'
import { CatalogPhotoSchema, DayKeySchema, FileFailureSchema, type CatalogPhoto } from './storage.js'

/**
 * What the Photos screen shows and the thumbnail machinery makes: the photos of one night, their marks, one
 * photo's details, the thumbnail and preview images, and the result of a thumbnail job. Pure: no Node, no DOM.
 */

/** A researcher's mark on a photo, kept per card in the app's data and never written to the card. */
export const PhotoMarkSchema = z.enum(['star', 'reject'])
export type PhotoMark = z.infer<typeof PhotoMarkSchema>
/** Marks of one card by photo path. */
export const PhotoMarksSchema = z.record(z.string(), PhotoMarkSchema)
export type PhotoMarks = z.infer<typeof PhotoMarksSchema>

/** A photo path as the UI sends it: relative to the card's root, with `/`. The source refuses `..`. */
export const PhotoPathSchema = z.string().min(1, 'Name a photo').max(4096)

export const NightPhotosSchema = z.object({
  night: DayKeySchema,
  /** In capture order; empty for a night without a photo (the box failed, or it rained). */
  photos: z.array(CatalogPhotoSchema),
  marks: PhotoMarksSchema,
})
export type NightPhotos = z.infer<typeof NightPhotosSchema>

export const PhotoExifSchema = z.object({
  make: z.string().optional(),
  model: z.string().optional(),
  /** Seconds. */
  exposureTime: z.number().optional(),
  iso: z.number().optional(),
  fNumber: z.number().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
})
export type PhotoExif = z.infer<typeof PhotoExifSchema>

export const PhotoDetailsSchema = z.object({
  photo: CatalogPhotoSchema,
  exif: PhotoExifSchema,
  /** The sidecar `<photo>.json` as parsed JSON, or null without one. */
  sidecar: z.unknown(),
  /** Why the sidecar could not be read (not JSON, unreadable), when it could not. */
  sidecarProblem: z.string().optional(),
})
export type PhotoDetails = z.infer<typeof PhotoDetailsSchema>

/** Thumbnails (320 px long edge) fill the grid; previews (a screen's size) the large view. */
export const PhotoImageKindSchema = z.enum(['thumbnail', 'preview'])
export type PhotoImageKind = z.infer<typeof PhotoImageKindSchema>

/**
 * One image as the contract carries it: base64 JSON for Electron's IPC and the command route; `serve` also
 * sends the same bytes raw from `GET /api/photos/thumbnail` and `/api/photos/preview`.
 */
export const PhotoImageSchema = z.object({
  contentType: z.literal('image/jpeg'),
  /** Changes whenever the photo's size or mtime does: an HTTP ETag, and a key for the UI's own caches. */
  etag: z.string(),
  base64: z.string(),
})
export type PhotoImage = z.infer<typeof PhotoImageSchema>

/** What a browser can show of an original: a DNG (raw) has only its thumbnail and preview. */
export const PhotoOriginalTypeSchema = z.enum(['image/jpeg', 'image/png'])
export type PhotoOriginalType = z.infer<typeof PhotoOriginalTypeSchema>

/** The content type of an original a browser can show at 100 %, by its name; undefined for a raw photo. */
export function originalTypeOf(path: string): PhotoOriginalType | undefined {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase()
  if (extension === 'jpg' || extension === 'jpeg') return 'image/jpeg'
  if (extension === 'png') return 'image/png'
  return undefined
}

/**
 * The full-resolution original, for the large view's 100 % zoom, as the contract carries it (Electron's
 * IPC); `serve` streams the same bytes from `GET /api/photos/original` instead.
 */
export const PhotoOriginalSchema = z.object({
  contentType: PhotoOriginalTypeSchema,
  etag: z.string(),
  base64: z.string(),
})
export type PhotoOriginal = z.infer<typeof PhotoOriginalSchema>

/** What the thumbnail cache holds now, beside its bound (the `thumbnailCacheMb` preference). */
export const ThumbnailCacheUsageSchema = z.object({
  bytes: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  maxBytes: z.number().int().nonnegative(),
})
export type ThumbnailCacheUsage = z.infer<typeof ThumbnailCacheUsageSchema>

export const ThumbnailsResultSchema = z.object({
  photos: z.number().int().nonnegative(),
  /** Made now from the photo's embedded EXIF preview (only its first bytes read). */
  fromPreview: z.number().int().nonnegative(),
  /** Made now by decoding the photo (shrink-on-load). */
  decoded: z.number().int().nonnegative(),
  /** Already in the cache. */
  cached: z.number().int().nonnegative(),
  /** Photos that cannot be decoded (empty, cut off): flagged on the card, no thumbnail. */
  damaged: z.array(z.string()),
  /** Photos that failed for another reason (unreadable, a dropped link). */
  failed: z.array(FileFailureSchema),
})
export type ThumbnailsResult = z.infer<typeof ThumbnailsResultSchema>

/** A damaged photo is the card's problem, reported as such; only other failures make the job partial. */
export function assessThumbnails(result: ThumbnailsResult): Assessment {
  const problems = result.failed.length
  return { outcome: problems === 0 ? 'success' : problems === result.photos ? 'failed' : 'partial', problems }
}

/** A tile of the grid: one photo, or an HDR/focus series shot a few seconds apart shown as one. */
export interface PhotoTile {
  photos: CatalogPhoto[]
}

/** Frames of one series follow each other within this many seconds (a Mothbox HDR triplet: 2 s apart). */
const SERIES_GAP_SECONDS = 10

const secondsOf = (wallClock: string): number => Date.parse(`${wallClock}Z`) / 1000
const folderOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1)

/**
 * Groups a night's photos (in capture order) into tiles: `…_HDR0`, `…_HDR1`, `…_HDR2` (or `FB0…FBn`) of one
 * folder, each within a few seconds of the previous frame, become one tile; everything else is a tile alone.
 */
export function groupSeries(photos: CatalogPhoto[]): PhotoTile[] {
  const tiles: PhotoTile[] = []
  let open: { tile: PhotoTile; kind: string; index: number; folder: string; at: number } | undefined
  for (const photo of photos) {
    const series = parsePhotoName(photo.path)?.series
    const at = secondsOf(photo.capturedAt)
    const folder = folderOf(photo.path)
    const continues =
      open !== undefined &&
      series !== undefined &&
      series.kind === open.kind &&
      series.index === open.index + 1 &&
      folder === open.folder &&
      at - open.at <= SERIES_GAP_SECONDS
    if (open && continues && series) {
      open.tile.photos.push(photo)
      open = { ...open, index: series.index, at }
      continue
    }
    const tile: PhotoTile = { photos: [photo] }
    tiles.push(tile)
    open = series?.index === 0 ? { tile, kind: series.kind, index: 0, folder, at } : undefined
  }
  return tiles
}
