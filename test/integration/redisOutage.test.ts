import net from 'node:net'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FallbackCache } from '../../src/core/cache/fallbackCache.js'
import { getCache } from '../../src/core/cache/getCache.js'
import { MemoryCache } from '../../src/core/cache/memoryCache.js'
import { connectRedisCache } from '../../src/core/cache/redisCache.js'
import { startRedisServer, type RedisServer } from '../support/redisServer.js'
import { recordingLogger } from '../support/recordingLogger.js'

/** How long and how often a test polls for something that happens in the background. */
const polling = { timeout: 15_000, interval: 10 }

/**
 * A TCP relay in front of a real server: closing it is a network outage the server survives with its data
 * (as when Wi-Fi drops), and freezing it is a connection that stays open but no longer answers.
 */
class TcpRelay {
  private server: net.Server | undefined
  private readonly pairs = new Set<[net.Socket, net.Socket]>()
  private frozen = false
  port = 0

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ port: this.targetPort, host: '127.0.0.1' })
      const pair: [net.Socket, net.Socket] = [client, upstream]
      this.pairs.add(pair)
      client.pipe(upstream)
      upstream.pipe(client)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        this.pairs.delete(pair)
      }
      client.on('close', drop).on('error', drop)
      upstream.on('close', drop).on('error', drop)
      if (this.frozen) this.freeze()
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as net.AddressInfo).port
    this.server = server
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy()
      upstream.destroy()
    }
    this.pairs.clear()
    const server = this.server
    this.server = undefined
    if (server) await new Promise((resolve) => server.close(resolve))
  }

  /** Holds every byte in both directions (nothing is lost: Redis replies must stay in order). */
  freeze(): void {
    this.frozen = true
    for (const [client, upstream] of this.pairs) {
      client.pause()
      upstream.pause()
    }
  }

  thaw(): void {
    this.frozen = false
    for (const [client, upstream] of this.pairs) {
      client.resume()
      upstream.resume()
    }
  }
}

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startServer(port?: number): Promise<RedisServer> {
  const server = await startRedisServer({ port })
  cleanups.push(() => server.stop())
  return server
}

async function adminOf(server: RedisServer): Promise<Redis> {
  const admin = new Redis(server.url)
  cleanups.push(() => admin.quit())
  return admin
}

