import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/**
 * The file under `root` a URL path names, or undefined when it names nothing there. `..`, encoded
 * separators and NUL bytes never leave the folder.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const resolved = path.resolve(root, relative)
  const base = path.resolve(root)
  return resolved.startsWith(base + path.sep) ? resolved : undefined
}

/** Streams a file of the built UI; false when there is no such file (the caller answers 404). */
export async function sendStaticFile(
  request: IncomingMessage,
  response: ServerResponse,
  filePath: string,
  method: 'GET' | 'HEAD',
): Promise<boolean> {
  const stat = await fsp.stat(filePath).catch(() => undefined)
  if (!stat?.isFile()) return false
  const contentType = CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream'
  // The UI's script is large and a box's Wi-Fi is slow: text compresses to about a quarter.
  const isGzipped = isText(contentType) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  const isHashedAsset = filePath.includes(`${path.sep}assets${path.sep}`)
  response.writeHead(200, {
    'Content-Type': contentType,
    ...(isGzipped ? { 'Content-Encoding': 'gzip' } : { 'Content-Length': stat.size }),
    Vary: 'Accept-Encoding',
    // Vite names assets by content hash, so they never change; the page itself must always be fresh.
    'Cache-Control': isHashedAsset ? 'private, max-age=31536000, immutable' : 'no-store',
  })
  if (method === 'HEAD') {
    response.end()
    return true
  }
  const file = fs.createReadStream(filePath)
  await (isGzipped ? pipeline(file, zlib.createGzip(), response) : pipeline(file, response)).catch(() =>
    // The browser went away mid-file; nothing to answer to.
    response.destroy(),
  )
  return true
}

const isText = (contentType: string) =>
  contentType.startsWith('text/') ||
  contentType.startsWith('application/json') ||
  contentType === 'image/svg+xml'
