import type { ConsolaInstance } from 'consola'
import { createApp, createEvent, eventHandler, type App, type H3Event } from 'h3'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SettingsEnvOverride } from '../config/env.ts'
import { DskityError, ErrorCodes, describeThrown } from '../errors.ts'
import type { DskityOptions } from '../config/schema.ts'
import { createSharedClients } from './clients.ts'
import { builtinRoutes } from './builtins.ts'
import { checkModules, startModules, stopModules, type LifecycleContext, type ModuleRuntime } from './lifecycle.ts'
import { createLogger } from './logger.ts'
import { createMetrics, type DskityMetrics } from './metrics.ts'
import { createPipeline, sendProblem, type RouteHandler } from './pipeline.ts'
import { requestIdFrom } from './request-context.ts'
import { createRouteTable } from './route-table.ts'
import type { FileLoader, Manifest, TransportClients } from './types.ts'

export interface CreateRuntimeOptions {
  manifest: Manifest
  load: FileLoader
  options: DskityOptions
  settingsEnv?: Record<string, SettingsEnvOverride[]>
  logger?: ConsolaInstance
  /** Development mode: error details in problem responses. */
  dev?: boolean
}

export type RuntimeState = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed'

/** One assembled dskity service: the h3 app, its modules and clients, and their lifecycle. */
export interface DskityRuntime {
  app: App
  /** A node:http request listener for the app. */
  listener: (req: IncomingMessage, res: ServerResponse) => void
  options: DskityOptions
  logger: ConsolaInstance
  metrics: DskityMetrics
  /** Shared clients (module clients add `logger` and `settings`). */
  clients: Omit<TransportClients, 'logger' | 'settings'>
  readonly state: RuntimeState
  /**
   * Checks what can fail before any hook runs — route, event and hook files load, module settings
   * are valid — with no side effects. Throws a coded error naming the module and file or key.
   */
  check(): Promise<void>
  /** Runs startup hooks in dependency order; `/health/ready` answers 200 once this resolves. */
  start(): Promise<void>
  /** Runs shutdown hooks in reverse order and closes every client. Idempotent. */
  stop(): Promise<void>
  /** Sets the URL the registry advertises (from the real listen address). */
  setAdvertiseUrl(url: string): void
  /** Marks the app as draining: responses carry `Connection: close`. */
  setDraining(draining: boolean): void
  /** Replaces the handler of route files (dev hot reload) without restarting modules. */
  reloadRoutes(load: FileLoader): void
}

/**
 * Assembles the runtime from a manifest: route table (built-ins + module routes, handlers loaded
 * lazily through `load`), the request pipeline, shared clients and module lifecycle. Serves nothing
 * by itself: hand `listener` to node:http (or use the test client).
 *
 * @example const rt = await createDskityRuntime({ manifest, load, options }); await rt.start()
 */
