import { defineDriver } from 'unstorage'
import { toTtlSeconds } from './memory-driver.ts'

/** Options of {@link consulDriver}. */
export interface ConsulDriverOptions {
  /** Consul HTTP API base URL, e.g. `http://127.0.0.1:8500` (`kv.consul.url`). */
  url: string
  /** Folder in Consul's KV tree that holds every key, e.g. `dskity` (`kv.consul.keyPrefix`). */
  keyPrefix?: string
  /** ACL token sent as `X-Consul-Token` (`kv.consul.token`). */
  token?: string | null
  /**
   * Timeout of each HTTP request, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number
}

/** One entry of `GET /v1/kv/<key>` (and `?recurse`). */
interface ConsulEntry {
  Key: string
  Value: string | null
  Flags: number
  ModifyIndex: number
}

/**
 * An unstorage driver over Consul's HTTP KV API (`GET/PUT/DELETE /v1/kv/<key>`, `?recurse`).
 *
 * **Keys**: each `:`-separated segment is percent-encoded (every byte outside `A-Z a-z 0-9 - _ ~`,
 * `.` included) and segments are joined with `/`, so keys show as folders in the Consul UI, any
 * character round-trips, and two distinct keys never map to the same Consul key.
 *
 * **TTL**: Consul's KV has no expiry, so `{ ttl }` is stored in the entry's `Flags` (expiry as epoch
 * ms; 0 = never) and the value stays raw. Expired entries are never returned; they are deleted
 * (check-and-set on their `ModifyIndex`) when a read or a key listing meets them.
 *
 * @example
 * const storage = createStorage({ driver: consulDriver({ url: 'http://127.0.0.1:8500', keyPrefix: 'app' }) })
 */
export const consulDriver = defineDriver((options: ConsulDriverOptions) => {
  if (!options?.url) throw new Error('[dskity] kv.consul.url is required: set it to the Consul HTTP API URL.')
  const base = options.url.replace(/\/+$/, '')
  const shown = base.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')
  const prefix = (options.keyPrefix ?? '').split('/').filter(Boolean).join('/')
  const timeoutMs = options.timeoutMs ?? 5000

  const toConsulKey = (key: string) => (prefix ? `${prefix}/` : '') + encodeKey(key)
  const request = async (method: string, consulKey: string, query = '', body?: string) => {
    const path = consulKey.split('/').map(encodeURIComponent).join('/')
    const headers: Record<string, string> = {}
    if (options.token) headers['X-Consul-Token'] = options.token
    const response = await fetch(`${base}/v1/kv/${path}${query}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((error: Error) => {
      const reason = error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error.cause ?? error)
      throw new Error(`[dskity] Consul ${method} ${consulKey} failed: ${shown} (kv.consul.url) is unreachable: ${reason}.`, {
        cause: error,
      })
    })
    if (response.status === 404) return undefined
    if (!response.ok) {
      const hint = response.status === 403 ? ' Check kv.consul.token.' : ''
      throw new Error(`[dskity] Consul ${method} ${consulKey} failed: ${response.status} ${await response.text()}.${hint}`)
    }
    return response
  }
  const fetchEntries = async (consulKey: string, query: string): Promise<ConsulEntry[]> => {
    const response = await request('GET', consulKey, query)
    return response ? ((await response.json()) as ConsulEntry[]) : []
  }
  const expired = (entry: ConsulEntry) => entry.Flags > 0 && entry.Flags <= Date.now()
  const reap = (entry: ConsulEntry) =>
    // Check-and-set: never delete a value that was rewritten after we read it.
    request('DELETE', entry.Key, `?cas=${entry.ModifyIndex}`).catch(() => undefined)
  const readEntry = async (key: string) => {
    const [entry] = await fetchEntries(toConsulKey(key), '')
    if (!entry) return undefined
    if (expired(entry)) {
      await reap(entry)
      return undefined
    }
    return entry
  }

  return {
    name: 'dskity-consul',
    options,
    hasItem: async (key) => (await readEntry(key)) !== undefined,
    getItem: async (key) => {
      const entry = await readEntry(key)
      if (!entry) return null
      return entry.Value === null ? '' : Buffer.from(entry.Value, 'base64').toString('utf8')
    },
    setItem: async (key, value, opts) => {
      const seconds = toTtlSeconds(opts?.ttl, key)
      const flags = seconds === undefined ? 0 : Date.now() + Math.ceil(seconds * 1000)
      await request('PUT', toConsulKey(key), `?flags=${flags}`, value)
    },
    removeItem: async (key) => {
      await request('DELETE', toConsulKey(key))
    },
    getKeys: async (keyBase) => {
      const folder = prefix ? `${prefix}/` : ''
      const entries = await fetchEntries(folder + encodeBase(keyBase), '?recurse')
      const keys: string[] = []
      for (const entry of entries) {
        if (!entry.Key.startsWith(folder) || entry.Key.endsWith('/')) continue
        if (expired(entry)) void reap(entry)
        else keys.push(decodeKey(entry.Key.slice(folder.length)))
      }
      return keys
    },
    clear: async (keyBase) => {
      const target = (prefix ? `${prefix}/` : '') + encodeBase(keyBase)
      await request('DELETE', target, '?recurse')
    },
  }
})

/** Encodes an unstorage key (`:`-separated) as a Consul key path; see {@link consulDriver}. */
export function encodeKey(key: string): string {
  return key.split(':').map(encodeSegment).join('/')
}

/** Inverse of {@link encodeKey}. */
export function decodeKey(consulKey: string): string {
  return consulKey.split('/').map(decodeSegment).join(':')
}

// --- internal ---

/** A `getKeys`/`clear` base (`a:b:` or `a:b`) as a Consul folder prefix (`a/b/`). */
function encodeBase(keyBase: string | undefined): string {
  const segments = (keyBase ?? '').split(':').filter(Boolean)
  return segments.length > 0 ? `${segments.map(encodeSegment).join('/')}/` : ''
}

/** Empty segments become a lone `%` (never produced for a non-empty one) so `a::b` round-trips. */
function encodeSegment(segment: string): string {
  if (segment === '') return '%'
  return encodeURIComponent(segment).replace(/[.!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function decodeSegment(segment: string): string {
  return segment === '%' ? '' : decodeURIComponent(segment)
}
