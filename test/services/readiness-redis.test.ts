// Readiness against a real Redis that goes away and comes back (SPEC §5, issue 4 "Done when").
// Uses a private redis-server on a free port, so killing it never disturbs the shared 6379 one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startHost, type RunningHost } from '../e2e/hosts.ts'
import { fixtureDir, moduleConfig } from '../fixture-dir.ts'

/** `common.health.probeTimeoutSeconds` (default 1 s), plus slack for process and HTTP overhead. */
const PROBE_TIMEOUT_MS = 1000
const MAX_REQUEST_MS = PROBE_TIMEOUT_MS + 500

const hasRedisServer = redisServerAvailable()

const app = fixtureDir({
  'dskity.config.yaml': 'name: readiness-app\n',
  'modules/notes/module.config.ts': moduleConfig({}),
  'modules/notes/routes/[id].get.ts': `import { defineEventHandler, getRouterParam, useClients } from 'dskity'
export default defineEventHandler(async (event) => {
  const id = getRouterParam(event, 'id')!
  return { id, value: await useClients(event).kv.getItem('notes:' + id) }
})
`,
  'modules/notes/routes/[id].put.ts': `import { defineEventHandler, getRouterParam, readBody, useClients } from 'dskity'
export default defineEventHandler(async (event) => {
  const id = getRouterParam(event, 'id')!
  await useClients(event).kv.setItem('notes:' + id, await readBody(event))
  return { id }
})
`,
})

let redis: PrivateRedis | undefined
let host: RunningHost | undefined

beforeAll(async () => {
  if (!hasRedisServer) return
  redis = await startPrivateRedis(await freePort())
  host = await startHost('in-process', app, {
    DSKITY_KV__STORE: 'redis',
    DSKITY_KV__REDIS__URL: `redis://127.0.0.1:${redis.port}/0`,
    DSKITY_KV__REDIS__KEY_PREFIX: 'readiness-test',
  })
})

afterAll(async () => {
  await host?.stop()
  await redis?.kill()
})

