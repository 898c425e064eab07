import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, vi } from 'vitest'
import { createTestApp, createTestClient, createTestSettings, type TestApp } from 'dskity/testing'
import type { DskityConfig } from 'dskity'
import { prepareApp } from '../../src/cli/prepare.ts'
import { mergeLayers } from '../../src/config/normalize.ts'
import { createRuntimeFromConfig, startDskityServer, type RunningServer } from '../../src/runtime/server.ts'

/** The HTTP-layer fixture service. */
export const FIXTURE = fileURLToPath(new URL('../fixtures/http-app', import.meta.url))

const open: Array<{ close(): Promise<void> }> = []
afterAll(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()))
})

/** The fixture in-process (dev mode, as `createTestApp` runs it), closed after the file. */
export async function fixtureApp(settings: DskityConfig = {}): Promise<TestApp & { client: ReturnType<typeof createTestClient> }> {
  const app = await createTestApp({ rootDir: FIXTURE, settings })
  open.push(app)
  return { ...app, client: createTestClient({ app }) }
}

/** The fixture in production mode (`dev: false`), in-process. */
export async function prodApp(settings: DskityConfig = {}) {
  const prepared = await prepareApp({ dir: FIXTURE, env: {} })
  const config = mergeLayers(settings, createTestSettings(), prepared.fileConfig)
  const runtime = await createRuntimeFromConfig({ manifest: prepared.manifest, load: (f) => prepared.loader.load(f), config, env: {}, dev: false })
  await runtime.start()
  open.push({ close: () => runtime.stop() })
  return { runtime, client: createTestClient({ app: runtime }) }
}

/** The fixture behind a real node:http server on a free loopback port (production mode). */
export async function fixtureServer(settings: DskityConfig = {}, host = '127.0.0.1'): Promise<RunningServer> {
  const prepared = await prepareApp({ dir: FIXTURE, env: {} })
  const config = mergeLayers(settings, createTestSettings(), prepared.fileConfig)
  const server = await startDskityServer({ manifest: prepared.manifest, load: (f) => prepared.loader.load(f), config, env: {}, host, port: 0, dev: false })
  open.push(server)
  return server
}

/** Sends raw bytes over a socket and resolves with the raw response once the server closes or `until` matches. */
export function rawRequest(url: string, bytes: string | Buffer, until = /\r\n\r\n[\s\S]*\}$/): Promise<string> {
  const { port, hostname } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let data = ''
    const done = () => (socket.destroy(), resolve(data))
    socket.on('data', (chunk) => ((data += chunk.toString('latin1')), until.test(data) && done()))
    socket.on('end', done)
    socket.on('error', reject)
    socket.write(bytes)
  })
}

/** A request over a real socket with node:http (chunked bodies, HEAD, streaming). */
export function send(url: string, opts: { method?: string; headers?: Record<string, string>; chunks?: Array<string | Buffer> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    for (const chunk of opts.chunks ?? []) req.write(chunk)
    req.end()
  })
}

/** Captures every line written to stdout while `fn` runs (the loggers write there). */
export async function captureStdout(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true))
  try {
    await fn()
    await new Promise((r) => setTimeout(r, 20))
  } finally {
    spy.mockRestore()
  }
  return lines.join('').split('\n').filter(Boolean)
}

/** JSON log records among captured lines. */
export function jsonRecords(lines: string[]): Array<Record<string, unknown>> {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** Asserts an RFC 9457 problem response whose `status` matches the HTTP status. */
export function expectProblem(res: { status: number; headers: Headers | Record<string, unknown>; body?: unknown; text?: string }, status: number): Record<string, unknown> {
  const type = res.headers instanceof Headers ? res.headers.get('content-type') : res.headers['content-type']
  expect(res.status).toBe(status)
  expect(type).toMatch(/^application\/problem\+json/)
  const body = (typeof res.body === 'object' && res.body ? res.body : JSON.parse(res.text ?? '')) as Record<string, unknown>
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), request_id: expect.any(String) })
  const requestId = res.headers instanceof Headers ? res.headers.get('x-request-id') : res.headers['x-request-id']
  expect(body.request_id).toBe(requestId)
  return body
}
