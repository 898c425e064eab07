import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import type { DskityOptions } from '../config/schema.ts'
import type { Logger } from './logger.ts'

/** Config of the shared gRPC server (`common.grpc`). */
export type GrpcOptions = DskityOptions['common']['grpc']
/** Options passed to `@grpc/proto-loader`. */
export type ProtoLoadOptions = protoLoader.Options

/** The gRPC wrapper every module gets: one server, a cached proto loader, a client factory. */
export interface GrpcClients {
  /** Loads (once per path + options) a `.proto` file into a gRPC package object. */
  loadProto(protoPath: string, options?: ProtoLoadOptions): grpc.GrpcObject
  /** Adds a service (`'greeter.Greeter'`) from a `.proto` to the shared server. */
  addService(protoPath: string, serviceName: string, implementation: grpc.UntypedServiceImplementation): void
  /** Binds `host:port` (insecure) and resolves to the bound port; repeated calls return it again. */
  start(): Promise<number>
  /** A client for `serviceName` at `address` (`host:port`), cached and closed by `close()`. */
  client<T = grpc.Client>(protoPath: string, serviceName: string, address: string): T
  /** Lets in-flight calls finish for up to `graceMs`, then cancels the rest; closes clients. */
  close(graceMs: number): Promise<void>
  /** The underlying grpc-js server. */
  readonly server: grpc.Server
}

/** proto-loader options matching the usual grpc-js examples: field names as written, enums as strings. */
const DEFAULT_PROTO_OPTIONS: ProtoLoadOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }

/**
 * Creates the shared gRPC server and client factory (plaintext credentials; put TLS in front).
 *
 * @example
 * const grpc = createGrpcClients(options.common.grpc, { logger })
 * grpc.addService('protos/greeter.proto', 'greeter.Greeter', {
 *   sayHello: (call, callback) => callback(null, { message: `Hello ${call.request.name}` }),
 * })
 * const port = await grpc.start()
 * const greeter = grpc.client<GreeterClient>('protos/greeter.proto', 'greeter.Greeter', `127.0.0.1:${port}`)
 * await grpc.close(5_000)
 */
export function createGrpcClients(opts: GrpcOptions, ctx: { logger: Logger }): GrpcClients {
  const server = new grpc.Server()
  const protos = new Map<string, grpc.GrpcObject>()
  const clients = new Map<string, grpc.Client>()
  let starting: Promise<number> | undefined
  let closing: Promise<void> | undefined

  const loadProto = (protoPath: string, options?: ProtoLoadOptions) => {
    const key = `${protoPath}\u0000${JSON.stringify(options ?? {})}`
    let loaded = protos.get(key)
    if (!loaded) {
      try {
        const definition = protoLoader.loadSync(protoPath, { ...DEFAULT_PROTO_OPTIONS, ...options })
        loaded = grpc.loadPackageDefinition(definition)
      } catch (error) {
        throw new Error(`[dskity] cannot load the gRPC proto file ${protoPath}: ${(error as Error).message}; check the path (relative to the working directory) and its imports`, { cause: error })
      }
      protos.set(key, loaded)
    }
    return loaded
  }

  const lookup = (protoPath: string, serviceName: string): grpc.ServiceClientConstructor => {
    let node: unknown = loadProto(protoPath)
    for (const part of serviceName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part]
    if (typeof node !== 'function' || !('service' in node)) {
      throw new Error(`[dskity] service \`${serviceName}\` not found in ${protoPath}; use the full name \`<package>.<Service>\` as declared in the file`)
    }
    return node as grpc.ServiceClientConstructor
  }

  return {
    loadProto,
    addService(protoPath, serviceName, implementation) {
      server.addService(lookup(protoPath, serviceName).service, implementation)
    },
    start: () =>
      (starting ??= new Promise<number>((resolve, reject) => {
        const address = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) => {
          if (error) return reject(new Error(`[dskity] gRPC server cannot bind ${address}: ${error.message}; choose another common.grpc.port or stop the process using it`, { cause: error }))
          ctx.logger.info(`[dskity] gRPC server listening on ${opts.host}:${port}`)
          resolve(port)
        })
      })),
    client<T = grpc.Client>(protoPath: string, serviceName: string, address: string): T {
      if (closing) throw new Error(`[dskity] gRPC is closed; cannot create a client for \`${serviceName}\``)
      const key = `${protoPath}\u0000${serviceName}\u0000${address}`
      let client = clients.get(key)
      if (!client) {
        const Ctor = lookup(protoPath, serviceName)
        clients.set(key, (client = new Ctor(address, grpc.credentials.createInsecure())))
      }
      return client as T
    },
    close: (graceMs) =>
      (closing ??= (async () => {
        if (starting) await starting.catch(() => {})
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ctx.logger.warn(`[dskity] gRPC calls still running after ${graceMs} ms; cancelling them`)
            server.forceShutdown()
            resolve()
          }, graceMs)
          server.tryShutdown(() => {
            clearTimeout(timer)
            resolve()
          })
        })
        for (const client of clients.values()) client.close()
        clients.clear()
      })()),
    server,
  }
}
