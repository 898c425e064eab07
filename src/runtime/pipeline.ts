import type { ConsolaInstance } from 'consola'
import type { H3Event } from 'h3'
import type { DskityOptions } from '../config/schema.ts'
import { limitRequestBody } from './body.ts'
import { setTrustedHeader, setTrustedHeaders } from './fast-headers.ts'
import { compileCors, compileSecurityHeaders } from './http-policies.ts'
import type { ModuleRuntime } from './lifecycle.ts'
import { logAccess } from './logger.ts'
import { UNMATCHED_ROUTE, type DskityMetrics } from './metrics.ts'
import { ProblemDetail, toProblemDetail } from './problem.ts'
import { requestContextStorage, requestIdFrom } from './request-context.ts'
import type { createRouteTable } from './route-table.ts'
import { attachEventContext } from './use.ts'

/** A route handler as the table stores it: built-ins are plain functions, module routes load lazily. */
export type RouteHandler = (event: H3Event) => unknown

export interface PipelineOptions {
  options: DskityOptions
  table: ReturnType<typeof createRouteTable<RouteHandler>>
  modules: Map<string, ModuleRuntime>
  metrics: DskityMetrics
  logger: ConsolaInstance
  dev: boolean
  /** True while the server drains for shutdown: responses ask clients to close the connection. */
  isDraining: () => boolean
  /** Sends a result that is not plain JSON/text (streams, Buffers, Response objects…) the h3 way. */
  sendOther: (event: H3Event, body: unknown) => Promise<unknown>
  /**
   * Serves a path no route or built-in answers (routes added to `clients.http`), or `undefined`
   * when there is nothing to try. Rejects with h3's 404 when nothing answered.
   */
  fallback: (event: H3Event) => Promise<unknown> | undefined
}

/** Serves one request; returns once the response is sent (a promise only when something was async). */
export type Pipeline = (event: H3Event) => unknown

/**
 * The one function that serves every request: request id, security headers, CORS, body limit,
 * routing (404/405 with `Allow`), module gating, request hooks, problem details, metrics and the
 * access log. Everything that can be computed at startup is computed here, once. It is called
 * with an h3 event straight from node:http — no h3 app loop on the hot path.
 */
export function createPipeline(p: PipelineOptions): Pipeline {
  const securityHeaders = compileSecurityHeaders(p.options.common.securityHeaders)
  const cors = compileCors(p.options.common.cors)
  const maxBody = p.options.common.http.maxBodyBytes
  const accessLog = p.options.common.logging.accessLog && p.logger.level >= 3

  return (event) => {
    const req = event.node.req
    const res = event.node.res
    const started = performance.now()
    const requestId = requestIdFrom(req.headers['x-request-id'])
    const method = req.method ?? 'GET'
    // Both are valid by construction (the id matched its pattern or is a UUID; the headers were checked at startup).
    setTrustedHeader(res, 'X-Request-Id', 'x-request-id', requestId)
    if (securityHeaders.length) setTrustedHeaders(res, securityHeaders)
    if (p.isDraining()) res.setHeader('Connection', 'close')
    const path = event.path
    const match = p.table.lookup(method, path)
    const route = match.template ?? UNMATCHED_ROUTE
    let recorded = false
    const done = () => {
      if (recorded) return
      recorded = true
      const seconds = (performance.now() - started) / 1000
      p.metrics.observeRequest(method, route, res.statusCode, seconds)
      // The record names its request and module itself: no async context is needed after the response.
      if (accessLog) logAccess(p.logger, { method, path, status: res.statusCode, durationMs: seconds * 1000, route, requestId, module: match.target?.module ?? 'dskity' })
    }
    if (cors?.(req, res)) {
      done()
      return null
    }
    const ctx: Served = { p, event, match, method, requestId, maxBody, done, path }
    return requestContextStorage.run({ requestId, module: match.target?.module }, serve, ctx)
  }
}

// --- internal ---

interface Served {
  p: PipelineOptions
  event: H3Event
  match: ReturnType<PipelineOptions['table']['lookup']>
  method: string
  requestId: string
  maxBody: number
  /** Records metrics and the access log once the response is complete. */
  done: () => void
  /** The request path as received (h3 may rewrite `event.path` for `clients.http` routes). */
  path: string
}

