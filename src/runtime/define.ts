import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { TransportClients } from './types.ts'
import type { DskityEvents } from '../clients/event-bus.ts'

/** A known event name (from `DskityEvents`) or any string. */
export type DskityEventName = keyof DskityEvents | (string & {})
/** The payload type of an event: typed for names in `DskityEvents`, else `unknown`. */
export type DskityEventPayload<E> = E extends keyof DskityEvents ? DskityEvents[E] : unknown

/** What `module.config.ts` default-exports. */
export interface ModuleDefinition<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  /** Module name (kebab-case). @default the folder name */
  name?: string
  /** Prefix of the module's routes. @default `/<name>` */
  basePath?: string
  /** Modules that must start before this one (and stop after it). */
  dependsOn?: string[]
  /** Start this module (config `modules.<name>.enabled` wins). @default true */
  enabled?: boolean
  /** Any Standard Schema (zod, valibot, arktype…) for `modules.<name>.settings`. */
  settings?: S
}

/** The settings type a module definition declares (its schema's output). */
export type InferModuleSettings<M> = M extends ModuleDefinition<infer S>
  ? S extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<S>
    : Record<string, unknown>
  : Record<string, unknown>

/** The clients a module's hooks and listeners get, typed with that module's settings. */
export type ModuleClients<M = ModuleDefinition> = TransportClients<InferModuleSettings<M>>

/**
 * Typed identity for `module.config.ts`. Settings types flow from the schema.
 *
 * @example
 * export default defineModule({ dependsOn: ['catalog'], settings: z.object({ maxItems: z.number().default(100) }) })
 */
export function defineModule<S extends StandardSchemaV1 | undefined = undefined>(definition: ModuleDefinition<S>): ModuleDefinition<S> {
  return definition
}

/** A startup/shutdown hook. */
export type HookFn<M = ModuleDefinition> = (clients: ModuleClients<M>) => unknown | Promise<unknown>

/**
 * Defines `hooks/startup.ts` or `hooks/shutdown.ts`. Pass the module definition first to type
 * `clients.settings`.
 *
 * @example
 * import mod from '../module.config'
 * export default defineHook(mod, async ({ settings, logger }) => logger.info(settings.maxItems))
 */
export function defineHook<M extends ModuleDefinition>(module: M, hook: HookFn<M>): HookFn<M>
export function defineHook(hook: HookFn): HookFn
export function defineHook(a: unknown, b?: unknown): unknown {
  return typeof a === 'function' ? a : b
}

/** Context a listener receives besides the payload. */
export type ListenerContext<M = ModuleDefinition> = ModuleClients<M> & { event: string }

/** An event listener from `events/<name>.ts`. */
export type EventListenerFn<P = unknown, M = ModuleDefinition> = (payload: P, ctx: ListenerContext<M>) => unknown | Promise<unknown>

/**
 * Defines an event listener; the file name is the event name. Type the payload through
 * `DskityEvents` augmentation or the generic.
 *
 * @example export default defineEventListener<'order.created'>(async (order, { logger }) => logger.info(order.id))
 */
export function defineEventListener<E extends DskityEventName = string, M = ModuleDefinition>(
  listener: EventListenerFn<DskityEventPayload<E>, M>,
): EventListenerFn<DskityEventPayload<E>, M> {
  return listener
}
