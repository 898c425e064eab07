// Baseline (a): bare h3 v1 on node:http with the same two routes as bench/app. PORT from env.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer } from 'node:http'
import { createApp, createRouter, defineEventHandler, getRouterParam, toNodeListener } from 'h3'

const app = createApp()
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
