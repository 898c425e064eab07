import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.ts'
import { createKv } from '../../src/kv/create-kv.ts'
import { memoryTtlDriver } from '../../src/kv/memory-driver.ts'
import { describeKvContract } from './contract.ts'

const kvOptions = (kv: Record<string, unknown>) => configSchema.parse({ kv }).kv

describeKvContract('inmemory', ({ defaultTtlSeconds }) => createKv(kvOptions({ store: 'inmemory', defaultTtlSeconds })))

describe('memory TTL driver', () => {
  it('sweeps expired keys from its map without any read', async () => {
    const driver = memoryTtlDriver({ sweepIntervalMs: 50 })
    const storage = createStorage({ driver })
    const data = driver.getInstance!() as Map<string, unknown>
    for (let i = 0; i < 100; i++) await storage.setItem(`k${i}`, i, { ttl: 0.1 })
    await storage.setItem('kept', 1)
    expect(data.size).toBe(101)
    await new Promise((r) => setTimeout(r, 300))
    expect(data.size).toBe(1)
    await storage.dispose()
  })

  it('an overwrite with a longer ttl is not cut short by the old heap entry', async () => {
    const storage = createStorage({ driver: memoryTtlDriver({ sweepIntervalMs: 20 }) })
    await storage.setItem('k', 'old', { ttl: 0.1 })
    await storage.setItem('k', 'new', { ttl: 5 })
    await new Promise((r) => setTimeout(r, 250))
    expect(await storage.getItem('k')).toBe('new')
    await storage.dispose()
  })

  it('reports every operation to onOperation', async () => {
    const seen: string[] = []
    const kv = createKv(kvOptions({}), { onOperation: (op, ok) => seen.push(`${op}:${ok}`) })
    await kv.storage.setItem('a', 1)
    await kv.storage.getItem('a')
    await kv.storage.hasItem('a')
    await kv.storage.getKeys()
    await kv.storage.removeItem('a')
    await kv.storage.clear()
    await kv.storage.setItem('a', 1, { ttl: -1 }).catch(() => {})
    expect(seen).toEqual(['set:true', 'get:true', 'has:true', 'keys:true', 'remove:true', 'clear:true', 'set:false'])
    await kv.close()
  })
})

describe('createKv options', () => {
  it('names the config key of a bad option', () => {
    expect(() => createKv(kvOptions({ store: 'ring', ring: { nodes: ['memory:a', 'memory:b', 'bogus://x'] } }))).toThrow(
      /kv\.ring\.nodes\[2\] = "bogus:\/\/x" is not a KV node/,
    )
    expect(() => createKv(kvOptions({ store: 'ring', ring: { nodes: [] } }))).toThrow(/kv\.ring\.nodes is empty/)
    expect(() => createKv(kvOptions({ store: 'ring', ring: { nodes: ['memory:a', 'memory:a'] } }))).toThrow(/kv\.ring\.nodes\[1\] repeats/)
    expect(() => createKv(kvOptions({ store: 'redis', redis: { url: 'not a url' } }))).toThrow(/kv\.redis\.url = "not a url" is not a valid URL/)
    expect(() => createKv(kvOptions({ store: 'redis', redis: { url: 'http://127.0.0.1:6379' } }))).toThrow(/kv\.redis\.url .* wrong scheme/)
    expect(() => createKv(kvOptions({ store: 'consul', consul: { url: 'redis://x' } }))).toThrow(/kv\.consul\.url .* wrong scheme/)
    expect(() => kvOptions({ defaultTtlSeconds: 0 })).toThrow(/defaultTtlSeconds/)
    expect(() => createKv({ ...kvOptions({}), defaultTtlSeconds: 0 })).toThrow(/kv\.defaultTtlSeconds must be a positive number/)
    const options = { ...kvOptions({}), store: 'etcd' } as unknown as Parameters<typeof createKv>[0]
    expect(() => createKv(options)).toThrow(/kv\.store = "etcd" is not a KV backend/)
  })

  it('masks a password in error messages', () => {
    expect(() => createKv(kvOptions({ store: 'ring', ring: { nodes: ['ftp://user:hunter2@host'] } }))).toThrow(/user:\*\*\*@host/)
  })

  it('probe fails, bounded, when a backend is unreachable', async () => {
    const kv = createKv(kvOptions({ store: 'consul', consul: { url: 'http://127.0.0.1:9' } }))
    const started = Date.now()
    await expect(kv.probe(500)).rejects.toThrow(/KV backend kv\.consul\.url is unreachable/)
    expect(Date.now() - started).toBeLessThan(1500)
    await kv.close()
  })
})
