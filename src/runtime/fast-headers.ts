import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http'
import { Socket } from 'node:net'

/** A response header whose name and value were validated once, at startup. */
export interface TrustedHeader {
  name: string
  lower: string
  value: string
}

/**
 * Validates header pairs once (throws Node's `ERR_INVALID_HTTP_TOKEN` / `ERR_INVALID_CHAR` for a bad
 * name or value) so the hot path can set them without validating again.
 *
 * @example const headers = trustHeaders([['X-Frame-Options', 'DENY']]); setTrustedHeaders(res, headers)
 */
export function trustHeaders(pairs: ReadonlyArray<readonly [string, string]>): TrustedHeader[] {
  return pairs.map(([name, value]) => {
    validateHeaderName(name)
    validateHeaderValue(name, value)
    return { name, lower: name.toLowerCase(), value }
  })
}

/**
 * Sets already-validated headers on a response. Same result as `res.setHeader` for each (a later
 * `setHeader` of the same name replaces it), without Node re-validating name and value on every
 * request: the security headers and CORS add a dozen headers to each response, and `setHeader`'s
 * checks were most of their cost in `bench/`. Falls back to `setHeader` on a Node whose response
 * internals differ from the ones probed at startup.
 *
 * @example setTrustedHeaders(res, trustHeaders([['X-Content-Type-Options', 'nosniff']]))
 */
export function setTrustedHeaders(res: ServerResponse, headers: readonly TrustedHeader[]): void {
  if (OUT_HEADERS === undefined) {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i].name, headers[i].value)
    return
  }
  const target = res as unknown as Record<symbol, Record<string, [string, string]> | null>
  const out = (target[OUT_HEADERS] ??= Object.create(null) as Record<string, [string, string]>)
  for (let i = 0; i < headers.length; i++) out[headers[i].lower] = [headers[i].name, headers[i].value]
}

/**
 * Sets one header whose value the caller guarantees is valid (a request id that passed its pattern,
 * a fixed content type). `lower` must be `name.toLowerCase()`.
 *
 * @example setTrustedHeader(res, 'X-Request-Id', 'x-request-id', requestId)
 */
export function setTrustedHeader(res: ServerResponse, name: string, lower: string, value: string): void {
  if (OUT_HEADERS === undefined) {
    res.setHeader(name, value)
    return
  }
  const target = res as unknown as Record<symbol, Record<string, [string, string]> | null>
  ;(target[OUT_HEADERS] ??= Object.create(null) as Record<string, [string, string]>)[lower] = [name, value]
}

// --- internal ---

/**
 * The symbol under which Node keeps a response's headers (`{ lowercased: [name, value] }`), found by
 * setting a header on a throwaway response and checking that every public accessor sees a direct
 * write to it the same way. `undefined` when the probe fails (then `setHeader` is used).
 */
const OUT_HEADERS: symbol | undefined = probeOutHeaders()

function probeOutHeaders(): symbol | undefined {
  try {
    const res = new ServerResponse(new IncomingMessage(new Socket()))
    res.setHeader('X-Probe', 'a')
    const symbol = Object.getOwnPropertySymbols(res).find((s) => {
      const value = (res as unknown as Record<symbol, unknown>)[s] as Record<string, unknown> | null
      return value !== null && typeof value === 'object' && Array.isArray(value['x-probe']) && (value['x-probe'] as unknown[])[1] === 'a'
    })
    if (!symbol) return undefined
    const fresh = new ServerResponse(new IncomingMessage(new Socket()))
    const target = fresh as unknown as Record<symbol, Record<string, [string, string]> | null>
    ;(target[symbol] ??= Object.create(null) as Record<string, [string, string]>)['x-probe'] = ['X-Probe', 'b']
    fresh.appendHeader('X-Probe', 'c')
    const seen = fresh.getHeader('x-probe')
    const ok = fresh.hasHeader('X-Probe') && Array.isArray(seen) && seen.join() === 'b,c' && fresh.getHeaderNames().join() === 'x-probe' && (fresh as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames().join() === 'X-Probe'
    return ok ? symbol : undefined
  } catch {
    return undefined
  }
}
