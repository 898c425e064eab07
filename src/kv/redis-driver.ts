import type { Driver } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import type { Redis } from 'ioredis'
import { toTtlSeconds } from './memory-driver.ts'

/** Options of {@link resilientRedisDriver}. */
export interface ResilientRedisDriverOptions {
  /** `redis://[user:pass@]host:port/db` (`kv.redis.url`). */
  url: string
  /** Prefix of every key, joined with `:` (`kv.redis.keyPrefix`). */
  keyPrefix: string
  /** How this node is named in messages, e.g. `kv.redis.url = redis://127.0.0.1:6379/0` (mask secrets first). */
  label: string
  /** Where connection errors are reported, once per outage. */
  logger: { warn(...args: unknown[]): void }
  /**
   * Bound of each command and of each wait for a connection, in milliseconds.
   * @default 2000
   */
  timeoutMs?: number
}

/**
 * unstorage's `redis` driver (ioredis), hardened for a service: every command is bounded
 * (`commandTimeout`, one retry), nothing is queued while Redis is away (`enableOfflineQueue: false`;
 * an operation fails at once instead of being applied late), connection errors are logged once per
 * outage instead of crashing the process, and ioredis reconnects with backoff by itself. TTLs are
 * set in milliseconds (`PX`), so fractional seconds behave as on the other backends.
 *
 * @example
 * const driver = resilientRedisDriver({ url, keyPrefix: 'app', label: 'kv.redis.url', logger: console })
 */
export function resilientRedisDriver(options: ResilientRedisDriverOptions): Driver {
  const { url, keyPrefix, label, logger } = options
  const timeoutMs = options.timeoutMs ?? 2000
  const driver = redisDriver({
    url,
    base: keyPrefix,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
  const client = driver.getInstance!() as Redis
  let down = false
  client.on('error', (error: Error) => {
    if (!down) logger.warn(`[dskity] Redis (${label}) error: ${error.message}; reconnecting in the background.`)
    down = true
  })
  client.on('ready', () => (down = false))

  // No offline queue: wait (bounded) only while a connection is being set up, else fail at once.
  // Concurrent operations share one wait (one pair of listeners, however many requests queue up).
  let connecting: Promise<void> | undefined
  const ready = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve()
    if (!['wait', 'connecting', 'connect'].includes(client.status)) {
      return Promise.reject(new Error(`[dskity] Redis (${label}) is ${client.status}: the operation was not sent.`))
    }
    return (connecting ??= waitReady().finally(() => (connecting = undefined)))
  }
  const waitReady = () =>
    new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer)
        client.off('ready', onReady).off('error', onError)
        if (error) reject(new Error(`[dskity] Redis (${label}) is unavailable: ${error.message}.`, { cause: error }))
        else resolve()
      }
      const onReady = () => settle()
      const onError = (error: Error) => settle(error)
      const timer = setTimeout(() => settle(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs)
      client.once('ready', onReady).once('error', onError)
    })

  const base = keyPrefix.replace(/:$/, '')
  // Same key layout as unstorage's driver (`<base>:<key>`), so getItem/getKeys see what setItem wrote.
  const fullKey = (key: string) =>
    [base, key]
      .map((s) => s.replace(/[:/\\]/g, ':').replace(/^:|:$/g, ''))
      .filter(Boolean)
      .join(':')
  const gated: Record<string, unknown> = { ...driver }
  for (const name of ['hasItem', 'getItem', 'getItems', 'removeItem', 'getKeys', 'clear'] as const) {
    const method = driver[name] as ((...args: unknown[]) => unknown) | undefined
    if (method) gated[name] = async (...args: unknown[]) => (await ready(), method(...args))
  }
  gated.setItem = async (key: string, value: string, opts?: { ttl?: unknown }) => {
    await ready()
    const ttl = toTtlSeconds(opts?.ttl, key)
    if (ttl === undefined) await client.set(fullKey(key), value)
    else await client.set(fullKey(key), value, 'PX', Math.ceil(ttl * 1000))
  }
  return gated as unknown as Driver
}
