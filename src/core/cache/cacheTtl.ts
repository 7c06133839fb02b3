import { CompanionError } from '../errors.js'
import type { CacheSetOptions } from './cache.js'

/** The expiry of one write in whole milliseconds (Redis PX and lru-cache both need a positive integer). */
export function resolveTtlMs(options: CacheSetOptions | undefined, defaultTtlMs: number): number {
  const ttlMs = options?.ttlMs ?? defaultTtlMs
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new CompanionError(
      'INVALID_INPUT',
      `A cache TTL must be a positive number of milliseconds, not ${String(ttlMs)}`,
    )
  }
  return Math.ceil(ttlMs)
}
