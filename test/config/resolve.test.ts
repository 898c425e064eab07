import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/resolve.ts'
import { isDskityError } from '../../src/errors.ts'

const resolve = (config: unknown, env: NodeJS.ProcessEnv = {}, moduleNames: string[] = []) => resolveConfig({ layers: [{ config, source: 'test.yaml' }], env, moduleNames })

describe('config defaults (SPEC §7)', () => {
  it('match the specification exactly', () => {
    const { options } = resolve({})
    expect(options.name).toBe('my-service')
    expect(options.modulesSearchPaths).toEqual(['modules'])
    expect(options.common.internalBaseUrl).toBe('http://127.0.0.1:8000')
    expect(options.common.registry).toEqual({ enabled: true, ttlSeconds: 60, heartbeatIntervalSeconds: 30 })
    expect(options.common.mqtt).toMatchObject({ enabled: false, broker: 'mqtt://localhost', port: 1883 })
    expect(options.common.grpc).toMatchObject({ enabled: false, port: 50051 })
    expect(options.common.cors).toMatchObject({ enabled: false, allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], allowCredentials: false, maxAge: 600 })
    expect(options.common.securityHeaders).toMatchObject({ enabled: false, xContentTypeOptions: 'nosniff', xFrameOptions: 'DENY', referrerPolicy: 'strict-origin-when-cross-origin', xXssProtection: '1; mode=block' })
    expect(options.common.health).toMatchObject({ enabled: true, pathPrefix: '/health' })
    expect(options.common.logging).toMatchObject({ format: 'text', level: 'info' })
    expect(options.common.resolver).toEqual({ timeoutSeconds: 5, retries: 3 })
    expect(options.common.admin).toEqual({ enabled: true, showConfig: false, maskSecrets: true, token: null })
    expect(options.common.httpClient).toEqual({ timeoutSeconds: 10, maxConnections: 100, maxKeepaliveConnections: 20 })
    expect(options.kv).toMatchObject({ store: 'inmemory', defaultTtlSeconds: 60, redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'dskity' }, consul: { url: 'http://127.0.0.1:8500', keyPrefix: 'dskity' } })
    expect(options.modules).toEqual({ health: { enabled: true } })
  })
})

describe('environment variables', () => {
  it('case 4: values keep their declared type', () => {
    const { options } = resolve({}, {
      DSKITY_COMMON__ADMIN__TOKEN: '0123456789',
      DSKITY_COMMON__CORS__ALLOW_CREDENTIALS: 'false',
      DSKITY_COMMON__MQTT__BROKER: '4.0',
      DSKITY_KV__DEFAULT_TTL_SECONDS: '120',
    })
    expect(options.common.admin.token).toBe('0123456789')
    expect(options.common.cors.allowCredentials).toBe(false)
    expect(options.common.mqtt.broker).toBe('4.0')
    expect(options.kv.defaultTtlSeconds).toBe(120)
  })

  it('case 4: a value that cannot be coerced stops startup naming the variable', () => {
    expect(() => resolve({}, { DSKITY_COMMON__CORS__ALLOW_CREDENTIALS: 'maybe' })).toThrow(/DSKITY_COMMON__CORS__ALLOW_CREDENTIALS/)
    expect(() => resolve({}, { DSKITY_KV__DEFAULT_TTL_SECONDS: 'soon' })).toThrow(/DSKITY_KV__DEFAULT_TTL_SECONDS="soon" is not a number/)
    expect(() => resolve({}, { DSKITY_KV__STORE: 'etcd' })).toThrow(/kv\.store.*DSKITY_KV__STORE/s)
  })

  it('case 5: an env array replaces the default, never merges', () => {
    const { options } = resolve({}, { DSKITY_COMMON__CORS__ALLOW_ORIGINS: '["https://app.example"]' })
    expect(options.common.cors.allowOrigins).toEqual(['https://app.example'])
    const fromFile = resolve({ common: { cors: { allowOrigins: ['https://a', 'https://b'] } } }, { DSKITY_COMMON__CORS__ALLOW_ORIGINS: 'https://c' })
    expect(fromFile.options.common.cors.allowOrigins).toEqual(['https://c'])
  })

  it('env beats the file; reserved switches are not config keys', () => {
    const { options } = resolve({ kv: { store: 'inmemory' } }, { DSKITY_KV__STORE: 'redis', DSKITY_ENV: 'production', DSKITY_RELOAD: 'false' })
    expect(options.kv.store).toBe('redis')
  })

  it('an unknown env key is reported, not ignored', () => {
    expect(() => resolve({}, { DSKITY_COMMON__CROS__ENABLED: 'true' })).toThrow(/DSKITY_COMMON__CROS__ENABLED.*common\.cros/)
  })

  it('module settings from env are kept for the module schema, under the module name', () => {
    const { settingsEnv } = resolve({}, { DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS: '5' }, ['orders'])
    expect(settingsEnv.orders).toEqual([{ variable: 'DSKITY_MODULES__ORDERS__SETTINGS__MAX_ITEMS', segments: ['MAX_ITEMS'], raw: '5' }])
  })
})

