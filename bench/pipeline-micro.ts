// Request-path overhead without sockets: the same requests injected (light-my-request) into bare h3
// and into the dskity runtime (built-ins off / on), interleaved rounds, CPU µs per request.
// Run: node --import jiti/register bench/pipeline-micro.ts > /dev/null   (results on stderr; stdout gets the access log)
import { createApp, createRouter, defineEventHandler, getRouterParam, toNodeListener } from 'h3'
import { inject } from 'light-my-request'
import { fileURLToPath } from 'node:url'
import { createTestApp } from '../src/testing/index.ts'

const N = Number(process.env.BENCH_REQUESTS ?? 20000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const APP = fileURLToPath(new URL('./app', import.meta.url))

const h3 = createApp()
h3.use(createRouter().get('/hello', defineEventHandler(() => ({ hello: 'world' }))).get('/users/:id', defineEventHandler((e) => ({ id: getRouterParam(e, 'id'), name: 'user' }))))
const bare = toNodeListener(h3)

const on = await createTestApp({ rootDir: APP, settings: { common: { cors: { enabled: true }, securityHeaders: { enabled: true }, logging: { format: 'json', level: 'info', accessLog: true } } } })
const off = await createTestApp({ rootDir: APP, settings: { common: { logging: { level: 'warn', accessLog: false } } } })

async function measure(listener: unknown, path: string): Promise<number> {
  const before = process.cpuUsage()
  for (let i = 0; i < N; i++) await inject(listener as never, { method: 'GET', url: path, headers: { origin: 'https://a.example' } })
  const used = process.cpuUsage(before)
  return (used.user + used.system) / N
}

for (const path of ['/hello', '/users/42']) {
  const results: Record<string, number[]> = { h3: [], off: [], on: [] }
  for (let r = 0; r < ROUNDS; r++) {
    results.h3.push(await measure(bare, path))
    results.off.push(await measure(off.listener, path))
    results.on.push(await measure(on.listener, path))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]))
  console.error(`${path}: CPU µs/request (median of ${ROUNDS}) h3 ${m.h3.toFixed(1)}, dskity off ${m.off.toFixed(1)}, dskity on ${m.on.toFixed(1)}`)
  console.error(`${path}: ratio h3/dskity-off ${(m.h3 / m.off).toFixed(2)}x, h3/dskity-on ${(m.h3 / m.on).toFixed(2)}x, off/on ${(m.off / m.on).toFixed(2)}x`)
}
await on.close()
await off.close()
