import { describe, expect, test } from 'vitest'
import { maskSecrets } from '../../src/config/mask-secrets.ts'
import { expectProblem, fixtureApp, fixtureServer, rawRequest } from './_setup.ts'

const TOKEN = 'ädmin-tökén-🔑-0123456789'
const AUTH = { authorization: `Bearer ${TOKEN}` }

describe('admin switches', async () => {
  test('admin off → every /_core route is a 404', async () => {
    const { client } = await fixtureApp({ common: { admin: { enabled: false, showConfig: true } } })
    for (const path of ['/_core/services', '/_core/services.json', '/_core/config', '/_core/config.json']) expectProblem(await client.get(path), 404)
  })

  test('showConfig off (the default) → /_core/config(.json) 404, services still served', async () => {
    const { client } = await fixtureApp()
    expectProblem(await client.get('/_core/config'), 404)
    expectProblem(await client.get('/_core/config.json'), 404)
    expect((await client.get('/_core/services.json')).status).toBe(200)
  })
})

describe('bearer token', async () => {
  const server = await fixtureServer({ name: 'svc<b>"x"</b>', common: { admin: { showConfig: true, token: TOKEN } } })
  const get = (authorization?: Buffer | string) =>
    rawRequest(server.url, Buffer.concat([Buffer.from('GET /_core/config.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'), authorization === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from('Authorization: '), Buffer.from(authorization), Buffer.from('\r\n')]), Buffer.from('\r\n')]), /$^/)
  const statusOf = (raw: string) => Number(raw.slice(9, 12))

  test('missing, empty, wrong, long and multi-byte tokens are 401 problems, never 500', async () => {
    const wrong = [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${'x'.repeat(8000)}`, 'Bearer 🔑🔑🔑', Buffer.from([0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xff, 0xfe, 0x80])]
    for (const value of wrong) {
      const raw = await get(value)
      expect(statusOf(raw), String(value).slice(0, 30)).toBe(401)
      expect(raw).toMatch(/content-type: application\/problem\+json/i)
      expect(raw).toMatch(/www-authenticate: Bearer/i)
      expect(raw).toMatch(/"status":401/)
    }
  })

  test('the right UTF-8 token is accepted, with any case of the scheme', async () => {
    expect(statusOf(await get(Buffer.from(`Bearer ${TOKEN}`, 'utf8')))).toBe(200)
    expect(statusOf(await get(Buffer.from(`bearer ${TOKEN}`, 'utf8')))).toBe(200)
  })

  test('the services HTML page escapes every value', async () => {
    const raw = await rawRequest(server.url, Buffer.from(`GET /_core/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`), /$^/)
    expect(raw).toContain('svc&lt;b&gt;&quot;x&quot;&lt;/b&gt;')
    expect(raw).not.toContain('<b>"x"')
  })
})

const SECRET_SETTINGS = {
  dbPassword: 'p1', db_password: 'p2', 'db-password': 'p3', DB_PASSWORD: 'p4', Passwd: 'p5',
  authToken: 't1', auth_token: 't2', 'auth-token': 't3', TOKEN: 't4',
  clientSecret: 's1', client_secret: 's2', 'client-secret': 's3', SECRET: 's4',
  apiKey: 'a1', api_key: 'a2', 'api-key': 'a3', APIKEY: 'a4', 'X-Api-Key': 'a5',
  privateKey: 'k1', private_key: 'k2', 'private-key': 'k3', PRIVATE_KEY: 'k4',
  accessKey: 'c1', access_key_id: 'c2', 'aws-access-key': 'c3', ACCESS_KEY: 'c4',
  credentials: { user: 'u', pass: 'c5' }, gcp_credentials: 'c6', 'Service-Credentials': ['c7'],
  nested: { deeper: [{ list: [{ sessionToken: 'n1' }] }] },
  databaseUrl: 'postgres://app:pg-pass@db:5432/app',
  urls: ['redis://:redis-pass@cache:6379/0', 'https://example.com/path'],
  webhook: 'https://hooks.example/x?token=q1&mode=y',
  vault: 'hvs.CAESIJabcdefghijklmnopqrstuvwx', legacyVault: 's.AbCdEfGhIjKlMnOpQrStUvWx',
  openai: 'sk-proj-abcdefghijklmnopqrstu', header: 'Bearer sk-abcdefghijklmnopqrstuvwx',
  plain: 'visible', count: 3, empty: null, html: '<script>alert(1)</script>',
}

describe('secret masking', () => {
  test('every key pattern in camel, snake, kebab and any case; URLs, Vault and sk- values; any depth; arrays', () => {
    const masked = maskSecrets(SECRET_SETTINGS) as Record<string, unknown>
    const text = JSON.stringify(masked)
    for (const leaked of ['p1', 'p2', 'p3', 'p4', 'p5', 't1', 't2', 't3', 't4', 's1', 's2', 's3', 's4', 'a1', 'a2', 'a3', 'a4', 'a5', 'k1', 'k2', 'k3', 'k4', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'n1', 'pg-pass', 'redis-pass', 'q1', 'hvs.', 's.AbCd', 'sk-']) {
      expect(text, leaked).not.toContain(`"${leaked}`)
      expect(text, leaked).not.toContain(leaked.length > 3 ? leaked : `"${leaked}"`)
    }
    expect(masked).toMatchObject({
      databaseUrl: 'postgres://app:***@db:5432/app',
      urls: ['redis://:***@cache:6379/0', 'https://example.com/path'],
      webhook: 'https://hooks.example/x?token=***&mode=y',
      vault: '***', legacyVault: '***', openai: '***', header: 'Bearer ***',
      credentials: { user: '***', pass: '***' },
      plain: 'visible', count: 3, empty: null,
    })
  })

  test('never mutates its input', () => {
    const input = structuredClone(SECRET_SETTINGS)
    maskSecrets(input)
    expect(input).toEqual(SECRET_SETTINGS)
  })

  describe('through /_core/config', async () => {
    const { client, runtime } = await fixtureApp({
      kv: { redis: { url: 'redis://default:kv-pass@127.0.0.1:6379/0' } },
      common: { admin: { showConfig: true, token: 'adm' }, mqtt: { password: 'mqtt-pass' } },
      modules: { api: { settings: SECRET_SETTINGS } },
    })
    const auth = { headers: { authorization: 'Bearer adm' } }

    test('JSON output masks config and module settings; the live config is untouched', async () => {
      const res = await client.get<Record<string, any>>('/_core/config.json', auth)
      expect(res.status).toBe(200)
      expect(res.body.kv.redis.url).toBe('redis://default:***@127.0.0.1:6379/0')
      expect(res.body.common.admin.token).toBe('***')
      expect(res.body.common.mqtt.password).toBe('***')
      expect(res.body.modules.api.settings.apiKey).toBe('***')
      expect(res.text).not.toMatch(/kv-pass|mqtt-pass|"adm"|hvs\.|sk-proj/)
      expect(runtime.options.kv.redis.url).toBe('redis://default:kv-pass@127.0.0.1:6379/0')
      expect(runtime.options.common.admin.token).toBe('adm')
      expect((runtime.options.modules.api.settings as typeof SECRET_SETTINGS).apiKey).toBe('a1')
    })

    test('the HTML page is masked and escapes every value', async () => {
      const res = await client.get('/_core/config', auth)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(res.text).not.toContain('<script>')
      expect(res.text).not.toMatch(/kv-pass|mqtt-pass/)
    })
  })
})

