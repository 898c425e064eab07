import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'

/** What follows a request through async code. */
export interface RequestContext {
  requestId: string
  /** Module whose route is being served, once known. */
  module?: string
}

const KEY = Symbol.for('dskity.requestContext')
const store: AsyncLocalStorage<RequestContext> = ((globalThis as Record<symbol, unknown>)[KEY] ??= new AsyncLocalStorage<RequestContext>()) as AsyncLocalStorage<RequestContext>

/** The AsyncLocalStorage shared by every copy of dskity in the process. */
export const requestContextStorage = store

/** The current request's context, if code runs inside a request. */
export function useRequestContext(): RequestContext | undefined {
  return store.getStore()
}

/** The current request id, if any (used by logs and the HTTP client). */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId
}

const VALID_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * Keeps a well-formed incoming `X-Request-Id` (1–128 safe characters) and replaces anything else
 * (missing, too long, control characters, quotes…) with a fresh UUID.
 *
 * @example requestIdFrom('abc-123') // 'abc-123'; requestIdFrom('a\nb') // a new UUID
 */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && VALID_ID.test(incoming) ? incoming : randomUUID()
}
