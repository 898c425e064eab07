import { createStorage, normalizeBaseKey, type Driver, type Storage } from 'unstorage'
import type { DskityOptions } from '../config/schema.ts'
import { DskityError, ErrorCodes, describeThrown } from '../errors.ts'
import { memoryTtlDriver, toTtlSeconds } from './memory-driver.ts'
import { consulDriver } from './consul-driver.ts'
import { ringDriver } from './ring-driver.ts'

/** The operations {@link KvHooks.onOperation} reports (metrics labels). */
export type KvOperation = 'get' | 'set' | 'has' | 'remove' | 'keys' | 'clear'

/** Observers of a KV store created by {@link createKv}. */
export interface KvHooks {
  /** Called after every storage operation with whether it succeeded (for metrics). */
  onOperation?: (op: KvOperation, ok: boolean) => void
  /** Where connection problems (Redis going away) are reported. Default: `console`. */
  logger?: { warn(...args: unknown[]): void }
  /** Bound of each remote command (Redis, Consul), in ms. The runtime passes the readiness probe timeout. @default 2000 */
  commandTimeoutMs?: number
}

/** A configured KV store and its lifecycle. */
export interface KvHandle {
  /** The unstorage `Storage` (`clients.kv`); `{ ttl: seconds | 'default' }` works on every backend. */
  storage: Storage
  /** Resolves when every backend answers; throws naming the failing one. Bounded by `timeoutMs` (default 2000). */
  probe(timeoutMs?: number): Promise<void>
  /** Disconnects and releases every backend (timers, sockets). */
  close(): Promise<void>
}

/**
 * Creates the KV store configured by `kv.*` (SPEC §4): `inmemory`, `redis`, `consul` or `ring`.
 * A write without `ttl` never expires; `{ ttl: 'default' }` uses `kv.defaultTtlSeconds`. Bad options
 * throw an error naming the config key. Redis commands fail within ~2 s while Redis is down (no
 * hanging, no crash) and the client reconnects by itself.
 *
 * @example
 * const kv = createKv(options.kv, { onOperation: (op, ok) => counter.inc({ op, ok: String(ok) }) })
 * await kv.storage.setItem('jobs:1', { state: 'queued' }, { ttl: 'default' })
 */
