import { afterEach, describe, expect, it } from 'vitest'
import { cached } from '../../../src/core/cache/cached.js'
import { defaultCache, setDefaultCache } from '../../../src/core/cache/defaultCache.js'
import { MemoryCache } from '../../../src/core/cache/memoryCache.js'

afterEach(() => setDefaultCache(undefined))

/** A stats function that counts how often it really ran. */
function countedStats() {
  const calls: unknown[][] = []
  async function folderStats(folder: string, options: { nights?: number; deep?: boolean } = {}) {
    calls.push([folder, options])
    return { folder, nights: options.nights ?? 0, run: calls.length }
  }
  return { folderStats, calls }
}

describe('cached', () => {
  it('runs the function once for repeated identical calls', async () => {
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache: new MemoryCache() })
    expect(await stats('/media/card', { nights: 3 })).toEqual({ folder: '/media/card', nights: 3, run: 1 })
    expect(await stats('/media/card', { nights: 3 })).toEqual({ folder: '/media/card', nights: 3, run: 1 })
    expect(calls).toHaveLength(1)
  })

  it('treats arguments that differ only in object key order as the same call', async () => {
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache: new MemoryCache() })
    await stats('/media/card', { nights: 3, deep: true })
    await stats('/media/card', { deep: true, nights: 3 })
    expect(calls).toHaveLength(1)
  })

  it('runs again for different arguments', async () => {
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache: new MemoryCache() })
    await stats('/media/card', { nights: 3 })
    await stats('/media/card', { nights: 4 })
    await stats('/media/other')
    expect(calls).toHaveLength(3)
  })

  it('keys results by the function name and its arguments', async () => {
    const cache = new MemoryCache()
    const { folderStats } = countedStats()
    await cached(folderStats, { cache })('/media/card', { nights: 3 })
    expect(await cache.has('folderStats["/media/card",{"nights":3}]')).toBe(true)
  })

  it('uses the key function when one is given', async () => {
    const cache = new MemoryCache()
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache, key: (folder) => `stats:${folder}` })
    await stats('/media/card', { nights: 1 })
    await stats('/media/card', { nights: 2 })
    expect(calls).toHaveLength(1)
    expect(await cache.has('stats:/media/card')).toBe(true)
  })

  it('runs again once the TTL has passed', async () => {
    let now = 1_000 // lru-cache reads a start time of 0 as "never expires"
    const cache = new MemoryCache({ now: () => now })
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache, ttlMs: 1_000 })
    await stats('/media/card')
    now += 999
    await stats('/media/card')
    expect(calls).toHaveLength(1)
    now += 2
    expect((await stats('/media/card')).run).toBe(2)
  })

  it('keeps results for 300 s when no TTL is given', async () => {
    let now = 1_000 // lru-cache reads a start time of 0 as "never expires"
    const cache = new MemoryCache({ now: () => now })
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache })
    await stats('/media/card')
    now += 299_999
    await stats('/media/card')
    expect(calls).toHaveLength(1)
    now += 2
    await stats('/media/card')
    expect(calls).toHaveLength(2)
  })

  it('shares one run between concurrent identical calls', async () => {
    const { folderStats, calls } = countedStats()
    const stats = cached(folderStats, { cache: new MemoryCache() })
    const results = await Promise.all(Array.from({ length: 10 }, () => stats('/media/card', { nights: 1 })))
    expect(calls).toHaveLength(1)
    expect(results.every((result) => result.run === 1)).toBe(true)
  })

  it('does not cache a failure', async () => {
    let attempts = 0
    const flaky = cached(
      async function readCard(): Promise<string> {
        attempts += 1
        if (attempts === 1) throw new Error('card not mounted yet')
        return 'ok'
      },
      { cache: new MemoryCache() },
    )
    await expect(flaky()).rejects.toThrow('card not mounted yet')
    expect(await flaky()).toBe('ok')
  })

  it('uses the default cache at call time, so installing another one later takes effect', async () => {
    const { folderStats } = countedStats()
    const stats = cached(folderStats)
    await stats('/media/card')
    expect(await defaultCache().has('folderStats["/media/card"]')).toBe(true)

    const installed = new MemoryCache()
    setDefaultCache(installed)
    await stats('/media/card')
    expect(await installed.has('folderStats["/media/card"]')).toBe(true)
  })

  it('refuses an anonymous function without a name or key, whose keys would collide with others', () => {
    expect(() => cached(async () => 1)).toThrow(/name/)
    expect(() => cached(async () => 1, { name: 'one' })).not.toThrow()
  })

  it('refuses to derive a key from arguments it cannot tell apart', async () => {
    const cache = new MemoryCache()
    const describe = cached(
      async function describe(value: unknown) {
        return String(value)
      },
      { cache },
    )
    for (const value of [new Map([[1, 2]]), new Set([1]), new (class Source {})(), () => 1]) {
      await expect(describe(value)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
  })
})
