import { defineEventHandler, getQuery, ProblemDetail, useClients } from 'dskity'
import { GREETER_PROTO, GREETER_SERVICE, type GreeterClient, type HelloReply } from '../greeter'

/**
 * GET /greeter/hello?name=Ada — calls this service's own `playground.Greeter/SayHello` over
 * loopback through the shared client factory (a stand-in for calling another service's gRPC API).
 */
export default defineEventHandler(async (event) => {
  const { grpc } = useClients(event)
  if (!grpc) throw new ProblemDetail({ status: 503, title: 'gRPC disabled', detail: 'gRPC is off: set common.grpc.enabled=true (e.g. --config profiles/grpc.yaml)' })
  const port = await grpc.start() // already started: resolves to the bound port
  const client = grpc.client<GreeterClient>(GREETER_PROTO, GREETER_SERVICE, `127.0.0.1:${port}`)
  const name = String(getQuery(event).name ?? '')
  const reply = await new Promise<HelloReply>((resolve, reject) => {
    client.SayHello({ name }, (error, res) => (error ? reject(new ProblemDetail({ status: 502, title: 'gRPC call failed', detail: error.message })) : resolve(res!)))
  })
  return reply
})
