// Baseline (a): bare h3 v1 on node:http with the same two routes as bench/app. PORT from env.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { createApp, createRouter, defineEventHandler, getRouterParam, setResponseHeaders, toNodeListener } from 'h3'

// BENCH_SAME_WORK=1 (target (a') in bench/http.ts): h3 does by hand what dskity's built-ins do in (b) —
// the same 12 response headers (request id, CORS with an Origin, 7 security headers) and one JSON
// access-log line per request, written to stdout once per event-loop turn. The gap (b) → (a') is
// the framework's own cost; (a') → (a) is what the features cost whoever implements them.
const sameWork = process.env.BENCH_SAME_WORK === '1'
const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-XSS-Protection': '1; mode=block',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  Vary: 'Origin',
}
let pending = ''
const log = (line) => {
  if (!pending) setImmediate(() => (process.stdout.write(pending), (pending = '')))
  pending += line
}
const app = createApp(
  sameWork
    ? {
        onRequest(event) {
          event.context.started = performance.now()
          event.context.requestId = randomUUID()
          event.node.res.setHeader('X-Request-Id', event.context.requestId)
          setResponseHeaders(event, SECURITY)
          if (event.node.req.headers.origin) event.node.res.setHeader('Access-Control-Allow-Origin', '*')
        },
        onAfterResponse(event) {
          const status = event.node.res.statusCode
          const durationMs = Math.round((performance.now() - event.context.started) * 10) / 10
          log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `${event.method} ${event.path} ${status}`, request_id: event.context.requestId, status, duration_ms: durationMs, route: event.context.matchedRoute?.path }) + '\n')
        },
      }
    : {},
)
const router = createRouter()
  .get('/hello', defineEventHandler(() => ({ hello: 'world' })))
  .get('/users/:id', defineEventHandler((event) => ({ id: getRouterParam(event, 'id'), name: 'user' })))
  .get('/health/ready', defineEventHandler(() => ({ status: 'ok' })))
// Cold-start baseline: BENCH_EXTRA_ROUTES=500 adds that many static routes.
for (let i = 0; i < Number(process.env.BENCH_EXTRA_ROUTES ?? 0); i++) router.get(`/m${i % 50}/r${i}`, defineEventHandler(() => ({ i })))
app.use(router)
const listener = toNodeListener(app)
// BENCH_ALS=1: run each request inside AsyncLocalStorage.run, to measure what async context costs alone.
const als = process.env.BENCH_ALS === '1' ? new AsyncLocalStorage() : undefined
createServer(als ? (req, res) => als.run({ requestId: 'x' }, () => listener(req, res)) : listener).listen(Number(process.env.PORT), '127.0.0.1')
process.once('SIGTERM', () => process.exit(0)) // lets node --cpu-prof write its profile
