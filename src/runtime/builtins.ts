import { timingSafeEqual, createHash } from 'node:crypto'
import { getHeader, setResponseHeader, setResponseStatus, type H3Event } from 'h3'
import type { DskityOptions } from '../config/schema.ts'
import { maskSecrets } from '../config/mask-secrets.ts'
import type { ServiceRegistry } from '../clients/registry.ts'
import type { DskityMetrics } from './metrics.ts'
import { ProblemDetail } from './problem.ts'
import { escapeHtml, renderServicesHtml } from './services-page.ts'
import type { RouteHandler } from './pipeline.ts'
import type { ReadinessCheck } from './types.ts'

export interface BuiltinContext {
  options: DskityOptions
  metrics: DskityMetrics
  registry: () => ServiceRegistry | undefined
  /** Enabled modules in start order. */
  moduleNames: string[]
  isStarted: () => boolean
  readinessChecks: Map<string, ReadinessCheck>
  /** Validated settings of each started module, by name. */
  moduleSettings: () => Record<string, unknown>
}

/**
 * Dskity's own endpoints: `GET /`, health, `/metrics` and the admin surface. Returns
 * `[method, path, handler]` rows for the route table.
 */
export function builtinRoutes(ctx: BuiltinContext): Array<[string, string, RouteHandler]> {
  const o = ctx.options
  const rows: Array<[string, string, RouteHandler]> = [['GET', '/', () => ({ name: o.name, version: o.version, modules: ctx.moduleNames })]]
  if (o.common.health.enabled && o.modules.health?.enabled !== false) {
    const prefix = o.common.health.pathPrefix.replace(/\/+$/, '')
    rows.push(['GET', `${prefix}/live`, () => ({ status: 'ok' })])
    rows.push(['GET', `${prefix}/ready`, (event) => readiness(ctx, event)])
  }
  rows.push(['GET', '/metrics', async (event) => {
    setResponseHeader(event, 'Content-Type', ctx.metrics.registry.contentType)
    return ctx.metrics.render()
  }])
  if (o.common.admin.enabled) {
    const guard = adminGuard(o.common.admin.token)
    const services = async () => (await ctx.registry()?.list()) ?? []
    rows.push(['GET', '/_core/services.json', async (e) => (guard(e), { service: o.name, instances: await services() })])
    rows.push(['GET', '/_core/services', async (e) => (guard(e), html(e, renderServicesHtml(await services(), o.name)))])
    if (o.common.admin.showConfig) {
      // Masked once, on first use after startup: a deep copy, so the live options are never touched.
      // Module settings are shown as the modules got them (defaults applied, env included).
      let masked: unknown
      const effective = () => {
        const modules: Record<string, unknown> = { ...o.modules }
        for (const [name, value] of Object.entries(ctx.moduleSettings())) modules[name] = { ...(o.modules[name] ?? { enabled: true }), settings: value }
        return { ...o, modules }
      }
      const view = () => {
        if (!ctx.isStarted()) return o.common.admin.maskSecrets ? maskSecrets(effective()) : effective()
        return o.common.admin.maskSecrets ? (masked ??= maskSecrets(effective())) : effective()
      }
      rows.push(['GET', '/_core/config.json', (e) => (guard(e), view())])
      rows.push(['GET', '/_core/config', (e) => (guard(e), html(e, `<!doctype html><meta charset="utf-8"><title>${escapeHtml(o.name)} config</title><pre>${escapeHtml(JSON.stringify(view(), null, 2))}</pre>`))])
    }
  }
  return rows
}

// --- internal ---

async function readiness(ctx: BuiltinContext, event: H3Event) {
  if (!ctx.isStarted()) {
    setResponseStatus(event, 503)
    return { status: 'starting', checks: {} }
  }
  const timeoutMs = ctx.options.common.health.probeTimeoutSeconds * 1000
  const entries = await Promise.all(
    [...ctx.readinessChecks].map(async ([name, check]) => {
      const started = performance.now()
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          Promise.resolve().then(check),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs))),
        ])
        return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const
      } catch (error) {
        return [name, { ok: false, error: (error as Error)?.message ?? String(error), ms: Math.round(performance.now() - started) }] as const
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  const checks = Object.fromEntries(entries)
  const failed = entries.filter(([, r]) => !r.ok).map(([n]) => n)
  if (failed.length) setResponseStatus(event, 503)
  return failed.length ? { status: 'not ready', failed, checks } : { status: 'ready', checks }
}

function adminGuard(token: string | null): (event: H3Event) => void {
  if (!token) return () => {}
  const expected = digest(Buffer.from(token, 'utf8'))
  return (event) => {
    const match = /^Bearer[ \t]+(\S.*)$/i.exec(getHeader(event, 'authorization') ?? '')
    // Node decodes header bytes as latin1: turn them back into the bytes the client sent, so a
    // UTF-8 token matches. Both sides are hashed, so the comparison is constant-time whatever the
    // lengths (empty, huge, multi-byte) and never throws.
    const given = digest(Buffer.from(match?.[1]?.trim() ?? '', 'latin1'))
    if (!(timingSafeEqual(given, expected) && match)) {
      throw new ProblemDetail({ status: 401, title: 'Unauthorized', detail: 'A valid `Authorization: Bearer <token>` header is required (common.admin.token).' }, { 'WWW-Authenticate': 'Bearer realm="dskity-admin"' })
    }
  }
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest()
}

function html(event: H3Event, body: string): string {
  setResponseHeader(event, 'Content-Type', 'text/html; charset=utf-8')
  // The admin pages style themselves inline (no scripts, no external assets): allow just that.
  const csp = event.node.res.getHeader('Content-Security-Policy')
  if (typeof csp === 'string' && !/style-src/.test(csp)) setResponseHeader(event, 'Content-Security-Policy', `${csp}; style-src 'unsafe-inline'`)
  return body
}
