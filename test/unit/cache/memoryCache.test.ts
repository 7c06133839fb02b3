import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_TTL_MS } from '../../../src/core/cache/cache.js'
import { MemoryCache } from '../../../src/core/cache/memoryCache.js'
import { isCompanionError } from '../../../src/core/errors.js'

/** How long and how often a test polls for something that happens in the background. */
const polling = { timeout: 5_000, interval: 5 }

/** A clock the test moves by hand, handed to lru-cache as its own `perf` clock. */
function manualClock() {
  let now = 1_000
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('MemoryCache', () => {
  it('returns what was stored until its TTL passes, then forgets it', async () => {
    const clock = manualClock()
    const cache = new MemoryCache({ now: clock.now })
    await cache.set('stats', { photos: 120 }, { ttlMs: 1_000 })
    clock.advance(999)
    expect(await cache.get('stats')).toEqual({ photos: 120 })
    expect(await cache.has('stats')).toBe(true)
    clock.advance(2)
    expect(await cache.get('stats')).toBeUndefined()
    expect(await cache.has('stats')).toBe(false)
  })

  it('keeps a value for 300 s when no TTL is given', async () => {
    const clock = manualClock()
    const cache = new MemoryCache({ now: clock.now })
    expect(cache.defaultTtlMs).toBe(DEFAULT_TTL_MS)
    expect(DEFAULT_TTL_MS).toBe(300_000)
    await cache.set('stats', 1)
    clock.advance(299_999)
    expect(await cache.get('stats')).toBe(1)
    clock.advance(2)
    expect(await cache.get('stats')).toBeUndefined()
  })

  it('applies its own default TTL to writes that name none', async () => {
    const clock = manualClock()
    const cache = new MemoryCache({ now: clock.now, defaultTtlMs: 50 })
    await cache.set('short', 'a')
    await cache.set('long', 'b', { ttlMs: 5_000 })
    clock.advance(51)
    expect(await cache.get('short')).toBeUndefined()
    expect(await cache.get('long')).toBe('b')
  })

  it('expires values on the real clock too', async () => {
    const cache = new MemoryCache()
    await cache.set('stats', 'fresh', { ttlMs: 20 })
    expect(await cache.get('stats')).toBe('fresh')
    await vi.waitUntil(async () => !(await cache.has('stats')), polling)
    expect(await cache.get('stats')).toBeUndefined()
  })

  it('evicts the least recently used entry beyond its entry bound', async () => {
    const cache = new MemoryCache({ maxEntries: 3 })
    await cache.set('a', 1)
    await cache.set('b', 2)
    await cache.set('c', 3)
    await cache.get('a') // a is now more recent than b
    await cache.set('d', 4)
    expect(await cache.has('b')).toBe(false)
    expect(await cache.get('a')).toBe(1)
    expect(await cache.get('c')).toBe(3)
    expect(await cache.get('d')).toBe(4)
  })

  it('evicts by bytes of JSON beyond its byte bound, and keeps no value larger than the bound', async () => {
    const cache = new MemoryCache({ maxBytes: 100 })
    const forty = 'x'.repeat(38) // 40 bytes of JSON with its quotes
    await cache.set('a', forty)
    await cache.set('b', forty)
    expect(cache.stats().bytes).toBe(80)
    await cache.set('c', forty)
    expect(await cache.has('a')).toBe(false)
    expect(await cache.has('b')).toBe(true)
    expect(await cache.has('c')).toBe(true)
    await cache.set('huge', 'y'.repeat(200))
    expect(await cache.has('huge')).toBe(false)
    expect(cache.stats().bytes).toBeLessThanOrEqual(100)
  })

  it('counts hits, misses and the entries it holds', async () => {
    const clock = manualClock()
    const cache = new MemoryCache({ now: clock.now })
    await cache.set('a', 1, { ttlMs: 10 })
    await cache.set('b', 2)
    await cache.get('a')
    await cache.get('b')
    await cache.get('missing')
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, size: 2, bytes: 2 })
    clock.advance(11)
    expect(cache.stats().size).toBe(1)
  })

  it('cannot be corrupted by a caller mutating a value it stored or read', async () => {
    const cache = new MemoryCache()
    const stored = { nights: ['2024-09-01'], counts: { total: 3 } }
    await cache.set('stats', stored)
    stored.nights.push('tampered')
    const read = await cache.get<typeof stored>('stats')
    read!.counts.total = 999
    expect(await cache.get('stats')).toEqual({ nights: ['2024-09-01'], counts: { total: 3 } })
  })

  it('returns values as JSON, the way Redis would (a Date as its ISO text)', async () => {
    const cache = new MemoryCache()
    await cache.set('when', { at: new Date('2024-09-02T02:40:18Z'), gone: undefined })
    expect(await cache.get('when')).toEqual({ at: '2024-09-02T02:40:18.000Z' })
    await cache.set('nothing', null)
    expect(await cache.get('nothing')).toBeNull()
    expect(await cache.has('nothing')).toBe(true)
  })

  it('refuses values that have no JSON form', async () => {
    const cache = new MemoryCache()
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const value of [undefined, 10n, cyclic, () => 1]) {
      const error = await cache.set('bad', value).catch((caught: unknown) => caught)
      expect(isCompanionError(error) && error.code).toBe('INVALID_INPUT')
    }
    expect(await cache.has('bad')).toBe(false)
  })

  it('refuses a TTL that is not a positive number of milliseconds', async () => {
    const cache = new MemoryCache()
    await expect(cache.set('a', 1, { ttlMs: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(cache.set('a', 1, { ttlMs: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(() => new MemoryCache({ defaultTtlMs: -1 })).toThrow(/positive/)
  })

  it('deletes one key, or all of them', async () => {
    const cache = new MemoryCache()
    await cache.set('a', 1)
    await cache.set('b', 2)
    expect(await cache.delete('a')).toBe(true)
    expect(await cache.delete('a')).toBe(false)
    expect(await cache.get('b')).toBe(2)
    await cache.clear()
    expect(await cache.has('b')).toBe(false)
    expect(cache.stats().size).toBe(0)
  })
})
