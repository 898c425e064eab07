/**
 * The smallest logger the clients need. A consola instance satisfies it, so does `console`.
 * Clients never create a global logger: the runtime passes one in (tagged with its scope).
 *
 * @example
 * import { consola } from 'consola'
 * const bus = createEventBus({ listenerTimeoutMs: 30_000, logger: consola.withTag('events') })
 */
export interface Logger {
  error(...args: unknown[]): void
  warn(...args: unknown[]): void
  info(...args: unknown[]): void
  debug(...args: unknown[]): void
}
