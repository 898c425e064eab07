import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { describe, expect, test } from 'vitest'
import { compileCors } from '../../src/runtime/http-policies.ts'
import { fixtureApp } from './_setup.ts'

const APP = 'https://app.example'
const preflight = (origin: string, extra: Record<string, string> = {}) => ({ headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-trace', ...extra } })

describe('CORS with an allow-list and credentials', async () => {
  const { client } = await fixtureApp({ common: { cors: { enabled: true, allowOrigins: [APP, 'https://admin.example'], allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type'], exposeHeaders: ['X-Request-Id'], allowCredentials: true, maxAge: 300 } } })

  test('preflight from an allowed origin: 204, methods, headers, max-age, origin reflected', async () => {
    const res = await client.request('OPTIONS', '/api/echo', preflight(APP))
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control')))).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '300',
    })
    expect(res.headers.get('vary')).toMatch(/Origin.*Access-Control-Request-Method/)
  })

  test('simple request from an allowed origin: origin reflected, never *, credentials, exposed headers', async () => {
    const res = await client.get('/api/ping', { headers: { origin: APP } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP)
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-expose-headers')).toBe('X-Request-Id')
    expect(res.headers.get('vary')).toBe('Origin')
  })

  test('a disallowed origin gets no CORS headers (preflight still answered, never reaches a route)', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.evil.com', 'null', 'https://APP.example']) {
      const simple = await client.get('/api/ping', { headers: { origin } })
      expect(simple.headers.get('access-control-allow-origin'), origin).toBeNull()
      const pre = await client.request('OPTIONS', '/api/echo', preflight(origin))
      expect(pre.status).toBe(204)
      expect(pre.headers.get('access-control-allow-origin')).toBeNull()
      expect(pre.headers.get('access-control-allow-methods')).toBeNull()
    }
  })

  test('Vary: Origin on every response, with or without Origin, errors included', async () => {
    for (const path of ['/api/ping', '/nope', '/api/boom', '/health/live', '/metrics']) {
      expect((await client.get(path)).headers.get('vary'), path).toMatch(/^Origin/)
    }
  })

  test('errors carry the CORS headers, so the browser can read the problem', async () => {
    const res = await client.get('/nope', { headers: { origin: APP } })
    expect(res.status).toBe(404)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP)
  })
})

describe('CORS with the defaults (any origin, no credentials)', async () => {
  const { client } = await fixtureApp({ common: { cors: { enabled: true } } })

  test('`*` for any origin without credentials; preflight reflects requested method and headers', async () => {
    expect((await client.get('/api/ping', { headers: { origin: 'https://x.example' } })).headers.get('access-control-allow-origin')).toBe('*')
    const pre = await client.request('OPTIONS', '/api/ping', preflight('https://x.example'))
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST')
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, x-trace')
    expect(pre.headers.get('access-control-max-age')).toBe('600')
  })

  test('a plain OPTIONS (no preflight headers) is routed normally', async () => {
    expect((await client.request('OPTIONS', '/api/ping')).status).toBe(405)
  })
})

describe('never * together with credentials', () => {
  test('allowOrigins ["*"] with credentials reflects the request origin', () => {
    const cors = compileCors({ enabled: true, allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: true, maxAge: 600 })!
    const res = new ServerResponse(new IncomingMessage(new Socket()))
    cors({ method: 'GET', headers: { origin: 'https://any.example' } } as never, res)
    expect(res.getHeader('access-control-allow-origin')).toBe('https://any.example')
    expect(res.getHeader('access-control-allow-credentials')).toBe('true')
  })
})
