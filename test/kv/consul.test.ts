/**
 * The Consul driver, against a stand-in (test/kv/consul-stand-in.ts): no Consul server can be
 * installed here, so these tests exercise the documented KV HTTP API subset, not a real Consul.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.ts'
import { createKv } from '../../src/kv/create-kv.ts'
import { consulDriver, decodeKey, encodeKey } from '../../src/kv/consul-driver.ts'
import { describeKvContract } from './contract.ts'
import { startConsulStandIn, type ConsulStandIn } from './consul-stand-in.ts'

let consul: ConsulStandIn
beforeAll(async () => {
  consul = await startConsulStandIn({ token: 'secret-token' })
})
afterAll(() => consul.close())

const kvOptions = (defaultTtlSeconds: number) =>
  configSchema.parse({ kv: { store: 'consul', defaultTtlSeconds, consul: { url: consul.url, keyPrefix: 'test/dskity', token: 'secret-token' } } }).kv

describeKvContract('consul (stand-in)', ({ defaultTtlSeconds }) => createKv(kvOptions(defaultTtlSeconds)), (handle) => {
  it('stores values raw under the key prefix, with the expiry in Flags', async () => {
    await handle().storage.setItem('raw:a', 'plain text')
    await handle().storage.setItem('raw:b', { x: 1 }, { ttl: 30 })
    const a = consul.entries.get('test/dskity/raw/a')!
    const b = consul.entries.get('test/dskity/raw/b')!
    expect(a.value.toString()).toBe('plain text')
    expect(a.flags).toBe(0)
    expect(b.value.toString()).toBe('{"x":1}')
    expect(b.flags).toBeGreaterThan(Date.now() + 29_000)
  })

  it('deletes an expired entry when a read meets it', async () => {
    await handle().storage.setItem('reap:a', 1, { ttl: 0.2 })
    await new Promise((r) => setTimeout(r, 300))
    expect(await handle().storage.getItem('reap:a')).toBeNull()
    expect(consul.entries.has('test/dskity/reap/a')).toBe(false)
  })
})

describe('consul driver, below unstorage key normalisation', () => {
  const driver = () => consulDriver({ url: consul.url, keyPrefix: 'raw-driver', token: 'secret-token' })

  it('round-trips any key exactly and never collides', async () => {
    const d = driver()
    const keys = ['a/b', 'a:b', 'a%2Fb', 'a?x=1', 'a#frag', 'a b', '.', '..', 'a::b', ':lead', 'trail:', 'é/✓', 'a%', '%']
    for (const [i, key] of keys.entries()) await d.setItem!(key, `v${i}`, {})
    for (const [i, key] of keys.entries()) expect(await d.getItem(key)).toBe(`v${i}`)
    expect((await d.getKeys('', {})).sort()).toEqual([...keys].sort())
    expect(new Set(keys.map(encodeKey)).size).toBe(keys.length)
    for (const key of keys) expect(decodeKey(encodeKey(key))).toBe(key)
    await d.clear!('', {})
    expect(await d.getKeys('', {})).toEqual([])
  })

  it('sends X-Consul-Token and explains a 403', async () => {
    const d = consulDriver({ url: consul.url, keyPrefix: 'x', token: 'wrong' })
    await expect(Promise.resolve(d.getItem('a'))).rejects.toThrow(/403 Permission denied\. Check kv\.consul\.token/)
  })

  it('names kv.consul.url when Consul refuses connections', async () => {
    const d = consulDriver({ url: 'http://127.0.0.1:9' })
    await expect(Promise.resolve(d.getItem('a'))).rejects.toThrow(/http:\/\/127\.0\.0\.1:9 \(kv\.consul\.url\) is unreachable/)
  })

  it('gives up on a Consul that never answers, within the timeout', async () => {
    // Accepts connections and never replies.
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const d = consulDriver({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 })
    const started = Date.now()
    await expect(Promise.resolve(d.getItem('a'))).rejects.toThrow(/is unreachable: no answer within 300 ms/)
    expect(Date.now() - started).toBeLessThan(1000)
    silent.closeAllConnections()
    silent.close()
  })
})
