import { createServer } from 'node:http'
import { afterAll, describe, expect, test } from 'vitest'
import { captureStdout, fixtureApp, jsonRecords } from './_setup.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('request ids', async () => {
  const { client } = await fixtureApp({ common: { admin: { token: 't0ken' } } })

  test('a well-formed incoming X-Request-Id is kept and echoed', async () => {
    for (const id of ['abc-123', 'a'.repeat(128), 'trace:span/1=2+x@y.z']) {
      expect((await client.get('/api/ping', { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id)
    }
  })

  test('malformed or oversized ids are replaced by a fresh UUID', async () => {
    for (const id of ['', 'a'.repeat(129), 'has space', 'quote"d', '<script>', 'semi;colon']) {
      const res = await client.get('/api/ping', { headers: { 'x-request-id': id } })
      expect(res.headers.get('x-request-id'), JSON.stringify(id)).toMatch(UUID)
    }
    expect((await client.get('/api/ping')).headers.get('x-request-id')).toMatch(UUID)
  })

  test('echoed on errors, built-ins, preflights and admin refusals too', async () => {
    const paths: Array<[string, string]> = [['GET', '/nope'], ['POST', '/api/ping'], ['GET', '/api/boom'], ['GET', '/'], ['GET', '/health/live'], ['GET', '/metrics'], ['GET', '/_core/services.json']]
    for (const [method, path] of paths) {
      const res = await client.request(method, path, { headers: { 'x-request-id': 'fixed-id' } })
      expect(res.headers.get('x-request-id'), `${method} ${path}`).toBe('fixed-id')
      if (res.status >= 400) expect((res.body as { request_id: string }).request_id).toBe('fixed-id')
    }
  })
})

describe('logs (json)', async () => {
  const { client } = await fixtureApp({ common: { logging: { format: 'json', level: 'info', accessLog: true } } })

  test('every record has request_id, module, function and line; a route log points at the user call site', async () => {
    const lines = await captureStdout(() => client.get('/api/log', { headers: { 'x-request-id': 'log-req-1' } }))
    const records = jsonRecords(lines)
    expect(records.length).toBeGreaterThanOrEqual(2)
    for (const r of records) expect(r).toMatchObject({ request_id: 'log-req-1', module: expect.any(String), function: expect.any(String), line: expect.any(Number) })
    expect(records.find((r) => r.msg === 'hello from the route')).toMatchObject({ module: 'api', function: 'logFromRoute', line: 7, answer: 42, level: 'info' })
    expect(records.find((r) => r.function === 'accessLog')).toMatchObject({ module: 'api', status: 200, route: '/api/log', msg: 'GET /api/log 200' })
  })

  test('the request id is carried through async code and differs per concurrent request', async () => {
    const lines = await captureStdout(() => Promise.all(['c-1', 'c-2', 'c-3'].map((id) => client.get('/api/log', { headers: { 'x-request-id': id } }))))
    const ids = jsonRecords(lines).filter((r) => r.msg === 'hello from the route').map((r) => r.request_id)
    expect(ids.sort()).toEqual(['c-1', 'c-2', 'c-3'])
  })

  test('identical records are never throttled or merged', async () => {
    const lines = await captureStdout(async () => {
      for (let i = 0; i < 10; i++) await client.get('/api/log', { headers: { 'x-request-id': 'same' } })
    })
    expect(jsonRecords(lines).filter((r) => r.msg === 'hello from the route')).toHaveLength(10)
  })

  test('built-ins and unmatched paths are logged with a module too', async () => {
    const lines = await captureStdout(() => client.get('/nope'))
    expect(jsonRecords(lines)[0]).toMatchObject({ module: 'dskity', status: 404, route: '<unmatched>' })
  })
})

describe('httpClient forwards the request id', async () => {
  const seen: Array<string | undefined> = []
  const upstream = createServer((req, res) => {
    seen.push(req.headers['x-request-id'] as string | undefined)
    res.setHeader('content-type', 'application/json')
    res.end('{"ok":true}')
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()))
  afterAll(() => new Promise<void>((r) => upstream.close(() => r())))
  const url = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/x`
  const { client } = await fixtureApp()

  test('the incoming id, or the generated one, reaches the upstream', async () => {
    const res = await client.get('/api/forward', { query: { url }, headers: { 'x-request-id': 'fwd-1' } })
    expect(res.body).toEqual({ upstream: { ok: true } })
    const generated = await client.get('/api/forward', { query: { url } })
    expect(seen).toEqual(['fwd-1', generated.headers.get('x-request-id')])
  })
})
