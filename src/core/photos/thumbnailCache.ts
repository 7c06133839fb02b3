import { createHash, randomBytes } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from '../errors.js'

/** What a cached image is of: one version of one photo of one card (digiKam's thumbnail database idea). */
export interface ImageKeyParts {
  card: string
  path: string
  size: number
  mtimeMs: number
  kind: string
}

interface Entry {
  bytes: number
  /** Epoch ms of the last read or write; kept as the file's mtime so the order survives a restart. */
  usedAt: number
}

/** Eviction frees down to this share of the bound, so a full cache does not evict on every new thumbnail. */
const EVICT_TO = 0.9
const EXTENSION = '.jpg'

/** Where the app keeps its thumbnails and previews, inside its data folder. */
export const THUMBNAIL_FOLDER = 'thumbnails'
export const thumbnailCacheIn = (dataDir: string, maxBytes: () => number): ThumbnailCache =>
  new ThumbnailCache(path.join(dataDir, THUMBNAIL_FOLDER), maxBytes)

export const imageKeyOf = (parts: ImageKeyParts): string =>
  createHash('sha256')
    .update(JSON.stringify([parts.card, parts.path, parts.size, Math.round(parts.mtimeMs), parts.kind]))
    .digest('hex')
    .slice(0, 40)

/**
 * Thumbnails and previews on disk in the app's data folder, one file each, bounded in size: beyond
 * `maxBytes()` the least recently used go. A photo whose size or mtime changed gets a new key, so a stale
 * image is never served; its old file simply ages out. Nothing here is precious: a file that cannot be
 * read or written is made again.
 */
export class ThumbnailCache {
  private entries: Map<string, Entry> | undefined
  private loading: Promise<Map<string, Entry>> | undefined
  private totalBytes = 0
  private evicting: Promise<void> | undefined
  private lastUse = 0

  constructor(
    readonly dir: string,
    private readonly maxBytes: () => number,
  ) {}

  /** Strictly increasing, so two uses within one millisecond still have an order. */
  private now(): number {
    this.lastUse = Math.max(Date.now(), this.lastUse + 1)
    return this.lastUse
  }

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}${EXTENSION}`)
  }

  /** The index is read once, lazily: a restart finds every image and its last use again. */
  private index(): Promise<Map<string, Entry>> {
    if (this.entries) return Promise.resolve(this.entries)
    this.loading ??= this.scan().then((entries) => {
      this.entries = entries
      this.totalBytes = [...entries.values()].reduce((sum, entry) => sum + entry.bytes, 0)
      return entries
    })
    return this.loading
  }

  private async scan(): Promise<Map<string, Entry>> {
    const entries = new Map<string, Entry>()
    const folders = await fsp.readdir(this.dir).catch(() => [] as string[])
    for (const folder of folders) {
      const names = await fsp.readdir(path.join(this.dir, folder)).catch(() => [] as string[])
      for (const name of names) {
        if (!name.endsWith(EXTENSION)) continue
        const stats = await fsp.stat(path.join(this.dir, folder, name)).catch(() => undefined)
        if (stats?.isFile())
          entries.set(name.slice(0, -EXTENSION.length), { bytes: stats.size, usedAt: stats.mtimeMs })
      }
    }
    return entries
  }

  async get(key: string): Promise<Buffer | undefined> {
    const entries = await this.index()
    const entry = entries.get(key)
    if (!entry) return undefined
    try {
      const data = await fsp.readFile(this.fileOf(key))
      entry.usedAt = this.now()
      const when = new Date(entry.usedAt)
      // The last use lives in the file's mtime; losing one such update only makes eviction slightly less exact.
      void fsp.utimes(this.fileOf(key), when, when).catch(() => undefined)
      return data
    } catch {
      this.forget(key)
      return undefined
    }
  }

  async set(key: string, data: Buffer): Promise<void> {
    const entries = await this.index()
    const file = this.fileOf(key)
    await fsp.mkdir(path.dirname(file), { recursive: true })
    // Written aside and renamed, so a reader never sees half an image.
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`
    await fsp.writeFile(temp, data)
    await fsp.rename(temp, file)
    this.forget(key)
    entries.set(key, { bytes: data.length, usedAt: this.now() })
    this.totalBytes += data.length
    if (this.totalBytes > this.maxBytes()) await this.evict()
  }

  /** Bytes held, as the index counts them. */
  async size(): Promise<{ bytes: number; images: number }> {
    const entries = await this.index()
    return { bytes: this.totalBytes, images: entries.size }
  }

  /** Evicts down to the bound when the cache is above it: after the user lowered the bound. */
  async trim(): Promise<void> {
    await this.index()
    if (this.totalBytes > this.maxBytes()) await this.evict()
  }

  private forget(key: string): void {
    const entry = this.entries?.get(key)
    if (!entry) return
    this.totalBytes -= entry.bytes
    this.entries?.delete(key)
  }

  /** Least recently used first, until the cache is back below its bound; one eviction at a time. */
  private evict(): Promise<void> {
    this.evicting ??= (async () => {
      const entries = await this.index()
      const target = this.maxBytes() * EVICT_TO
      const oldestFirst = [...entries.entries()].sort(([, a], [, b]) => a.usedAt - b.usedAt)
      for (const [key] of oldestFirst) {
        if (this.totalBytes <= target) break
        this.forget(key)
        await fsp.rm(this.fileOf(key)).catch((error: unknown) => {
          if (errnoCode(error) !== 'ENOENT') throw error
        })
      }
    })().finally(() => (this.evicting = undefined))
    return this.evicting
  }
}
