import { Redis } from 'ioredis'
import { CompanionError, describeError } from '../errors.js'
import { DEFAULT_TTL_MS, type Cache, type CacheSetOptions } from './cache.js'
import { resolveTtlMs } from './cacheTtl.js'
import { parseCacheValue, serialiseCacheValue } from './cacheValue.js'
import { getOrSetOnce, SingleFlight } from './singleFlight.js'

export const DEFAULT_KEY_PREFIX = 'creaturebox:'
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_000
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000
const DEFAULT_MAX_RECONNECT_DELAY_MS = 2_000
/** Keys per SCAN step and per UNLINK: large enough to be quick, small enough not to block the server. */
const KEYS_PER_BATCH = 500

export interface RedisCacheOptions {
  /** Every key is stored under this prefix, and `clear()` deletes only keys under it. */
  keyPrefix?: string
  defaultTtlMs?: number
}

export interface ConnectRedisCacheOptions extends RedisCacheOptions {
  /** How long to wait for the server to be ready before giving up. */
  connectTimeoutMs?: number
  /** How long one command may wait for its reply (a half-open connection never answers). */
  commandTimeoutMs?: number
  /** Upper bound of the delay between reconnection attempts after the server went away. */
  maxReconnectDelayMs?: number
}

/** Redis's SCAN MATCH is a glob; a prefix is matched literally. */
const escapeGlob = (text: string): string => text.replace(/[\\*?[\]]/g, '\\$&')

/** Host and port (or socket path) of a client, never its URL: a URL may hold a password. */
export const describeRedisServer = (client: Redis): string =>
  client.options.path ?? `${client.options.host ?? 'localhost'}:${client.options.port ?? 6379}`

/**
 * A cache in Redis, shared by every process using the same server and prefix. Values are JSON strings with
 * a Redis expiry (PX). Any failure of the server or the connection is a `CONNECTION_FAILED` CompanionError.
 */
export class RedisCache implements Cache {
  readonly keyPrefix: string
  readonly defaultTtlMs: number
  private readonly flights = new SingleFlight()

  constructor(
    readonly client: Redis,
    options: RedisCacheOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
    this.defaultTtlMs = resolveTtlMs(undefined, options.defaultTtlMs ?? DEFAULT_TTL_MS)
    // ioredis prints "Unhandled error event" for every failed reconnection unless someone listens; the
    // failures surface as rejected commands instead.
    this.client.on('error', () => undefined)
  }

  /** `host:port` of the server, for messages. */
  get server(): string {
    return describeRedisServer(this.client)
  }

  /** True while the connection is up and commands are sent at once. */
  get isReady(): boolean {
    return this.client.status === 'ready'
  }

  private keyOf(key: string): string {
    return this.keyPrefix + key
  }

  private async command<R>(action: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run()
    } catch (error) {
      throw new CompanionError(
        'CONNECTION_FAILED',
        `The Redis cache at ${this.server} could not ${action}: ${describeError(error)}`,
        { cause: error },
      )
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.command('read a value', () => this.client.get(this.keyOf(key)))
    if (json === null) return undefined
    try {
      return parseCacheValue<T>(json)
    } catch {
      // Not written by a cache (another tool sharing the prefix): to a cache, that is a miss.
      return undefined
    }
  }

  async set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    const json = serialiseCacheValue(value)
    const ttlMs = resolveTtlMs(options, this.defaultTtlMs)
    await this.command('store a value', () => this.client.set(this.keyOf(key), json, 'PX', ttlMs))
  }

  async has(key: string): Promise<boolean> {
    return (await this.command('look up a key', () => this.client.exists(this.keyOf(key)))) > 0
  }

  async delete(key: string): Promise<boolean> {
    return (await this.deleteMany([key])) > 0
  }

  /** Deletes the given keys (without prefix); returns how many existed. */
  async deleteMany(keys: readonly string[]): Promise<number> {
    let deleted = 0
    for (let start = 0; start < keys.length; start += KEYS_PER_BATCH) {
      const batch = keys.slice(start, start + KEYS_PER_BATCH).map((key) => this.keyOf(key))
      deleted += await this.command('delete keys', () => this.client.unlink(...batch))
    }
    return deleted
  }

  /** Deletes the keys under this cache's prefix only: other data on the server is not this cache's. */
  async clear(): Promise<void> {
    const pattern = `${escapeGlob(this.keyPrefix)}*`
    let cursor = '0'
    do {
      const [next, keys] = await this.command('list its keys', () =>
        this.client.scan(cursor, 'MATCH', pattern, 'COUNT', KEYS_PER_BATCH),
      )
      if (keys.length > 0) await this.command('delete keys', () => this.client.unlink(...keys))
      cursor = next
    } while (cursor !== '0')
  }

  getOrSet<T>(key: string, compute: () => Promise<T>, options?: CacheSetOptions): Promise<T> {
    return getOrSetOnce(this, this.flights, key, compute, options)
  }

  /**
   * Proves the server takes writes again (not only that a socket is open): a server out of memory or a
   * read-only replica accepts connections but refuses SET.
   */
  async probeWrite(): Promise<void> {
    await this.command('store a probe', () => this.client.set(this.keyOf('__probe__'), '1', 'PX', 1_000))
  }

  async close(): Promise<void> {
    try {
      await this.client.quit()
    } catch {
      // Not connected: nothing to say goodbye to, only reconnection to stop.
      this.client.disconnect()
    }
  }
}

/**
 * Connects to the Redis server at `url` and resolves once it is ready, or rejects with `CONNECTION_FAILED`
 * within `connectTimeoutMs`. The client never queues commands while disconnected, so a caller learns of an
 * outage at once instead of waiting for a reconnection.
 */
export async function connectRedisCache(
  url: string,
  options: ConnectRedisCacheOptions = {},
): Promise<RedisCache> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS
  let client: Redis
  try {
    client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      // Commands in flight when the connection drops fail at once rather than wait for a reconnection.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: connectTimeoutMs,
      connectionName: 'creaturebox-cache',
      // Keep trying for good (a cache server restarted by the user comes back), but not in a tight loop.
      retryStrategy: (attempt) => Math.min(attempt * 200, maxReconnectDelayMs),
    })
  } catch (error) {
    throw new CompanionError('CONNECTION_FAILED', `The Redis URL is not usable: ${describeError(error)}`, {
      cause: error,
    })
  }
  const cache = new RedisCache(client, options)
  const connecting = client.connect()
  // Whichever loses the race below must not become an unhandled rejection.
  connecting.catch(() => undefined)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs)
  })
  try {
    await Promise.race([connecting, timeout])
  } catch (error) {
    client.disconnect()
    throw new CompanionError(
      'CONNECTION_FAILED',
      `No Redis cache answered at ${describeRedisServer(client)}: ${describeError(error)}`,
      { cause: error },
    )
  } finally {
    clearTimeout(timer)
  }
  return cache
}