export function createKv(options: DskityOptions['kv'], hooks: KvHooks = {}): KvHandle {
  if (!(typeof options.defaultTtlSeconds === 'number' && options.defaultTtlSeconds > 0)) {
    fail(`kv.defaultTtlSeconds must be a positive number of seconds, got ${options.defaultTtlSeconds}.`)
  }
  const store = options.store
  const specs: [spec: string, key: string][] =
    store === 'inmemory'
      ? [['memory:default', 'kv.store']]
      : store === 'redis'
        ? [[checkUrl(options.redis.url, 'kv.redis.url', /^rediss?:$/), 'kv.redis.url']]
        : store === 'consul'
          ? [[`consul+${checkUrl(options.consul.url, 'kv.consul.url', /^https?:$/)}`, 'kv.consul.url']]
          : store === 'ring'
            ? options.ring.nodes.map((spec, i) => [spec, `kv.ring.nodes[${i}]`])
            : fail(`kv.store = ${JSON.stringify(store)} is not a KV backend: use inmemory, redis, consul or ring.`)
  if (specs.length === 0) fail('kv.ring.nodes is empty: list the ring nodes (e.g. `memory:a`, `redis://host:6379/0`).')
  // Validate every node before connecting any, so a bad spec leaves no socket behind.
  const makers = specs.map(([spec, key], i) => {
    if (specs.findIndex(([other]) => other === spec) < i) fail(`${key} repeats ${JSON.stringify(mask(spec))}: list each node once.`)
    return { spec, key, make: nodeMaker(spec, key, options, hooks.logger ?? console, hooks.commandTimeoutMs) }
  })
  const leaves = makers.map(({ spec, key, make }) => ({ spec, key, driver: make() }))
  const driver =
    store === 'ring'
      ? ringDriver({ nodes: Object.fromEntries(leaves.map((l) => [l.spec, l.driver])), virtualNodes: options.ring.virtualNodes })
      : leaves[0].driver

  const instrumented = instrument(driver, options.defaultTtlSeconds, hooks.onOperation)
  const storage = createStorage({ driver: instrumented })
  // unstorage cuts a key at its first `?` (`product:p1?x` reads `product:p1`): a key built from a
  // request value could then reach another entry. Such keys are refused (a 400 for a request).
  for (const name of ['getItem', 'getItemRaw', 'setItem', 'setItemRaw', 'hasItem', 'removeItem', 'getMeta', 'setMeta', 'removeMeta'] as const) {
    const method = storage[name] as (key: string, a?: unknown, b?: unknown) => unknown
    // Fixed arity (every one of these takes at most key + 2): no rest-array per operation.
    ;(storage as unknown as Record<string, unknown>)[name] = (key: string, a?: unknown, b?: unknown) => {
      if (typeof key === 'string' && key.includes('?')) return Promise.reject(new DskityError(ErrorCodes.KV_INVALID_KEY, `KV key ${JSON.stringify(key.slice(0, 200))} contains \`?\`, which unstorage would cut off; keys must not contain it.`, { key: key.slice(0, 200) }))
      return method.call(storage, key, a, b)
    }
  }
  // unstorage 1.17 skips the root mount in `clear(base)` (unjs/unstorage#801): clear the base there too.
  const clearMounts = storage.clear
  storage.clear = async (base, opts = {}) => {
    const relative = normalizeBaseKey(base)
    await clearMounts(base, opts)
    if (relative && storage.getMount(relative).base === '') await instrumented.clear!(relative, opts)
  }
  const probeOne = async (key: string, driver: Driver, ms: number) => {
    try {
      await withTimeout(Promise.resolve(driver.hasItem('dskity-probe', {})), ms, `no answer within ${ms} ms`)
    } catch (error) {
      const reason = (error as Error).message.replace(/^\[dskity\] /, '')
      throw new Error(`[dskity] KV backend ${key} is unreachable: ${reason}`, { cause: error })
    }
  }
  return {
    storage,
    probe: async (timeoutMs = 2000) => {
      await Promise.all(leaves.map(({ key, driver }) => probeOne(key, driver, timeoutMs)))
    },
    close: () => storage.dispose(),
  }
}

// --- internal ---

type Logger = NonNullable<KvHooks['logger']>

/** Validates one node spec and returns how to create its driver. */
function nodeMaker(spec: string, key: string, options: DskityOptions['kv'], logger: Logger, timeoutMs?: number): () => Driver {
  if (/^memory:./.test(spec)) return () => memoryTtlDriver({})
  if (/^rediss?:\/\//.test(spec)) {
    const label = `${key} = ${mask(checkUrl(spec, key))}`
    // ioredis loads on first use: a service on the in-memory store never pays for it at startup.
    return () => lazyDriver('redis', () => import('./redis-driver.ts').then((m) => m.resilientRedisDriver({ url: spec, keyPrefix: options.redis.keyPrefix, label, logger, timeoutMs })))
  }
  if (/^consul\+https?:\/\//.test(spec)) {
    const url = checkUrl(spec.slice('consul+'.length), key)
    return () => consulDriver({ url, keyPrefix: options.consul.keyPrefix, token: options.consul.token, timeoutMs })
  }
  const forms = '`memory:<name>`, `redis://host:6379/0` or `consul+http://host:8500`'
  return fail(`${key} = ${JSON.stringify(mask(spec))} is not a KV node: use ${forms}.`)
}

