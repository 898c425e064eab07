import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { KvHandle } from '../../src/kv/create-kv.ts'

/** What a contract run needs from the backend under test. */
export interface KvContractContext {
  /** The `kv.defaultTtlSeconds` the factory must configure (the `'default'` TTL test relies on it). */
  defaultTtlSeconds: number
}

/** Extra, backend-specific tests run inside the same `describe`, with the same handle. */
export type KvContractExtras = (handle: () => KvHandle) => void

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The KV contract every backend passes (SPEC §4), in the style of unstorage's `testDriver`: one
 * suite, run once per backend. `factory` returns a fresh, empty store configured with
 * `ctx.defaultTtlSeconds`; the suite clears it between tests and closes it at the end.
 */
export function describeKvContract(
  name: string,
  factory: (ctx: KvContractContext) => KvHandle | Promise<KvHandle>,
  extras?: KvContractExtras,
): void {
  describe(`KV contract: ${name}`, () => {
    let handle: KvHandle
    const kv = () => handle.storage

    beforeAll(async () => {
      handle = await factory({ defaultTtlSeconds: 1 })
      await handle.probe()
    })
    beforeEach(async () => {
      await kv().clear()
    })
    afterAll(async () => {
      await handle?.storage.clear()
      await handle?.close()
    })

    it('starts empty', async () => {
      expect(await kv().getKeys()).toEqual([])
      expect(await kv().hasItem('missing')).toBe(false)
      expect(await kv().getItem('missing')).toBeNull()
    })

    it('sets, gets, has and removes', async () => {
      await kv().setItem('s1:a', 'test_data')
      expect(await kv().hasItem('s1:a')).toBe(true)
      expect(await kv().getItem('s1:a')).toBe('test_data')
      await kv().removeItem('s1:a')
      expect(await kv().hasItem('s1:a')).toBe(false)
      expect(await kv().getItem('s1:a')).toBeNull()
    })

    it('round-trips strings, numbers, booleans, objects and arrays', async () => {
      const values: Record<string, string | number | boolean | object> = {
        str: 'héllo "wörld" \n\t✓',
        num: 42.5,
        zero: 0,
        bool: false,
        obj: { a: 1, nested: { b: [1, 'two', null] } },
        arr: [1, 2, 3],
      }
      for (const [key, value] of Object.entries(values)) await kv().setItem(`types:${key}`, value)
      for (const [key, value] of Object.entries(values)) expect(await kv().getItem(`types:${key}`)).toEqual(value)
    })

    it('lists keys, also under a base', async () => {
      await kv().setItem('list:a', 1)
      await kv().setItem('list:sub:b', 2)
      await kv().setItem('other:c', 3)
      expect((await kv().getKeys()).sort()).toEqual(['list:a', 'list:sub:b', 'other:c'])
      expect((await kv().getKeys('list')).sort()).toEqual(['list:a', 'list:sub:b'])
      expect((await kv().getKeys('list:sub')).sort()).toEqual(['list:sub:b'])
    })

    it('clears everything, or only a base', async () => {
      await kv().setItem('keep:a', 1)
      await kv().setItem('drop:a', 1)
      await kv().setItem('drop:b:c', 1)
      await kv().clear('drop')
      expect(await kv().getKeys()).toEqual(['keep:a'])
      await kv().clear()
      expect(await kv().getKeys()).toEqual([])
    })

    it('round-trips keys with separators and special characters exactly', async () => {
      // unstorage itself maps `/` and `\` to `:` and drops what follows `?`: these are the keys a driver sees.
      const keys = ['a:b:c', 'with space:x', 'pct%25:y', 'hash#frag', 'amp&eq=1', 'ünïcödé:✓', 'dots:..x:.y', 'plus+tilde~']
      for (const [i, key] of keys.entries()) await kv().setItem(key, i)
      expect((await kv().getKeys()).sort()).toEqual([...keys].sort())
      for (const [i, key] of keys.entries()) expect(await kv().getItem(key)).toBe(i)
    })

    it('never lets two distinct keys collide', async () => {
      const keys = ['x:a%3Ab', 'x:a:b', 'x:a%2Fb', 'x:a b', 'x:a+b', 'x:a%20b', 'x:A:b']
      for (const [i, key] of keys.entries()) await kv().setItem(key, `v${i}`)
      for (const [i, key] of keys.entries()) expect(await kv().getItem(key)).toBe(`v${i}`)
      expect(await kv().getKeys('x')).toHaveLength(keys.length)
    })

    it('expires a key after its ttl: never returned by get, has or keys', async () => {
      await kv().setItem('ttl:short', 'soon gone', { ttl: 1 })
      await kv().setItem('ttl:forever', 'stays')
      expect(await kv().getItem('ttl:short')).toBe('soon gone')
      expect((await kv().getKeys('ttl')).sort()).toEqual(['ttl:forever', 'ttl:short'])
      await sleep(1200)
      expect(await kv().getItem('ttl:short')).toBeNull()
      expect(await kv().hasItem('ttl:short')).toBe(false)
      expect(await kv().getKeys('ttl')).toEqual(['ttl:forever'])
    })

    it("applies kv.defaultTtlSeconds to { ttl: 'default' }", async () => {
      await kv().setItem('ttl:default', 'x', { ttl: 'default' })
      expect(await kv().getItem('ttl:default')).toBe('x')
      await sleep(1200)
      expect(await kv().getItem('ttl:default')).toBeNull()
      expect(await kv().getKeys('ttl')).toEqual([])
    })

    it('keeps a key without ttl (no silent data loss)', async () => {
      await kv().setItem('ttl:none', 'kept')
      await sleep(1200)
      expect(await kv().getItem('ttl:none')).toBe('kept')
    })

    it('rewriting a key without ttl removes its expiry', async () => {
      await kv().setItem('ttl:rewrite', 'first', { ttl: 1 })
      await kv().setItem('ttl:rewrite', 'second')
      await sleep(1200)
      expect(await kv().getItem('ttl:rewrite')).toBe('second')
    })

    it('rejects an invalid ttl with a clear error', async () => {
      await expect(kv().setItem('ttl:bad', 'x', { ttl: -5 })).rejects.toThrow(/invalid ttl -5 for KV key `ttl:bad`/)
      await expect(kv().setItem('ttl:bad', 'x', { ttl: 'soon' })).rejects.toThrow(/positive number of seconds/)
      expect(await kv().hasItem('ttl:bad')).toBe(false)
    })

    extras?.(() => handle)
  })
}
