import { PHOTO_IMAGE_PATHS, PHOTO_ORIGINAL_PATH } from '../../../shared/photoRoutes.js'
import type { PhotoImageKind } from '../../../shared/photos.js'
import { TOKEN_QUERY_PARAMETER } from '../../../shared/httpApi.js'
import { callCompanion } from './companion.js'

/**
 * Where an `<img>` gets a photo's thumbnail or preview. In a browser, `serve`'s image route: the browser
 * streams and caches it by ETag, and the token goes in the address because an `<img>` cannot send a header
 * (the page sends no referrer, so it never leaves). In Electron, the same bytes through the contract as a
 * `data:` URL, which the CSP's `img-src` already allows: no custom protocol, nothing new in the CSP.
 */
type ImageTransport = { kind: 'http'; token: string | undefined } | { kind: 'contract' }

let transport: ImageTransport = { kind: 'contract' }

/** Set once at start, next to the bridge. */
export function configurePhotoImages(next: ImageTransport): void {
  transport = next
}

export type PhotoImageUrl = { ok: true; url: string } | { ok: false; code: string; message: string }

/** Contract answers are kept per photo for the session: scrolling back must not ask again. */
const contractUrls = new Map<string, Promise<PhotoImageUrl>>()
const MAX_KEPT = 600

const routeUrl = (route: string, source: string, path: string, token: string | undefined): string => {
  const query = new URLSearchParams({ source, path })
  if (token) query.set(TOKEN_QUERY_PARAMETER, token)
  return `${route}?${query.toString()}`
}

export function photoImageUrl(kind: PhotoImageKind, source: string, path: string): Promise<PhotoImageUrl> {
  if (transport.kind === 'http')
    return Promise.resolve({
      ok: true,
      url: routeUrl(PHOTO_IMAGE_PATHS[kind], source, path, transport.token),
    })
  const key = `${kind}\0${source}\0${path}`
  let url = contractUrls.get(key)
  if (!url) {
    url = callCompanion(kind === 'thumbnail' ? 'photos.thumbnail' : 'photos.preview', { source, path }).then(
      (outcome): PhotoImageUrl =>
        outcome.ok
          ? { ok: true, url: `data:${outcome.value.contentType};base64,${outcome.value.base64}` }
          : { ok: false, code: outcome.error.code, message: outcome.error.message },
    )
    if (contractUrls.size >= MAX_KEPT) contractUrls.delete(contractUrls.keys().next().value as string)
    contractUrls.set(key, url)
  }
  return url
}

/**
 * The full-resolution original for the 100 % zoom, asked only when the user zooms. Over HTTP the browser
 * streams it; through the contract it is one large `data:` URL, kept for the photo last zoomed only.
 */
let lastOriginal: { key: string; url: Promise<PhotoImageUrl> } | undefined

export function photoOriginalUrl(source: string, path: string): Promise<PhotoImageUrl> {
  if (transport.kind === 'http')
    return Promise.resolve({ ok: true, url: routeUrl(PHOTO_ORIGINAL_PATH, source, path, transport.token) })
  const key = `${source}\0${path}`
  if (lastOriginal?.key !== key) {
    const url = callCompanion('photos.original', { source, path }).then((outcome): PhotoImageUrl =>
      outcome.ok
        ? { ok: true, url: `data:${outcome.value.contentType};base64,${outcome.value.base64}` }
        : { ok: false, code: outcome.error.code, message: outcome.error.message },
    )
    lastOriginal = { key, url }
  }
  return lastOriginal.url
}
