import type { H3Event } from 'h3'
import type { InferModuleSettings, ModuleDefinition } from './define.ts'
import type { TransportClients } from './types.ts'

const CTX = Symbol.for('dskity.event')

/** What the runtime attaches to every request it routes to a module. */
export interface EventRuntimeContext {
  clients: TransportClients
  module: string
}

/** Attaches the module context to a request (runtime use only). */
export function attachEventContext(event: H3Event, ctx: EventRuntimeContext): void {
  ;(event.context as Record<symbol, unknown>)[CTX] = ctx
}

/**
 * The clients of the module serving this request (KV, events, httpClient, mqtt, logger…).
 *
 * @example const { kv, logger } = useClients(event)
 */
export function useClients<M = ModuleDefinition>(event: H3Event): TransportClients<InferModuleSettings<M>> {
  const ctx = (event.context as Record<symbol, EventRuntimeContext | undefined>)[CTX]
  if (!ctx) throw new Error('[dskity] useClients(event) called outside a dskity module route.')
  return ctx.clients as TransportClients<InferModuleSettings<M>>
}

/**
 * The validated settings of the module serving this request. Pass the module definition (the
 * default export of `module.config.ts`) as a type argument or second argument for typed settings.
 *
 * @example
 * import orders from '../module.config'
 * const { maxItems } = useModuleSettings(event, orders)
 */
export function useModuleSettings<M = ModuleDefinition>(event: H3Event, _module?: M): InferModuleSettings<M> {
  return useClients<M>(event).settings
}
