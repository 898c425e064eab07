import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureDir, moduleConfig } from '../fixture-dir.ts'
import { startHost, type RunningHost } from './hosts.ts'

// 10,000 random and hostile requests over raw sockets against a real `dskity run` process: odd
// methods, encoded and overlong paths, huge headers, bad JSON, oversized, truncated and chunked
// bodies, invalid UTF-8, conflicting lengths. No 5xx, no crash, memory back near its baseline.
// Deterministic: the same SEED gives the same requests (HOSTILE_SEED=… to replay another run).

const TOTAL = 10_000
const CONCURRENCY = 48
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed)
const MIB = 1024 * 1024

const APP = fixtureDir(
  {
    'dskity.config.ts': `export default { name: 'hostile-app', version: '1.0.0' }\n`,
    'modules/api/module.config.ts': moduleConfig({}),
    'modules/api/routes/index.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => ({ ok: true }))\n`,
    'modules/api/routes/echo.post.ts': `import { defineEventHandler, readBody } from 'dskity'\nexport default defineEventHandler(async (event) => ({ body: await readBody(event) }))\n`,
    'modules/api/routes/raw.put.ts': `import { defineEventHandler, readRawBody } from 'dskity'\nexport default defineEventHandler(async (event) => ({ length: (await readRawBody(event, false))?.length ?? 0 }))\n`,
    'modules/api/routes/items/[id].get.ts': `import { defineEventHandler, getRouterParam, getQuery } from 'dskity'\nexport default defineEventHandler((event) => ({ id: getRouterParam(event, 'id'), query: getQuery(event) }))\n`,
    'modules/api/routes/files/[...path].ts': `import { defineEventHandler, getRouterParam } from 'dskity'\nexport default defineEventHandler((event) => ({ path: getRouterParam(event, 'path') }))\n`,
  },
  'dskity-hostile-',
)

interface Attack {
  kind: string
  /** Bytes written in order; a number pauses that many ms. */
  parts: Array<Buffer | number>
  /** Close our side after writing (truncated bodies), instead of waiting for the answer first. */
  abort?: boolean
}

interface Outcome {
  attack: Attack
  status?: number
  head: string
  timedOut: boolean
}

describe('hostile input (in-process host)', () => {
  let host: RunningHost
  beforeAll(async () => {
    // Every built-in that reads requests is on: CORS, security headers, metrics, request ids.
    host = await startHost('in-process', APP, { DSKITY_COMMON__LOGGING__LEVEL: 'warn', DSKITY_COMMON__CORS__ENABLED: 'true', DSKITY_COMMON__SECURITY_HEADERS__ENABLED: 'true' })
  }, 60_000)
  afterAll(async () => {
    await host?.stop()
  })

  it('answers 10,000 hostile requests without a 5xx, stays up, and returns to its memory baseline', async () => {
    const pid = host.proc.pid!
    const port = Number(new URL(host.url).port)
    // Warm up (lazy route loading, JIT, metric children) before taking the memory baseline.
    for (let i = 0; i < 300; i++) await send(port, { kind: 'warm-up', parts: [req('GET', i % 2 ? '/api' : `/api/items/${i}`)] })
    const baseline = rssMb(pid)

    const rand = mulberry32(SEED)
    const attacks = Array.from({ length: TOTAL }, () => makeAttack(rand))
    const started = Date.now()
    const outcomes = await pool(attacks, CONCURRENCY, (a) => send(port, a))
    const elapsed = Date.now() - started

    const serverErrors = outcomes.filter((o) => o.status !== undefined && o.status >= 500)
    const byKind = new Map<string, { n: number; statuses: Map<string, number> }>()
    for (const o of outcomes) {
      const k = byKind.get(o.attack.kind) ?? { n: 0, statuses: new Map() }
      const s = o.status === undefined ? (o.timedOut ? 'timeout' : 'closed') : String(o.status)
      k.statuses.set(s, (k.statuses.get(s) ?? 0) + 1)
      k.n++
      byKind.set(o.attack.kind, k)
    }
    const summary = [...byKind].map(([kind, { n, statuses }]) => `${kind.padEnd(22)} ${String(n).padStart(5)}  ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}`).join('\n')
    console.log(`hostile: ${TOTAL} requests in ${elapsed} ms (seed ${SEED})\n${summary}`)
    for (const o of serverErrors.slice(0, 5)) console.log(`5xx for ${o.attack.kind}:\n--- request ---\n${describeAttack(o.attack)}\n--- response ---\n${o.head}`)

    // Requests the server answered with 5xx but whose response the client never saw (it had hung up).
    const metrics = await (await fetch(`${host.url}/metrics`)).text()
    const hidden5xx = metrics.split('\n').filter((l) => l.startsWith('http_requests_total{') && /status="5\d\d"/.test(l))

    expect(serverErrors.map((o) => `${o.attack.kind} → ${o.status}`), 'a client-caused request got a 5xx (printed above)').toEqual([])
    expect(hidden5xx, 'metrics count 5xx responses').toEqual([])
    // Every answer can be traced, including the 400/431 Node's parser gives before any route runs.
    const untraced = outcomes.filter((o) => o.status !== undefined && !/\r\nx-request-id: [^\r\n]+\r\n/i.test(o.head))
    expect(untraced.slice(0, 3).map((o) => `${o.attack.kind} → ${o.head.slice(0, 200)}`), 'responses without X-Request-Id').toEqual([])
    expect(host.proc.exitCode, host.output().slice(-2000)).toBeNull()
    expect((await fetch(`${host.url}/health/live`)).status).toBe(200)
    expect(outcomes.filter((o) => o.timedOut && !o.attack.abort).length, 'requests the server never answered').toBeLessThan(TOTAL * 0.001)

    // Memory: give the heap a moment to settle, then compare with the baseline.
    let after = rssMb(pid)
    for (let i = 0; i < 20 && after > baseline + 60; i++) {
      await new Promise((r) => setTimeout(r, 250))
      after = rssMb(pid)
    }
    console.log(`hostile: RSS baseline ${baseline.toFixed(1)} MB, after ${after.toFixed(1)} MB, peak ${rssMb(pid, 'VmHWM').toFixed(1)} MB`)
    expect(after).toBeLessThan(baseline + 60)
  }, 60_000)
})

