// HTTP throughput: the same two routes served by (a) bare h3 v1, (a') h3 doing the built-ins' work by hand, (b) the built dskity bundle with
// every built-in on, (c) the same bundle with built-ins off, (d) Fastify 5. Servers pinned to core 0,
// the load generator to core 1; rounds interleaved so drift hits every target alike.
// Run alone: node --import jiti/register bench/http.ts   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { join } from 'node:path'
import { buildApp, cleanEnv, cpuMs, fmt, freePort, isMain, load, LOAD_TOOL, PIN, REPO, rssMb, start, table, waitFor200, type LoadResult, type Proc } from './harness.ts'

const ROUTES = [
  { name: 'GET /hello', path: '/hello' },
  { name: 'GET /users/:id', path: '/users/42' },
] as const

interface Target {
  key: string
  label: string
  cmd: (entry: string) => string[]
  env: NodeJS.ProcessEnv
}

const TARGETS: Target[] = [
  { key: 'h3', label: '(a) bare h3 v1', cmd: () => [process.execPath, join(REPO, 'bench/servers/h3.mjs')], env: {} },
  // (a'): h3 doing the built-ins' work by hand (same headers, same access-log line): separates the
  // cost of the features from the cost of the framework.
  { key: 'h3-same', label: "(a') h3 + same work by hand", cmd: () => [process.execPath, join(REPO, 'bench/servers/h3.mjs')], env: { BENCH_SAME_WORK: '1' } },
  {
    key: 'dskity-on',
    label: '(b) dskity, built-ins on',
    cmd: (entry) => [process.execPath, entry],
    env: {
      DSKITY_COMMON__CORS__ENABLED: 'true',
      DSKITY_COMMON__SECURITY_HEADERS__ENABLED: 'true',
      DSKITY_COMMON__LOGGING__FORMAT: 'json',
      DSKITY_COMMON__LOGGING__LEVEL: 'info',
      DSKITY_COMMON__LOGGING__ACCESS_LOG: 'true',
    },
  },
  {
    key: 'dskity-off',
    label: '(c) dskity, built-ins off',
    cmd: (entry) => [process.execPath, entry],
    env: {
      DSKITY_COMMON__CORS__ENABLED: 'false',
      DSKITY_COMMON__SECURITY_HEADERS__ENABLED: 'false',
      DSKITY_COMMON__LOGGING__ACCESS_LOG: 'false',
      DSKITY_COMMON__LOGGING__LEVEL: 'warn',
    },
  },
  { key: 'fastify', label: '(d) Fastify 5', cmd: () => [process.execPath, join(REPO, 'bench/servers/fastify.mjs')], env: {} },
]

export interface HttpRow {
  target: string
  route: string
  rps: number
  p99Ms: number
  rssMb: number
  ratio: number
  /** Server CPU time per request (user + system), in µs: robust when other processes share the cores. */
  cpuUs: number
  /** (a)'s CPU per request divided by this target's: the throughput ratio if the core were exclusive. */
  cpuRatio: number
  errors: number
}

