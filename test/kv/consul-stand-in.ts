/**
 * A STAND-IN for Consul's HTTP KV API, for tests only. No Consul server can be installed in this
 * environment, so the Consul driver is tested against this small node:http server that implements
 * the documented subset the driver uses (https://developer.hashicorp.com/consul/api-docs/kv):
 *
 * - `GET /v1/kv/<key>` → `[{ Key, Value (base64 | null), Flags, CreateIndex, ModifyIndex, LockIndex }]` or 404
 * - `GET /v1/kv/<prefix>?recurse` → every entry whose key starts with prefix, sorted, or 404
 * - `GET /v1/kv/<prefix>?keys[&separator=/]` → key names; `GET /v1/kv/<key>?raw` → the raw value
 * - `PUT /v1/kv/<key>[?flags=N][&cas=N]` (body = value) → `true` | `false`
 * - `DELETE /v1/kv/<key>[?recurse][&cas=N]` → `true` | `false`
 * - `X-Consul-Token`: when the stand-in has a token, any other token gets 403 "Permission denied"
 *
 * Like Consul (Go's net/http), the key is the *decoded* URL path after `/v1/kv/`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One stored KV pair. */
export interface StandInEntry {
  value: Buffer
  flags: number
  createIndex: number
  modifyIndex: number
}

/** A running stand-in. */
export interface ConsulStandIn {
  url: string
  /** The raw store, keyed by Consul key, for white-box assertions. */
  entries: Map<string, StandInEntry>
  /** Number of requests served. */
  requests: () => number
  close(): Promise<void>
}

/** Starts a Consul KV stand-in on a random local port. */
export async function startConsulStandIn(options: { token?: string } = {}): Promise<ConsulStandIn> {
  const entries = new Map<string, StandInEntry>()
  let index = 1
  let served = 0

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    served++
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type })
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))
    }
    if (options.token && req.headers['x-consul-token'] !== options.token) return send(403, 'Permission denied', 'text/plain')
    if (!url.pathname.startsWith('/v1/kv/')) return send(404, 'Not found', 'text/plain')
    const key = decodeURIComponent(url.pathname.slice('/v1/kv/'.length))
    const q = url.searchParams
    const cas = q.has('cas') ? Number(q.get('cas')) : undefined
    const casOk = (entry: StandInEntry | undefined) => cas === undefined || (cas === 0 ? !entry : entry?.modifyIndex === cas)

    if (req.method === 'GET') {
      const matches = q.has('recurse') || q.has('keys') ? [...entries.keys()].filter((k) => k.startsWith(key)).sort() : entries.has(key) ? [key] : []
      if (matches.length === 0) return send(404, '')
      if (q.has('keys')) {
        const separator = q.get('separator')
        const names = new Set(
          matches.map((k) => {
            const cut = separator ? k.indexOf(separator, key.length) : -1
            return cut === -1 ? k : k.slice(0, cut + separator!.length)
          }),
        )
        return send(200, [...names])
      }
      if (q.has('raw')) return send(200, entries.get(matches[0])!.value, 'application/octet-stream')
      return send(
        200,
        matches.map((k) => {
          const e = entries.get(k)!
          const value = e.value.length > 0 ? e.value.toString('base64') : null
          return { Key: k, Value: value, Flags: e.flags, CreateIndex: e.createIndex, ModifyIndex: e.modifyIndex, LockIndex: 0 }
        }),
      )
    }
    if (req.method === 'PUT') {
      if (!key) return send(400, 'Missing key name', 'text/plain')
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const existing = entries.get(key)
      if (!casOk(existing)) return send(200, false)
      index++
      const flags = Number(q.get('flags') ?? 0)
      entries.set(key, { value: Buffer.concat(chunks), flags, createIndex: existing?.createIndex ?? index, modifyIndex: index })
      return send(200, true)
    }
    if (req.method === 'DELETE') {
      if (q.has('recurse')) {
        for (const k of [...entries.keys()]) if (k.startsWith(key)) entries.delete(k)
        return send(200, true)
      }
      if (!casOk(entries.get(key))) return send(200, false)
      entries.delete(key)
      return send(200, true)
    }
    return send(405, 'Method not allowed', 'text/plain')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500)
      res.end(error.message)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    entries,
    requests: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
