import { readBody as h3ReadBody, readRawBody, type H3Event } from 'h3'
import { ProblemDetail } from './problem.ts'

const RAW_BODY = Symbol.for('h3RawBody')
const LIMITED = Symbol.for('dskity.bodyLimited')

/**
 * Puts a size limit in front of every h3 body reader (`readBody`, `readRawBody`,
 * `readMultipartFormData`…): the body is read lazily, counted while it streams, and a 413 problem
 * is thrown the moment it passes `maxBytes` — it is never buffered whole first.
 */
export function limitRequestBody(event: H3Event, maxBytes: number): void {
  const req = event.node.req as unknown as Record<symbol, unknown>
  if (req[LIMITED]) return
  req[LIMITED] = true
  const webBody = (event as unknown as { _requestBody?: unknown })._requestBody
  let pending: Promise<Buffer> | undefined
  const lazy = { then: (ok: (b: Buffer) => unknown, fail: (e: unknown) => unknown) => (pending ??= readLimited(webBody ?? event.node.req, maxBytes)).then(ok, fail) }
  if (webBody) (event as unknown as { _requestBody?: unknown })._requestBody = lazy
  else req[RAW_BODY] = lazy
}

/**
 * Reads the request body. Only JSON content types (`application/json`, `*+json`) are parsed as
 * JSON, strictly: broken or empty JSON is a 400 problem (the handler never gets a raw string), and
 * `__proto__` keys are dropped. `application/x-www-form-urlencoded` becomes an object; every other
 * type (text, multipart, none) is returned as the raw text, never parsed — so a page on another
 * site cannot post JSON through a CORS-safelisted type. Bodies over `common.http.maxBodyBytes` → 413;
 * a compressed body (`Content-Encoding` other than `identity`) → 415 with `Accept-Encoding: identity`.
 *
 * @example const order = await readBody<{ quantity: number }>(event)
 */
export async function readBody<T = unknown>(event: H3Event): Promise<T> {
  const encoding = event.node.req.headers['content-encoding']
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    // RFC 9110 §15.5.16: 415 for a content coding the server does not decode, naming what it accepts.
    throw new ProblemDetail({ status: 415, title: 'Unsupported Media Type', detail: `Content-Encoding \`${encoding}\` is not supported; send the body uncompressed.` }, { 'Accept-Encoding': 'identity' })
  }
  const type = String(event.node.req.headers['content-type'] ?? '').toLowerCase()
  if (type.startsWith('application/x-www-form-urlencoded')) return (await h3ReadBody(event)) as T
  const raw = await readRawBody(event, 'utf8')
  if (!/^application\/([\w.-]+\+)?json\s*(;|$)/.test(type)) return raw as T
  if (!raw || raw.trim() === '') {
    throw new ProblemDetail({ status: 400, title: 'Bad Request', detail: 'The request body is empty; expected JSON.' })
  }
  try {
    return JSON.parse(raw, (key, value) => (key === '__proto__' ? undefined : value)) as T
  } catch (error) {
    throw new ProblemDetail({ status: 400, title: 'Bad Request', detail: `The request body is not valid JSON: ${(error as Error).message}` })
  }
}

// --- internal ---

function readLimited(source: unknown, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new ProblemDetail({ status: 413, title: 'Content Too Large', detail: `The request body exceeds ${maxBytes} bytes.` })
  if (Buffer.isBuffer(source)) return source.length > maxBytes ? Promise.reject(tooLarge()) : Promise.resolve(source)
  if (typeof source === 'string') return readLimited(Buffer.from(source), maxBytes)
  if (source && typeof (source as ReadableStream).getReader === 'function') {
    return (async () => {
      const reader = (source as ReadableStream<Uint8Array>).getReader()
      const chunks: Buffer[] = []
      let size = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return Buffer.concat(chunks)
        size += value.length
        if (size > maxBytes) {
          await reader.cancel().catch(() => {})
          throw tooLarge()
        }
        chunks.push(Buffer.from(value))
      }
    })()
  }
  const stream = source as NodeJS.ReadableStream
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      // Stop keeping the body but let it drain, so the 413 response can still be written.
      stream.removeListener('data', onData)
      stream.removeListener('end', onEnd)
      stream.resume()
      chunks.length = 0
      reject(tooLarge())
    }
    const onEnd = () => resolve(Buffer.concat(chunks))
    stream.on('data', onData)
    stream.once('end', onEnd)
    // A client that hangs up mid-body caused the failure: a 400, never a 500.
    stream.once('error', (error: Error) => reject(new ProblemDetail({ status: 400, title: 'Bad Request', detail: `The request body could not be read: ${error.message}.` })))
  })
}
