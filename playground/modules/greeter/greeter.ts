import { fileURLToPath } from 'node:url'
import type { Client, ClientReadableStream, sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js'

/**
 * `greeter.proto`, found next to this module's files at run time (not bundled: proto-loader reads
 * it from disk).
 */
export const GREETER_PROTO = fileURLToPath(new URL('./greeter.proto', import.meta.url))
export const GREETER_SERVICE = 'playground.Greeter'

export interface HelloRequest {
  name: string
}
export interface StreamRequest {
  name: string
  count: number
}
export interface HelloReply {
  message: string
}

/** A typed client of `playground.Greeter` (what `grpc.client(GREETER_PROTO, GREETER_SERVICE, address)` returns). */
export interface GreeterClient extends Client {
  SayHello(request: HelloRequest, callback: (error: ServiceError | null, reply?: HelloReply) => void): unknown
  StreamGreetings(request: StreamRequest): ClientReadableStream<HelloReply>
}

const MAX_STREAM = 20
const greet = (name: string) => `Hello, ${name.trim() || 'world'}!`

/** The server side of `playground.Greeter`. */
export const greeterService: UntypedServiceImplementation = {
  SayHello(call: ServerUnaryCall<HelloRequest, HelloReply>, callback: sendUnaryData<HelloReply>) {
    callback(null, { message: greet(call.request.name) })
  },
  async StreamGreetings(call: ServerWritableStream<StreamRequest, HelloReply>) {
    const count = Math.min(call.request.count > 0 ? call.request.count : 3, MAX_STREAM)
    for (let i = 1; i <= count && !call.cancelled; i++) {
      call.write({ message: `${greet(call.request.name)} (${i}/${count})` })
      // Spaced out, so the stream is visibly a stream (and graceful shutdown has a call to wait for).
      if (i < count) await new Promise((r) => setTimeout(r, 20))
    }
    call.end()
  },
}
