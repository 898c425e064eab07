import { STATUS_CODES } from 'node:http'

/** Fields of an RFC 9457 problem details object. Extra members are allowed. */
export interface ProblemInit {
  status: number
  title?: string
  detail?: string
  /** A URI identifying the problem type. @default 'about:blank' */
  type?: string
  instance?: string
  /** Extension members, merged into the JSON body. */
  [extension: string]: unknown
}

const PROBLEM = Symbol.for('dskity.problem')

/**
 * An HTTP error that dskity renders as `application/problem+json` (RFC 9457).
 *
 * @example throw new ProblemDetail({ status: 422, title: 'Invalid order', detail: 'quantity must be > 0' })
 */
export class ProblemDetail extends Error {
  readonly status: number
  readonly title: string
  readonly detail?: string
  readonly type: string
  readonly instance?: string
  /** Extension members. */
  readonly extensions: Record<string, unknown>
  /** Response headers to send with the problem (e.g. `Allow`). */
  readonly headers: Record<string, string>
  readonly [PROBLEM] = true

  constructor(init: ProblemInit, headers: Record<string, string> = {}) {
    const { status, title, detail, type, instance, ...extensions } = init
    const code = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500
    super(detail ?? title ?? STATUS_CODES[code] ?? 'Error')
    this.name = 'ProblemDetail'
    this.status = code
    this.title = title ?? STATUS_CODES[code] ?? 'Error'
    this.detail = detail
    this.type = type ?? 'about:blank'
    this.instance = instance
    this.extensions = extensions
    this.headers = headers
  }

  /** The JSON body (without `request_id`, which the runtime adds). */
  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(this.extensions)) if (!RESERVED.has(k)) body[k] = v
    body.type = this.type
    body.title = this.title
    body.status = this.status
    if (this.detail !== undefined) body.detail = this.detail
    if (this.instance !== undefined) body.instance = this.instance
    return body
  }
}

/** `true` for a ProblemDetail from any copy of dskity. */
export function isProblemDetail(error: unknown): error is ProblemDetail {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[PROBLEM] === true
}

/**
 * Turns anything thrown by a handler into a ProblemDetail: ProblemDetail as is, h3 `createError`
 * errors with their status/message/data, anything else as a generic 500 (its message is never
 * sent outside development — it goes to the log). Only h3 errors are trusted for their status: an
 * arbitrary error carrying `statusCode` (an upstream `FetchError` 404, say) is a 500 of ours.
 */
export function toProblemDetail(error: unknown, opts: { dev: boolean }): { problem: ProblemDetail; unexpected: boolean } {
  if (isProblemDetail(error)) return { problem: error, unexpected: false }
  const known = knownFailure(error)
  if (known) return { problem: known, unexpected: false }
  const e = error as { statusCode?: number; status?: number; statusMessage?: string; message?: string; data?: unknown; unhandled?: boolean; cause?: unknown }
  const status = e?.statusCode ?? e?.status
  if (isH3Error(error) && typeof status === 'number' && status >= 400 && status <= 599 && !e.unhandled) {
    const data = e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : e.data !== undefined ? { data: e.data } : {}
    const title = e.statusMessage || STATUS_CODES[status]
    const detail = e.message && e.message !== title ? e.message : undefined
    return { problem: new ProblemDetail({ ...data, status, title, detail }), unexpected: status >= 500 }
  }
  const cause = e?.unhandled && e.cause ? e.cause : error
  const detail = opts.dev ? String((cause as Error)?.stack ?? cause) : 'An unexpected error occurred. The request id identifies it in the logs.'
  return { problem: new ProblemDetail({ status: 500, title: 'Internal Server Error', detail }), unexpected: true }
}

// --- internal ---

/**
 * Failures with a known meaning for the client: the KV store or the MQTT broker being down is a 503 (retry), a key
 * unstorage refuses (`..` segments from a path parameter) is the client's 400. Neither is a bug,
 * so neither is logged as one (the KV driver logs an outage once).
 */
function knownFailure(error: unknown): ProblemDetail | undefined {
  let current: unknown = error
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: string; message?: string; cause?: unknown }
    if (e.code === 'DSKITY_E_KV_UNAVAILABLE') {
      return new ProblemDetail({ status: 503, title: 'Service Unavailable', detail: 'The key-value store is unavailable; retry later.' }, { 'Retry-After': '1' })
    }
    if (e.code === 'DSKITY_E_MQTT_UNAVAILABLE') {
      return new ProblemDetail({ status: 503, title: 'Service Unavailable', detail: 'The MQTT broker is unavailable; retry later.' }, { 'Retry-After': '1' })
    }
    if (e.code === 'DSKITY_E_KV_INVALID_KEY' || (typeof e.message === 'string' && e.message.startsWith('[unstorage] Invalid key'))) {
      return new ProblemDetail({ status: 400, title: 'Bad Request', detail: 'The request names a key that is not allowed (empty, with `.`/`..` segments, or with `?`).' })
    }
    current = e.cause
  }
  return undefined
}

/** h3's `createError` result, from any copy of h3 (its class carries a static `__h3_error__`). */
function isH3Error(error: unknown): boolean {
  return (error as { constructor?: { __h3_error__?: unknown } } | null)?.constructor?.__h3_error__ === true
}

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'request_id'])
