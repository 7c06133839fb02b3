import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_QUERY_PARAMETER } from '../../shared/httpApi.js'

/** 256 random bits: long enough that guessing over HTTP is hopeless, short enough for a URL. */
export const newAccessToken = (): string => randomBytes(32).toString('base64url')

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** Compares in constant time; hashing first makes the lengths equal so the length does not leak either. */
export function isAccessToken(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false
  return timingSafeEqual(digest(candidate), digest(token))
}

/** Where a request may carry the token; the server decides per route which places it accepts. */
export interface TokenPlaces {
  /** `?token=`: for a link opened in a browser and for EventSource, which cannot set headers. */
  query: boolean
  /** The HttpOnly cookie set when the page was opened with `?token=`: only for the UI's own files. */
  cookie: boolean
}

export function tokenOfRequest(request: IncomingMessage, url: URL, places: TokenPlaces): string[] {
  const found: string[] = []
  const authorization = request.headers.authorization
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (bearer) found.push(bearer)
  const fromQuery = url.searchParams.get(TOKEN_QUERY_PARAMETER)
  if (places.query && fromQuery) found.push(fromQuery)
  const fromCookie = places.cookie ? cookieValue(request, tokenCookieName(request)) : undefined
  if (fromCookie) found.push(fromCookie)
  return found
}

/** One cookie per port: cookies ignore ports, and two `serve`s on one machine must not overwrite each other. */
export const tokenCookieName = (request: IncomingMessage): string =>
  `creaturebox_token_${request.socket.localPort ?? 0}`

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key !== name) continue
    try {
      return decodeURIComponent(rest.join('='))
    } catch {
      // A malformed escape is not a token serve set (it sets it encoded): skip it, so a request carrying
      // only that is unauthenticated (401) instead of failing in the decoder (500).
    }
  }
  return undefined
}
