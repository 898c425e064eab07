import { ErrorCodes } from '../errors.ts'
import type { DskityOptions } from '../config/schema.ts'
import type { ServiceRegistry } from './registry.ts'

/** Finds a live instance of another service (SPEC §6). */
export interface ServiceResolver {
  /**
   * The URL of a live instance of `name`, round-robin over the live instances. Retries with
   * exponential backoff; throws a {@link ServiceUnresolvedError} when none appears in time.
   */
  resolve(name: string): Promise<string>
}

/** Options of {@link createServiceResolver}. */
export interface ServiceResolverOptions {
  /** Where instances are looked up. */
  registry: Pick<ServiceRegistry, 'list'>
  /** `common.resolver`: `retries` and `timeoutSeconds`. */
  options: DskityOptions['common']['resolver']
  /**
   * First backoff delay in milliseconds; doubles after each attempt.
   * @default 100
   */
  initialDelayMs?: number
}

/** Stable code of {@link ServiceUnresolvedError}. */
export const DSKITY_E_SERVICE_UNRESOLVED = ErrorCodes.SERVICE_UNRESOLVED

/** `resolve(name)` found no live instance within its retries and time budget. */
export class ServiceUnresolvedError extends Error {
  readonly code = DSKITY_E_SERVICE_UNRESOLVED
  constructor(
    readonly service: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    cause?: unknown,
  ) {
    const why = cause instanceof Error ? `the last lookup failed: ${cause.message}` : 'no live instance is registered'
    super(
      `[dskity] could not resolve service \`${service}\`: ${why} (${attempts} attempts in ` +
        `${(elapsedMs / 1000).toFixed(2)} s). Check that \`${service}\` is running with common.registry.enabled ` +
        'and shares this KV store, or raise common.resolver.retries / timeoutSeconds.',
      { cause },
    )
    this.name = 'ServiceUnresolvedError'
  }
}

/**
 * Creates the resolver. Each `resolve(name)` lists the live instances of `name` and returns the next
 * one in round-robin order (per service, over instances sorted by id). With none, it makes up to
 * `retries` more attempts, waiting 100 ms, 200 ms, 400 ms… but never past `timeoutSeconds` in total.
 *
 * @example
 * const resolver = createServiceResolver({ registry, options: options.common.resolver })
 * const base = await resolver.resolve('payments') // 'http://10.0.0.7:8000'
 */
export function createServiceResolver(opts: ServiceResolverOptions): ServiceResolver {
  const { registry } = opts
  const retries = Math.max(0, Math.floor(opts.options.retries))
  const budgetMs = Math.max(0, opts.options.timeoutSeconds * 1000)
  const initialDelayMs = opts.initialDelayMs ?? 100
  const cursors = new Map<string, number>()

  return {
    async resolve(name) {
      const started = Date.now()
      const deadline = started + budgetMs
      let lastError: unknown
      let attempts = 0
      for (let attempt = 0; attempt <= retries; attempt++) {
        attempts++
        try {
          const instances = await withDeadline(registry.list(name), deadline)
          lastError = undefined
          if (instances.length > 0) {
            const cursor = cursors.get(name) ?? 0
            cursors.set(name, cursor + 1)
            return instances[cursor % instances.length].url
          }
        } catch (error) {
          lastError = error
        }
        const remaining = deadline - Date.now()
        if (attempt === retries || remaining <= 0) break
        await sleep(Math.min(initialDelayMs * 2 ** attempt, remaining))
      }
      throw new ServiceUnresolvedError(name, attempts, Date.now() - started, lastError)
    },
  }
}

// --- internal ---

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Rejects when `deadline` passes first, so a hung KV cannot stretch `resolve()` past its budget. */
async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the registry did not answer in time')), Math.max(0, deadline - Date.now()))
  })
  try {
    return await Promise.race([promise, expired])
  } finally {
    clearTimeout(timer)
  }
}
