import { createFetch, type $Fetch } from 'ofetch'
import { Agent, Headers as UndiciHeaders, fetch as undiciFetch } from 'undici'
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
 * `close()` ends the pool (after it, every call fails); `dispatcher` is the pool itself.
 */
export type HttpClient = $Fetch & {
  /** The undici `Agent` every call goes through. */
  readonly dispatcher: Agent
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
  const agent = new Agent({
    connections: opts.maxConnections > 0 ? opts.maxConnections : null,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
    ...(keepAlive ? { keepAliveTimeout: KEEP_ALIVE_IDLE_MS } : { pipelining: 0 }),
  })

  // Wrapping fetch (not an `onRequest` default) so a caller's own hooks cannot drop the header.
  let closing: Promise<void> | undefined
  const fetchWithPool = (input: FetchInput, init: FetchInit = {}) => {
    if (closing) return Promise.reject(new Error(CLOSED_MESSAGE))
    const requestId = ctx.getRequestId?.()
    let headers = init.headers
    if (requestId) {
      const h = new UndiciHeaders(headers)
      if (!h.has('x-request-id')) h.set('x-request-id', requestId)
      headers = h
    }
    return undiciFetch(input, { ...init, headers, dispatcher: init.dispatcher ?? agent })
  }

  const $fetch = createFetch({
    fetch: fetchWithPool as unknown as typeof globalThis.fetch,
    Headers: UndiciHeaders as unknown as typeof Headers,
    defaults: { timeout: timeoutMs, retry: 0 },
  })

  return Object.assign($fetch, {
    dispatcher: agent,
    close: () => (closing ??= agent.close()),
  })
}

// --- internal ---

type FetchInput = Parameters<typeof undiciFetch>[0]
type FetchInit = NonNullable<Parameters<typeof undiciFetch>[1]>
