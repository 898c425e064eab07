import { describe, expect, test } from 'vitest'
import { fixtureApp, fixtureServer, send } from './_setup.ts'

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-permitted-cross-domain-policies': 'none',
  'X-Custom-Case': 'Kept',
}
const settings = { common: { securityHeaders: { enabled: true, xXssProtection: '0', customHeaders: { 'X-Permitted-Cross-Domain-Policies': 'none', 'X-Custom-Case': 'Kept' } }, cors: { enabled: true }, admin: { token: 'secret-token', showConfig: true } } }

function expectSecurityHeaders(headers: Headers, label: string) {
  for (const [name, value] of Object.entries(EXPECTED)) {
    if (name === 'content-security-policy') expect(headers.get(name), `${label}: ${name}`).toMatch(/^default-src 'none'; frame-ancestors 'none'/)
    else expect(headers.get(name), `${label}: ${name}`).toBe(value)
  }
  expect(headers.get('x-xss-protection'), label).toBe('0')
}

describe('security headers on every response', async () => {
  const { client } = await fixtureApp(settings)
  const requests: Array<[string, string, Record<string, string>?]> = [
    ['GET', '/api/ping'],
    ['GET', '/nope'],
    ['POST', '/api/ping'],
    ['GET', '/api/boom'],
    ['GET', '/api/problem'],
    ['GET', '/'],
    ['GET', '/health/live'],
    ['GET', '/health/ready'],
    ['GET', '/metrics'],
    ['GET', '/_core/services.json'],
    ['GET', '/_core/config', { authorization: 'Bearer secret-token' }],
    ['OPTIONS', '/api/ping', { origin: 'https://x.example', 'access-control-request-method': 'GET' }],
  ]
  for (const [method, path, headers] of requests) {
    test(`${method} ${path}`, async () => {
      expectSecurityHeaders((await client.request(method, path, { headers })).headers, `${method} ${path}`)
    })
  }

  test('the admin HTML page may only add inline styles to the CSP', async () => {
    const res = await client.get('/_core/services', { headers: { authorization: 'Bearer secret-token' } })
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; style-src 'unsafe-inline'")
  })

  test('custom header names are sent as written (over a real socket too)', async () => {
    const server = await fixtureServer(settings)
    const res = await send(`${server.url}/nope`)
    expect(res.status).toBe(404)
    expect(res.headers['x-custom-case']).toBe('Kept')
    expect(res.headers['x-frame-options']).toBe('DENY')
  })
})

describe('off by default', async () => {
  const { client } = await fixtureApp()
  test('no security headers unless enabled', async () => {
    const res = await client.get('/api/ping')
    expect(res.headers.get('x-frame-options')).toBeNull()
    expect(res.headers.get('content-security-policy')).toBeNull()
  })
})

describe('a route can change the built-in headers with the helpers from dskity', async () => {
  const { fixtureDir, moduleConfig } = await import('../fixture-dir.ts')
  const { createTestApp, createTestClient } = await import('../../src/testing/index.ts')
  const root = fixtureDir({
    'modules/page/module.config.ts': moduleConfig({}),
    'modules/page/routes/embed.get.ts': `import { defineEventHandler, removeResponseHeader, setResponseHeader, appendResponseHeader } from 'dskity'\nexport default defineEventHandler((event) => { removeResponseHeader(event, 'X-Frame-Options'); setResponseHeader(event, 'Content-Security-Policy', "frame-ancestors https://a.example"); appendResponseHeader(event, 'Vary', 'Accept'); return { ok: true } })\n`,
  })
  const app = await createTestApp({ rootDir: root, settings: { common: { securityHeaders: { enabled: true, customHeaders: { Vary: 'Accept-Encoding' } }, cors: { enabled: true } } } })
  const client = createTestClient({ app })

  test('remove, replace and append; a custom Vary is merged with CORS Vary: Origin, not dropped', async () => {
    const res = await client.get('/page/embed', { headers: { origin: 'https://x.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.has('x-frame-options')).toBe(false)
    expect(res.headers.get('content-security-policy')).toBe('frame-ancestors https://a.example')
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin, Accept')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    await app.close()
  })
})
