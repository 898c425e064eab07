import { defineEventHandler, setResponseHeader } from 'dskity'
import { PRODUCTS } from '../products'

/**
 * GET /catalog/export — every product as NDJSON, one line each, streamed: a handler may return a
 * web `ReadableStream` (or a Node `Readable`, a `Buffer`, a `Response`) instead of a plain value.
 */
export default defineEventHandler((event) => {
  setResponseHeader(event, 'Content-Type', 'application/x-ndjson')
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const product of PRODUCTS) controller.enqueue(encoder.encode(JSON.stringify(product) + '\n'))
      controller.close()
    },
  })
})
