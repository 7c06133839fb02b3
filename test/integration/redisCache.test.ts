import net from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Cache } from '../../src/core/cache/cache.js'
import { FallbackCache } from '../../src/core/cache/fallbackCache.js'
import { getCache } from '../../src/core/cache/getCache.js'
import { MemoryCache } from '../../src/core/cache/memoryCache.js'
import { connectRedisCache, type RedisCache } from '../../src/core/cache/redisCache.js'
import { freePort, startRedisServer, type RedisServer } from '../support/redisServer.js'
import { recordingLogger } from '../support/recordingLogger.js'

/** How long and how often a test polls for something that happens in the background. */
const polling = { timeout: 10_000, interval: 10 }

let server: RedisServer
let admin: Redis
const opened: Cache[] = []
let prefixCount = 0

beforeAll(async () => {
  server = await startRedisServer()
  admin = new Redis(server.url)
})
afterAll(async () => {
  await admin.quit()
  await server.stop()
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()))
})

/** A cache under a prefix of its own, so tests never see each other's keys. */
async function openRedisCache(keyPrefix = `test${++prefixCount}:`): Promise<RedisCache> {
  const cache = await connectRedisCache(server.url, { keyPrefix })
  opened.push(cache)
  return cache
}

describe('RedisCache against a real redis-server', () => {
  it('stores JSON under its prefix with a Redis expiry', async () => {
    const cache = await openRedisCache('stats-test:')
    await cache.set('card-1', { photos: 120, nights: ['2024-09-01'] }, { ttlMs: 60_000 })
    expect(await cache.get('card-1')).toEqual({ photos: 120, nights: ['2024-09-01'] })
    expect(JSON.parse((await admin.get('stats-test:card-1'))!)).toEqual({
      photos: 120,
      nights: ['2024-09-01'],
    })
    const pttl = await admin.pttl('stats-test:card-1')
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(60_000)
  })

  it('gives a write without TTL the 300 s default expiry', async () => {
    const cache = await openRedisCache()
    await cache.set('k', 1)
    const pttl = await admin.pttl(`${cache.keyPrefix}k`)
    expect(pttl).toBeGreaterThan(290_000)
    expect(pttl).toBeLessThanOrEqual(300_000)
  })

  it('uses creaturebox: as its default prefix', async () => {
    const cache = await connectRedisCache(server.url)
    opened.push(cache)
    await cache.set('default-prefix-check', true, { ttlMs: 10_000 })
    expect(await admin.exists('creaturebox:default-prefix-check')).toBe(1)
    await cache.delete('default-prefix-check')
  })

  it('forgets a value once Redis expired it', async () => {
    const cache = await openRedisCache()
    await cache.set('short', 'fresh', { ttlMs: 50 })
    expect(await cache.has('short')).toBe(true)
    await vi.waitUntil(async () => !(await cache.has('short')), polling)
    expect(await cache.get('short')).toBeUndefined()
    expect(await admin.exists(`${cache.keyPrefix}short`)).toBe(0)
  })

  it('clears only the keys under its own prefix, however many there are', async () => {
    const mine = await openRedisCache('cb*[mine]:')
    const neighbour = await openRedisCache('cb*[other]:')
    await admin.set('cb-unrelated', 'kept')
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => mine.set(`photo-${i}`, i, { ttlMs: 60_000 })))
    await neighbour.set('photo-1', 'theirs', { ttlMs: 60_000 })
    await mine.clear()
    expect(await admin.keys('cb\\*\\[mine\\]:*')).toEqual([])
    expect(await neighbour.get('photo-1')).toBe('theirs')
    expect(await admin.get('cb-unrelated')).toBe('kept')
    await admin.del('cb-unrelated')
  })

  it('deletes one key and reports whether it was there', async () => {
    const cache = await openRedisCache()
    await cache.set('a', 1)
    expect(await cache.delete('a')).toBe(true)
    expect(await cache.delete('a')).toBe(false)
    expect(await cache.has('a')).toBe(false)
  })

  it('treats a value under its prefix that is not JSON as a miss', async () => {
    const cache = await openRedisCache()
    await admin.set(`${cache.keyPrefix}foreign`, 'not json {')
    expect(await cache.get('foreign')).toBeUndefined()
  })

  it('computes once for ten simultaneous callers and stores the result in Redis', async () => {
    const cache = await openRedisCache()
    let calls = 0
    let finish!: (value: { photos: number }) => void
    const walk = () => {
      calls += 1
      return new Promise<{ photos: number }>((resolve) => (finish = resolve))
    }
    const callers = Array.from({ length: 10 }, () => cache.getOrSet('stats', walk, { ttlMs: 60_000 }))
    await vi.waitUntil(async () => calls > 0, polling)
    finish({ photos: 42 })
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 10 }, () => ({ photos: 42 })))
    expect(calls).toBe(1)
    expect(await admin.get(`${cache.keyPrefix}stats`)).toBe('{"photos":42}')
  })

  it('shares a failed computation with all callers, stores nothing and computes again next time', async () => {
    const cache = await openRedisCache()
    let calls = 0
    let fail!: (error: Error) => void
    const walk = () => {
      calls += 1
      return new Promise<number>((_, reject) => (fail = reject))
    }
    const callers = Array.from({ length: 10 }, () => cache.getOrSet('stats', walk))
    await vi.waitUntil(async () => calls > 0, polling)
    fail(new Error('card removed'))
    const outcomes = await Promise.allSettled(callers)
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(10)
    expect(await admin.exists(`${cache.keyPrefix}stats`)).toBe(0)
    expect(await cache.getOrSet('stats', async () => 5)).toBe(5)
  })
})

describe('getCache', () => {
  it('picks Redis when the server answers', async () => {
    const logger = recordingLogger()
    const cache = await getCache({ redisUrl: server.url, keyPrefix: 'factory:', logger })
    opened.push(cache)
    expect(cache).toBeInstanceOf(FallbackCache)
    expect((cache as FallbackCache).backend).toBe('redis')
    await cache.set('k', 'in redis')
    expect(await admin.get('factory:k')).toBe('"in redis"')
    expect(logger.warnings).toEqual([])
  })

  it('settles for memory, with one warning, when nothing listens at the URL', async () => {
    const logger = recordingLogger()
    const port = await freePort()
    const cache = await getCache({ redisUrl: `redis://127.0.0.1:${port}`, logger })
    opened.push(cache)
    expect(cache).toBeInstanceOf(MemoryCache)
    await cache.set('k', 1)
    expect(await cache.get('k')).toBe(1)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toContain(`127.0.0.1:${port}`)
  })

  it('settles for memory when the server at the URL never answers', async () => {
    // Accepts connections and says nothing, like a stuck server or a wrong service on the port.
    const sockets = new Set<net.Socket>()
    const mute = net.createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve))
    const { port } = mute.address() as net.AddressInfo
    try {
      const logger = recordingLogger()
      const cache = await getCache({ redisUrl: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300, logger })
      opened.push(cache)
      expect(cache).toBeInstanceOf(MemoryCache)
      expect(logger.warnings).toHaveLength(1)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => mute.close(resolve))
    }
  })

  it('is a memory cache when no Redis is configured', async () => {
    const cache = await getCache({ defaultTtlMs: 1_000 })
    opened.push(cache)
    expect(cache).toBeInstanceOf(MemoryCache)
    expect((cache as MemoryCache).defaultTtlMs).toBe(1_000)
  })
})
