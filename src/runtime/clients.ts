import type { ConsolaInstance } from 'consola'
import type { App } from 'h3'
import type { DskityOptions } from '../config/schema.ts'
import { createEventBus } from '../clients/event-bus.ts'
import type { GrpcClients } from '../clients/grpc.ts'
import { createHttpClient } from '../clients/http-client.ts'
import type { MqttClient } from '../clients/mqtt.ts'
import { createServiceRegistry } from '../clients/registry.ts'
import { createServiceResolver } from '../clients/resolver.ts'
import { createKv } from '../kv/create-kv.ts'
import type { DskityMetrics } from './metrics.ts'
import { currentRequestId } from './request-context.ts'
import type { ReadinessCheck, TransportClients } from './types.ts'

/** The clients shared by every module, plus what the runtime needs to close them. */
export interface SharedClients {
  base: Omit<TransportClients, 'logger' | 'settings'>
  readinessChecks: Map<string, ReadinessCheck>
  /** Starts what modules filled during their startup hooks (the gRPC server). */
  afterStartup(): Promise<void>
  /** Closes every client; each step is bounded and logged, none can block the others. */
  close(graceMs: number): Promise<void>
}

/**
 * Creates the shared clients from the options: KV, event bus, HTTP client, MQTT (when enabled),
 * gRPC (when enabled), registry and resolver; registers the KV and MQTT readiness probes.
 */
export async function createSharedClients(opts: { app: App; options: DskityOptions; logger: ConsolaInstance; metrics: DskityMetrics; moduleNames: string[] }): Promise<SharedClients> {
  const { options, logger, metrics } = opts
  const log = logger.withTag('dskity')
  // A KV command never waits longer than a readiness probe: no request hangs on a frozen backend.
  const kv = createKv(options.kv, { onOperation: (op, ok) => metrics.kvOperation(op, ok), logger: log, commandTimeoutMs: options.common.health.probeTimeoutSeconds * 1000 })
  const events = createEventBus({
    listenerTimeoutMs: options.common.lifecycle.listenerTimeoutSeconds * 1000,
    logger: logger.withTag('events'),
    onEmit: (name) => metrics.eventEmitted(name),
    onListenerError: (info) => metrics.listenerFailed(info.event, info.module),
    getRequestId: currentRequestId,
  })
  const httpClient = createHttpClient(options.common.httpClient, { getRequestId: currentRequestId })
  // MQTT and gRPC are loaded only when enabled: @grpc/grpc-js alone adds ~100 ms to a cold start.
  const mqtt: MqttClient | null = options.common.mqtt.enabled ? (await import('../clients/mqtt.ts')).createMqttClient(options.common.mqtt, { logger: logger.withTag('mqtt') }) : null
  const grpc: GrpcClients | null = options.common.grpc.enabled ? (await import('../clients/grpc.ts')).createGrpcClients(options.common.grpc, { logger: logger.withTag('grpc') }) : null
  const registry = createServiceRegistry({ kv: kv.storage, options, instance: { name: options.name, url: options.common.advertiseUrl, modules: opts.moduleNames, version: options.version }, logger: log })
  const resolver = createServiceResolver({ registry, options: options.common.resolver })
  const readinessChecks = new Map<string, ReadinessCheck>([['kv', () => kv.probe()]])
  if (mqtt) readinessChecks.set('mqtt', () => mqtt.probe())
  const registerReadinessCheck = (name: string, check: ReadinessCheck) => {
    if (readinessChecks.has(name)) throw new Error(`[dskity] a readiness check named \`${name}\` is already registered. Pick another name.`)
    readinessChecks.set(name, check)
  }
  return {
    base: { http: opts.app, events, kv: kv.storage, httpClient, mqtt, grpc, registry, resolver, options, registerReadinessCheck },
    readinessChecks,
    async afterStartup() {
      if (grpc) await grpc.start()
    },
    async close(graceMs) {
      const step = async (name: string, fn: () => Promise<unknown> | unknown) => {
        try {
          await fn()
        } catch (error) {
          log.warn(`closing ${name} failed:`, error)
        }
      }
      await step('registry', () => registry.stop())
      await step('gRPC', () => grpc?.close(graceMs))
      await step('MQTT', () => mqtt?.close())
      await step('HTTP client', () => httpClient.close())
      await step('KV', () => kv.close())
      events.removeAllListeners()
    },
  }
}
