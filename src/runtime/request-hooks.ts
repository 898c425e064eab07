import type { H3Event } from 'h3'
import type { InferModuleSettings, ModuleDefinition } from './define.ts'
import type { TransportClients } from './types.ts'

type Clients<M> = TransportClients<InferModuleSettings<M>>

/**
 * `hooks/request.ts`: runs before each of the module's routes. Return a value to answer the
 * request without calling the route (e.g. an auth check); throw a ProblemDetail to refuse it.
 *
 * @example export default defineRequestHook((event) => { if (!getHeader(event, 'x-key')) throw new ProblemDetail({ status: 401 }) })
 */
export function defineRequestHook<M = ModuleDefinition>(hook: (event: H3Event, clients: Clients<M>) => unknown): typeof hook {
  return hook
}

/**
 * `hooks/response.ts`: runs after each of the module's routes; may replace `response.body`.
 *
 * @example export default defineResponseHook((event, response) => { response.body = { data: response.body } })
 */
export function defineResponseHook<M = ModuleDefinition>(hook: (event: H3Event, response: { body: unknown }, clients: Clients<M>) => unknown): typeof hook {
  return hook
}

/**
 * `hooks/error.ts`: sees every error thrown by the module's routes (for logging or reporting); the
 * response is still the error's problem details.
 *
 * @example export default defineErrorHook((error, event, { logger }) => logger.warn('route failed', error))
 */
export function defineErrorHook<M = ModuleDefinition>(hook: (error: unknown, event: H3Event, clients: Clients<M>) => unknown): typeof hook {
  return hook
}
