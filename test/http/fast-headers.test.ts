import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { setTrustedHeader, setTrustedHeaders, trustHeaders } from '../../src/runtime/fast-headers.ts'

// The security/CORS headers skip Node's per-request validation; a real socket shows what reaches clients.
describe('trusted headers on a real node:http response', () => {
  let server: Server
  let base: string
  const preset = trustHeaders([
    ['X-Frame-Options', 'DENY'],
    ['Vary', 'Origin'],
  ])
  beforeAll(async () => {
    server = createServer((req, res) => {
      setTrustedHeaders(res, preset)
      setTrustedHeader(res, 'X-Request-Id', 'x-request-id', 'abc')
      if (req.url === '/override') res.setHeader('X-Frame-Options', 'SAMEORIGIN')
      if (req.url === '/remove') res.removeHeader('x-frame-options')
      if (req.url === '/append') res.appendHeader('Vary', 'Accept')
      res.end(JSON.stringify({ seen: res.getHeaders() }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('are sent, and visible to code through getHeader/getHeaders', async () => {
    const res = await fetch(`${base}/`)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('vary')).toBe('Origin')
    expect(res.headers.get('x-request-id')).toBe('abc')
    expect(((await res.json()) as { seen: unknown }).seen).toMatchObject({ 'x-frame-options': 'DENY', vary: 'Origin', 'x-request-id': 'abc' })
  })

  test('a handler can override, remove or append to them', async () => {
    expect((await fetch(`${base}/override`)).headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect((await fetch(`${base}/remove`)).headers.has('x-frame-options')).toBe(false)
    expect((await fetch(`${base}/append`)).headers.get('vary')).toBe('Origin, Accept')
    // appending on one response leaves the preset untouched for the next one
    expect((await fetch(`${base}/`)).headers.get('vary')).toBe('Origin')
  })

  test('a bad name or value is refused once, at startup', () => {
    expect(() => trustHeaders([['X-Bad', 'a\r\nSet-Cookie: x=1']])).toThrow(/Invalid character in header content \["X-Bad"\]/)
    expect(() => trustHeaders([['Bad Name', 'v']])).toThrow(/Header name must be a valid HTTP token \["Bad Name"\]/)
  })
})
