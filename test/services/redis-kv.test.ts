import { afterAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { configSchema } from '../../src/config/schema.ts'
import { createKv, type KvHandle } from '../../src/kv/create-kv.ts'
import { describeKvContract } from '../kv/contract.ts'
import { binaryAvailable, serviceAvailable, startOwnServer } from '../service-available.ts'

const up = await serviceAvailable('Redis', 6379)
const prefix = `dskity-test-${process.pid}-${Date.now()}`
const url = 'redis://127.0.0.1:6379/0'
const handles: KvHandle[] = []
const open = (kv: Record<string, unknown>) => {
  const handle = createKv(configSchema.parse({ kv }).kv)
  handles.push(handle)
  return handle
}
// A separate connection, to look at what the driver really wrote.
const raw = new Redis(url, { lazyConnect: true })

afterAll(async () => {
  raw.disconnect()
  for (const handle of handles) {
    await handle.storage.clear().catch(() => {})
    await handle.close().catch(() => {})
  }
})

describe.skipIf(!up)('redis KV', () => {
  describeKvContract('redis', ({ defaultTtlSeconds }) => open({ store: 'redis', defaultTtlSeconds, redis: { url, keyPrefix: `${prefix}:c` } }), (handle) => {
    it('stores under kv.redis.keyPrefix with a native Redis TTL in ms', async () => {
      await handle().storage.setItem('native:a', 'v', { ttl: 1.5 })
      const client = raw
      const pttl = await client.pttl(`${prefix}:c:native:a`)
      expect(pttl).toBeGreaterThan(1000)
      expect(pttl).toBeLessThanOrEqual(1500)
      await handle().storage.setItem('native:b', 'v')
      expect(await client.pttl(`${prefix}:c:native:b`)).toBe(-1)
    })
  })

  describeKvContract('ring (redis + memory)', ({ defaultTtlSeconds }) =>
    open({ store: 'ring', defaultTtlSeconds, redis: { keyPrefix: `${prefix}:r` }, ring: { nodes: [url, 'memory:a'] } }),
  )

  it('fails fast, bounded and without crashing, when Redis is unreachable', async () => {
    const warnings: unknown[] = []
    const handle = createKv(configSchema.parse({ kv: { store: 'redis', redis: { url: 'redis://127.0.0.1:1/0' } } }).kv, {
      logger: { warn: (...a) => warnings.push(a) },
    })
    const started = Date.now()
    await expect(handle.storage.setItem('a', 1)).rejects.toThrow(/Redis \(kv\.redis\.url = redis:\/\/127\.0\.0\.1:1\/0\)/)
    await expect(handle.probe(1000)).rejects.toThrow(/KV backend kv\.redis\.url is unreachable/)
    expect(Date.now() - started).toBeLessThan(1500)
    expect(warnings.length).toBe(1)
    await handle.close()
  })

  it.skipIf(!binaryAvailable('redis-server'))('a Redis that accepts connections but never answers: 60 concurrent operations fail bounded, sharing one wait', async () => {
    // Our own redis-server, frozen with SIGSTOP: the kernel accepts the connection, nothing answers.
    const { port, proc: server } = await startOwnServer('redis-server', (p) => ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
    const nodeWarnings: Error[] = []
    const onWarning = (w: Error) => nodeWarnings.push(w)
    process.on('warning', onWarning)
    try {
      process.kill(server.pid!, 'SIGSTOP')
      const handle = createKv(configSchema.parse({ kv: { store: 'redis', redis: { url: `redis://127.0.0.1:${port}/0` } } }).kv, { logger: { warn: () => {} }, commandTimeoutMs: 500 })
      const started = Date.now()
      const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => handle.storage.getItem(`k${i}`)))
      expect(results.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'DSKITY_E_KV_UNAVAILABLE')).toBe(true)
      expect(Date.now() - started).toBeLessThan(3_000)
      await new Promise((r) => setImmediate(r))
      expect(nodeWarnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
      await handle.close().catch(() => {})
    } finally {
      process.off('warning', onWarning)
      server.kill('SIGKILL')
    }
  })
})

