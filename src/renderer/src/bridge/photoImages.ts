import { PHOTO_IMAGE_PATHS } from '../../../shared/photoRoutes.js'
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

export function photoImageUrl(kind: PhotoImageKind, source: string, path: string): Promise<PhotoImageUrl> {
  if (transport.kind === 'http') {
    const query = new URLSearchParams({ source, path })
    if (transport.token) query.set(TOKEN_QUERY_PARAMETER, transport.token)
    return Promise.resolve({ ok: true, url: `${PHOTO_IMAGE_PATHS[kind]}?${query.toString()}` })
  }
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