/** A driver that creates the real one on first use (to keep heavy clients off the cold start). */
function lazyDriver(name: string, create: () => Promise<Driver>): Driver {
  let real: Promise<Driver> | undefined
  const get = () => (real ??= create())
  const call = (method: string) => async (...args: unknown[]) => {
    const fn = ((await get()) as unknown as Record<string, (...a: unknown[]) => unknown>)[method]
    return fn(...args)
  }
  return {
    name,
    hasItem: call('hasItem'),
    getItem: call('getItem'),
    setItem: call('setItem'),
    removeItem: call('removeItem'),
    getKeys: call('getKeys'),
    clear: call('clear'),
    dispose: async () => (real ? (await real).dispose?.() : undefined),
  } as Driver
}

const OPERATIONS: [string, KvOperation][] = Object.entries({
  ...{ hasItem: 'has', getItem: 'get', getItemRaw: 'get', getItems: 'get', setItem: 'set', setItemRaw: 'set' },
  ...{ setItems: 'set', removeItem: 'remove', getKeys: 'keys', clear: 'clear' },
} as const)

type Opts = Record<string, unknown> | undefined
type Around = (op: KvOperation, name: string, call: () => Promise<unknown>, args: unknown[]) => Promise<unknown>

/** A copy of `driver` whose operations run through `around` (which may rewrite `args` before `call`). */
function wrapDriver(driver: Driver, around: Around): Driver {
  const wrapped: Record<string, unknown> = { ...driver }
  for (const [name, op] of OPERATIONS) {
    const method = (driver as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>)[name]
    if (method) wrapped[name] = (...args: unknown[]) => around(op, name, async () => method(...args), args)
  }
  return wrapped as unknown as Driver
}

/** Resolves `ttl: 'default'`, validates TTLs and reports each operation. */
function instrument(driver: Driver, defaultTtl: number, onOperation: KvHooks['onOperation']): Driver {
  const ttl = (opts: Opts, key: string): Opts => {
    if (opts?.ttl === undefined) return opts
    return { ...opts, ttl: toTtlSeconds(opts.ttl === 'default' ? defaultTtl : opts.ttl, key) }
  }
  const report = (op: KvOperation, ok: boolean) => {
    try {
      onOperation?.(op, ok)
    } catch {
      // A broken metrics hook must not turn a successful operation into a failure.
    }
  }
  return wrapDriver(driver, async (op, name, call, args) => {
    try {
      if (name === 'setItems') {
        const items = args[0] as { key: string; options?: Opts }[]
        args.splice(0, 2, items.map((i) => ({ ...i, options: ttl(i.options, i.key) })), ttl(args[1] as Opts, '*'))
      } else if (op === 'set') {
        args[2] = ttl(args[2] as Opts, args[0] as string)
      }
    } catch (error) {
      report(op, false)
      throw error
    }
    try {
      const result = await call()
      report(op, true)
      return result
    } catch (error) {
      report(op, false)
      // The backend failed (down, frozen, refusing): a coded error the HTTP layer answers with 503.
      throw new DskityError(ErrorCodes.KV_UNAVAILABLE, `KV store unavailable during ${op}: ${describeThrown(error)}`, { op }, { cause: error })
    }
  })
}

function checkUrl(url: string, key: string, protocol?: RegExp): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    const example = '`redis://127.0.0.1:6379/0` or `http://127.0.0.1:8500`'
    fail(`${key} = ${JSON.stringify(mask(url))} is not a valid URL: write it like ${example}.`)
  }
  if (protocol && !protocol.test(parsed.protocol)) {
    fail(`${key} = ${JSON.stringify(mask(url))} has the wrong scheme \`${parsed.protocol}\` for this backend.`)
  }
  return url
}

/** A KV setting that cannot work: a coded config error, shown without a stack trace. */
function fail(message: string): never {
  throw new DskityError(ErrorCodes.CONFIG_INVALID, message)
}

/** Hides the password of a `scheme://user:pass@host` URL in messages. */
function mask(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
    timer.unref()
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
