import { describe, expect, test } from 'vitest'
import { captureStdout, expectProblem, fixtureApp, fixtureServer, jsonRecords, prodApp, send } from './_setup.ts'

const JSON_TYPE = { 'content-type': 'application/json' }

describe('problem details on every error path (in-process)', async () => {
  const { client } = await fixtureApp()

  test('a thrown ProblemDetail keeps its fields and extension members', async () => {
    const body = expectProblem(await client.get('/api/problem'), 422)
    expect(body).toMatchObject({ title: 'Invalid order', detail: 'quantity must be > 0', type: 'https://example.test/invalid', field: 'quantity', instance: '/api/problem' })
  })

  test('h3 createError keeps status, message and data', async () => {
    const body = expectProblem(await client.get('/api/h3error'), 409)
    expect(body).toMatchObject({ title: 'Conflict', detail: 'order 7 is already paid', orderId: 7 })
  })

  test('404 for an unknown path', async () => {
    expectProblem(await client.get('/nope/at/all?x=1'), 404)
  })

  test('case 2: POST on a GET-only route is 405 with Allow: GET, HEAD', async () => {
    const res = await client.post('/api/ping', { a: 1 })
    expectProblem(res, 405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })

  test('case 2: HEAD answers 200 with GET headers and no body', async () => {
    const [head, get] = [await client.request('HEAD', '/api/ping'), await client.get('/api/ping')]
    expect(head.status).toBe(200)
    expect(head.text).toBe('')
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
    expect(head.headers.get('x-ping')).toBe('pong')
  })

  test('a compressed body is a 415 problem that says to send it uncompressed', async () => {
    const res = await client.post('/api/echo', Buffer.from([0x1f, 0x8b, 0x08, 0x00]), { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } })
    expect(expectProblem(res, 415).detail).toMatch(/Content-Encoding `gzip` is not supported/)
    expect(res.headers.get('accept-encoding')).toBe('identity')
    expect((await client.post('/api/echo', '{"a":1}', { headers: { ...JSON_TYPE, 'content-encoding': 'identity' } })).status).toBe(200)
  })

  test('case 3: broken JSON and an empty JSON body are 400 problems; the handler never runs', async () => {
    expect(expectProblem(await client.post('/api/echo', '{"a":1,}', { headers: JSON_TYPE }), 400).detail).toMatch(/not valid JSON/)
    expect(expectProblem(await client.post('/api/echo', '', { headers: JSON_TYPE }), 400).detail).toMatch(/empty/)
    expect(expectProblem(await client.post('/api/echo', '   ', { headers: { 'content-type': 'application/merge-patch+json' } }), 400).detail).toMatch(/empty/)
  })

  test('case 3: __proto__ never reaches a prototype', async () => {
    const res = await client.post<Record<string, unknown>>('/api/echo', '{"__proto__":{"admin":true},"a":{"__proto__":{"admin":true}}}', { headers: JSON_TYPE })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ type: 'object', body: { a: {} }, bodyAdmin: null, objectAdmin: null, ownProto: false, protoIsObject: true })
    expect(({} as { admin?: boolean }).admin).toBeUndefined()
  })

  test('413 from content-length before the handler reads anything, and from h3 readers too', async () => {
    expectProblem(await client.post('/api/raw', 'x'.repeat(2000)), 413)
    expectProblem(await client.post('/api/echo', JSON.stringify({ big: 'x'.repeat(2000) })), 413)
    expect((await client.post('/api/raw', 'x'.repeat(1000))).body).toEqual({ bytes: 1000 })
  })

  test('case 1: /users and /users/ both reach the catch-all with an empty slug', async () => {
    for (const path of ['/users', '/users/']) {
      const res = await client.get(path)
      expect(res.status, path).toBe(200)
      expect(res.body).toEqual({ slug: '' })
    }
    expect((await client.get('/users/a/b')).body).toEqual({ slug: 'a/b' })
  })

  test('case 1: health paths never redirect', async () => {
    for (const path of ['/health/live', '/health/live/', '/health/ready', '/health/ready/', '/health/live?probe=1']) {
      expect((await client.get(path)).status, path).toBe(200)
    }
  })

  test('in development the unhandled error detail helps the developer', async () => {
    const body = expectProblem(await client.get('/api/boom'), 500)
    expect(body.detail).toMatch(/hunter2/)
  })
})

describe('production mode', async () => {
  const { client } = await prodApp({ common: { logging: { format: 'json', level: 'info', accessLog: false } } })

  test('an unhandled error is a generic 500; the stack goes to the log, never to the body', async () => {
    let res!: Awaited<ReturnType<typeof client.get>>
    const lines = await captureStdout(async () => (res = await client.get('/api/boom', { headers: { 'x-request-id': 'boom-1' } })))
    const body = expectProblem(res, 500)
    expect(body.detail).toBe('An unexpected error occurred. The request id identifies it in the logs.')
    expect(res.text).not.toMatch(/hunter2|at |\.ts/)
    const record = jsonRecords(lines).find((r) => r.level === 'error')
    expect(record).toMatchObject({ request_id: 'boom-1', module: 'api' })
    expect((record?.error as { stack: string }).stack).toMatch(/boom\.get\.ts:4/)
  })
})

describe('over a real socket (node:http host)', async () => {
  const server = await fixtureServer()

  test('a chunked body without content-length is cut off at maxBodyBytes while it streams', async () => {
    const chunk = 'x'.repeat(512)
    const res = await send(`${server.url}/api/raw`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, chunks: Array(8).fill(chunk) })
    expectProblem({ ...res, headers: res.headers }, 413)
    const ok = await send(`${server.url}/api/raw`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, chunks: [chunk] })
    expect(JSON.parse(ok.text)).toEqual({ bytes: 512 })
  })

  test('the 413 is decided while streaming: it arrives before the client has finished sending', async () => {
    const { request } = await import('node:http')
    const res = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = request(`${server.url}/api/raw`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (r) => {
        resolve({ status: r.statusCode ?? 0, type: r.headers['content-type'] })
        r.resume()
        req.destroy()
      })
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)))
      req.write('x'.repeat(2048)) // over the 1 KiB limit, and the request is never ended
    })
    expect(res).toEqual({ status: 413, type: 'application/problem+json' })
  })

  test('every error status is problem+json with a matching status', async () => {
    const cases: Array<[string, string, number, Record<string, string>?, string?]> = [
      ['GET', '/api/problem', 422],
      ['GET', '/api/h3error', 409],
      ['GET', '/api/boom', 500],
      ['GET', '/nope', 404],
      ['POST', '/api/ping', 405],
      ['POST', '/api/echo', 400, JSON_TYPE, '{"a":1,}'],
      ['POST', '/api/echo', 400, JSON_TYPE, ''],
      ['POST', '/api/raw', 413, {}, 'x'.repeat(4096)],
    ]
    for (const [method, path, status, headers, body] of cases) {
      const res = await send(`${server.url}${path}`, { method, headers, chunks: body ? [body] : [] })
      expectProblem(res, status)
    }
  })

  test('HEAD over the wire: 200, GET headers, no body', async () => {
    const res = await send(`${server.url}/api/ping`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(res.headers['x-ping']).toBe('pong')
  })
})
