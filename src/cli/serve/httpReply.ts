import type { IncomingMessage, ServerResponse } from 'node:http'
import { CONTENT_SECURITY_POLICY } from '../../shared/contentSecurityPolicy.js'
import type { CompanionErrorData, ErrorCode } from '../../shared/errors.js'

/** Sent with every response: the app's CSP, and no referrer so a URL with the token never leaves the page. */
export function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  response.setHeader('X-Content-Type-Options', 'nosniff')
  response.setHeader('Referrer-Policy', 'no-referrer')
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  response.end(text)
}

export function sendError(response: ServerResponse, status: number, error: CompanionErrorData): void {
  sendJson(response, status, { ok: false, error })
}

/** The HTTP status of a failed command: the body always carries the typed error as well. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
      return 400
    case 'UNAUTHORIZED':
      return 401
    case 'UNKNOWN_COMMAND':
    case 'NOT_FOUND':
      return 404
    case 'INTERNAL':
      return 500
    default:
      // Understood and valid, but the card or drive did not allow it (missing, full, refused).
      return 422
  }
}

export class BodyError extends Error {
  constructor(readonly error: CompanionErrorData) {
    super(error.message)
  }
}

const MAX_BODY_BYTES = 1024 * 1024

/** Reads a JSON body (empty means `{}`); a body that is too big or not JSON is a typed 400. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw new BodyError({ code: 'INVALID_INPUT', message: 'The request body is larger than 1 MB' })
    }
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BodyError({ code: 'INVALID_INPUT', message: 'The request body is not valid JSON' })
  }
}

/** A malformed `%` escape is left as it is: the name then matches nothing and is answered 404. */
export function decodedOrRaw(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