/**
 * Serves a matched request. Synchronous as far as the handler allows (no promise is created for a
 * handler that returns a value), and plain JSON/text results are written here directly, skipping
 * h3's deferred send. Anything else (streams, Response objects, redirects…) goes back to h3.
 */
function serve(s: Served): unknown {
  const { p, event, match, method, maxBody } = s
  const target = match.target
  const mod = target?.module ? p.modules.get(target.module) : undefined
  try {
    const req = event.node.req
    if (req.headers.host === undefined && req.httpVersion === '1.1') throw new ProblemDetail({ status: 400, title: 'Bad Request', detail: 'An HTTP/1.1 request needs a Host header.' })
    const length = req.headers['content-length']
    if (length !== undefined && Number(length) > maxBody) throw new ProblemDetail({ status: 413, title: 'Content Too Large', detail: `The request body exceeds ${maxBody} bytes.` })
    if (!target) {
      const fallback = match.allow?.length ? undefined : p.fallback(event)
      if (fallback) {
        event.node.res.once('finish', s.done)
        // h3 strips its `use()` prefix from the path; put it back for logs and problem `instance`.
        const url = req.url
        const restore = () => {
          ;(event as unknown as { _path?: string })._path = s.path
          req.url = url
        }
        return fallback.then(restore, (error) => {
          restore()
          return fail(s, undefined, isH3NotFound(error) ? notFound(s) : error)
        })
      }
      if (match.allow?.length) throw new ProblemDetail({ status: 405, title: 'Method Not Allowed', detail: `${method} is not allowed here. Allowed: ${match.allow.join(', ')}.` }, { Allow: match.allow.join(', ') })
      throw notFound(s)
    }
    event.context.params = match.params
    event.context.matchedRoute = { path: target.template } as never
    if (length !== undefined || req.headers['transfer-encoding'] !== undefined) limitRequestBody(event, maxBody)
    if (mod) {
      if (!mod.started) throw new ProblemDetail({ status: 503, title: 'Service Unavailable', detail: `Module \`${mod.manifest.name}\` is not started.` }, { 'Retry-After': '1' })
      attachEventContext(event, { clients: mod.clients, module: mod.manifest.name })
      if (mod.requestHooks.request || mod.requestHooks.response) return serveWithHooks(s, mod).then((body) => respondOrFail(s, mod, body), (error) => fail(s, mod, error))
    }
    const body = target.handler(event)
    if (body instanceof Promise) return body.then((value) => respondOrFail(s, mod, value), (error) => fail(s, mod, error))
    return respond(s, body)
  } catch (error) {
    return fail(s, mod, error)
  }
}

async function serveWithHooks(s: Served, mod: ModuleRuntime): Promise<unknown> {
  const hooks = mod.requestHooks
  if (hooks.request) {
    const early = await hooks.request(s.event, mod.clients)
    if (early !== undefined) return early
  }
  const body = await s.match.target!.handler(s.event)
  if (!hooks.response) return body
  const response = { body }
  await hooks.response(s.event, response, mod.clients)
  return response.body
}

/** `respond`, with a result that cannot be sent (circular or BigInt JSON…) turned into a problem. */
function respondOrFail(s: Served, mod: ModuleRuntime | undefined, body: unknown): unknown {
  try {
    return respond(s, body)
  } catch (error) {
    return fail(s, mod, error)
  }
}

/**
 * Writes plain objects, arrays and strings itself (`undefined`/`null` → 204 unless a status was
 * set); leaves every other kind of result (streams, Buffers, Response objects…) to h3.
 */