describe('a Redis-backed cache when Redis goes away', () => {
  it('answers from memory while the server is down, warns once, and goes back to Redis when it returns', async () => {
    const first = await startServer()
    const logger = recordingLogger()
    const cache = await getCache({ redisUrl: first.url, keyPrefix: 'outage:', logger })
    cleanups.push(() => cache.close())
    expect(cache).toBeInstanceOf(FallbackCache)
    await cache.set('before', 'in redis')

    // Calls keep coming across several failed reconnection attempts, each of which closes a connection.
    let reconnectAttempts = 0
    ;(cache as FallbackCache).redis.client.on('reconnecting', () => (reconnectAttempts += 1))
    await first.stop()
    const deadline = Date.now() + 15_000
    for (let i = 0; i < 50 || reconnectAttempts < 3; i++) {
      if (Date.now() > deadline) throw new Error('ioredis did not retry the connection')
      await cache.set(`night-${i}`, { photos: i })
      expect(await cache.get(`night-${i}`)).toEqual({ photos: i })
      expect(await cache.has(`night-${i}`)).toBe(true)
      expect(await cache.getOrSet(`stats-${i}`, async () => i * 2)).toBe(i * 2)
      expect(await cache.delete(`night-${i}`)).toBe(true)
      // Memory answers within microtasks; let ioredis's reconnection timers run between calls.
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await cache.clear()
    expect((cache as FallbackCache).backend).toBe('memory')
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toContain(`127.0.0.1:${first.port}`)
    expect(logger.infos).toEqual([])

    const second = await startServer(first.port)
    await vi.waitUntil(() => (cache as FallbackCache).backend === 'redis', polling)
    expect(logger.infos).toHaveLength(1)
    const admin = await adminOf(second)
    await cache.set('after', 'in redis again', { ttlMs: 60_000 })
    expect(await admin.get('outage:after')).toBe('"in redis again"')
    expect(await admin.pttl('outage:after')).toBeGreaterThan(0)
    for (let i = 0; i < 20; i++) await cache.get('after')
    expect(logger.warnings).toHaveLength(1)
    expect(logger.infos).toHaveLength(1)
  })

  it('does not serve a value from before the outage that was overwritten during it', async () => {
    const server = await startServer()
    const admin = await adminOf(server)
    const relay = new TcpRelay(server.port)
    await relay.open()
    cleanups.push(() => relay.close())
    const logger = recordingLogger()
    const cache = (await getCache({ redisUrl: relay.url, keyPrefix: 'stale:', logger })) as FallbackCache
    cleanups.push(() => cache.close())
    await cache.set('stats', 'before the outage', { ttlMs: 60_000 })
    await cache.set('untouched', 'kept', { ttlMs: 60_000 })

    await relay.close()
    await vi.waitUntil(() => cache.backend === 'memory', polling)
    await cache.set('stats', 'during the outage')
    expect(await cache.get('stats')).toBe('during the outage')
    expect(await admin.get('stale:stats')).toBe('"before the outage"')

    await relay.open()
    await vi.waitUntil(() => cache.backend === 'redis', polling)
    expect(await admin.exists('stale:stats')).toBe(0)
    expect(await cache.get('stats')).toBeUndefined()
    expect(await cache.get('untouched')).toBe('kept')
    expect(logger.warnings).toHaveLength(1)
    expect(logger.infos).toHaveLength(1)
  })

  it('clears its Redis keys on return when it was cleared during the outage', async () => {
    const server = await startServer()
    const admin = await adminOf(server)
    const relay = new TcpRelay(server.port)
    await relay.open()
    cleanups.push(() => relay.close())
    const cache = (await getCache({
      redisUrl: relay.url,
      keyPrefix: 'cleared:',
      logger: recordingLogger(),
    })) as FallbackCache
    cleanups.push(() => cache.close())
    await cache.set('a', 1, { ttlMs: 60_000 })
    await admin.set('other:a', 'not ours')

    await relay.close()
    await vi.waitUntil(() => cache.backend === 'memory', polling)
    await cache.clear()

    await relay.open()
    await vi.waitUntil(() => cache.backend === 'redis', polling)
    expect(await admin.exists('cleared:a')).toBe(0)
    expect(await admin.get('other:a')).toBe('not ours')
  })

  it('answers from memory when Redis stops answering on an open connection, and returns once it answers', async () => {
    const server = await startServer()
    const admin = await adminOf(server)
    const relay = new TcpRelay(server.port)
    await relay.open()
    cleanups.push(() => relay.close())
    const logger = recordingLogger()
    const redis = await connectRedisCache(relay.url, { keyPrefix: 'frozen:', commandTimeoutMs: 200 })
    const cache = new FallbackCache(redis, new MemoryCache(), { logger, recheckMs: 100 })
    cleanups.push(() => cache.close())

    relay.freeze()
    await cache.set('stats', 'while frozen')
    expect(cache.backend).toBe('memory')
    for (let i = 0; i < 20; i++) expect(await cache.get('stats')).toBe('while frozen')
    expect(logger.warnings).toHaveLength(1)

    relay.thaw()
    await vi.waitUntil(() => cache.backend === 'redis', polling)
    expect(logger.infos).toHaveLength(1)
    // The write that timed out may have reached Redis late; it was replaced in memory, so it must be gone.
    expect(await admin.exists('frozen:stats')).toBe(0)
    await cache.set('stats', 'answered', { ttlMs: 60_000 })
    expect(await admin.get('frozen:stats')).toBe('"answered"')
  })
})
