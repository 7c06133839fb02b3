import type { Cache } from './cache.js'
import { MemoryCache } from './memoryCache.js'

let current: Cache | undefined

/** The cache `cached()` uses when given none: a memory cache until the app installs another. */
export function defaultCache(): Cache {
  current ??= new MemoryCache()
  return current
}

/**
 * Makes `cache` the default, e.g. the result of `getCache(config)` at startup; functions wrapped by
 * `cached()` earlier use it from their next call. `undefined` goes back to a fresh memory cache.
 */
export function setDefaultCache(cache: Cache | undefined): void {
  current = cache
}
