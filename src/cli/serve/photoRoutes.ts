import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorCode } from '../../shared/errors.js'
import { PHOTO_IMAGE_PATHS } from '../../shared/photoRoutes.js'
import { PhotoImageSchema, type PhotoImageKind } from '../../shared/photos.js'
import { httpStatusOf, sendError } from './httpReply.js'
import type { SeedRouteContext } from './seedRoutes.js'

type PhotoRouteContext = Pick<SeedRouteContext, 'dispatch' | 'defaultSource'>
type PhotoRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>

/**
 * A photo is the same bytes until its size or mtime changes, and then its ETag changes: the browser keeps
 * it a few minutes without asking, then revalidates (304). `private`: never in a shared cache.
 */
const CACHE_CONTROL = 'private, max-age=300'

/** A path outside the card and a missing photo are both "no such image here". */
const statusOf = (code: ErrorCode): number =>
  code === 'PATH_OUTSIDE_SOURCE' || code === 'NOT_FOUND' ? 404 : httpStatusOf(code)

/**
 * `GET /api/photos/thumbnail?source=…&path=…` and `GET /api/photos/preview?…`: the contract's
 * `photos.thumbnail` and `photos.preview` (validated by the dispatcher like every command) sent as JPEG bytes
 * with an ETag; 404 for a path outside the card or not a photo, 422 for a damaged photo.
 */
export function photoRouteOf(
  method: string,
  pathname: string,
  context: PhotoRouteContext,
): PhotoRoute | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined
  const kind = (Object.keys(PHOTO_IMAGE_PATHS) as PhotoImageKind[]).find(
    (candidate) => PHOTO_IMAGE_PATHS[candidate] === pathname,
  )
  if (!kind) return undefined
  return (request, response, url) => sendPhotoImage(request, response, url, kind, context)
}

async function sendPhotoImage(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  kind: PhotoImageKind,
  context: PhotoRouteContext,
): Promise<void> {
  const source = url.searchParams.get('source') ?? context.defaultSource
  const photoPath = url.searchParams.get('path') ?? ''
  const outcome = await context.dispatch(kind === 'thumbnail' ? 'photos.thumbnail' : 'photos.preview', {
    source,
    path: photoPath,
  })
  if (!outcome.ok) return sendError(response, statusOf(outcome.error.code), outcome.error)
  const image = PhotoImageSchema.parse(outcome.value)
  const etag = `"${image.etag}"`
  const headers = { ETag: etag, 'Cache-Control': CACHE_CONTROL }
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers)
    return void response.end()
  }
  const data = Buffer.from(image.base64, 'base64')
  response.writeHead(200, { ...headers, 'Content-Type': image.contentType, 'Content-Length': data.length })
  response.end(request.method === 'HEAD' ? undefined : data)
}
