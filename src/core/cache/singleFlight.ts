import type { Cache, CacheSetOptions } from './cache.js'
import { cloneCacheValue } from './cacheValue.js'

/**
 * Runs one piece of work per key at a time: callers arriving while it runs share its outcome, success or
 * failure. Nothing is remembered once it settles, so a failure is retried by the next caller.
 */
export class SingleFlight {
  private readonly pending = new Map<string, Promise<unknown>>()

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key)
    if (running) return running as Promise<T>
    const flight = Promise.resolve()
      .then(work)
      .finally(() => this.pending.delete(key))
    this.pending.set(key, flight)
    return flight
  }

  get size(): number {
    return this.pending.size
  }
}

/**
 * `Cache.getOrSet` written once over any cache's get and set. Each caller gets its own copy of the value,
 * as a later `get` would return it, so concurrent callers cannot see each other's mutations.
 */
export async function getOrSetOnce<T>(
  cache: Pick<Cache, 'get' | 'set'>,
  flights: SingleFlight,
  key: string,
  compute: () => Promise<T>,
  options?: CacheSetOptions,
): Promise<T> {
  const value = await flights.run(key, async () => {
    const cached = await cache.get<T>(key)
    if (cached !== undefined) return cached
    const computed = await compute()
    await cache.set(key, computed, options)
    return computed
  })
  return cloneCacheValue(value)
}
