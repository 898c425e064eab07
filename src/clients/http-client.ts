import { createFetch, type $Fetch } from 'ofetch'
import type { Agent, fetch as undiciFetch } from 'undici'
import type { DskityOptions } from '../config/schema.ts'

/** Config of the shared HTTP client (`common.httpClient`). */
export type HttpClientOptions = DskityOptions['common']['httpClient']

/** Per-process context the client reads on every call. */
export interface HttpClientContext {
  /** The current request's id; sent as `X-Request-Id` unless the caller set one. */
  getRequestId?: () => string | undefined
}

/**
 * The shared HTTP client: an ofetch `$Fetch` over one undici connection pool.
 * `close()` ends the pool (after it, every call fails); `getDispatcher()` gives the pool itself.
 * undici is loaded on the first call, so a service that never calls out doesn't pay for it at startup.
 */
export type HttpClient = $Fetch & {
  /** The undici `Agent` every call goes through (created on first use). */
  getDispatcher(): Promise<Agent>
  /** Closes the pool: waits for running requests, then closes its sockets. Idempotent. */
  close(): Promise<void>
}

const CLOSED_MESSAGE = '[dskity] the shared HTTP client is closed (the service is shutting down); create a new client with createHttpClient() if you need one after shutdown'

/** How long an idle keep-alive socket stays open when keep-alive is on (undici's default). */
const KEEP_ALIVE_IDLE_MS = 4_000

/**
 * Creates the shared HTTP client.
 *
 * Mapping of `common.httpClient`:
 * - `timeoutSeconds` → ofetch `timeout` (whole call until headers), undici `headersTimeout`,
 *   `bodyTimeout` (idle time between body chunks) and the connect timeout. ofetch's retry is off
 *   by default (`retry: 0`), so the timeout bounds the whole call; pass `retry` per call to opt in.
 * - `maxConnections` → undici `connections`: sockets per origin; more requests queue.
 * - `maxKeepaliveConnections` → undici has no cap on idle sockets, so only `0` is honoured exactly
 *   (keep-alive off: `pipelining: 0`); any other value keeps idle sockets open for 4 s
 *   (`keepAliveTimeout`, shortened further by the server's `Keep-Alive: timeout=` hint).
 *
 * Calls use undici 7's own `fetch` (the same major as the pool), not Node's bundled one.
 *
 * @example
 * const http = createHttpClient(options.common.httpClient, { getRequestId: () => currentId() })
 * const user = await http<{ id: string }>('http://users.internal/users/42')
 * await http.close()
 */
export function createHttpClient(opts: HttpClientOptions, ctx: HttpClientContext = {}): HttpClient {
  const timeoutMs = Math.max(1, Math.round(opts.timeoutSeconds * 1000))
  const keepAlive = opts.maxKeepaliveConnections > 0
  let undici: Promise<{ agent: Agent; fetch: typeof undiciFetch; Headers: typeof globalThis.Headers }> | undefined
  const load = () =>
    (undici ??= import('undici').then((m) => ({
      fetch: m.fetch,
      Headers: m.Headers as unknown as typeof globalThis.Headers,
      agent: new m.Agent({
        connections: opts.maxConnections > 0 ? opts.maxConnections : null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connect: { timeout: timeoutMs },
        ...(keepAlive ? { keepAliveTimeout: KEEP_ALIVE_IDLE_MS } : { pipelining: 0 }),
      }),
    })))

  // Wrapping fetch (not an `onRequest` default) so a caller's own hooks cannot drop the header.
  let closing: Promise<void> | undefined
  const fetchWithPool = async (input: FetchInput, init: FetchInit = {}) => {
    if (closing) throw new Error(CLOSED_MESSAGE)
    const requestId = ctx.getRequestId?.()
    const { agent, fetch, Headers } = await load()
    let headers = init.headers
    if (requestId) {
      const h = new Headers(headers as ConstructorParameters<typeof Headers>[0])
      if (!h.has('x-request-id')) h.set('x-request-id', requestId)
      headers = h as never
    }
    return fetch(input, { ...init, headers, dispatcher: init.dispatcher ?? agent })
  }

  const $fetch = createFetch({
    fetch: fetchWithPool as unknown as typeof globalThis.fetch,
    defaults: { timeout: timeoutMs, retry: 0 },
  })

  return Object.assign($fetch, {
    getDispatcher: async () => (await load()).agent,
    close: () => (closing ??= undici ? undici.then(({ agent }) => agent.close()) : Promise.resolve()),
  })
}

// --- internal ---

type FetchInput = Parameters<typeof undiciFetch>[0]
type FetchInit = NonNullable<Parameters<typeof undiciFetch>[1]>