export async function createDskityRuntime(opts: CreateRuntimeOptions): Promise<DskityRuntime> {
  const { manifest, options } = opts
  const logger = opts.logger ?? createLogger({ format: options.common.logging.format, level: options.common.logging.level, callSite: options.common.logging.callSite })
  const metrics = createMetrics()
  const dev = opts.dev ?? false
  let state: RuntimeState = 'idle'
  let draining = false
  let load = opts.load
  let checked: { load: FileLoader; done: Promise<void> } | undefined
  // Once per set of loaded files: the server checks before it listens, and start() reuses that.
  const check = () => {
    if (checked?.load !== load) checked = { load, done: preloadRoutes(enabled, load).then(() => checkModules(lifecycle)) }
    return checked.done
  }
  const enabled = enabledModules(manifest, options)
  // The users' own h3 app (`clients.http`); its errors reach the pipeline, which renders them.
  const app = createApp()
  const shared = await createSharedClients({ app, options, logger, metrics, moduleNames: enabled.map((m) => m.name) })
  const modules: ModuleRuntime[] = enabled.map((manifestModule) => ({
    manifest: manifestModule,
    clients: { ...shared.base, logger: logger.withTag(manifestModule.name), settings: undefined },
    started: false,
    requestHooks: {},
    unsubscribe: [],
  }))
  const table = createRouteTable<RouteHandler>()
  for (const [method, path, handler] of builtinRoutes({ options, metrics, registry: () => shared.base.registry, moduleNames: enabled.map((m) => m.name), isStarted: () => state === 'started' && !draining, readinessChecks: shared.readinessChecks, moduleSettings: () => Object.fromEntries(modules.filter((m) => m.clients.settings !== undefined).map((m) => [m.manifest.name, m.clients.settings])) })) {
    table.add(method, path, { handler, template: path })
  }
  const fillRoutes = () => {
    for (const mod of enabled) {
      for (const route of mod.routes) table.add(route.method, route.path, { handler: lazyHandler(() => load, route.file), template: route.path, module: mod.name })
    }
  }
  fillRoutes()
  // Results that are not plain JSON/text go through a one-layer h3 app, so h3 sends them its way.
  const RESULT = Symbol.for('dskity.result')
  const resultApp = createApp()
  resultApp.use(eventHandler((event) => (event.context as Record<symbol, unknown>)[RESULT]))
  const pipeline = createPipeline({
    options,
    table,
    modules: new Map(modules.map((m) => [m.manifest.name, m])),
    metrics,
    logger,
    dev,
    isDraining: () => draining,
    sendOther: (event, body) => {
      ;(event.context as Record<symbol, unknown>)[RESULT] = body
      return withSocket(event, () => resultApp.handler(event) as Promise<unknown>)
    },
    // `clients.http` is the users' own h3 app: what they add there answers paths no module route does.
    fallback: (event) => (app.stack.length ? withSocket(event, () => (bindPrefixesToSegments(app), app.handler(event) as Promise<unknown>)) : undefined),
  })
  const lastResort = (event: H3Event, error: unknown) => {
    const res = event.node.res
    const requestId = requestIdFrom(res.getHeader('x-request-id') as string)
    if (res.headersSent) {
      // Typically a stream that failed midway: the client sees a cut-off body; the log says why.
      logger.error(`response to ${event.method} ${event.path} failed after its headers were sent; connection closed:`, error, { request_id: requestId })
      return void res.destroy()
    }
    res.end(sendProblem({ dev, logger }, event, error, requestId))
  }
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const event = createEvent(req, res)
    try {
      const result = pipeline(event)
      if (result instanceof Promise) result.catch((error) => lastResort(event, error))
    } catch (error) {
      lastResort(event, error)
    }
  }
  let starting: Promise<void> | undefined
  let stopping: Promise<void> | undefined
  const lifecycle: LifecycleContext = { modules, load, options, settingsEnv: opts.settingsEnv ?? {}, events: shared.base.events, logger: logger.withTag('dskity'), configSource: opts.manifest.configFiles?.join(', ') ?? opts.manifest.configFile }

  const stopOnce = async () => {
    const wasStarting = state === 'starting'
    state = 'stopping'
    const graceMs = options.common.shutdown.graceSeconds * 1000
    if (wasStarting) {
      // Shutdown during startup: let the hook that runs finish (within the grace period), start
      // nothing more, then stop the modules that did start — their shutdown hooks run.
      lifecycle.aborted = true
      let timer: NodeJS.Timeout | undefined
      await Promise.race([starting?.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
      clearTimeout(timer)
    }
    await stopModules(lifecycle)
    await shared.close(graceMs)
    state = 'stopped'
  }
  return {
    app,
    listener,
    options,
    logger,
    metrics,
    clients: shared.base,
    get state() {
      return state
    },
    check,
    start() {
      if (state !== 'idle') return Promise.reject(new Error(`[dskity] runtime already ${state}`))
      state = 'starting'
      starting = (async () => {
        try {
          await check()
          await startModules(lifecycle)
          await shared.afterStartup()
          await shared.base.registry.start()
          if (state === 'starting') state = 'started'
        } catch (error) {
          if (state === 'starting') state = 'failed'
          await stopModules(lifecycle)
          await shared.close(0)
          throw error
        }
      })()
      return starting
    },
    stop() {
      // A second caller (a signal while a dev restart stops this runtime) waits for the same stop.
      return (stopping ??= stopOnce())
    },
    setAdvertiseUrl: (url) => shared.base.registry.setUrl(url),
    setDraining: (value) => void (draining = value),
    reloadRoutes(next) {
      load = next
      lifecycle.load = next
    },
  }
}

// --- internal ---

/** The manifest's enabled modules, minus those switched off at run time (`DSKITY_MODULES__X__ENABLED=false`). */
function enabledModules(manifest: Manifest, options: DskityOptions) {
  const enabled = manifest.modules.filter((m) => m.enabled && options.modules[m.name]?.enabled !== false)
  const names = new Set(enabled.map((m) => m.name))
  for (const mod of enabled) {
    const missing = mod.dependsOn.find((d) => !names.has(d))
    if (missing) throw new DskityError(ErrorCodes.MODULE_DISABLED_DEPENDENCY, `module \`${mod.name}\` depends on \`${missing}\`, which is disabled. Enable \`${missing}\` or disable \`${mod.name}\` too.`, { module: mod.name, dependency: missing })
  }
  return enabled
}

function lazyHandler(getLoad: () => FileLoader, file: string): RouteHandler {
  let loadedWith: FileLoader | undefined
  let handler: RouteHandler | undefined
  let pending: Promise<RouteHandler> | undefined
  return (event) => {
    const load = getLoad()
    if (handler && loadedWith === load) return handler(event)
    if (!pending || loadedWith !== load) {
      loadedWith = load
      handler = undefined
      pending = importHandler(load, file).then(
        (fn) => (handler = fn),
        (error) => {
          pending = undefined
          throw error
        },
      )
    }
    return pending.then((fn) => fn(event))
  }
}

async function importHandler(load: FileLoader, file: string): Promise<RouteHandler> {
  const fn = (await load(file)).default
  if (typeof fn !== 'function') throw new DskityError(ErrorCodes.MODULE_FILE, `${file} must \`export default defineEventHandler(...)\`.`, { file })
  return fn as RouteHandler
}

/** Loads every route file before startup hooks run, so a broken file fails startup naming it. */
async function preloadRoutes(modules: Manifest['modules'], load: FileLoader) {
  await Promise.all(
    modules.flatMap((m) => m.routes).map((route) =>
      importHandler(load, route.file).catch((error) => {
        throw new DskityError(ErrorCodes.MODULE_FILE, `module \`${route.module}\`: cannot load route file ${route.file}: ${describeThrown(error)}`, { module: route.module, file: route.file }, { cause: error })
      }),
    ),
  )
}

/**
 * Runs `send` once the response has its socket. A pipelined request (several on one keep-alive
 * connection) gets a response that waits its turn without a socket, and h3 silently skips sending
 * streams, Buffers and `Response` objects to a response without one: the connection then stalled
 * behind it. Resolves without sending if the connection closes first.
 */
function withSocket(event: H3Event, send: () => Promise<unknown>): Promise<unknown> {
  const res = event.node.res
  const connection = event.node.req.socket
  if (res.socket || res.writableEnded || !connection) return send()
  return new Promise((resolve, reject) => {
    const onSocket = () => {
      connection.off('close', onClose)
      send().then(resolve, reject)
    }
    const onClose = () => {
      res.off('socket', onSocket)
      resolve(undefined)
    }
    res.once('socket', onSocket)
    connection.once('close', onClose)
  })
}

const SEGMENT_BOUND = Symbol.for('dskity.segmentBound')

/**
 * h3 v1 matches a `use('/extra', …)` prefix by characters, so it also answered `/extra-late` (and
 * `use('/admin')` answered `/administrator`). Each layer with a prefix gets a `match` that also
 * requires a segment boundary after it (`/extra`, `/extra/…`, `/extra?query`), keeping any `match` of its own.
 */
function bindPrefixesToSegments(app: App): void {
  for (const layer of app.stack as Array<App['stack'][number] & { [SEGMENT_BOUND]?: true }>) {
    if (layer[SEGMENT_BOUND] || !layer.route || layer.route.length <= 1) continue
    const own = layer.match
    const route = layer.route
    layer.match = (rest, event) => {
      // Judged on the path as sent (h3 decodes `%3F` into a `?` before matching), with only the
      // characters decodeURI decodes decoded: `/extra%3Fx` is not `/extra` plus a query.
      const raw = (event?.node.req.originalUrl ?? event?.node.req.url ?? '/').split('?')[0]
      let path = raw
      try {
        path = decodeURI(raw)
      } catch {
        // malformed escapes: compare as sent
      }
      return (path === route || path.startsWith(route + '/')) && (!own || own(rest, event))
    }
    layer[SEGMENT_BOUND] = true
  }
}
