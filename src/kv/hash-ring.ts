/** Options of {@link HashRing}. */
export interface HashRingOptions {
  /**
   * Points each node places on the ring. More points → a more even spread and smaller moves.
   * @default 160
   */
  virtualNodes?: number
}

/**
 * A consistent-hashing ring: each node is placed at `virtualNodes` points (32-bit FNV-1a of
 * `${node}#${i}`, then a murmur3 finaliser for avalanche); a key belongs to the first point at or
 * after its own hash. Adding or removing one of N nodes moves only ~1/N of the keys. Lookups are a
 * binary search. Deterministic: the same nodes give the same placement in every process.
 *
 * @example
 * const ring = new HashRing(['a', 'b', 'c'])
 * ring.getNode('user:42') // 'b'
 */
export class HashRing {
  readonly virtualNodes: number
  readonly #nodes = new Set<string>()
  #points: Uint32Array = new Uint32Array(0)
  #owners: string[] = []

  constructor(nodes: Iterable<string> = [], options: HashRingOptions = {}) {
    const virtualNodes = options.virtualNodes ?? 160
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
      throw new RangeError(`[dskity] kv.ring.virtualNodes must be a positive integer, got ${virtualNodes}.`)
    }
    this.virtualNodes = virtualNodes
    for (const node of nodes) this.#nodes.add(node)
    this.#rebuild()
  }

  /** The nodes on the ring, in insertion order. */
  get nodes(): string[] {
    return [...this.#nodes]
  }

  /** Adds a node (no-op when present). */
  addNode(node: string): this {
    if (!this.#nodes.has(node)) {
      this.#nodes.add(node)
      this.#rebuild()
    }
    return this
  }

  /** Removes a node (no-op when absent); only its keys move to other nodes. */
  removeNode(node: string): this {
    if (this.#nodes.delete(node)) this.#rebuild()
    return this
  }

  /** The node that owns `key`. Throws when the ring is empty. */
  getNode(key: string): string {
    if (this.#points.length === 0) throw new Error('[dskity] the hash ring has no nodes: configure kv.ring.nodes.')
    const hash = hash32(key)
    const points = this.#points
    let lo = 0
    let hi = points.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (points[mid] < hash) lo = mid + 1
      else hi = mid
    }
    return this.#owners[lo === points.length ? 0 : lo]
  }

  #rebuild(): void {
    const placed: { point: number; node: string }[] = []
    for (const node of this.#nodes) {
      for (let i = 0; i < this.virtualNodes; i++) placed.push({ point: hash32(`${node}#${i}`), node })
    }
    // Ties (rare) are broken by node name so every process builds the same ring.
    placed.sort((a, b) => a.point - b.point || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    this.#points = Uint32Array.from(placed, (p) => p.point)
    this.#owners = placed.map((p) => p.node)
  }
}

/** 32-bit FNV-1a over the UTF-16 code units of `input`, with murmur3's fmix32 finaliser. */
export function hash32(input: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