describe('file keys', () => {
  it('snake_case YAML keys load the same as camelCase', () => {
    const { options } = resolve({ modules_search_paths: ['mods'], common: { registry: { ttl_seconds: 5, 'heartbeat-interval-seconds': 2 }, http_client: { timeout_seconds: 1 } } })
    expect(options.modulesSearchPaths).toEqual(['mods'])
    expect(options.common.registry.ttlSeconds).toBe(5)
    expect(options.common.registry.heartbeatIntervalSeconds).toBe(2)
    expect(options.common.httpClient.timeoutSeconds).toBe(1)
  })

  it('never normalises user data: header names and module settings keys', () => {
    const { options } = resolve({
      common: { security_headers: { custom_headers: { 'X-Api_Key-Thing': 'v', x_snake: 'w' } } },
      modules: { orders: { settings: { api_key: 1, apiKey: 2 } } },
    })
    expect(options.common.securityHeaders.customHeaders).toEqual({ 'X-Api_Key-Thing': 'v', x_snake: 'w' })
    expect(options.modules.orders.settings).toEqual({ api_key: 1, apiKey: 2 })
  })

  it('reports every unknown key and wrong type with its path and source', () => {
    try {
      resolve({ comon: {}, common: { cors: { allowCredentials: 'yes' } }, kv: { redis: { url: 5 } } })
      expect.unreachable()
    } catch (error) {
      expect(isDskityError(error)).toBe(true)
      const message = (error as Error).message
      expect(message).toMatch(/comon: unknown key \(remove it or check its spelling\) \(did you mean `common`\?\)/)
      expect(message).toMatch(/common\.cors\.allowCredentials: expected boolean/)
      expect(message).toMatch(/kv\.redis\.url: expected string/)
      expect(message).toContain('test.yaml')
    }
  })
})

describe('response header settings', () => {
  it('a header value with a line break or a bad header name fails at startup, naming the key', () => {
    try {
      resolve({ common: { securityHeaders: { customHeaders: { 'Bad Name': 'x', 'X-Ok': 'a\nSet-Cookie: s=1' }, contentSecurityPolicy: 'a\rb' }, cors: { allowOrigins: ['https://a.example\r\nX: y'] } } })
      expect.unreachable()
    } catch (error) {
      const message = (error as Error).message
      expect(message).toMatch(/common\.securityHeaders\.customHeaders\.Bad Name: must be a valid header name/)
      expect(message).toMatch(/common\.securityHeaders\.customHeaders\.X-Ok: must be a valid header value/)
      expect(message).toMatch(/common\.securityHeaders\.contentSecurityPolicy: must be a valid header value/)
      expect(message).toMatch(/common\.cors\.allowOrigins\.0: must be a valid header value/)
    }
    // Framing headers on every response would desynchronise keep-alive connections.
    for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'Content-Type']) {
      expect(() => resolve({ common: { securityHeaders: { customHeaders: { [name]: '0' } } } })).toThrow(new RegExp(`customHeaders\\.${name}: is set per response by the server`))
    }
    // A value set as JSON by one env variable is blamed on that variable, not on the config file.
    expect(() => resolve({}, { DSKITY_COMMON__SECURITY_HEADERS__CUSTOM_HEADERS: '{"X-A":"a\\r\\nb"}' })).toThrow(/customHeaders\.X-A: must be a valid header value.*\[from DSKITY_COMMON__SECURITY_HEADERS__CUSTOM_HEADERS\]/)
  })
})

describe('values that would silently break a feature are refused', () => {
  it('a health prefix without a leading slash, and an MQTT reconnect period of 0 (= never reconnect)', () => {
    expect(() => resolve({ common: { health: { pathPrefix: 'health' } } })).toThrow(/common\.health\.pathPrefix: must be a path starting with `\/`/)
    expect(() => resolve({ common: { health: { pathPrefix: '/health/' } } })).toThrow(/pathPrefix/)
    expect(resolve({ common: { health: { pathPrefix: '/_system/health' } } }).options.common.health.pathPrefix).toBe('/_system/health')
    expect(() => resolve({ common: { mqtt: { reconnectPeriodMs: 0 } } })).toThrow(/common\.mqtt\.reconnectPeriodMs: Too small/)
  })
})

describe('hostile config keys', () => {
  it('keys named like Object methods are unknown keys, not crashes', () => {
    expect(() => resolve({ common: { toString: 1, cors: { hasOwnProperty: true } } })).toThrow(/common\.toString, .*unknown key|common\.toString: unknown key/)
  })

  it('__proto__ / constructor keys are refused by name', () => {
    expect(() => resolve(JSON.parse('{"__proto__": {"admin": true}}'))).toThrow(/config key `__proto__` is not allowed/)
    expect(() => resolve({ common: { constructor: {} } })).toThrow(/`constructor` is not allowed/)
  })

  it('the same setting given twice (snake_case and camelCase) is an error', () => {
    expect(() => resolve({ common: { registry: { ttlSeconds: 10, ttl_seconds: 20 } } })).toThrow(/`ttl_seconds` and `ttlSeconds` are the same setting/)
  })
})

describe('cross-field checks', () => {
  it('CORS credentials with allowOrigins "*" is refused at config validation', () => {
    expect(() => resolve({}, { DSKITY_COMMON__CORS__ENABLED: 'true', DSKITY_COMMON__CORS__ALLOW_CREDENTIALS: 'true' })).toThrow(/common\.cors\.allowCredentials: true needs an explicit common\.cors\.allowOrigins list.*DSKITY_COMMON__CORS__ALLOW_CREDENTIALS/s)
    expect(resolve({ common: { cors: { enabled: true, allowCredentials: true, allowOrigins: ['https://app.example'] } } }).options.common.cors.allowCredentials).toBe(true)
  })
})

describe('values that look fine but are not', () => {
  it('negative TTLs, out-of-range ports and hex numbers are refused', () => {
    expect(() => resolve({}, { DSKITY_COMMON__REGISTRY__TTL_SECONDS: '-5' })).toThrow(/common\.registry\.ttlSeconds: Too small/i)
    expect(() => resolve({ common: { grpc: { port: 70000 } } })).toThrow(/common\.grpc\.port/)
    expect(() => resolve({}, { DSKITY_COMMON__CORS__MAX_AGE: '0x10' })).toThrow(/DSKITY_COMMON__CORS__MAX_AGE="0x10" is not a number/)
  })
})
