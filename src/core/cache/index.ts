export { DEFAULT_TTL_MS } from './cache.js'
export type { Cache, CacheLogger, CacheSetOptions } from './cache.js'
export { MemoryCache, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES } from './memoryCache.js'
export type { MemoryCacheOptions, MemoryCacheStats } from './memoryCache.js'
export {
  RedisCache,
  connectRedisCache,
  DEFAULT_KEY_PREFIX,
  DEFAULT_CONNECT_TIMEOUT_MS,
} from './redisCache.js'
export type { RedisCacheOptions, ConnectRedisCacheOptions } from './redisCache.js'
export { FallbackCache } from './fallbackCache.js'
export type { CacheBackend, FallbackCacheOptions } from './fallbackCache.js'
export { getCache } from './getCache.js'
export type { CacheConfig } from './getCache.js'
export { cached } from './cached.js'
export type { CachedOptions } from './cached.js'
export { defaultCache, setDefaultCache } from './defaultCache.js'
export { argsKey } from './argsKey.js'
export { SingleFlight } from './singleFlight.js'
