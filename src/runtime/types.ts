import type { App } from 'h3'
import type { ConsolaInstance } from 'consola'
import type { Storage } from 'unstorage'
import type { DskityOptions } from '../config/schema.ts'
import type { EventBus } from '../clients/event-bus.ts'
import type { HttpClient } from '../clients/http-client.ts'
import type { MqttClient } from '../clients/mqtt.ts'
import type { GrpcClients } from '../clients/grpc.ts'
import type { ServiceRegistry } from '../clients/registry.ts'
import type { ServiceResolver } from '../clients/resolver.ts'

/** HTTP methods a route file name may end with (Nitro's list). */
export const ROUTE_METHODS = ['connect', 'delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace'] as const
export type RouteMethod = (typeof ROUTE_METHODS)[number]

/** One route file, as the scanner found it. Plain data. */
export interface ManifestRoute {
  /** Module that owns the route. */
  module: string
  /** Lower-case method, or `undefined` for "any method". */
  method?: RouteMethod
  /** Full path template in radix3 syntax: `/orders/:id`, `/users/**:slug`. */
  path: string
  /** Absolute path of the handler file. */
  file: string
}

/** One event listener file. */
export interface ManifestEvent {
  module: string
  /** Event name: the file name without extension (`payment.confirmed`). */
  name: string
  file: string
}

export type HookName = 'startup' | 'shutdown' | 'request' | 'response' | 'error'

export interface ManifestModule {
  name: string
  basePath: string
  dependsOn: string[]
  enabled: boolean
  /** Folder of the module. */
  dir: string
  /** Absolute path of `module.config.ts`, if the module has one. */
  configFile?: string
  routes: ManifestRoute[]
  events: ManifestEvent[]
  hooks: Partial<Record<HookName, string>>
}

/** The scanner's output: everything the runtime needs, as plain JSON. */
export interface Manifest {
  version: 1
  /** Folder of the config file (or the working directory). */
  rootDir: string
  /** Config file that was loaded, if any. */
  configFile?: string
  /** Every config file merged (the `--config` file first), for messages naming where a value came from. */
  configFiles?: string[]
  /** Enabled modules in dependency order, then disabled ones. */
  modules: ManifestModule[]
  /** Messages about the selection (e.g. targets pulling in dependencies). */
  notes: string[]
}

/** Loads a file listed in the manifest: jiti in-process, a bundled `import()` in the Nitro host. */
export type FileLoader = (file: string) => Promise<Record<string, unknown>>

/** A readiness probe: resolves when healthy, throws (or rejects) with the reason when not. */
export type ReadinessCheck = () => unknown | Promise<unknown>

/** What every module gets (SPEC §3). */
export interface TransportClients<Settings = unknown> {
  /** The running h3 app, to add routes or middleware imperatively. */
  http: App
  /** In-process async event bus. */
  events: EventBus
  /** The unstorage `Storage` configured by `kv.*`. */
  kv: Storage
  /** One shared HTTP client (ofetch over an undici pool). */
  httpClient: HttpClient
  /** One shared MQTT client when `common.mqtt.enabled`, else `null`. */
  mqtt: MqttClient | null
  /** gRPC server and client factory (`null` when `common.grpc.enabled` is false). */
  grpc: GrpcClients | null
  registry: ServiceRegistry
  resolver: ServiceResolver
  /** Logger tagged with the module. */
  logger: ConsolaInstance
  /** This module's validated settings. */
  settings: Settings
  /** The resolved configuration. */
  options: DskityOptions
  /** Register a readiness probe; `/health/ready` fails while it throws. */
  registerReadinessCheck: (name: string, check: ReadinessCheck) => void
}
