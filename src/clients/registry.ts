import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Storage } from 'unstorage'
import type { DskityOptions } from '../config/schema.ts'

/** One live instance of a service, as stored in the KV (`registry:<service>:<instanceId>`). */
export interface ServiceInstance {
  /** Service name (`name` in the config). */
  name: string
  /** Unique per process: `<host>-<pid>-<random>`. */
  instanceId: string
  /** Where the instance is reached (`common.advertiseUrl`, or the real listen address). */
  url: string
  /** Enabled modules, in start order. */
  modules: string[]
  version?: string
  /** ISO time the registry was created. */
  startedAt: string
  /** ISO time of the last successful heartbeat. */
  lastHeartbeat: string
}

/** Advertises this instance in the KV store and lists the others (SPEC §6). */
export interface ServiceRegistry {
  /** This process's instance id. */
  readonly instanceId: string
  /** Writes this instance's record with TTL `common.registry.ttlSeconds`. Throws when the KV fails. */
  register(): Promise<void>
  /** Removes this instance's record. Throws when the KV fails. */
  deregister(): Promise<void>
  /** `register()`, then refresh every `heartbeatIntervalSeconds` (a failing heartbeat is logged and retried next tick). */
  start(): Promise<void>
  /** Stops the heartbeat and deregisters; a KV failure is logged, never thrown (shutdown path). */
  stop(): Promise<void>
  /** Live instances of `name` (all services when omitted), sorted by service then instance id. */
  list(name?: string): Promise<ServiceInstance[]>
  /** Changes the advertised URL (e.g. once the real port is known); re-registers at once when started. */
  setUrl(url: string): void
}

/** Options of {@link createServiceRegistry}. */
export interface ServiceRegistryOptions {
  /** The KV store shared by every instance (`clients.kv`). */
  kv: Storage
  /** Resolved config: uses `name`, `common.registry` and `kv.defaultTtlSeconds`. */
  options: DskityOptions
  /** What this instance advertises. */
  instance: { name: string; url: string; modules: string[]; version?: string }
  /** Where heartbeat failures go. Default: `console`. */
  logger?: { warn(...args: unknown[]): void }
}

/** The KV namespace of registry records. */
export const REGISTRY_PREFIX = 'registry'

/**
 * Creates the service registry. Each instance stores one record under
 * `registry:<service>:<instanceId>` with a TTL, refreshed by an `unref`'d heartbeat, so a crashed
 * instance disappears after at most `ttlSeconds`. With a shared Redis every instance sees every other.
 * When `common.registry.enabled` is false, `register`/`start` write nothing (`list` still reads).
 *
 * @example
 * const registry = createServiceRegistry({ kv, options, instance: { name: 'orders', url, modules } })
 * await registry.start()
 * await registry.list('payments') // [{ name: 'payments', url: 'http://10.0.0.7:8000', … }]
 */
export function createServiceRegistry(opts: ServiceRegistryOptions): ServiceRegistry {
  const { kv, options } = opts
  const logger = opts.logger ?? console
  const settings = options.common.registry
  const ttl = settings.ttlSeconds > 0 ? settings.ttlSeconds : options.kv.defaultTtlSeconds
  const intervalMs = Math.max(50, settings.heartbeatIntervalSeconds * 1000)
  if (settings.enabled && intervalMs >= ttl * 1000) {
    logger.warn(
      `[dskity] common.registry.heartbeatIntervalSeconds (${settings.heartbeatIntervalSeconds}) is not shorter than ` +
        `common.registry.ttlSeconds (${ttl}): this instance will blink out of the registry between heartbeats.`,
    )
  }
  const instance = { ...opts.instance, modules: [...opts.instance.modules] }
  const instanceId = `${safe(hostname())}-${process.pid}-${randomBytes(4).toString('hex')}`
  const key = `${REGISTRY_PREFIX}:${safe(instance.name)}:${instanceId}`
  const startedAt = new Date().toISOString()
  let timer: NodeJS.Timeout | undefined
  let beating: Promise<void> | undefined

  const register = async () => {
    if (!settings.enabled) return
    const record: ServiceInstance = { ...instance, instanceId, startedAt, lastHeartbeat: new Date().toISOString() }
    if (record.version === undefined) delete record.version
    await kv.setItem(key, record, { ttl })
  }
  const heartbeat = () => {
    // Never overlap: a slow KV must not pile up writes.
    beating ??= register()
      .catch((error: Error) => logger.warn(`[dskity] registry heartbeat for \`${instance.name}\` failed (retrying): ${error.message}`))
      .finally(() => (beating = undefined))
    return beating
  }

  return {
    instanceId,
    register,
    deregister: async () => {
      await kv.removeItem(key)
    },
    async start() {
      await register()
      if (!settings.enabled || timer) return
      timer = setInterval(heartbeat, intervalMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await beating
      await kv.removeItem(key).catch((error: Error) => logger.warn(`[dskity] registry deregister failed: ${error.message}`))
    },
    async list(name) {
      const base = name === undefined ? REGISTRY_PREFIX : `${REGISTRY_PREFIX}:${safe(name)}`
      const keys = await kv.getKeys(base)
      const values = await Promise.all(keys.map((k) => kv.getItem(k)))
      return values
        .filter(isServiceInstance)
        .filter((record) => name === undefined || record.name === name)
        .sort((a, b) => a.name.localeCompare(b.name) || a.instanceId.localeCompare(b.instanceId))
    },
    setUrl(url) {
      instance.url = url
      if (timer) void heartbeat()
    },
  }
}

// --- internal ---

/** A KV key segment: unstorage treats `:` `/` `\` as separators and drops what follows `?`. */
function safe(segment: string): string {
  return segment.replace(/[:/\\?#\s]/g, '_') || '_'
}

function isServiceInstance(value: unknown): value is ServiceInstance {
  const v = value as Partial<ServiceInstance> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.instanceId === 'string' &&
    typeof v.url === 'string' &&
    Array.isArray(v.modules)
  )
}
