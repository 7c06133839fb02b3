import { describe, expect, it } from 'vitest'
import { MemoryCache } from '../../../src/core/cache/memoryCache.js'
import { SingleFlight } from '../../../src/core/cache/singleFlight.js'

/** A computation the test finishes by hand, so all callers are known to arrive while it runs. */
function pendingComputation<T>() {
  let calls = 0
  let finish!: (value: T) => void
  let fail!: (error: unknown) => void
  const compute = (): Promise<T> => {
    calls += 1
    return new Promise<T>((resolve, reject) => {
      finish = resolve
      fail = reject
    })
  }
  return {
    compute,
    get calls() {
      return calls
    },
    finish: (value: T) => finish(value),
    fail: (error: unknown) => fail(error),
  }
}

/** Lets the callers' promise chains reach the computation. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('getOrSet', () => {
  it('walks the card once for ten simultaneous requests, and gives each its own copy', async () => {
    const cache = new MemoryCache()
    const walk = pendingComputation<{ photos: number }>()
    const callers = Array.from({ length: 10 }, () => cache.getOrSet('stats', walk.compute))
    await settle()
    walk.finish({ photos: 42 })
    const results = await Promise.all(callers)
    expect(walk.calls).toBe(1)
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ photos: 42 })))
    expect(new Set(results).size).toBe(10)
    expect(await cache.get('stats')).toEqual({ photos: 42 })
  })

  it('answers later requests from the cache without computing again', async () => {
    const cache = new MemoryCache()
    let calls = 0
    const compute = async () => ++calls
    expect(await cache.getOrSet('n', compute)).toBe(1)
    expect(await cache.getOrSet('n', compute)).toBe(1)
    expect(calls).toBe(1)
  })

  it('gives all ten callers the failure, caches nothing, and computes again on the next call', async () => {
    const cache = new MemoryCache()
    const walk = pendingComputation<number>()
    const callers = Array.from({ length: 10 }, () => cache.getOrSet('stats', walk.compute))
    await settle()
    const failure = new Error('card removed mid-walk')
    walk.fail(failure)
    const outcomes = await Promise.allSettled(callers)
    expect(outcomes.every((outcome) => outcome.status === 'rejected' && outcome.reason === failure)).toBe(
      true,
    )
    expect(walk.calls).toBe(1)
    expect(await cache.has('stats')).toBe(false)

    const retry = cache.getOrSet('stats', walk.compute)
    await settle()
    walk.finish(7)
    expect(await retry).toBe(7)
    expect(walk.calls).toBe(2)
  })

  it('computes different keys independently', async () => {
    const cache = new MemoryCache()
    const a = pendingComputation<string>()
    const b = pendingComputation<string>()
    const first = cache.getOrSet('a', a.compute)
    const second = cache.getOrSet('b', b.compute)
    await settle()
    b.finish('B')
    expect(await second).toBe('B')
    a.finish('A')
    expect(await first).toBe('A')
  })

  it('stores the result with the TTL it was given', async () => {
    let now = 1_000 // lru-cache reads a start time of 0 as "never expires"
    const cache = new MemoryCache({ now: () => now })
    await cache.getOrSet('stats', async () => 'fresh', { ttlMs: 100 })
    now += 101
    expect(await cache.has('stats')).toBe(false)
  })

  it('rejects a computation whose result has no JSON form, caching nothing', async () => {
    const cache = new MemoryCache()
    await expect(cache.getOrSet('void', async () => undefined)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(await cache.has('void')).toBe(false)
  })
})

describe('SingleFlight', () => {
  it('forgets a flight once it settled', async () => {
    const flights = new SingleFlight()
    const run = flights.run('k', async () => 1)
    expect(flights.size).toBe(1)
    await run
    expect(flights.size).toBe(0)
  })

  it('turns a synchronous throw of the work into a shared rejection', async () => {
    const flights = new SingleFlight()
    const work = (): Promise<number> => {
      throw new Error('boom')
    }
    await expect(Promise.all([flights.run('k', work), flights.run('k', work)])).rejects.toThrow('boom')
    expect(flights.size).toBe(0)
  })
})