/** Runs the comparison and prints the table; the last line is the (b)/(a) ratio per route. */
export async function benchHttp(opts: { seconds?: number; rounds?: number; connections?: number; entry?: string } = {}): Promise<HttpRow[]> {
  const seconds = opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 5)
  const rounds = opts.rounds ?? Number(process.env.BENCH_ROUNDS ?? 2)
  const connections = opts.connections ?? Number(process.env.BENCH_CONNECTIONS ?? 50)
  console.log(`\n## HTTP: ${LOAD_TOOL}, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s per target and route; ${PIN.pinned ? 'server on core 0, load on core 1' : 'no CPU pinning (fewer than 2 cores or no taskset)'}`)
  const entry = opts.entry ?? process.env.BENCH_ENTRY ?? buildApp(join(REPO, 'bench/app'))
  // Every request carries an Origin so the CORS built-in does its full work in (b).
  const headers = { Origin: 'http://example.test' }
  const servers: Array<{ target: Target; proc: Proc; url: string }> = []
  try {
    for (const target of TARGETS) {
      const port = await freePort()
      const proc = start(target.cmd(entry), { env: cleanEnv({ ...target.env, PORT: String(port), HOST: '127.0.0.1' }), pin: PIN.server })
      const url = `http://127.0.0.1:${port}`
      await waitFor200(`${url}/health/ready`, performance.now(), 30_000, 20)
      servers.push({ target, proc, url })
    }
    // Warm-up: JIT, lazy route loading, metric label children.
    for (const s of servers) for (const r of ROUTES) load(s.url + r.path, { seconds: 2, connections, headers })
    const results = new Map<string, Array<LoadResult & { cpuMs: number }>>()
    const rss = new Map<string, number>()
    for (let round = 0; round < rounds; round++) {
      for (const r of ROUTES) {
        for (const s of servers) {
          const cpuBefore = cpuMs(s.proc.pid)
          const res = { ...load(s.url + r.path, { seconds, connections, headers }), cpuMs: 0 }
          res.cpuMs = cpuMs(s.proc.pid) - cpuBefore
          const key = `${s.target.key} ${r.path}`
          results.set(key, [...(results.get(key) ?? []), res])
          rss.set(s.target.key, Math.max(rss.get(s.target.key) ?? 0, rssMb(s.proc.pid)))
        }
      }
    }
    const rows: HttpRow[] = []
    for (const r of ROUTES) {
      const base = mean(results.get(`h3 ${r.path}`)!.map((x) => x.rps))
      const cpuPerReq = (list: Array<LoadResult & { cpuMs: number }>) => (1000 * list.reduce((a, x) => a + x.cpuMs, 0)) / list.reduce((a, x) => a + x.requests, 0)
      const baseCpu = cpuPerReq(results.get(`h3 ${r.path}`)!)
      for (const s of servers) {
        const list = results.get(`${s.target.key} ${r.path}`)!
        const rps = mean(list.map((x) => x.rps))
        rows.push({ target: s.target.label, route: r.name, rps, p99Ms: Math.max(...list.map((x) => x.p99Ms)), rssMb: rss.get(s.target.key)!, ratio: rps / base, cpuUs: cpuPerReq(list), cpuRatio: baseCpu / cpuPerReq(list), errors: list.reduce((a, x) => a + x.errors + x.non2xx, 0) })
      }
    }
    table([['target', 'route', 'req/s', 'p99 ms', 'RSS MB', 'vs (a)', 'CPU µs/req', 'CPU vs (a)', 'errors'], ...rows.map((x) => [x.target, x.route, x.rps, x.p99Ms, x.rssMb, `${x.ratio.toFixed(2)}x`, x.cpuUs, `${x.cpuRatio.toFixed(2)}x`, String(x.errors)])])
    const on = rows.filter((x) => x.target.startsWith('(b)'))
    const fastify = rows.filter((x) => x.target.startsWith('(d)'))
    console.log(`target (b) >= 0.85x (a) and ahead of (d): ${on.every((x, i) => x.ratio >= 0.85 && x.rps > fastify[i].rps) ? 'met' : 'MISSED'}`)
    const same = rows.filter((x) => x.target.startsWith("(a')"))
    console.log(`(b) vs (a') h3 doing the same work by hand, CPU-per-request: ${on.map((x, i) => `${x.route} ${fmt(same[i].cpuUs / x.cpuUs)}x`).join(', ')}`)
    console.log(`ratio (b) dskity built-ins on / (a) bare h3, req/s (CPU-per-request): ${on.map((x) => `${x.route} ${fmt(x.ratio)}x (${fmt(x.cpuRatio)}x)`).join(', ')}`)
    return rows
  } finally {
    for (const s of servers) await s.proc.kill()
  }
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

if (isMain(import.meta.url)) await benchHttp()
