import type { PhotoImageKind } from './photos.js'

/**
 * `serve`'s image routes, shared by the server and the browser so no path is written twice: the bytes of a
 * thumbnail or preview as `image/jpeg`, for an `<img>` (which cannot send a header, hence `?token=`).
 */
export const PHOTO_IMAGE_PATHS: Record<PhotoImageKind, string> = {
  thumbnail: '/api/photos/thumbnail',
  preview: '/api/photos/preview',
}

/** The full-resolution original, streamed, for the large view's 100 % zoom (fetched only then). */
export const PHOTO_ORIGINAL_PATH = '/api/photos/original'