// --- internal ---

function req(method: string, path: string, headers: string[] = [], body?: Buffer | string): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers]
  if (body !== undefined && !headers.some((h) => /^(content-length|transfer-encoding):/i.test(h))) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body === undefined ? Buffer.alloc(0) : Buffer.from(body)])
}

const PATHS = ['/', '/api', '/api/', '/api/items/7', '/api/echo', '/api/raw', '/api/files/a/b.txt', '/health/live', '/health/ready', '/metrics', '/_core/services.json', '/nope']
const METHODS = ['GET', 'get', 'Get', 'POST', 'post', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO', 'G@T', 'GET\tX', '', 'M-SEARCH', 'X'.repeat(300), 'ÄÖ']
const EVIL_PATHS = [
  '/%2e%2e/%2e%2e/etc/passwd',
  '/api/%2e%2e/%2e%2e/_core/config',
  '/api/items/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/api/files/..%2f..%2f..%2fetc%2fpasswd',
  '/api/items/%00',
  '/api/items/a%00b',
  '/api/items/%',
  '/api/items/%zz',
  '/api/items/%E0%A4%A',
  '/api/items/%ff%fe',
  '/api/items/%C0%AE%C0%AE',
  '//api',
  '/./api',
  '/api/../_core/config',
  '/api?x=%&y=%ff&__proto__[a]=1&constructor[prototype][b]=2',
  '/api/items/1?' + 'a=1&'.repeat(2000),
  '*',
  'http://evil.test/api',
  '/api/files/' + 'x/'.repeat(500),
  '/\\..\\..\\windows',
]
const BAD_JSON = ['{', '{"a":', '}', '[1,2', 'nul', '"unterminated', '{"a":1}garbage', '\u0000', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '[' .repeat(50_000), '1e999999', '{"a":"\\ud800"}', '']

function makeAttack(rand: () => number): Attack {
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]
  const r = rand()
  if (r < 0.14) return { kind: 'odd method', parts: [req(pick(METHODS), pick(PATHS))] }
  if (r < 0.28) return { kind: 'encoded path', parts: [req(pick(['GET', 'POST', 'HEAD']), pick(EVIL_PATHS))] }
  if (r < 0.31) return { kind: 'overlong path', parts: [req('GET', '/api/items/' + 'a'.repeat(pick([8_000, 20_000, 70_000])))] }
  if (r < 0.35) return { kind: 'huge header', parts: [req('GET', '/api', [`X-Big: ${'b'.repeat(pick([20 * 1024, 100 * 1024]))}`])] }
  if (r < 0.37) return { kind: 'many headers', parts: [req('GET', '/api', Array.from({ length: pick([500, 3000]) }, (_, i) => `X-H${i}: v`))] }
  if (r < 0.52) return { kind: 'bad JSON', parts: [req('POST', '/api/echo', [pick(['Content-Type: application/json', 'Content-Type: application/problem+json', 'Content-Type: application/json; charset=utf-8'])], pick(BAD_JSON))] }
  if (r < 0.57) return { kind: 'invalid UTF-8 body', parts: [req('POST', '/api/echo', ['Content-Type: application/json'], Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]))] }
  if (r < 0.6) return { kind: 'invalid UTF-8 path', parts: [Buffer.concat([Buffer.from('GET /api/items/'), Buffer.from([0xff, 0xc0, 0xae]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])] }
  if (r < 0.63) return { kind: 'invalid UTF-8 header', parts: [Buffer.concat([Buffer.from('GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: '), Buffer.from([0xff, 0xfe, 0x00, 0x41]), Buffer.from('\r\nOrigin: \xff\r\n\r\n', 'latin1')])] }
  if (r < 0.645) {
    // Oversized: declared honestly (> 1 MiB), or chunked without a length, body streamed for real.
    const size = MIB + 1 + Math.floor(rand() * MIB)
    const chunked = rand() < 0.5
    const body = Buffer.alloc(size, 0x61)
    return chunked
      ? { kind: 'oversized chunked', parts: [req(pick(['POST', 'PUT']), pick(['/api/echo', '/api/raw']), ['Content-Type: application/json', 'Transfer-Encoding: chunked']), Buffer.from(`${size.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')] }
      : { kind: 'oversized body', parts: [req(pick(['POST', 'PUT']), pick(['/api/echo', '/api/raw']), ['Content-Type: application/json'], body)] }
  }
  if (r < 0.66) return { kind: 'oversized declared', parts: [req('POST', '/api/echo', ['Content-Type: application/json', `Content-Length: ${pick([2 * MIB, 10 ** 12, 2 ** 53 + 10])}`]), Buffer.from('{"a":1}')], abort: true }
  if (r < 0.73) {
    const sent = '{"a":"' + 'x'.repeat(Math.floor(rand() * 200))
    return { kind: 'truncated body', parts: [req(pick(['POST', 'PUT']), pick(['/api/echo', '/api/raw']), ['Content-Type: application/json', `Content-Length: ${sent.length + 1 + Math.floor(rand() * 5000)}`]), Buffer.from(sent), 5], abort: true }
  }
  if (r < 0.76) return { kind: 'duplicate length', parts: [req('POST', '/api/echo', ['Content-Type: application/json', 'Content-Length: 7', pick(['Content-Length: 8', 'Content-Length: 7', 'Transfer-Encoding: chunked'])]), Buffer.from('{"a":1}')] }
  if (r < 0.79) return { kind: 'bad length', parts: [req('POST', '/api/echo', ['Content-Type: application/json', `Content-Length: ${pick(['-1', 'abc', '1e3', '0x10', ' 7', '7, 7', '99999999999999999999999'])}`]), Buffer.from('{"a":1}')] }
  if (r < 0.84) return { kind: 'garbage request', parts: [Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)))] }
  if (r < 0.87) return { kind: 'bad protocol', parts: [Buffer.from(pick(['GET / HTTP/9.9\r\n\r\n', 'GET /\r\n\r\n', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', 'GET / HTTP/1.1\r\n: empty\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\n folded: b\r\n\r\n', 'GET / HTTP/1.1\nHost: a\n\n', 'GET / HTTP/1.0\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', '\r\n\r\n\r\n']), 'latin1')] }
  if (r < 0.9) return { kind: 'hostile request id', parts: [req('GET', '/api', [`X-Request-Id: ${pick(['a'.repeat(10_000), '<script>', '../../x', 'id with spaces', '"quoted"', 'ok-id-123'])}`])] }
  if (r < 0.93) return { kind: 'cors preflight', parts: [req('OPTIONS', pick(PATHS), ['Origin: http://evil.test', `Access-Control-Request-Method: ${pick(['GET', 'DELETE', 'X'.repeat(5000)])}`, `Access-Control-Request-Headers: ${pick(['x-a, x-b', 'x-a, \u0001', '*', 'x'.repeat(8000)])}`])] }
  if (r < 0.95) return { kind: 'slow writer', parts: [...splitEvery(req('POST', '/api/echo', ['Content-Type: application/json'], '{"slow":true}'), 16).flatMap((b) => [b, 1])] }
  return { kind: 'valid', parts: [pick([req('GET', '/api/items/42?q=1'), req('POST', '/api/echo', ['Content-Type: application/json'], '{"ok":1}'), req('GET', '/health/live'), req('PUT', '/api/raw', [], 'hello')])] }
}

/** Sends one attack on a fresh connection; resolves with the status line it got back (if any). */
function send(port: number, attack: Attack): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let received = 0
    let settled = false
    const finish = (timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const head = Buffer.concat(chunks).toString('latin1', 0, Math.min(received, 600))
      const m = head.match(/^HTTP\/1\.[01] (\d{3})/)
      resolve({ attack, status: m ? Number(m[1]) : undefined, head, timedOut })
    }
    const timer = setTimeout(() => finish(true), 8_000)
    socket.on('data', (d: Buffer) => {
      if (received < 4096) chunks.push(d)
      received += d.length
    })
    socket.on('error', () => finish(false))
    socket.on('close', () => finish(false))
    socket.on('connect', async () => {
      for (const part of attack.parts) {
        if (settled || socket.destroyed) return
        if (typeof part === 'number') await new Promise((r) => setTimeout(r, part))
        else if (!socket.write(part)) await new Promise((r) => socket.once('drain', r).once('close', r))
      }
      if (!settled && !socket.destroyed) socket.end()
    })
  })
}

async function pool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    }),
  )
  return out
}

function describeAttack(a: Attack): string {
  return a.parts
    .map((p) => (typeof p === 'number' ? `<pause ${p} ms>` : p.length > 600 ? `${JSON.stringify(p.toString('latin1', 0, 400))}… (${p.length} bytes)` : JSON.stringify(p.toString('latin1'))))
    .join('\n') + (a.abort ? '\n<client closes its side>' : '')
}

function splitEvery(buf: Buffer, n: number): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < buf.length; i += n) out.push(buf.subarray(i, i + n))
  return out
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Small seeded PRNG: the same seed replays the same requests. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
