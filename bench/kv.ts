// In-memory KV: dskity's `createKv` (inmemory store: TTL-aware driver + metrics hook, behind
// unstorage) against unstorage's own memory driver and a bare `Map`. Sequential awaited get/set.
// Run alone: node --import jiti/register bench/kv.ts
import { createStorage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import { configSchema } from '../src/config/schema.ts'
import { createKv } from '../src/kv/create-kv.ts'
import { isMain, table } from './harness.ts'

const N = 200_000
const KEYS = 1_000

interface Store {
  set(key: string, value: unknown): Promise<void> | void
  get(key: string): Promise<unknown> | unknown
}

async function opsPerSecond(store: Store, op: 'get' | 'set'): Promise<number> {
  const value = { id: 1, name: 'user', tags: ['a', 'b'] }
  for (let i = 0; i < KEYS; i++) await store.set(`users:${i}`, value)
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      if (op === 'get') await store.get(`users:${i % KEYS}`)
      else await store.set(`users:${i % KEYS}`, value)
    }
  }
  await run(20_000) // warm-up
  const t0 = performance.now()
  await run(N)
  return N / ((performance.now() - t0) / 1000)
}

/** Prints ops/s; the last line is dskity's KV relative to raw unstorage memory. */
export async function benchKv(): Promise<Record<string, number>> {
  console.log(`\n## KV in memory: ${N.toLocaleString('en')} sequential awaited ops over ${KEYS} keys`)
  const options = configSchema.parse({}).kv
  const kv = createKv(options, { onOperation: () => {} })
  const raw = createStorage({ driver: memoryDriver() })
  const map = new Map<string, unknown>()
  const stores: Array<[string, Store]> = [
    ['bare Map (awaited)', { set: (k, v) => void map.set(k, v), get: (k) => map.get(k) }],
    ['unstorage memory driver', { set: (k, v) => raw.setItem(k, v as never), get: (k) => raw.getItem(k) }],
    ['dskity createKv (inmemory)', { set: (k, v) => kv.storage.setItem(k, v as never), get: (k) => kv.storage.getItem(k) }],
  ]
  const out: Record<string, number> = {}
  const rows: Array<Array<string | number>> = [['store', 'get ops/s', 'set ops/s', 'get vs Map', 'get vs unstorage']]
  for (const [name, store] of stores) {
    out[`${name} get`] = await opsPerSecond(store, 'get')
    out[`${name} set`] = await opsPerSecond(store, 'set')
  }
  for (const [name] of stores) {
    const get = out[`${name} get`]
    rows.push([name, get, out[`${name} set`], `${(get / out['bare Map (awaited) get']).toFixed(2)}x`, `${(get / out['unstorage memory driver get']).toFixed(2)}x`])
  }
  table(rows)
  await kv.close()
  const d = (op: string) => (out[`dskity createKv (inmemory) ${op}`] / out[`unstorage memory driver ${op}`]).toFixed(2)
  console.log(`ratio dskity KV / raw unstorage memory: get ${d('get')}x, set ${d('set')}x`)
  return out
}

if (isMain(import.meta.url)) await benchKv()
