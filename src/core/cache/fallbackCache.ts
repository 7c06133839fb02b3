import { describeError, isCompanionError } from '../errors.js'
import type { Cache, CacheLogger, CacheSetOptions } from './cache.js'
import type { MemoryCache } from './memoryCache.js'
import type { RedisCache } from './redisCache.js'
import { getOrSetOnce, SingleFlight } from './singleFlight.js'

export type CacheBackend = 'redis' | 'memory'

export interface FallbackCacheOptions {
  logger?: CacheLogger
  /** How soon to try Redis again after it failed while its connection stayed open (timeouts, refusals). */
  recheckMs?: number
}

/** Beyond this many keys written during an outage, clearing the prefix is cheaper than remembering them. */
const MAX_REMEMBERED_OUTAGE_KEYS = 10_000

const isRedisFailure = (error: unknown): boolean =>
  isCompanionError(error) && error.code === 'CONNECTION_FAILED'

/**
 * Redis while it answers, memory while it does not: a cache must never turn a Redis outage into a failed
 * stats page. Each switch is logged once, not once per call.
 *
 * Writes made to memory during an outage are remembered, and those keys are deleted from Redis before it is
 * used again: a server that kept its data would otherwise serve values older than the ones written since.
 */
export class FallbackCache implements Cache {
  private readonly logger: CacheLogger
  private readonly recheckMs: number
  private readonly flights = new SingleFlight()
  private usingRedis: boolean
  private returning = false
  private closed = false
  private recheckTimer: NodeJS.Timeout | undefined
  private readonly keysWrittenDuringOutage = new Set<string>()
  private clearedDuringOutage = false

  constructor(
    readonly redis: RedisCache,
    readonly memory: MemoryCache,
    options: FallbackCacheOptions = {},
  ) {
    this.logger = options.logger ?? console
    this.recheckMs = options.recheckMs ?? 5_000
    this.usingRedis = redis.isReady
    redis.client.on('close', this.onConnectionClosed)
    redis.client.on('ready', this.onConnectionReady)
  }

  /** Where values currently go. */
  get backend(): CacheBackend {
    return this.usingRedis ? 'redis' : 'memory'
  }

  private readonly onConnectionClosed = (): void => {
    this.switchToMemory('the connection closed')
  }

  private readonly onConnectionReady = (): void => {
    void this.returnToRedis()
  }

  private switchToMemory(reason: string): void {
    if (this.closed || !this.usingRedis) return
    this.usingRedis = false
    this.logger.warn(
      `The Redis cache at ${this.redis.server} is unavailable (${reason}); caching in memory until it is back.`,
    )
    // With the connection still open (a timeout, a refused command) no 'ready' event will come: look again later.
    if (this.redis.isReady) this.scheduleRecheck()
  }

  private scheduleRecheck(): void {
    if (this.closed || this.recheckTimer) return
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined
      void this.returnToRedis()
    }, this.recheckMs)
    this.recheckTimer.unref()
  }

  private async returnToRedis(): Promise<void> {
    if (this.closed || this.usingRedis || this.returning || !this.redis.isReady) return
    this.returning = true
    try {
      await this.redis.probeWrite()
      await this.forgetOutageWritesInRedis()
      if (this.closed) return
      // Synchronously after the last check that nothing is left to forget, so no outage write slips by.
      this.usingRedis = true
      await this.memory.clear()
      this.logger.info(`The Redis cache at ${this.redis.server} is reachable again; caching in Redis.`)
    } catch {
      // Lost again or still refusing: the next 'ready' event, or the recheck, tries once more.
      this.scheduleRecheck()
    } finally {
      this.returning = false
    }
  }

  private async forgetOutageWritesInRedis(): Promise<void> {
    // A loop: writes keep landing in memory while the deletions below are in flight.
    while (this.clearedDuringOutage || this.keysWrittenDuringOutage.size > 0) {
      if (this.clearedDuringOutage) {
        this.clearedDuringOutage = false
        this.keysWrittenDuringOutage.clear()
        try {
          await this.redis.clear()
        } catch (error) {
          this.clearedDuringOutage = true
          throw error
        }
      } else {
        const keys = [...this.keysWrittenDuringOutage]
        this.keysWrittenDuringOutage.clear()
        try {
          await this.redis.deleteMany(keys)
        } catch (error) {
          for (const key of keys) this.rememberOutageWrite(key)
          throw error
        }
      }
    }
  }

  private rememberOutageWrite(key: string): void {
    if (this.clearedDuringOutage) return
    this.keysWrittenDuringOutage.add(key)
    if (this.keysWrittenDuringOutage.size > MAX_REMEMBERED_OUTAGE_KEYS) {
      this.keysWrittenDuringOutage.clear()
      this.clearedDuringOutage = true
    }
  }

  /** Runs an operation on Redis, or on memory when Redis is out or fails now. */
  private async route<R>(onRedis: () => Promise<R>, onMemory: () => Promise<R>): Promise<R> {
    if (this.usingRedis) {
      try {
        return await onRedis()
      } catch (error) {
        // A value that is not JSON or a bad TTL is the caller's mistake, whichever backend is used.
        if (!isRedisFailure(error)) throw error
        this.switchToMemory(describeError(error))
      }
    }
    return onMemory()
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.route(
      () => this.redis.get<T>(key),
      () => this.memory.get<T>(key),
    )
  }

  set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    return this.route(
      () => this.redis.set(key, value, options),
      async () => {
        this.rememberOutageWrite(key)
        await this.memory.set(key, value, options)
      },
    )
  }

  has(key: string): Promise<boolean> {
    return this.route(
      () => this.redis.has(key),
      () => this.memory.has(key),
    )
  }

  delete(key: string): Promise<boolean> {
    return this.route(
      () => this.redis.delete(key),
      async () => {
        this.rememberOutageWrite(key)
        return this.memory.delete(key)
      },
    )
  }

  clear(): Promise<void> {
    return this.route(
      () => this.redis.clear(),
      async () => {
        this.keysWrittenDuringOutage.clear()
        this.clearedDuringOutage = true
        await this.memory.clear()
      },
    )
  }

  getOrSet<T>(key: string, compute: () => Promise<T>, options?: CacheSetOptions): Promise<T> {
    return getOrSetOnce(this, this.flights, key, compute, options)
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.recheckTimer)
    this.redis.client.off('close', this.onConnectionClosed)
    this.redis.client.off('ready', this.onConnectionReady)
    await this.redis.close()
    await this.memory.close()
  }
}
