import { inject } from 'light-my-request'
import type { TestApp } from './test-app.ts'

/** A response as the test client returns it. */
export interface TestResponse<T = unknown> {
  /** HTTP status code. */
  status: number
  /** Response headers (case-insensitive `get`). */
  headers: Headers
  /** Parsed JSON for JSON / problem+json responses, else the text. */
  body: T
  /** The raw body text. */
  text: string
}

/** Per-request options of the test client. */
export interface TestRequestOptions {
  /** Request headers. */
  headers?: Record<string, string>
  /** Query parameters, appended to the path. */
  query?: Record<string, string>
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown
}

/** Sends requests to a test app in memory. */
export interface TestClient {
  request<T = unknown>(method: string, path: string, opts?: TestRequestOptions): Promise<TestResponse<T>>
  get<T = unknown>(path: string, opts?: TestRequestOptions): Promise<TestResponse<T>>
  delete<T = unknown>(path: string, opts?: TestRequestOptions): Promise<TestResponse<T>>
  post<T = unknown>(path: string, body?: unknown, opts?: TestRequestOptions): Promise<TestResponse<T>>
  put<T = unknown>(path: string, body?: unknown, opts?: TestRequestOptions): Promise<TestResponse<T>>
  patch<T = unknown>(path: string, body?: unknown, opts?: TestRequestOptions): Promise<TestResponse<T>>
}

/**
 * A client that sends requests straight into the app's request listener — no port is opened, but
 * the full pipeline runs (request ids, problem details, metrics, hooks).
 *
 * @example const client = createTestClient({ app }); const res = await client.post('/orders', { productId: 'p1', quantity: 1 })
 */
export function createTestClient(opts: { app: Pick<TestApp, 'listener'> }): TestClient {
  const request = async <T>(method: string, path: string, o: TestRequestOptions = {}): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers }
    let payload: string | Buffer | undefined
    if (o.body !== undefined) {
      if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) payload = o.body
      else {
        payload = JSON.stringify(o.body)
        headers['content-type'] ??= 'application/json'
      }
    }
    const res = await inject(opts.app.listener as never, { method: method.toUpperCase() as 'GET', url: path, query: o.query, headers, payload })
    const responseHeaders = new Headers()
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : String(v))
    const type = responseHeaders.get('content-type') ?? ''
    let body: unknown = res.payload
    if (/json/.test(type) && res.payload) {
      try {
        body = JSON.parse(res.payload)
      } catch {
        body = res.payload
      }
    }
    return { status: res.statusCode, headers: responseHeaders, body: body as T, text: res.payload }
  }
  return {
    request,
    get: (path, o) => request('GET', path, o),
    delete: (path, o) => request('DELETE', path, o),
    post: (path, body, o) => request('POST', path, { ...o, body }),
    put: (path, body, o) => request('PUT', path, { ...o, body }),
    patch: (path, body, o) => request('PATCH', path, { ...o, body }),
  }
}
