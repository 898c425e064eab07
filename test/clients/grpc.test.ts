import { fileURLToPath } from 'node:url'
import type * as grpc from '@grpc/grpc-js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createGrpcClients, type GrpcClients } from '../../src/clients/grpc.ts'

const proto = fileURLToPath(new URL('../fixtures/grpc/greeter.proto', import.meta.url))

interface HelloRequest {
  name: string
  count?: number
  delay_ms?: number
}
interface HelloReply {
  message: string
}
interface GreeterClient extends grpc.Client {
  SayHello(req: HelloRequest, cb: (err: grpc.ServiceError | null, res?: HelloReply) => void): grpc.ClientUnaryCall
  SayHellos(req: HelloRequest): grpc.ClientReadableStream<HelloReply>
}

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() })
const open: GrpcClients[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close(100)))
})

async function startGreeter(log = logger()) {
  const g = createGrpcClients({ enabled: true, host: '127.0.0.1', port: 0 }, { logger: log })
  open.push(g)
  g.addService(proto, 'greeter.Greeter', {
    SayHello: (call: grpc.ServerUnaryCall<HelloRequest, HelloReply>, cb: grpc.sendUnaryData<HelloReply>) => {
      setTimeout(() => cb(null, { message: `Hello ${call.request.name}` }), call.request.delay_ms ?? 0)
    },
    SayHellos: (call: grpc.ServerWritableStream<HelloRequest, HelloReply>) => {
      for (let i = 1; i <= (call.request.count ?? 0); i++) call.write({ message: `Hello ${call.request.name} #${i}` })
      call.end()
    },
  })
  const port = await g.start()
  const client = g.client<GreeterClient>(proto, 'greeter.Greeter', `127.0.0.1:${port}`)
  const hello = (req: HelloRequest) =>
    new Promise<HelloReply>((resolve, reject) => client.SayHello(req, (err, res) => (err ? reject(err) : resolve(res!))))
  return { g, port, client, hello }
}

describe('createGrpcClients', () => {
  it('serves a unary call on a loopback port chosen by the OS', async () => {
    const { g, port, hello } = await startGreeter()
    expect(port).toBeGreaterThan(0)
    expect(await g.start()).toBe(port)
    expect(await hello({ name: 'Ada' })).toEqual({ message: 'Hello Ada' })
  })

  it('serves a server-streaming call', async () => {
    const { client } = await startGreeter()
    const messages: string[] = []
    for await (const reply of client.SayHellos({ name: 'Bob', count: 3 })) messages.push((reply as HelloReply).message)
    expect(messages).toEqual(['Hello Bob #1', 'Hello Bob #2', 'Hello Bob #3'])
  })

  it('caches proto loading and clients', async () => {
    const { g, port, client } = await startGreeter()
    expect(g.loadProto(proto)).toBe(g.loadProto(proto))
    expect(g.client(proto, 'greeter.Greeter', `127.0.0.1:${port}`)).toBe(client)
  })

  it('close() lets an in-flight call finish, then refuses new calls', async () => {
    const { g, hello } = await startGreeter()
    const inFlight = hello({ name: 'Slow', delay_ms: 300 })
    await new Promise((r) => setTimeout(r, 50))
    const started = performance.now()
    await g.close(5_000)
    expect(performance.now() - started).toBeGreaterThanOrEqual(200)
    await expect(inFlight).resolves.toEqual({ message: 'Hello Slow' })
    expect(() => g.client(proto, 'greeter.Greeter', '127.0.0.1:1')).toThrow(/closed/)
  })

  it('close(graceMs) cancels calls that outlive the grace period', async () => {
    const log = logger()
    const { g, hello } = await startGreeter(log)
    const inFlight = hello({ name: 'Stuck', delay_ms: 10_000 })
    await new Promise((r) => setTimeout(r, 50))
    const started = performance.now()
    await g.close(200)
    expect(performance.now() - started).toBeLessThan(1_000)
    await expect(inFlight).rejects.toMatchObject({ code: expect.any(Number) })
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('cancelling'))
  })

  it('explains a wrong service name or proto path', () => {
    const g = createGrpcClients({ enabled: true, host: '127.0.0.1', port: 0 }, { logger: logger() })
    open.push(g)
    expect(() => g.addService(proto, 'Greeter', {})).toThrow(/full name `<package>.<Service>`/)
    expect(() => g.loadProto('/nope/missing.proto')).toThrow(/cannot load the gRPC proto file/)
  })
})
