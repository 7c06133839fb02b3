import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { commands } from '../../shared/contract.js'
import type { ErrorCode } from '../../shared/errors.js'
import { PHOTO_IMAGE_PATHS, PHOTO_ORIGINAL_PATH } from '../../shared/photoRoutes.js'
import { PhotoImageSchema, type PhotoImageKind } from '../../shared/photos.js'
import type { Companion } from '../../core/companion.js'
import { toErrorData } from '../../core/dispatch.js'
import { httpStatusOf, sendError } from './httpReply.js'
import type { SeedRouteContext } from './seedRoutes.js'

type PhotoRouteContext = Pick<SeedRouteContext, 'dispatch' | 'defaultSource'> & {
  /** Without it (a server built without a companion's photo services) the original route is absent. */
  openPhotoOriginal?: Companion['openPhotoOriginal']
}
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
  const { openPhotoOriginal } = context
  if (pathname === PHOTO_ORIGINAL_PATH && openPhotoOriginal)
    return (request, response, url) =>
      sendPhotoOriginal(request, response, url, context.defaultSource, openPhotoOriginal)
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

/**
 * `GET /api/photos/original?source=…&path=…`: the photo's own bytes, streamed from the card or box as they
 * are read (a 64 MP original is never held whole), for the large view's 100 % zoom. The query is validated
 * with the contract's `photos.original` input, as the dispatcher would; a path outside the card or not a
 * photo is 404, an empty photo 422. A read that fails mid-way cuts the answer short rather than ending it
 * as if whole: its Content-Length then tells the browser it did not get the photo.
 */
async function sendPhotoOriginal(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  defaultSource: string | undefined,
  openPhotoOriginal: NonNullable<PhotoRouteContext['openPhotoOriginal']>,
): Promise<void> {
  const parsed = commands['photos.original'].input.safeParse({
    source: url.searchParams.get('source') ?? defaultSource,
    path: url.searchParams.get('path') ?? '',
  })
  if (!parsed.success) {
    return sendError(response, 400, {
      code: 'INVALID_INPUT',
      message: `Invalid input for photos.original: ${z.prettifyError(parsed.error)}`,
    })
  }
  let original
  try {
    original = await openPhotoOriginal(parsed.data)
  } catch (error) {
    const data = toErrorData(error)
    return sendError(response, statusOf(data.code), data)
  }
  const etag = `"${original.etag}"`
  const headers = { ETag: etag, 'Cache-Control': CACHE_CONTROL }
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers)
    return void response.end()
  }
  response.writeHead(200, {
    ...headers,
    'Content-Type': original.contentType,
    'Content-Length': original.file.size,
  })
  if (request.method === 'HEAD') return void response.end()
  await pipeline(original.open(), response).catch(() => response.destroy())
}
