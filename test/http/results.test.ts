import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, createTestClient, type TestApp, type TestClient } from '../../src/testing/index.ts'
import { fixtureDir } from '../fixture-dir.ts'

// What a route may return, and routes added imperatively through `clients.http`.
const root = fixtureDir({
  'modules/shapes/routes/circular.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(async () => { const a: Record<string, unknown> = {}; a.self = a; return a })\n`,
  'modules/shapes/routes/returned-error.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => new Error('internal detail'))\n`,
  'modules/shapes/routes/bigint-problem.get.ts': `import { defineEventHandler, ProblemDetail } from 'dskity'\nexport default defineEventHandler(async () => { throw new ProblemDetail({ status: 409, title: 'Conflict', detail: 'taken', version: 10n }) })\n`,
  'modules/shapes/routes/broken-stream.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('partial')) }, pull() { throw new Error('disk gone') } }))\n`,
  'modules/shapes/routes/count.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => 42)\n`,
  'modules/shapes/routes/buffer.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => Buffer.from('raw bytes'))\n`,
  'modules/shapes/routes/stream.get.ts': `import { defineEventHandler } from 'dskity'\nimport { Readable } from 'node:stream'\nexport default defineEventHandler(() => Readable.from(['a', 'b', 'c']))\n`,
  'modules/shapes/routes/redirect.get.ts': `import { defineEventHandler, sendRedirect } from 'dskity'\nexport default defineEventHandler((event) => sendRedirect(event, '/shapes/text', 302))\n`,
  'modules/shapes/routes/text.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(async () => 'plain <b>text</b>')\n`,
  'modules/shapes/routes/nothing.post.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => undefined)\n`,
  'modules/shapes/routes/created.post.ts': `import { defineEventHandler, setResponseStatus } from 'dskity'\nexport default defineEventHandler((event) => { setResponseStatus(event, 202) })\n`,
  'modules/shapes/routes/web.get.ts': `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => new Response('from a Response', { status: 201, headers: { 'x-kind': 'web' } }))\n`,
  'modules/shapes/hooks/startup.ts': `import { defineHook, defineEventHandler } from 'dskity'\nexport default defineHook(({ http }) => { http.use('/extra', defineEventHandler(() => ({ extra: true }))); http.use('/broken-extra', defineEventHandler(async () => { throw new Error('boom') })) })\n`,
})

describe('route results and clients.http', () => {
  let app: TestApp
  let client: TestClient
  beforeAll(async () => {
    app = await createTestApp({ rootDir: root })
    client = createTestClient({ app })
  })
  afterAll(() => app.close())

  it('sends Buffers, streams, Response objects and redirects the h3 way', async () => {
    expect((await client.get('/shapes/buffer')).text).toBe('raw bytes')
    expect((await client.get('/shapes/stream')).text).toBe('abc')
    const web = await client.get('/shapes/web')
    expect([web.status, web.text, web.headers.get('x-kind')]).toEqual([201, 'from a Response', 'web'])
    const redirect = await client.get('/shapes/redirect')
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/shapes/text'])
  })

  it('strings are text/html; undefined is 204 unless a status was set', async () => {
    const text = await client.get('/shapes/text')
    expect([text.status, text.headers.get('content-type'), text.text]).toEqual([200, 'text/html', 'plain <b>text</b>'])
    expect((await client.post('/shapes/nothing')).status).toBe(204)
    const head = await client.request('HEAD', '/shapes/text')
    expect([head.status, head.headers.get('content-length'), head.text]).toEqual([200, '17', ''])
    // On a real socket (the in-process client computes lengths itself): HEAD of bytes says GET's length.
    const server = createServer(app.listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const headBytes = await fetch(`${base}/shapes/buffer`, { method: 'HEAD' })
      expect([headBytes.status, headBytes.headers.get('content-length')]).toEqual([200, '9'])
      // A number is JSON, as h3 sends it; HEAD says its length too.
      const count = await fetch(`${base}/shapes/count`)
      expect([count.headers.get('content-type'), await count.text()]).toEqual(['application/json', '42'])
      expect((await fetch(`${base}/shapes/count`, { method: 'HEAD' })).headers.get('content-length')).toBe('2')
    } finally {
      server.closeAllConnections()
      server.close()
    }
    expect((await client.post('/shapes/created')).status).toBe(202)
  })

  it('routes added to clients.http answer paths no module route does; the rest is still a 404 problem', async () => {
    expect((await client.get('/extra')).body).toEqual({ extra: true })
    expect((await client.get('/extra/sub?x=1')).body).toEqual({ extra: true })
    expect((await client.get('/extra?x=1')).body).toEqual({ extra: true })
    // A prefix ends at a segment boundary: use('/extra') is not /extra-late.
    const late = await client.get('/extra-late')
    expect([late.status, (late.body as { instance: string }).instance]).toEqual([404, '/extra-late'])
    // An encoded `?` is part of the segment, not a query after the prefix.
    expect((await client.get('/extra%3Fa%3D1')).status).toBe(404)
    // h3 strips the use() prefix; the problem still names the path the client asked for.
    expect((await client.get('/broken-extra')).body).toMatchObject({ status: 500, instance: '/broken-extra' })
    const missing = await client.get('/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json')
  })

  it('a result that cannot be sent is a 500 problem that is counted and logged like any failure', async () => {
    const circular = await client.get('/shapes/circular')
    expect([circular.status, circular.headers.get('content-type')]).toEqual([500, 'application/problem+json'])
    const returned = await client.get('/shapes/returned-error')
    expect([returned.status, returned.headers.get('content-type')]).toEqual([500, 'application/problem+json'])
    // A problem whose extension cannot be JSON keeps its status, without the extension.
    const bigint = await client.get('/shapes/bigint-problem')
    expect([bigint.status, bigint.body]).toEqual([409, expect.objectContaining({ title: 'Conflict', detail: 'taken' })])
    expect(bigint.body).not.toHaveProperty('version')
    const metrics = (await client.get('/metrics')).text
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/shapes\/circular",status="500"\} 1/)
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/shapes\/returned-error",status="500"\} 1/)
  })

  it('a stream that fails midway cuts the connection and is logged with the request id', async () => {
    const server = createServer(app.listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const errors: unknown[][] = []
    const spy = vi.spyOn(app.runtime.logger, 'error').mockImplementation((...args: unknown[]) => void errors.push(args))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shapes/broken-stream`
      const outcome = await fetch(url, { headers: { 'x-request-id': 'broken-1' } }).then((res) => res.text()).then(() => 'complete', () => 'cut off')
      expect(outcome).toBe('cut off') // never a body that looks whole
      await new Promise((r) => setTimeout(r, 50))
      const logged = errors.find((args) => String(args[0]).includes('/shapes/broken-stream'))
      expect(logged?.[0]).toMatch(/failed after its headers were sent/)
      expect(logged?.[1]).toMatchObject({ message: 'disk gone' })
      expect(logged?.[2]).toEqual({ request_id: 'broken-1' })
    } finally {
      spy.mockRestore()
      server.closeAllConnections()
      server.close()
    }
  })

  it('every response is counted in metrics by route template', async () => {
    const metrics = (await client.get('/metrics')).text
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/shapes\/stream",status="200"\} 1/)
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="<unmatched>",status="200"\} 3/) // the three clients.http requests above
  })
})
