import { get as httpGet } from 'node:http'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTS, startHost, type RunningHost } from './hosts.ts'

// One HTTP conformance suite, run against every host: "works in tests" and "works in the built
// bundle" cannot drift apart.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any
const PLAYGROUND = fileURLToPath(new URL('../../playground', import.meta.url))

describe.each(HOSTS)('conformance: playground on the %s host', (kind) => {
  let host: RunningHost
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(host.url + path, { redirect: 'manual', ...init })
    return res as Omit<Response, 'json'> & { json: () => Promise<Json> }
  }
  beforeAll(async () => {
    host = await startHost(kind, PLAYGROUND, { DSKITY_COMMON__LOGGING__LEVEL: 'warn' })
  }, 240_000)
  afterAll(async () => {
    expect(await host.stop()).toBe(0)
  })

  it('GET / lists the enabled modules in start order', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ name: 'playground', version: '0.1.0' })
    expect(body.modules.indexOf('catalog')).toBeLessThan(body.modules.indexOf('orders'))
    expect(body.modules.indexOf('orders')).toBeLessThan(body.modules.indexOf('notifications'))
  })

  it('health endpoints answer 200 and never redirect, with or without a trailing slash', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/live/', '/health/ready/']) {
      const res = await get(path)
      expect(res.status, path).toBe(200)
    }
  })

  it('serves param, nested and catch-all routes', async () => {
    expect(await (await get('/catalog/p2')).json()).toMatchObject({ id: 'p2', name: 'Pour-over kettle' })
    const search = await (await get('/catalog/search/coffee/beans')).json()
    expect(search).toMatchObject({ terms: ['coffee', 'beans'], products: [{ id: 'p1' }] })
  })

  it('POST with a JSON body creates an order; the event reaches another module', async () => {
    const res = await get('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId: 'p3', quantity: 2 }) })
    expect(res.status).toBe(201)
    const order = await res.json()
    expect(order).toMatchObject({ productId: 'p3', quantity: 2, totalCents: 1780 })
    expect(await (await get(`/orders/${order.id}`)).json()).toEqual(order)
    expect(await (await get(`/orders/${order.id}/items`)).json()).toEqual({ items: [{ productId: 'p3', name: 'Green tea', quantity: 2 }] })
    const { sent } = await (await get('/notifications')).json()
    expect(sent).toContain(`Order ${order.id}: 2 × p3`)
  })

  it('module settings come from the config file (orders.maxItems = 5)', async () => {
    const res = await get('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId: 'p1', quantity: 6 }) })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ status: 422, title: 'Invalid order', detail: 'quantity must be ≤ 5' })
  })

  it('unknown route → 404 problem; wrong method → 405 problem with Allow', async () => {
    const missing = await get('/nope/nothing')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json')
    expect(await missing.json()).toMatchObject({ status: 404, title: 'Not Found', request_id: missing.headers.get('x-request-id') })
    const wrong = await get('/catalog', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, HEAD')
    expect(await wrong.json()).toMatchObject({ status: 405 })
  })

  it('HEAD answers like GET without a body', async () => {
    const res = await get('/catalog', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(await res.text()).toBe('')
  })

  it('bad JSON → 400 problem, the handler never sees a raw string', async () => {
    for (const body of ['{"a":1,}', '']) {
      const res = await get('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
  })

  it('JSON is only parsed from JSON content types (no cross-site JSON through safelisted types)', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const res = await get('/orders', { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ productId: 'p1', quantity: 1 }) })
      expect(res.status, type).toBe(422)
    }
  })

  it('a path parameter the KV refuses (`..`) is the client\'s 400, not a 500', async () => {
    // node:http sends the path as written (fetch would normalise the dot segments away).
    const raw = (path: string) =>
      new Promise<{ status?: number; type?: string }>((resolve, reject) => {
        const url = new URL(host.url)
        httpGet({ host: url.hostname, port: url.port, path }, (res) => {
          res.resume()
          resolve({ status: res.statusCode, type: res.headers['content-type'] })
        }).on('error', reject)
      })
    // `%3F` decodes to `?`, where unstorage would cut the key: /catalog/p1%3Fx must not read p1.
    for (const path of ['/orders/%2e%2e', '/catalog/%2e%2e', '/orders/..%2f..%2fx/items', '/catalog/p1%3Fx']) {
      expect(await raw(path), path).toEqual({ status: 400, type: 'application/problem+json' })
    }
  })

  it('keeps a well-formed X-Request-Id and echoes it', async () => {
    const res = await get('/catalog', { headers: { 'x-request-id': 'trace-abc.123' } })
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123')
  })

  it('exposes Prometheus metrics labelled by route template', async () => {
    await get('/catalog/p1')
    const text = await (await get('/metrics')).text()
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/catalog\/:id",status="200"\} \d+/)
    expect(text).not.toMatch(/route="\/catalog\/p1"/)
  })

  it('a streamed result (NDJSON) is sent whole, with its content type', async () => {
    const res = await get('/catalog/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
    const lines = (await res.text()).trim().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((p: { id: string }) => p.id)).toEqual(['p1', 'p2', 'p3'])
  })

  it('pipelined requests on one connection are all answered, in order, streams included', async () => {
    // A stream queued behind another response used to stall the connection (h3 skips socket-less responses).
    const paths = ['/catalog', '/catalog/export', '/health/live', '/catalog/export', '/nope', '/catalog/p2']
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(host.url).port), '127.0.0.1')
      let data = ''
      const timer = setTimeout(() => (socket.destroy(), resolve(data)), 5000)
      socket.on('data', (chunk) => {
        data += chunk
        if ((data.match(/HTTP\/1\.1 \d{3} /g) ?? []).length === paths.length && /"Pour-over kettle"[^]*$/.test(data.slice(data.lastIndexOf('HTTP/1.1 ')))) {
          clearTimeout(timer)
          socket.destroy()
          resolve(data)
        }
      })
      socket.on('error', reject)
      socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: test\r\n\r\n`).join(''))
    })
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 404', 'HTTP/1.1 200'])
    expect(raw.match(/"id":"p3"/g)?.length).toBeGreaterThanOrEqual(2) // both exports carried their products
  })

  it('advertiseUrl and internalBaseUrl follow the port the service listens on (PORT)', async () => {
    const config = await (await get('/_core/config.json')).json()
    expect([config.common.advertiseUrl, config.common.internalBaseUrl]).toEqual([host.url, host.url])
    const services = await (await get('/_core/services.json')).json()
    expect(JSON.stringify(services)).toContain(host.url)
  })

  it('requests Node would answer bare (no Host, odd Expect, 100-continue over the limit) get problems with a request id', async () => {
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(host.url).port), '127.0.0.1')
        let data = ''
        socket.on('data', (chunk) => (data += chunk))
        socket.on('close', () => resolve(data))
        socket.setTimeout(3000, () => socket.destroy())
        socket.write(request)
        setTimeout(() => socket.end(), 300)
      })
    const noHost = await raw('GET /catalog HTTP/1.1\r\n\r\n')
    expect(noHost).toMatch(/^HTTP\/1\.1 400 /)
    expect(noHost).toMatch(/\r\nX-Request-Id: [\w-]+\r\n[^]*"detail":"An HTTP\/1\.1 request needs a Host header\."/)
    const expectation = await raw('GET /catalog HTTP/1.1\r\nHost: t\r\nExpect: bogus\r\n\r\n')
    expect(expectation).toMatch(/^HTTP\/1\.1 417 [^]*X-Request-Id: [^]*"title":"Expectation Failed"/)
    const big = await raw('POST /orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n')
    expect(big).toMatch(/^HTTP\/1\.1 413 /) // no `100 Continue` first: the client never starts sending
  })
})
