import { defineDriver } from 'unstorage'

/** Options of {@link memoryTtlDriver}. */
export interface MemoryTtlDriverOptions {
  /**
   * Shortest delay between two sweeps of expired keys, in milliseconds. Expired keys are never
   * returned in between; the sweep only reclaims their memory.
   * @default 250
   */
  sweepIntervalMs?: number
}

/** One stored value and its absolute expiry (epoch ms; `Infinity` = never). */
interface Entry {
  value: unknown
  expiresAt: number
}

/**
 * An in-process unstorage driver with per-key TTL: `setItem(key, value, { ttl: seconds })`.
 * Expired keys are never returned by `getItem`, `hasItem` or `getKeys`, and are deleted by a sweep
 * driven by a min-heap of expiry times, so keys that expire unread do not grow the heap. The sweep
 * timer is `unref`'d and only armed while some key has a TTL.
 *
 * @example
 * const storage = createStorage({ driver: memoryTtlDriver({}) })
 * await storage.setItem('session:1', { user: 'ada' }, { ttl: 30 })
 */
export const memoryTtlDriver = defineDriver((options: MemoryTtlDriverOptions = {}) => {
  const sweepIntervalMs = options.sweepIntervalMs ?? 250
  const data = new Map<string, Entry>()
  const heap: HeapItem[] = []
  let timer: NodeJS.Timeout | undefined
  let timerAt = Infinity

  const live = (key: string): Entry | undefined => {
    const entry = data.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      data.delete(key)
      return undefined
    }
    return entry
  }

  const sweep = () => {
    timer = undefined
    timerAt = Infinity
    const now = Date.now()
    while (heap.length > 0 && heap[0].entry.expiresAt <= now) {
      const { key, entry } = heapPop(heap)
      // The heap may hold a stale item for a key that was overwritten or removed since.
      if (data.get(key) === entry) data.delete(key)
    }
    schedule()
  }

  const schedule = () => {
    if (heap.length === 0) {
      if (timer) clearTimeout(timer)
      timer = undefined
      timerAt = Infinity
      return
    }
    const at = Math.max(heap[0].entry.expiresAt, Date.now() + sweepIntervalMs)
    if (timer && timerAt <= at) return
    if (timer) clearTimeout(timer)
    timerAt = at
    timer = setTimeout(sweep, at - Date.now())
    timer.unref()
  }

  const store = (key: string, value: unknown, ttl: unknown) => {
    const seconds = toTtlSeconds(ttl, key)
    const entry: Entry = { value, expiresAt: seconds === undefined ? Infinity : Date.now() + seconds * 1000 }
    data.set(key, entry)
    if (entry.expiresAt === Infinity) return
    heapPush(heap, { key, entry })
    // Overwrites leave stale heap items behind; rebuild when they outnumber the live ones.
    if (heap.length > 2 * data.size + 1024) compact()
    schedule()
  }

  const compact = () => {
    heap.length = 0
    for (const [key, entry] of data) if (entry.expiresAt !== Infinity) heapPush(heap, { key, entry })
  }

  return {
    name: 'dskity-memory',
    options,
    getInstance: () => data,
    hasItem: (key) => live(key) !== undefined,
    getItem: (key) => (live(key)?.value ?? null) as string | null,
    getItemRaw: (key) => live(key)?.value ?? null,
    setItem: (key, value, opts) => store(key, value, opts?.ttl),
    setItemRaw: (key, value, opts) => store(key, value, opts?.ttl),
    removeItem: (key) => {
      data.delete(key)
    },
    getKeys: (base) => {
      const now = Date.now()
      const keys: string[] = []
      for (const [key, entry] of data) {
        if (entry.expiresAt > now && (!base || key.startsWith(base))) keys.push(key)
      }
      return keys
    },
    clear: (base) => {
      if (!base) data.clear()
      else for (const key of [...data.keys()]) if (key.startsWith(base)) data.delete(key)
      if (data.size === 0) heap.length = 0
      schedule()
    },
    dispose: () => {
      data.clear()
      heap.length = 0
      schedule()
    },
  }
})

/**
 * Validates a driver-level `ttl` option: `undefined`/`null` → no expiry, a positive finite number
 * → seconds. Anything else (including the unresolved `'default'`) is a caller error.
 */
export function toTtlSeconds(ttl: unknown, key: string): number | undefined {
  if (ttl === undefined || ttl === null) return undefined
  if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0) return ttl
  throw new TypeError(
    `[dskity] invalid ttl ${JSON.stringify(ttl)} for KV key \`${key}\`: use a positive number of seconds, ` +
      `'default' (kv.defaultTtlSeconds, through createKv) or no ttl for a key that never expires.`,
  )
}

// --- internal ---

interface HeapItem {
  key: string
  entry: Entry
}

function heapPush(heap: HeapItem[], item: HeapItem): void {
  heap.push(item)
  let i = heap.length - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (heap[parent].entry.expiresAt <= item.entry.expiresAt) break
    heap[i] = heap[parent]
    i = parent
  }
  heap[i] = item
}

function heapPop(heap: HeapItem[]): HeapItem {
  const top = heap[0]
  const last = heap.pop() as HeapItem
  if (heap.length === 0) return top
  let i = 0
  for (;;) {
    const left = 2 * i + 1
    if (left >= heap.length) break
    const right = left + 1
    const child = right < heap.length && heap[right].entry.expiresAt < heap[left].entry.expiresAt ? right : left
    if (heap[child].entry.expiresAt >= last.entry.expiresAt) break
    heap[i] = heap[child]
    i = child
  }
  heap[i] = last
  return top
}