function respond(s: Served, body: unknown): unknown {
  const res = s.event.node.res
  if (res.headersSent || res.writableEnded) {
    if (res.writableFinished) s.done()
    else res.once('finish', s.done)
    return undefined
  }
  // A returned (not thrown) Error is treated as thrown: a 500 whose message stays in the log.
  if (body instanceof Error) throw body
  let text: string | undefined
  if (typeof body === 'string') {
    if (!res.hasHeader('content-type')) setTrustedHeader(res, 'Content-Type', 'content-type', 'text/html')
    text = body
  } else if (typeof body === 'number' || typeof body === 'boolean') {
    // As h3 sends them (JSON), but written here, so HEAD gets its Content-Length too.
    if (!res.hasHeader('content-type')) setTrustedHeader(res, 'Content-Type', 'content-type', 'application/json')
    text = JSON.stringify(body)
  } else if (body !== null && typeof body === 'object' && (Array.isArray(body) || isPlainObject(body))) {
    if (!res.hasHeader('content-type')) setTrustedHeader(res, 'Content-Type', 'content-type', 'application/json')
    text = JSON.stringify(body)
  }
  if (body === undefined || body === null) {
    // Nothing to send: 204 unless the handler chose a status.
    if (res.statusCode === 200) res.statusCode = 204
    text = ''
  }
  if (text === undefined) {
    // HEAD of a byte result: say how long GET's body would be (Node drops the body without counting it).
    if (s.method === 'HEAD' && body instanceof Uint8Array && !res.hasHeader('content-length')) res.setHeader('Content-Length', body.byteLength)
    res.once('finish', s.done)
    return s.p.sendOther(s.event, body)
  }
  // HEAD: Node drops the body, so say how long GET's would have been.
  if (s.method === 'HEAD' && text !== '' && !res.hasHeader('content-length')) res.setHeader('Content-Length', Buffer.byteLength(text))
  endSoon(res, text, s.done)
  return undefined
}

/**
 * Responses are ended in a batch after the event loop has read what is ready (one setImmediate for
 * all of them), as h3 does: ending inside the parser callback cost ~40 % more CPU per request in
 * `bench/` (more, smaller socket writes), and the batch costs no latency worth measuring.
 */
function endSoon(res: H3Event['node']['res'], text: string, done: () => void): void {
  pendingEnds.push(res, text, done)
  if (pendingEnds.length === 3) setImmediate(flushEnds)
}

const pendingEnds: unknown[] = []

function flushEnds(): void {
  const batch = pendingEnds.splice(0)
  for (let i = 0; i < batch.length; i += 3) {
    ;(batch[i] as H3Event['node']['res']).end(batch[i + 1] as string)
    ;(batch[i + 2] as () => void)()
  }
}

async function fail(s: Served, mod: ModuleRuntime | undefined, error: unknown): Promise<unknown> {
  if (mod?.requestHooks.error) {
    try {
      await mod.requestHooks.error(error, s.event, mod.clients)
    } catch (hookError) {
      s.p.logger.error(`error hook of module \`${mod.manifest.name}\` threw:`, hookError)
    }
  }
  return respond(s, sendProblem(s.p, s.event, error, s.requestId))
}

function notFound(s: Served): ProblemDetail {
  return new ProblemDetail({ status: 404, title: 'Not Found', detail: `No route matches ${s.method} ${s.event.path.split('?')[0]}.` })
}

/** h3's own "nothing answered" error from an app with no matching layer. */
function isH3NotFound(error: unknown): boolean {
  const e = error as { statusCode?: number; statusMessage?: string }
  return e?.statusCode === 404 && typeof e.statusMessage === 'string' && e.statusMessage.startsWith('Cannot find any path matching')
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Renders anything thrown as `application/problem+json` with a `request_id` member. */
export function sendProblem(p: Pick<PipelineOptions, 'dev' | 'logger'>, event: H3Event, error: unknown, requestId: string): string {
  const { problem, unexpected } = toProblemDetail(error, { dev: p.dev })
  if (unexpected) p.logger.error(`unhandled error in ${event.method} ${event.path}:`, error)
  const res = event.node.res
  if (res.headersSent) {
    res.end()
    return ''
  }
  res.statusCode = problem.status
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value)
  res.setHeader('Content-Type', 'application/problem+json')
  const body = { ...problem.toJSON(), instance: problem.instance ?? event.path.split('?')[0], request_id: requestId }
  try {
    return JSON.stringify(body)
  } catch (error) {
    // An extension member that cannot be JSON (BigInt, a cycle): send the standard members only.
    p.logger.error(`problem details for ${event.method} ${event.path} could not be serialised; sent without extension members:`, error)
    return JSON.stringify({ type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, instance: body.instance, request_id: requestId })
  }
}
