import type { ConsolaInstance } from 'consola'
import { defineEventHandler, type EventHandler, type H3Event } from 'h3'
import type { DskityOptions } from '../config/schema.ts'
import { limitRequestBody } from './body.ts'
import { compileCors, compileSecurityHeaders } from './http-policies.ts'
import type { ModuleRuntime } from './lifecycle.ts'
import { logInfoFast, withCallSite } from './logger.ts'
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
}

const ACCESS_SITE = { function: 'accessLog', line: 0 }

/**
 * The one h3 handler that serves every request: request id, security headers, CORS, body limit,
 * routing (404/405 with `Allow`), module gating, request hooks, problem details, metrics and the
 * access log. Everything that can be computed at startup is computed here, once.
 */
export function createPipeline(p: PipelineOptions): EventHandler {
  const securityHeaders = compileSecurityHeaders(p.options.common.securityHeaders)
  const cors = compileCors(p.options.common.cors)
  const maxBody = p.options.common.http.maxBodyBytes
  const accessLog = p.options.common.logging.accessLog && p.logger.level >= 3

  return defineEventHandler((event) => {
    const req = event.node.req
    const res = event.node.res
    const started = performance.now()
    const requestId = requestIdFrom(req.headers['x-request-id'])
    const method = (req.method ?? 'GET').toUpperCase()
    res.setHeader('X-Request-Id', requestId)
    for (const [name, value] of securityHeaders) res.setHeader(name, value)
    if (p.isDraining()) res.setHeader('Connection', 'close')
    const match = p.table.lookup(method, event.path)
    const route = match.template ?? UNMATCHED_ROUTE
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000
      p.metrics.observeRequest(method, route, res.statusCode, seconds)
      // The record names its request and module itself: no async context is needed after the response.
      if (accessLog) logInfoFast(p.logger, `${method} ${event.path} ${res.statusCode}`, withCallSite({ request_id: requestId, module: match.target?.module ?? 'dskity', status: res.statusCode, duration_ms: Math.round(seconds * 1e4) / 10, route }, ACCESS_SITE))
    })
    if (cors?.(req, res)) return null
    const context = { requestId, module: match.target?.module }
    return requestContextStorage.run(context, () => serve(p, event, match, method, requestId, maxBody))
  })
}

// --- internal ---

async function serve(p: PipelineOptions, event: H3Event, match: ReturnType<PipelineOptions['table']['lookup']>, method: string, requestId: string, maxBody: number): Promise<unknown> {
  const mod = match.target?.module ? p.modules.get(match.target.module) : undefined
  try {
    const length = Number(event.node.req.headers['content-length'] ?? 0)
    if (length > maxBody) throw new ProblemDetail({ status: 413, title: 'Content Too Large', detail: `The request body exceeds ${maxBody} bytes.` })
    if (!match.target) {
      if (match.allow?.length) throw new ProblemDetail({ status: 405, title: 'Method Not Allowed', detail: `${method} is not allowed here. Allowed: ${match.allow.join(', ')}.` }, { Allow: match.allow.join(', ') })
      throw new ProblemDetail({ status: 404, title: 'Not Found', detail: `No route matches ${method} ${event.path.split('?')[0]}.` })
    }
    event.context.params = match.params
    event.context.matchedRoute = { path: match.target.template } as never
    limitRequestBody(event, maxBody)
    if (!mod) return await match.target.handler(event)
    if (!mod.started) throw new ProblemDetail({ status: 503, title: 'Service Unavailable', detail: `Module \`${mod.manifest.name}\` is not started.` }, { 'Retry-After': '1' })
    attachEventContext(event, { clients: mod.clients, module: mod.manifest.name })
    const hooks = mod.requestHooks
    if (hooks.request) {
      const early = await hooks.request(event, mod.clients)
      if (early !== undefined) return early
    }
    const body = await match.target.handler(event)
    if (!hooks.response) return body
    const response = { body }
    await hooks.response(event, response, mod.clients)
    return response.body
  } catch (error) {
    if (mod?.requestHooks.error) {
      try {
        await mod.requestHooks.error(error, event, mod.clients)
      } catch (hookError) {
        p.logger.error(`error hook of module \`${mod.manifest.name}\` threw:`, hookError)
      }
    }
    return sendProblem(p, event, error, requestId)
  }
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
  return JSON.stringify(body)
}
