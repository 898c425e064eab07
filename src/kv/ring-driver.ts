import { defineDriver, type Driver } from 'unstorage'
import { HashRing } from './hash-ring.ts'

/** Options of {@link ringDriver}. */
export interface RingDriverOptions {
  /** The KV instances, by a stable node name (the name, not the order, decides placement). */
  nodes: Record<string, Driver>
  /**
   * Points each node places on the ring (`kv.ring.virtualNodes`).
   * @default 160
   */
  virtualNodes?: number
}

/** What `getInstance()` of a ring driver returns. */
export interface RingInstance {
  ring: HashRing
  nodes: Record<string, Driver>
}

/**
 * An unstorage driver that spreads keys over several drivers with a consistent-hashing
 * {@link HashRing}: each key lives on exactly one node, so adding or removing one of N nodes moves
 * only ~1/N of the keys. `getKeys` merges every node's keys; `clear` clears every node. TTL options
 * are passed through to the owning node.
 *
 * @example
 * const storage = createStorage({
 *   driver: ringDriver({ nodes: { a: memoryTtlDriver({}), b: memoryTtlDriver({}) } }),
 * })
 */
export const ringDriver = defineDriver((options: RingDriverOptions) => {
  const names = Object.keys(options?.nodes ?? {})
  if (names.length === 0) throw new Error('[dskity] kv.ring.nodes is empty: list at least one node (e.g. `memory:a`).')
  const ring = new HashRing(names, { virtualNodes: options.virtualNodes })
  const nodeOf = (key: string): Driver => options.nodes[ring.getNode(key)]
  const all = <T>(fn: (driver: Driver) => T | Promise<T>) => Promise.all(names.map((name) => fn(options.nodes[name])))

  return {
    name: 'dskity-ring',
    options,
    getInstance: (): RingInstance => ({ ring, nodes: options.nodes }),
    hasItem: (key, opts) => nodeOf(key).hasItem(key, opts),
    getItem: (key, opts) => nodeOf(key).getItem(key, opts),
    getItemRaw: async (key, opts) => {
      const node = nodeOf(key)
      return node.getItemRaw ? node.getItemRaw(key, opts) : node.getItem(key, opts)
    },
    setItem: async (key, value, opts) => {
      const node = nodeOf(key)
      if (!node.setItem) throw new Error(`[dskity] ring node \`${ring.getNode(key)}\` is read-only.`)
      await node.setItem(key, value, opts)
    },
    removeItem: async (key, opts) => {
      await nodeOf(key).removeItem?.(key, opts)
    },
    getKeys: async (base, opts) => [...new Set((await all((node) => node.getKeys(base, opts))).flat())],
    clear: async (base, opts) => {
      await all(async (node) => {
        if (node.clear) return node.clear(base, opts)
        const keys = await node.getKeys(base, opts)
        await Promise.all(keys.map((key) => node.removeItem?.(key, opts)))
      })
    },
    dispose: async () => {
      await all((node) => node.dispose?.())
    },
  }
})
