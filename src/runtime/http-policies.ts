import type { ServerResponse, IncomingMessage } from 'node:http'
import type { DskityOptions } from '../config/schema.ts'
import { setTrustedHeader, setTrustedHeaders, trustHeaders, type TrustedHeader } from './fast-headers.ts'

/**
 * Response headers from `common.securityHeaders`, computed once at startup (empty values and
 * `null` are left out; `customHeaders` keep their names as written and come last, so they win).
 *
 * @example setTrustedHeaders(res, compileSecurityHeaders(options.common.securityHeaders))
 */
export function compileSecurityHeaders(opts: DskityOptions['common']['securityHeaders']): TrustedHeader[] {
  if (!opts.enabled) return []
  const headers: Array<[string, string]> = [
    ['X-Content-Type-Options', opts.xContentTypeOptions],
    ['X-Frame-Options', opts.xFrameOptions],
    ['Referrer-Policy', opts.referrerPolicy],
    ['X-XSS-Protection', opts.xXssProtection],
  ]
  if (opts.strictTransportSecurity) headers.push(['Strict-Transport-Security', opts.strictTransportSecurity])
  if (opts.contentSecurityPolicy) headers.push(['Content-Security-Policy', opts.contentSecurityPolicy])
  for (const [name, value] of Object.entries(opts.customHeaders)) headers.push([name, value])
  return trustHeaders(headers.filter(([, v]) => v !== ''))
}

/** Applies CORS to a request; returns `true` when it was a preflight that has been answered. */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * Compiles `common.cors` once. Origins are matched exactly against the allow-list (`*` = any);
 * `Vary: Origin` is sent on every response; with credentials the allowed origin is reflected, never
 * `*` (the Fetch standard forbids the pair); every preflight (`OPTIONS` + `Origin` +
 * `Access-Control-Request-Method`) is answered 204 here, with the allow headers only when the
 * origin is allowed, so module code never sees preflights.
 *
 * @example const cors = compileCors(options.common.cors); if (cors?.(req, res)) return // preflight answered
 */
export function compileCors(opts: DskityOptions['common']['cors']): CorsHandler | undefined {
  if (!opts.enabled) return undefined
  const anyOrigin = opts.allowOrigins.includes('*')
  const origins = new Set(opts.allowOrigins)
  const methods = opts.allowMethods.includes('*') ? undefined : opts.allowMethods.join(', ')
  const headers = opts.allowHeaders.includes('*') ? undefined : opts.allowHeaders.join(', ')
  const expose = opts.exposeHeaders.join(', ')
  const maxAge = String(opts.maxAge)
  // The headers of an ordinary (non-preflight) response, validated once: `Vary` always; for an
  // allowed origin the allow/expose headers (the reflected origin is an allow-list entry, so valid).
  const vary = trustHeaders([['Vary', 'Origin']])
  const reflect = !anyOrigin || opts.allowCredentials
  const allowedHeaders = trustHeaders([
    ['Vary', 'Origin'],
    ...(reflect ? [] : [['Access-Control-Allow-Origin', '*'] as const]),
    ...(opts.allowCredentials ? [['Access-Control-Allow-Credentials', 'true'] as const] : []),
    ...(expose ? [['Access-Control-Expose-Headers', expose] as const] : []),
  ])
  return (req, res) => {
    const origin = req.headers.origin
    const allowed = origin !== undefined && (anyOrigin || origins.has(origin))
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined
    if (!preflight) {
      // A `Vary` already set (e.g. a custom security header) is kept and extended.
      const existing = res.getHeader('vary')
      setTrustedHeaders(res, allowed ? allowedHeaders : vary)
      if (existing) res.setHeader('Vary', `${existing}, Origin`)
      if (allowed && reflect) setTrustedHeader(res, 'Access-Control-Allow-Origin', 'access-control-allow-origin', origin as string)
      return false
    }
    addVary(res, 'Origin')
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', reflect ? origin : '*')
      if (opts.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true')
      // `*` in allowMethods/allowHeaders reflects the request (a literal `*` means nothing with credentials).
      res.setHeader('Access-Control-Allow-Methods', methods ?? String(req.headers['access-control-request-method']))
      const requested = req.headers['access-control-request-headers']
      if (headers ?? requested) res.setHeader('Access-Control-Allow-Headers', headers ?? String(requested))
      res.setHeader('Access-Control-Max-Age', maxAge)
    }
    addVary(res, 'Access-Control-Request-Method, Access-Control-Request-Headers')
    res.statusCode = 204
    res.setHeader('Content-Length', '0')
    res.end()
    return true
  }
}

// --- internal ---

function addVary(res: ServerResponse, value: string) {
  const existing = res.getHeader('Vary')
  res.setHeader('Vary', existing ? `${existing}, ${value}` : value)
}
