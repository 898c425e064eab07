import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient, type HttpClient } from '../../src/clients/http-client.ts'

const defaults = { timeoutSeconds: 5, maxConnections: 4, maxKeepaliveConnections: 4 }

let server: Server
let base: string
let sockets = 0
const timers = new Set<NodeJS.Timeout>()

function handle(req: IncomingMessage, res: ServerResponse) {
  if (req.url === '/slow') {
    const t = setTimeout(() => res.end('late'), 2_000)
    timers.add(t)
    res.on('close', () => clearTimeout(t))
    return
  }
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ requestId: req.headers['x-request-id'] ?? null }))
}

beforeAll(async () => {
  server = createServer(handle).on('connection', () => sockets++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const t of timers) clearTimeout(t)
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function withClient<T>(opts: Partial<typeof defaults>, fn: (client: HttpClient) => Promise<T>, ctx = {}) {
  const client = createHttpClient({ ...defaults, ...opts }, ctx)
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}

describe('createHttpClient', () => {
  it('enforces timeoutSeconds on the whole call (no silent retry)', async () => {
    await withClient({ timeoutSeconds: 0.3 }, async (client) => {
      const started = performance.now()
      await expect(client(`${base}/slow`)).rejects.toThrow(/timeout/i)
      const elapsed = performance.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(1_000)
    })
  })

  it('reuses keep-alive connections (sockets counted on the server)', async () => {
    await withClient({}, async (client) => {
      const before = sockets
      for (let i = 0; i < 20; i++) await client(`${base}/json`)
      // undici may open a second socket when the next call is dispatched before the first socket
      // is marked idle; after that the two alternate. 20 calls on ≤ 2 sockets = reuse.
      expect(sockets - before).toBeGreaterThanOrEqual(1)
      expect(sockets - before).toBeLessThanOrEqual(2)
      await Promise.all(Array.from({ length: 40 }, () => client(`${base}/json`)))
      // 40 concurrent calls share the pool: never more than maxConnections sockets.
      expect(sockets - before).toBeLessThanOrEqual(defaults.maxConnections)
    })
  })

  it('opens a socket per call when maxKeepaliveConnections is 0', async () => {
    await withClient({ maxKeepaliveConnections: 0 }, async (client) => {
      const before = sockets
      for (let i = 0; i < 3; i++) await client(`${base}/json`)
      expect(sockets - before).toBe(3)
    })
  })

  it('forwards X-Request-Id unless the caller set one', async () => {
    let current: string | undefined = 'req-1'
    await withClient(
      {},
      async (client) => {
        expect(await client(`${base}/json`)).toEqual({ requestId: 'req-1' })
        expect(await client(`${base}/json`, { headers: { 'X-Request-Id': 'mine' } })).toEqual({ requestId: 'mine' })
        // A caller's own onRequest hook does not drop the header.
        expect(await client(`${base}/json`, { onRequest: () => {} })).toEqual({ requestId: 'req-1' })
        current = undefined
        expect(await client(`${base}/json`)).toEqual({ requestId: null })
      },
      { getRequestId: () => current },
    )
  })

  it('fails every request after close(), and close() is idempotent', async () => {
    const client = createHttpClient(defaults)
    await client(`${base}/json`)
    await client.close()
    await client.close()
    await expect(client(`${base}/json`)).rejects.toThrow(/HTTP client is closed/)
  })
})
