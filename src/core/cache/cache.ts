/** Options for one write; without `ttlMs` the cache's default TTL (300 s, like the original web app). */
export interface CacheSetOptions {
  ttlMs?: number
}

/**
 * A key-value cache with per-entry expiry. Values must be JSON-serialisable so that every
 * implementation (memory, Redis) behaves the same.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>
  set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void>
  has(key: string): Promise<boolean>
  delete(key: string): Promise<boolean>
  clear(): Promise<void>
  /**
   * The cached value, or `compute()`'s result stored under `key`. Concurrent callers of one key share a
   * single computation (single-flight), so ten simultaneous requests for stats walk a card once.
   */
  getOrSet<T>(key: string, compute: () => Promise<T>, options?: CacheSetOptions): Promise<T>
  close(): Promise<void>
}

export const DEFAULT_TTL_MS = 300_000

/** Where a cache reports that it lost or found its Redis server; `console` fits. */
export interface CacheLogger {
  warn(message: string): void
  info(message: string): void
}