describe.skipIf(!hasRedisServer)('readiness with a Redis KV that goes away (private redis-server)', () => {
  it('is ready, and serves KV routes, while Redis is up', async () => {
    const ready = await timed(`${host!.url}/health/ready`)
    expect(ready.status, host!.output()).toBe(200)
    expect(ready.body).toMatchObject({ status: 'ready', checks: { kv: { ok: true } } })
    expect((await timed(`${host!.url}/notes/a`, { method: 'PUT', body: '{"text":"hi"}', headers: { 'content-type': 'application/json' } })).status).toBe(200)
    expect((await timed(`${host!.url}/notes/a`)).body).toEqual({ id: 'a', value: { text: 'hi' } })
  })

  it('answers 503 naming the `kv` probe within 2 s of Redis dying; live stays 200; nothing hangs', async () => {
    await redis!.kill()
    const killedAt = Date.now()
    let notReady: Timed | undefined
    while (!notReady && Date.now() - killedAt < 2000) {
      const ready = await timed(`${host!.url}/health/ready`)
      if (ready.status === 503) notReady = ready
      else await sleep(50)
    }
    expect(notReady, `still ready ${Date.now() - killedAt} ms after Redis was killed`).toBeDefined()
    expect(notReady!.body).toMatchObject({ status: 'not ready', failed: expect.arrayContaining(['kv']), checks: { kv: { ok: false } } })
    expect((notReady!.body as { checks: { kv: { error: string } } }).checks.kv.error).toMatch(/redis|kv/i)

    // Keep hammering for 2.5 s (several ioredis reconnect attempts) and record every answer.
    const seen: Record<string, Timed[]> = { ready: [], live: [], route: [], write: [], services: [] }
    const until = Date.now() + 2500
    while (Date.now() < until) {
      const [ready, live, route, write, services] = await Promise.all([
        timed(`${host!.url}/health/ready`),
        timed(`${host!.url}/health/live`),
        timed(`${host!.url}/notes/a`),
        timed(`${host!.url}/notes/b`, { method: 'PUT', body: '{"text":"lost"}', headers: { 'content-type': 'application/json' } }),
        timed(`${host!.url}/_core/services.json`),
      ])
      seen.ready.push(ready)
      seen.live.push(live)
      seen.route.push(route)
      seen.write.push(write)
      seen.services.push(services)
      await sleep(100)
    }
    const slowest = Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, Math.max(...v.map((t) => t.ms))]))
    expect(new Set(seen.live.map((t) => t.status)), 'live must not depend on Redis').toEqual(new Set([200]))
    expect(new Set(seen.ready.map((t) => t.status))).toEqual(new Set([503]))
    // A KV route fails (5xx problem) instead of answering from nowhere or hanging.
    for (const t of [...seen.route, ...seen.write]) expect(t.status).toBe(503)
    for (const [path, ms] of Object.entries(slowest)) expect(ms, `${path}: slowest ${ms} ms (all: ${JSON.stringify(slowest)})`).toBeLessThan(MAX_REQUEST_MS)
  })

  it('is ready again within 3 s of Redis coming back on the same port, and KV routes work', async () => {
    const restartedAt = Date.now()
    redis = await startPrivateRedis(redis!.port)
    let readyAfter: number | undefined
    while (readyAfter === undefined && Date.now() - restartedAt < 3000) {
      if ((await timed(`${host!.url}/health/ready`)).status === 200) readyAfter = Date.now() - restartedAt
      else await sleep(50)
    }
    expect(readyAfter, `not ready ${Date.now() - restartedAt} ms after Redis restarted:\n${host!.output().slice(-2000)}`).toBeDefined()
    // The private Redis has no persistence: the note written before the outage is gone, new writes work.
    expect((await timed(`${host!.url}/notes/c`, { method: 'PUT', body: '{"text":"back"}', headers: { 'content-type': 'application/json' } })).status).toBe(200)
    expect((await timed(`${host!.url}/notes/c`)).body).toEqual({ id: 'c', value: { text: 'back' } })
  })

  // A frozen Redis (SIGSTOP: a partition, a stuck server) accepts connections but never answers.
  it('a frozen Redis: 503 naming `kv` within 2 s, /health/ready bounded by the probe timeout, live 200; back within 3 s', async () => {
    redis!.freeze()
    const frozenAt = Date.now()
    try {
      let notReady: Timed | undefined
      while (!notReady && Date.now() - frozenAt < 2000) {
        const [ready, live] = await Promise.all([timed(`${host!.url}/health/ready`), timed(`${host!.url}/health/live`)])
        expect(live.status).toBe(200)
        expect(live.ms).toBeLessThan(MAX_REQUEST_MS)
        expect(ready.ms).toBeLessThan(MAX_REQUEST_MS)
        if (ready.status === 503) notReady = ready
      }
      expect(notReady, `still ready ${Date.now() - frozenAt} ms after Redis froze`).toBeDefined()
      expect(notReady!.body).toMatchObject({ failed: expect.arrayContaining(['kv']) })
    } finally {
      redis!.thaw()
    }
    const thawedAt = Date.now()
    while ((await timed(`${host!.url}/health/ready`)).status !== 200) {
      expect(Date.now() - thawedAt, 'not ready 3 s after Redis was thawed').toBeLessThan(3000)
      await sleep(50)
    }
  })

  // KV commands are bounded by the probe timeout (common.health.probeTimeoutSeconds), so a KV route
  // never waits longer on a frozen Redis than /health/ready does.
  it('a frozen Redis: KV routes fail within the probe timeout too', async () => {
    redis!.freeze()
    try {
      const [route, services] = await Promise.all([timed(`${host!.url}/notes/a`), timed(`${host!.url}/_core/services.json`)])
      expect(route.status).toBe(503)
      expect(route.ms).toBeLessThan(MAX_REQUEST_MS)
      expect(services.ms).toBeLessThan(MAX_REQUEST_MS)
    } finally {
      redis!.thaw()
    }
    const thawedAt = Date.now()
    while ((await timed(`${host!.url}/health/ready`)).status !== 200 && Date.now() - thawedAt < 3000) await sleep(50)
  })

  it('never exited or crashed along the way', async () => {
    expect(host!.proc.exitCode).toBeNull()
    expect(host!.proc.signalCode).toBeNull()
    // Error responses are logged as "unhandled error in GET …"; a crash would say uncaughtException / unhandledRejection.
    expect(host!.output()).not.toMatch(/uncaughtException|unhandledRejection|UnhandledPromiseRejection/)
    expect((await timed(`${host!.url}/health/live`)).status).toBe(200)
  })
})

// --- internal ---

interface Timed {
  status: number
  ms: number
  body: unknown
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One request with its duration; a request still running after 10 s counts as status 0 (hung). */
async function timed(url: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now()
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, ms: Math.round(performance.now() - started), body }
  } catch (error) {
    return { status: 0, ms: Math.round(performance.now() - started), body: String(error) }
  }
}

/** Whether `redis-server` can be run: skip loudly without it, fail under `CI=true`. */
function redisServerAvailable(): boolean {
  const res = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  if (!res.error && res.status === 0) return true
  const message = '[dskity tests] the `redis-server` binary is not on PATH'
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it.`)
  console.warn(`\n*** ${message}: SKIPPING the private-Redis readiness tests ***\n`)
  return false
}

interface PrivateRedis {
  port: number
  /** SIGKILLs the server (a crash, not a clean shutdown) and resolves once it has exited. */
  kill(): Promise<void>
  /** SIGSTOP: connections stay open, nothing is answered. */
  freeze(): void
  /** SIGCONT: answers again (what was sent meanwhile is processed late). */
  thaw(): void
}

/** Starts a throw-away `redis-server` (no persistence) on 127.0.0.1:`port`; resolves once it answers PING. */
async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no']
  const proc: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const deadline = Date.now() + 5000
  while (!(await ping(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`redis-server on port ${port} did not start:\n${output}`)
    }
    await sleep(25)
  }
  return {
    port,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      await exited
    },
    freeze: () => void proc.kill('SIGSTOP'),
    thaw: () => void proc.kill('SIGCONT'),
  }
}

/** Whether 127.0.0.1:`port` answers `PING` with `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => {
      reply += d
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.once('error', () => done(false))
  })
}
