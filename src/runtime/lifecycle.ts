import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ConsolaInstance } from 'consola'
import type { SettingsEnvOverride } from '../config/env.ts'
import type { DskityOptions } from '../config/schema.ts'
import { DskityError, ErrorCodes, isDskityError, describeThrown } from '../errors.ts'
import type { EventBus } from '../clients/event-bus.ts'
import { resolveModuleSettings } from './module-settings.ts'
import type { FileLoader, ManifestModule, TransportClients } from './types.ts'

/** A module at runtime: its manifest entry, settings and scoped clients. */
export interface ModuleRuntime {
  manifest: ManifestModule
  clients: TransportClients
  started: boolean
  /** Request-level hooks, loaded at start. */
  requestHooks: { request?: RequestHookFn; response?: ResponseHookFn; error?: ErrorHookFn }
  unsubscribe: Array<() => void>
}

export type RequestHookFn = (event: unknown, clients: TransportClients) => unknown
export type ResponseHookFn = (event: unknown, response: { body: unknown }, clients: TransportClients) => unknown
export type ErrorHookFn = (error: unknown, event: unknown, clients: TransportClients) => unknown

/**
 * Runs startup hooks (after {@link checkModules} has validated settings and files) one module at
 * a time in dependency order, each awaited and bounded by `common.lifecycle.startupTimeoutSeconds`. Event listeners are subscribed when their module starts.
 * A failing hook shuts the already-started modules down in reverse and throws naming the module.
 */
export async function startModules(ctx: LifecycleContext): Promise<void> {
  const timeoutMs = ctx.options.common.lifecycle.startupTimeoutSeconds * 1000
  for (const mod of ctx.modules) {
    // A shutdown that arrives while hooks run lets the running hook finish, then starts nothing more.
    if (ctx.aborted) throw new DskityError(ErrorCodes.STARTUP_HOOK, `startup interrupted by shutdown before module \`${mod.manifest.name}\``, { module: mod.manifest.name })
    try {
      await subscribeListeners(mod, ctx)
      for (const name of ['request', 'response', 'error'] as const) {
        const file = mod.manifest.hooks[name]
        if (file) mod.requestHooks[name] = (await ctx.load(file)).default as never
      }
      const hook = mod.manifest.hooks.startup
      if (hook) await withTimeout(loadHook(ctx, hook).then((fn) => fn(mod.clients)), timeoutMs, `startup hook of module \`${mod.manifest.name}\` (${hook})`)
      mod.started = true
      ctx.logger.debug(`module \`${mod.manifest.name}\` started`)
    } catch (error) {
      ctx.logger.error(`module \`${mod.manifest.name}\` failed to start:`, error)
      mod.unsubscribe.splice(0).forEach((off) => off())
      await stopModules(ctx)
      if (isDskityError(error)) throw error
      throw new DskityError(ErrorCodes.STARTUP_HOOK, `module \`${mod.manifest.name}\` failed to start: ${describeThrown(error)}`, { module: mod.manifest.name, file: mod.manifest.hooks.startup }, { cause: error })
    }
  }
}

/**
 * Everything that can fail before any hook runs, without side effects: every module's settings are
 * validated (config + env against its schema) and every event and hook file loads and default-exports
 * a function. `dskity validate`, `dskity build` and the server (before it listens) all run it.
 */
export async function checkModules(ctx: LifecycleContext): Promise<void> {
  for (const mod of ctx.modules) {
    const def = mod.manifest.configFile ? ((await ctx.load(mod.manifest.configFile)).default as { settings?: StandardSchemaV1 } | undefined) : undefined
    mod.clients.settings = await resolveModuleSettings(mod.manifest.name, def?.settings, ctx.options.modules[mod.manifest.name]?.settings, ctx.settingsEnv[mod.manifest.name], ctx.configSource ?? 'the config (no config file: defaults)')
    const files = [...mod.manifest.events.map((e) => e.file), ...Object.values(mod.manifest.hooks)].filter((f): f is string => Boolean(f))
    for (const file of files) {
      let fn: unknown
      try {
        fn = (await ctx.load(file)).default
      } catch (error) {
        throw new DskityError(ErrorCodes.MODULE_FILE, `module \`${mod.manifest.name}\`: cannot load ${file}: ${describeThrown(error)}`, { module: mod.manifest.name, file }, { cause: error })
      }
      if (typeof fn !== 'function') throw new DskityError(ErrorCodes.MODULE_FILE, `${file} (module \`${mod.manifest.name}\`) must default-export a function (defineHook / defineEventListener / define*Hook).`, { module: mod.manifest.name, file })
    }
  }
}

/** Runs shutdown hooks of started modules in reverse order; a failing hook is logged, the rest still run. */
export async function stopModules(ctx: LifecycleContext): Promise<void> {
  const timeoutMs = ctx.options.common.shutdown.hookTimeoutSeconds * 1000
  for (const mod of [...ctx.modules].reverse()) {
    if (!mod.started) continue
    mod.started = false
    mod.unsubscribe.splice(0).forEach((off) => off())
    const hook = mod.manifest.hooks.shutdown
    if (!hook) continue
    try {
      await withTimeout(loadHook(ctx, hook).then((fn) => fn(mod.clients)), timeoutMs, `shutdown hook of module \`${mod.manifest.name}\` (${hook})`)
      ctx.logger.debug(`module \`${mod.manifest.name}\` stopped`)
    } catch (error) {
      ctx.logger.error(`shutdown hook of module \`${mod.manifest.name}\` failed:`, error)
    }
  }
}

export interface LifecycleContext {
  modules: ModuleRuntime[]
  load: FileLoader
  options: DskityOptions
  settingsEnv: Record<string, SettingsEnvOverride[]>
  events: EventBus
  logger: ConsolaInstance
  /** The config file(s) settings come from, named in settings errors not caused by an env variable. */
  configSource?: string
  /** Set by a shutdown during startup: no further module starts. */
  aborted?: boolean
}

/** Rejects with a coded timeout error naming `what` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DskityError(ErrorCodes.STARTUP_TIMEOUT, `${what} did not finish within ${ms / 1000} s. Make it resolve, or raise the timeout in config.`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// --- internal ---

async function loadHook(ctx: LifecycleContext, file: string): Promise<(clients: TransportClients) => unknown> {
  const fn = (await ctx.load(file)).default
  if (typeof fn !== 'function') throw new DskityError(ErrorCodes.MODULE_FILE, `${file} must \`export default defineHook(async (clients) => { … })\`.`, { file })
  return fn as (clients: TransportClients) => unknown
}

async function subscribeListeners(mod: ModuleRuntime, ctx: LifecycleContext) {
  for (const ev of mod.manifest.events) {
    const fn = (await ctx.load(ev.file)).default
    if (typeof fn !== 'function') throw new DskityError(ErrorCodes.MODULE_FILE, `${ev.file} must \`export default defineEventListener(async (payload, ctx) => { … })\`.`, { file: ev.file })
    const listenerCtx = { ...mod.clients, event: ev.name }
    const off = ctx.events.on(ev.name as never, ((payload: unknown) => fn(payload, { ...listenerCtx, settings: mod.clients.settings })) as never, { module: mod.manifest.name })
    mod.unsubscribe.push(off as () => void)
  }
}
