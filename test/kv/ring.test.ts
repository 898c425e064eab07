import { createStorage } from 'unstorage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.ts'
import { createKv } from '../../src/kv/create-kv.ts'
import { HashRing, hash32 } from '../../src/kv/hash-ring.ts'
import { memoryTtlDriver } from '../../src/kv/memory-driver.ts'
import { ringDriver } from '../../src/kv/ring-driver.ts'
import { describeKvContract } from './contract.ts'
import { startConsulStandIn, type ConsulStandIn } from './consul-stand-in.ts'

const keys = Array.from({ length: 10_000 }, (_, i) => `user:${i}:profile`)
const owners = (ring: HashRing) => new Map(keys.map((k) => [k, ring.getNode(k)]))

describe('HashRing', () => {
  it('spreads 10,000 keys over 4 nodes within ±15% of even', () => {
    const counts = new Map<string, number>()
    for (const node of owners(new HashRing(['a', 'b', 'c', 'd'])).values()) counts.set(node, (counts.get(node) ?? 0) + 1)
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd'])
    for (const count of counts.values()) expect(Math.abs(count - 2500) / 2500).toBeLessThanOrEqual(0.15)
  })

  it('adding a 5th node moves 15–25% of the keys, all to the new node', () => {
    const ring = new HashRing(['a', 'b', 'c', 'd'])
    const before = owners(ring)
    const after = owners(ring.addNode('e'))
    const moved = keys.filter((k) => before.get(k) !== after.get(k))
    expect(moved.length / keys.length).toBeGreaterThanOrEqual(0.15)
    expect(moved.length / keys.length).toBeLessThanOrEqual(0.25)
    for (const k of moved) expect(after.get(k)).toBe('e')
  })

  it("removing a node moves only that node's keys", () => {
    const ring = new HashRing(['a', 'b', 'c', 'd'])
    const before = owners(ring)
    const after = owners(ring.removeNode('c'))
    for (const k of keys) {
      if (before.get(k) === 'c') expect(after.get(k)).not.toBe('c')
      else expect(after.get(k)).toBe(before.get(k))
    }
  })

  it('is deterministic and independent of insertion order', () => {
    const one = owners(new HashRing(['a', 'b', 'c']))
    const two = owners(new HashRing(['c', 'a', 'b']))
    expect(one).toEqual(two)
    expect(hash32('hello')).toBe(hash32('hello'))
  })

  it('fails clearly when empty or misconfigured', () => {
    expect(() => new HashRing().getNode('x')).toThrow(/no nodes: configure kv\.ring\.nodes/)
    expect(() => new HashRing(['a'], { virtualNodes: 0 })).toThrow(/kv\.ring\.virtualNodes must be a positive integer/)
  })
})

let consul: ConsulStandIn
beforeAll(async () => {
  consul = await startConsulStandIn()
})
afterAll(() => consul.close())

describeKvContract('ring (3 memory nodes)', ({ defaultTtlSeconds }) =>
  createKv(configSchema.parse({ kv: { store: 'ring', defaultTtlSeconds, ring: { nodes: ['memory:a', 'memory:b', 'memory:c'] } } }).kv),
)

describeKvContract('ring (memory + consul stand-in)', ({ defaultTtlSeconds }) =>
  createKv(
    configSchema.parse({
      kv: { store: 'ring', defaultTtlSeconds, consul: { keyPrefix: 'ring' }, ring: { nodes: ['memory:a', `consul+${consul.url}`] } },
    }).kv,
  ),
)

describe('ring driver', () => {
  it('puts each key on exactly one node and uses every node', async () => {
    const nodes = { a: memoryTtlDriver({}), b: memoryTtlDriver({}), c: memoryTtlDriver({}) }
    const storage = createStorage({ driver: ringDriver({ nodes }) })
    for (let i = 0; i < 300; i++) await storage.setItem(`k:${i}`, i)
    const sizes = Object.values(nodes).map((n) => (n.getInstance!() as Map<string, unknown>).size)
    expect(sizes.reduce((a, b) => a + b)).toBe(300)
    for (const size of sizes) expect(size).toBeGreaterThan(50)
    expect(await storage.getKeys('k')).toHaveLength(300)
    await storage.dispose()
  })
})
