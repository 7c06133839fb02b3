import { isCompanionError } from '../errors.js'
import type { Cache, CacheLogger } from './cache.js'
import { FallbackCache } from './fallbackCache.js'
import { MemoryCache } from './memoryCache.js'

export interface CacheConfig {
  /** e.g. `redis://127.0.0.1:6379/0`; without it the cache lives in memory. */
  redisUrl?: string
  /** How long to wait for Redis at startup before settling for memory. */
  connectTimeoutMs?: number
  /** How long one Redis command may take before the cache answers from memory instead. */
  commandTimeoutMs?: number
  defaultTtlMs?: number
  /** Bound of the memory cache (the whole cache without Redis, the outage cache with it). */
  maxEntries?: number
  maxBytes?: number
  /** Prefix of every Redis key; defaults to `creaturebox:`. */
  keyPrefix?: string
  /** Where switches between Redis and memory are reported; defaults to the console. */
  logger?: CacheLogger
}

/**
 * The cache factory of the original web app: a Redis-backed cache when `redisUrl` is set and the server
 * answers within `connectTimeoutMs`, falling back to memory whenever Redis later goes away; otherwise a
 * memory cache.
 * Never rejects for an unreachable server: a cache is an optimisation, not a dependency.
 */
export async function getCache(config: CacheConfig = {}): Promise<Cache> {
  const logger = config.logger ?? console
  const memory = new MemoryCache({
    defaultTtlMs: config.defaultTtlMs,
    maxEntries: config.maxEntries,
    maxBytes: config.maxBytes,
  })
  if (!config.redisUrl) return memory
  try {
    // Loaded only when asked for: ioredis is the heaviest module a CLI run would otherwise start with.
    const { connectRedisCache } = await import('./redisCache.js')
    const redis = await connectRedisCache(config.redisUrl, {
      connectTimeoutMs: config.connectTimeoutMs,
      commandTimeoutMs: config.commandTimeoutMs,
      defaultTtlMs: config.defaultTtlMs,
      keyPrefix: config.keyPrefix,
    })
    return new FallbackCache(redis, memory, { logger })
  } catch (error) {
    if (!isCompanionError(error) || error.code !== 'CONNECTION_FAILED') throw error
    logger.warn(`${error.message}; caching in memory.`)
    return memory
  }
}
