// Throughput of the HTTP layer: the same route with every built-in on (request ids, JSON access logs
// at info, metrics, CORS, security headers) vs the layer off, on loopback with autocannon, two
// interleaved rounds. Prints req/s of each and the ratios last. Not part of `npm test`.
// Run: node --import jiti/register bench/http-layer.ts [--duration 10] [--connections 50]
import { fork, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { createApp, createRouter, defineEventHandler, getRouterParam, toNodeListener } from 'h3'
import { prepareApp } from '../src/cli/prepare.ts'
import { mergeLayers } from '../src/config/normalize.ts'
import { startDskityServer } from '../src/runtime/server.ts'
import type { DskityConfig } from '../src/config/schema.ts'

// autocannon ships no types: the one call used here, typed.
type Autocannon = (opts: { url: string; duration: number; connections: number; headers: Record<string, string> }, done: (error: Error | null, result: { requests: { average: number; total: number } }) => void) => void
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
const FIXTURE = fileURLToPath(new URL('../test/fixtures/http-app', import.meta.url))
const ROUTE = '/api/items/42'
const arg = (name: string, d: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || d) || d
const variants: Record<string, DskityConfig | 'bare'> = {
  'dskity, all on': {
    common: {
      logging: { format: 'json', level: 'info', accessLog: true },
      cors: { enabled: true, allowOrigins: ['https://app.example'], allowCredentials: true },
      securityHeaders: { enabled: true },
    },
  },
  'dskity, layer off': { common: { logging: { level: 'warn', accessLog: false }, cors: { enabled: false }, securityHeaders: { enabled: false } } },
  'bare h3, same handler': 'bare',
}

if (process.argv[2] === 'serve') await serve(process.argv[3])
else await main()

async function main() {
  const duration = arg('duration', 10)
  const connections = arg('connections', 50)
  const results = new Map<string, number[]>()
  const cpu = new Map<string, number[]>()
  for (let round = 1; round <= 2; round++) {
    for (const name of Object.keys(variants)) {
      const child = fork(fileURLToPath(import.meta.url), ['serve', name], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))))
      await run(url, 2, connections) // warm-up: JIT, lazy route loading
      const before = await cpuOf(child)
      const r = await run(url, duration, connections)
      // Server CPU per request: robust against other load on the machine, unlike req/s.
      const us = (await cpuOf(child)) - before
      results.set(name, [...(results.get(name) ?? []), r.average])
      cpu.set(name, [...(cpu.get(name) ?? []), us / r.total])
      console.log(`round ${round}  ${name.padEnd(24)} ${r.average.toFixed(0).padStart(7)} req/s  ${(us / r.total).toFixed(1).padStart(6)} µs CPU/request`)
      await stop(child)
    }
  }
  const mean = (m: Map<string, number[]>) => (name: string) => m.get(name)!.reduce((a, b) => a + b, 0) / m.get(name)!.length
  const [on, off, bare] = Object.keys(variants).map(mean(results))
  const [cOn, cOff, cBare] = Object.keys(variants).map(mean(cpu))
  console.log(`\nmean req/s: all on ${on.toFixed(0)}, layer off ${off.toFixed(0)}, bare h3 ${bare.toFixed(0)}  (${duration}s x ${connections} connections, GET ${ROUTE})`)
  console.log(`mean µs CPU/request: all on ${cOn.toFixed(1)}, layer off ${cOff.toFixed(1)}, bare h3 ${cBare.toFixed(1)}`)
  console.log(`CPU-bound ratio (1 / relative CPU) all-on vs bare h3: ${(cBare / cOn).toFixed(3)}, vs layer off: ${(cOff / cOn).toFixed(3)}`)
  console.log(`req/s ratio all-on / bare h3: ${(on / bare).toFixed(3)}, all-on / layer-off: ${(on / off).toFixed(3)}`)
}

async function serve(name: string) {
  const variant = variants[name]
  let url: string
  if (variant === 'bare') {
    // The fixture route's body (`({ id: getRouterParam(event, 'id') })`) on an h3 router: no dskity at all.
    const app = createApp()
    app.use(createRouter().get('/api/items/:id', defineEventHandler((event) => ({ id: getRouterParam(event, 'id') }))))
    const server = createServer(toNodeListener(app)).listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  } else {
    const prepared = await prepareApp({ dir: FIXTURE, env: {} })
    const base = { kv: { store: 'inmemory' }, common: { registry: { enabled: false } } }
    const running = await startDskityServer({ manifest: prepared.manifest, load: (f) => prepared.loader.load(f), config: mergeLayers(variant, base, prepared.fileConfig), env: {}, host: '127.0.0.1', port: 0 })
    url = running.url
  }
  process.on('SIGTERM', () => process.exit(0)) // lets `--cpu-prof` write its profile
  process.on('message', () => {
    const { user, system } = process.cpuUsage()
    process.send?.(user + system)
  })
  process.send?.(url) ?? console.error(url)
}

function run(url: string, duration: number, connections: number): Promise<{ average: number; total: number }> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}${ROUTE}`, duration, connections, headers: { origin: 'https://app.example', 'x-request-id': 'bench' } }, (error, result) => (error ? reject(error) : resolve(result.requests)))
  })
}

/** The server child's CPU time so far, in µs. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(Number(m)))
    child.send('cpu')
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}
