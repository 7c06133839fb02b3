import { CompanionError } from '../errors.js'
import type { Cache } from './cache.js'
import { argsKey } from './argsKey.js'
import { defaultCache } from './defaultCache.js'

export interface CachedOptions<A extends unknown[]> {
  /**
   * Expiry of each result; defaults to the cache's (300 s, as the original web app's
   * `cache_decorator(timeout=300)`).
   */
  ttlMs?: number
  /** The cache key of one call; by default the function's name and its arguments (object key order aside). */
  key?: (...args: A) => string
  /** Names the function in default keys; needed when it has no name (an inline arrow function). */
  name?: string
  /** Where results go; by default `defaultCache()` at the time of each call. */
  cache?: Cache
}

/**
 * The original web app's cache decorator: `fn` with its results cached. Concurrent identical calls share
 * one run of `fn`; a rejection is not cached. Results must be JSON and come back as JSON (a Date as its ISO
 * string).
 */
// `any` only in the constraint, as in TypeScript's own `Parameters<T>`: the wrapper's parameters are
// inferred from `fn` alone (a `key` taking fewer arguments must not shorten them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cached<F extends (...args: any[]) => unknown>(
  fn: F,
  options: CachedOptions<Parameters<F>> = {},
): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  type Result = Awaited<ReturnType<F>>
  const name = options.name ?? fn.name
  if (!options.key && name === '') {
    // Two anonymous functions would share keys and read each other's results.
    throw new CompanionError('INVALID_INPUT', 'cached() needs a `name` or a `key` for an anonymous function')
  }
  const keyOf = options.key ?? ((...args: Parameters<F>) => `${name}${argsKey(args)}`)
  const setOptions = options.ttlMs === undefined ? undefined : { ttlMs: options.ttlMs }
  const compute = async (args: Parameters<F>): Promise<Result> => (await fn(...args)) as Result
  return async (...args: Parameters<F>): Promise<Result> => {
    const cache = options.cache ?? defaultCache()
    return cache.getOrSet(keyOf(...args), () => compute(args), setOptions)
  }
}
