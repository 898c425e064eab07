import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GreeterClient, HelloReply } from '../../playground/modules/greeter/greeter.ts'
import { freePort, startHost, type RunningHost } from './hosts.ts'

// The playground's greeter module on the shared gRPC server, called by a plain @grpc/grpc-js client
// (not dskity's factory) over loopback.
const PLAYGROUND = fileURLToPath(new URL('../../playground', import.meta.url))
const PROTO = fileURLToPath(new URL('../../playground/modules/greeter/greeter.proto', import.meta.url))

function greeterClient(port: number): GreeterClient {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { keepCase: true, defaults: true })) as unknown as { playground: { Greeter: grpc.ServiceClientConstructor } }
  return new pkg.playground.Greeter(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as GreeterClient
}
const sayHello = (client: GreeterClient, name: string) =>
  new Promise<HelloReply>((resolve, reject) => client.SayHello({ name }, (error, reply) => (error ? reject(error) : resolve(reply!))))

describe('playground gRPC greeter (in-process host)', () => {
  let host: RunningHost
  let client: GreeterClient
  let port: number
  beforeAll(async () => {
    port = await freePort()
    host = await startHost('in-process', PLAYGROUND, { DSKITY_COMMON__GRPC__ENABLED: 'true', DSKITY_COMMON__GRPC__HOST: '127.0.0.1', DSKITY_COMMON__GRPC__PORT: String(port), DSKITY_COMMON__LOGGING__LEVEL: 'warn' })
    client = greeterClient(port)
  }, 60_000)
  afterAll(async () => {
    client?.close()
    expect(await host.stop()).toBe(0)
  })

  it('answers the unary SayHello', async () => {
    expect(await sayHello(client, 'Ada')).toEqual({ message: 'Hello, Ada!' })
    expect(await sayHello(client, '')).toEqual({ message: 'Hello, world!' })
  })

  it('streams StreamGreetings, one message per greeting', async () => {
    const messages: string[] = []
    for await (const reply of client.StreamGreetings({ name: 'Bob', count: 4 })) messages.push((reply as HelloReply).message)
    expect(messages).toEqual(['Hello, Bob! (1/4)', 'Hello, Bob! (2/4)', 'Hello, Bob! (3/4)', 'Hello, Bob! (4/4)'])
  })

  it('the HTTP route calls the same service through the shared client factory', async () => {
    const res = await fetch(`${host.url}/greeter/hello?name=Cy`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ message: 'Hello, Cy!' })
  })

  it('a stream in flight at SIGTERM completes, then the process exits 0', async () => {
    const messages: string[] = []
    const stream = client.StreamGreetings({ name: 'Late', count: 10 }) // ~20 ms apart: ~180 ms in all
    const done = (async () => {
      for await (const reply of stream) messages.push((reply as HelloReply).message)
    })()
    await new Promise((r) => setTimeout(r, 50))
    host.proc.kill('SIGTERM')
    await done
    expect(messages).toHaveLength(10)
    expect(await host.exited).toBe(0)
  })
})

describe('playground gRPC greeter, gRPC off (the default)', () => {
  it('starts, and the HTTP route answers 503 naming common.grpc.enabled', async () => {
    const host = await startHost('in-process', PLAYGROUND, { DSKITY_COMMON__LOGGING__LEVEL: 'warn' })
    try {
      const res = await fetch(`${host.url}/greeter/hello?name=Ada`)
      expect(res.status).toBe(503)
      expect(((await res.json()) as { detail: string }).detail).toMatch(/common\.grpc\.enabled/)
    } finally {
      expect(await host.stop()).toBe(0)
    }
  })
})
