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

/**
 * Opens a file only when its real path, symlinks resolved, is inside the real `root`: a link in the UI
 * folder pointing elsewhere (`ln -s ~ out/renderer/home`) must not hand out the user's files. The checked
 * path is opened with O_NOFOLLOW and then read through that handle, so what is served is what was checked.
 */
async function openInside(root: string, filePath: string): Promise<fsp.FileHandle | undefined> {
  const [realRoot, realFile] = await Promise.all([fsp.realpath(root), fsp.realpath(filePath)]).catch(() => [])
  if (!realRoot || !realFile || !realFile.startsWith(realRoot + path.sep)) return undefined
  // O_NOFOLLOW does not exist on Windows; there the realpath check alone applies.
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0)
  return fsp.open(realFile, flags).catch(() => undefined)
}

/**
 * Streams a file of the built UI (`filePath` from resolveStaticPath under `root`); false when there is no
 * such file inside the UI folder (the caller answers 404).
 */
export async function sendStaticFile(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  filePath: string,
  method: 'GET' | 'HEAD',
): Promise<boolean> {
  const file = await openInside(root, filePath)
  if (!file) return false
  let stream: fs.ReadStream | undefined
  try {
    const stat = await file.stat()
    if (!stat.isFile()) return false
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
    stream = file.createReadStream()
    await (isGzipped ? pipeline(stream, zlib.createGzip(), response) : pipeline(stream, response)).catch(() =>
      // The browser went away mid-file; nothing to answer to.
      response.destroy(),
    )
    return true
  } finally {
    // A read stream closes the handle when it ends or fails; without one it is closed here.
    if (!stream) await file.close()
  }
}

const isText = (contentType: string) =>
  contentType.startsWith('text/') ||
  contentType.startsWith('application/json') ||
  contentType === 'image/svg+xml'
