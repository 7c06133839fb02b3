import { LRUCache } from 'lru-cache'
import { DEFAULT_TTL_MS, type Cache, type CacheSetOptions } from './cache.js'
import { resolveTtlMs } from './cacheTtl.js'
import { parseCacheValue, serialiseCacheValue } from './cacheValue.js'
import { getOrSetOnce, SingleFlight } from './singleFlight.js'

export const DEFAULT_MAX_ENTRIES = 10_000
/** A catalog of a full card (tens of thousands of photos) is a few MB of JSON; several must fit. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

export interface MemoryCacheOptions {
  /** Expiry of a write that names none; 300 s like the original web app's `timeout=300`. */
  defaultTtlMs?: number
  /** Least recently used entries are evicted beyond this count. */
  maxEntries?: number
  /** Least recently used entries are evicted beyond this many bytes of JSON; a larger value is not kept. */
  maxBytes?: number
  /**
   * The clock of expiry in milliseconds, for tests; defaults to lru-cache's (`performance.now`). It must
   * return positive values: lru-cache reads an entry written at time 0 as never expiring.
   */
  now?: () => number
}

export interface MemoryCacheStats {
  hits: number
  misses: number
  /** Entries held, expired ones excluded. */
  size: number
  /** Bytes of JSON held. */
  bytes: number
}

/** The in-process cache: bounded (LRU by count and bytes), with expiry per entry. */
export class MemoryCache implements Cache {
  readonly defaultTtlMs: number
  private readonly entries: LRUCache<string, string>
  private readonly flights = new SingleFlight()
  private hits = 0
  private misses = 0

  constructor(options: MemoryCacheOptions = {}) {
    this.defaultTtlMs = resolveTtlMs(undefined, options.defaultTtlMs ?? DEFAULT_TTL_MS)
    this.entries = new LRUCache<string, string>({
      max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
      sizeCalculation: (json) => Buffer.byteLength(json),
      ttl: this.defaultTtlMs,
      // lru-cache reuses one reading of its clock for `ttlResolution` ms of real time; an injected clock
      // must be read every time or a test's jump forward would go unseen.
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    })
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = this.entries.get(key)
    if (json === undefined) {
      this.misses += 1
      return undefined
    }
    this.hits += 1
    return parseCacheValue<T>(json)
  }

  async set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    const json = serialiseCacheValue(value)
    this.entries.set(key, json, { ttl: resolveTtlMs(options, this.defaultTtlMs) })
  }

  async has(key: string): Promise<boolean> {
    return this.entries.has(key)
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key)
  }

  async clear(): Promise<void> {
    this.entries.clear()
  }

  getOrSet<T>(key: string, compute: () => Promise<T>, options?: CacheSetOptions): Promise<T> {
    return getOrSetOnce(this, this.flights, key, compute, options)
  }

  stats(): MemoryCacheStats {
    this.entries.purgeStale()
    return {
      hits: this.hits,
      misses: this.misses,
      size: this.entries.size,
      bytes: this.entries.calculatedSize,
    }
  }

  async close(): Promise<void> {
    this.entries.clear()
  }
}