describe('masking: shapes the first version missed', () => {
  test('passwords with @, connection strings, pass/pwd keys, GitHub/AWS/JWT tokens; booleans stay readable', async () => {
    const { maskSecrets, maskSecretString } = await import('../../src/config/mask-secrets.ts')
    expect(maskSecretString('mqtt://user:pa@ss@host:1883/x')).toBe('mqtt://user:***@host:1883/x')
    expect(maskSecretString('Server=db;Password=hunter2;User Id=app')).toBe('Server=db;Password=***;User Id=app')
    expect(maskSecretString('ghp_abcdefghijklmnopqrstuvwxyz0123')).toBe('***')
    expect(maskSecretString('AKIAABCDEFGHIJKLMNOP')).toBe('***')
    expect(maskSecretString('eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4')).toBe('***')
    expect(maskSecrets({ db_pass: 'x', dbPass: 'x', pwd: 'y', passthrough: 'z', compass: 'n', cors: { allowCredentials: false } })).toEqual({ db_pass: '***', dbPass: '***', pwd: '***', passthrough: 'z', compass: 'n', cors: { allowCredentials: false } })
  })
})

describe('/_core/config shows module settings as the modules got them', () => {
  test('defaults applied and env values included, still masked', async () => {
    const { createTestApp, createTestClient } = await import('../../src/testing/index.ts')
    const app = await createTestApp({ rootDir: new URL('../../playground', import.meta.url).pathname, targets: ['orders'], env: { DSKITY_MODULES__ORDERS__SETTINGS__CURRENCY: 'USD' }, settings: { common: { admin: { showConfig: true } } } })
    try {
      const res = await createTestClient({ app }).get<{ modules: Record<string, { settings?: unknown }> }>('/_core/config.json')
      expect(res.body.modules.orders.settings).toEqual({ maxItems: 5, currency: 'USD' })
    } finally {
      await app.close()
    }
  })
})
