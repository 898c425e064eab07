import { afterAll, describe, expect, it } from 'vitest'
import { configSchema, type DskityConfig } from '../../src/config/schema.ts'
import { createKv, type KvHandle } from '../../src/kv/create-kv.ts'
import { createServiceRegistry, type ServiceInstance, type ServiceRegistry } from '../../src/clients/registry.ts'
import { createServiceResolver, DSKITY_E_SERVICE_UNRESOLVED, ServiceUnresolvedError } from '../../src/clients/resolver.ts'
import { escapeHtml, renderServicesHtml } from '../../src/runtime/services-page.ts'
import { serviceAvailable } from '../service-available.ts'

const up = await serviceAvailable('Redis', 6379)
const prefix = `dskity-test-registry-${process.pid}-${Date.now()}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const handles: KvHandle[] = []
const registries: ServiceRegistry[] = []

/** Each call is a separate "process": its own KV client, same Redis and prefix. */
function instance(name: string, url: string, registry: { ttlSeconds: number; heartbeatIntervalSeconds: number }, store: 'redis' | 'inmemory' = 'redis') {
  const options = configSchema.parse({ name, common: { registry }, kv: { store, redis: { keyPrefix: prefix } } } satisfies DskityConfig)
  const kv = createKv(options.kv)
  handles.push(kv)
  const created = createServiceRegistry({ kv: kv.storage, options, instance: { name, url, modules: ['health', 'orders'], version: '1.2.3' } })
  registries.push(created)
  return created
}

afterAll(async () => {
  for (const registry of registries) await registry.stop()
  await handles[0]?.storage.clear()
  for (const handle of handles) await handle.close()
})

describe.skipIf(!up)('service registry on a shared Redis', () => {
  it('two instances see each other, then a stopped heartbeat and a deregister make them disappear', async () => {
    const beat = { ttlSeconds: 1, heartbeatIntervalSeconds: 0.25 }
    const a = instance('orders', 'http://10.0.0.1:8000', beat)
    const b = instance('payments', 'http://10.0.0.2:8000', beat)
    await a.start()
    await b.start()

    const seenByA = await a.list()
    expect(seenByA.map((i) => i.name)).toEqual(['orders', 'payments'])
    expect(await b.list('orders')).toEqual([
      expect.objectContaining<Partial<ServiceInstance>>({ name: 'orders', instanceId: a.instanceId, url: 'http://10.0.0.1:8000', modules: ['health', 'orders'], version: '1.2.3' }),
    ])

    // A crashed instance: registered once, never refreshed.
    const crashed = instance('payments', 'http://10.0.0.3:8000', beat)
    await crashed.register()
    expect((await a.list('payments')).map((i) => i.instanceId).sort()).toEqual([b.instanceId, crashed.instanceId].sort())
    await sleep(1600)
    // Past the TTL: the heartbeats kept a and b, the crashed one is gone.
    expect((await a.list('payments')).map((i) => i.instanceId)).toEqual([b.instanceId])
    expect(await b.list('orders')).toHaveLength(1)

    b.setUrl('http://10.0.0.2:9000')
    await sleep(100)
    expect((await a.list('payments'))[0].url).toBe('http://10.0.0.2:9000')

    await b.stop()
    expect(await a.list('payments')).toEqual([])
    await a.deregister()
    expect(await b.list()).toEqual([])
  })
})

describe('resolver (in-memory KV)', () => {
  const memory = (name: string, url: string) => instance(name, url, { ttlSeconds: 60, heartbeatIntervalSeconds: 30 }, 'inmemory')

  it('round-robins over the live instances', async () => {
    const one = memory('search', 'http://s1')
    const kv = handles.at(-1)!.storage
    const two = createServiceRegistry({ kv, options: configSchema.parse({ name: 'search' }), instance: { name: 'search', url: 'http://s2', modules: [] } })
    await one.register()
    await two.register()
    const resolver = createServiceResolver({ registry: one, options: { retries: 0, timeoutSeconds: 1 } })
    const urls = [await resolver.resolve('search'), await resolver.resolve('search'), await resolver.resolve('search')]
    expect(urls.slice(0, 2).sort()).toEqual(['http://s1', 'http://s2'])
    expect(urls[2]).toBe(urls[0])
  })

  it('retries with backoff and finds an instance that appears late', async () => {
    const registry = memory('watcher', 'http://w1')
    const kv = handles.at(-1)!.storage
    const late = createServiceRegistry({ kv, options: configSchema.parse({ name: 'late' }), instance: { name: 'late', url: 'http://late', modules: [] } })
    setTimeout(() => void late.register(), 250)
    const resolver = createServiceResolver({ registry, options: { retries: 5, timeoutSeconds: 5 } })
    expect(await resolver.resolve('late')).toBe('http://late')
  })

  it('throws naming the service, the attempts and the time', async () => {
    const registry = memory('caller', 'http://c1')
    let lookups = 0
    const counting = { list: (name?: string) => (lookups++, registry.list(name)) }
    const resolver = createServiceResolver({ registry: counting, options: { retries: 3, timeoutSeconds: 5 } })
    const started = Date.now()
    const error = await resolver.resolve('billing').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceUnresolvedError)
    expect((error as ServiceUnresolvedError).code).toBe(DSKITY_E_SERVICE_UNRESOLVED)
    expect((error as Error).message).toMatch(/could not resolve service `billing`: no live instance is registered \(4 attempts in \d\.\d\d s\)/)
    expect(lookups).toBe(4)
    // Backoff 100 + 200 + 400 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(650)
  })

  it('never exceeds timeoutSeconds, even with many retries or a hung registry', async () => {
    const hung = { list: () => new Promise<ServiceInstance[]>(() => {}) }
    const resolver = createServiceResolver({ registry: hung, options: { retries: 50, timeoutSeconds: 0.5 } })
    const started = Date.now()
    await expect(resolver.resolve('slow')).rejects.toThrow(/`slow`: the last lookup failed: the registry did not answer in time/)
    expect(Date.now() - started).toBeLessThan(900)
  })
})

describe('services page', () => {
  it('escapes every value and links only http(s) URLs', () => {
    const evil = '<script>alert("x")</script>'
    const html = renderServicesHtml(
      [
        { name: evil, instanceId: `id'${evil}`, url: 'javascript:alert(1)', modules: [evil], version: evil, startedAt: evil, lastHeartbeat: evil },
        { name: 'ok', instanceId: 'i1', url: 'http://a/?x="y"&z', modules: [], startedAt: 't', lastHeartbeat: 't' },
      ],
      `svc${evil}`,
    )
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('href="javascript:')
    expect(html).toContain('<a href="http://a/?x=&quot;y&quot;&amp;z">')
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;')
    expect(renderServicesHtml([], 'svc')).toContain('No live instances')
  })
})
