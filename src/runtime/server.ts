import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { Server as NetServer } from 'node:net'
import { resolveConfig } from '../config/resolve.ts'
import { didYouMean, DskityError, ErrorCodes } from '../errors.ts'
import type { DskityConfig } from '../config/schema.ts'
import { createDskityRuntime, type DskityRuntime } from './create-runtime.ts'
import type { FileLoader, Manifest } from './types.ts'

export interface StartServerOptions {
  manifest: Manifest
  load: FileLoader
  /** Raw config object from the config file (env not applied yet). */
  config: Record<string, unknown>
  env?: NodeJS.ProcessEnv
  host?: string
  port?: number
  /** Last-word overrides (CLI flags such as `--log-level`). */
  overrides?: DskityConfig
  /** Install SIGTERM/SIGINT handlers that shut down gracefully and exit. */
  handleSignals?: boolean
  dev?: boolean
}

export interface RunningServer {
  server: Server
  /** The runtime currently serving (changes after `swap`). */
  readonly runtime: DskityRuntime
  url: string
  /** Graceful shutdown: stop accepting, drain in-flight requests, stop modules, close clients. */
  close(): Promise<void>
  /**
   * Stops the current runtime, then starts `next` and routes requests to it (dev reload). If `next`
   * fails to start, the error is thrown and module routes answer 503 until the next swap.
   */
  swap(next: DskityRuntime): Promise<void>
}

/** Resolves config + env and assembles (but does not start) a runtime. */
export async function createRuntimeFromConfig(opts: Pick<StartServerOptions, 'manifest' | 'load' | 'config' | 'env' | 'overrides' | 'dev'>): Promise<DskityRuntime> {
  const env = opts.env ?? process.env
  const { options, settingsEnv } = resolveConfig({ layers: [{ config: opts.config, source: opts.manifest.configFile ?? 'built-in config' }], env, moduleNames: opts.manifest.modules.map((m) => m.name), overrides: opts.overrides })
  const names = opts.manifest.modules.map((m) => m.name)
  for (const [module, overrides] of Object.entries(settingsEnv)) {
    if (!names.includes(module)) {
      throw new DskityError(ErrorCodes.CONFIG_INVALID, `${overrides[0].variable} sets settings of module \`${module}\`, which does not exist${didYouMean(module, names)}. Modules: ${names.join(', ') || 'none'}.`, { variable: overrides[0].variable, module })
    }
  }
  const dev = opts.dev ?? env.DSKITY_ENV === 'development'
  return createDskityRuntime({ manifest: opts.manifest, load: opts.load, options, settingsEnv, dev })
}

/**
 * Resolves the config (file + `DSKITY_*` env), assembles the runtime, listens, then runs startup
 * hooks (so `/health/live` answers 200 and `/health/ready` 503 while they run). Used by
 * `dskity run` and by the built bundle's entry.
 *
 * @example await startDskityServer({ manifest, load, config, env: process.env, port: 8000, handleSignals: true })
 */
export async function startDskityServer(opts: StartServerOptions): Promise<RunningServer> {
  const env = opts.env ?? process.env
  let runtime = await createRuntimeFromConfig(opts)
  // Bad files and settings fail before the port is taken.
  await runtime.check()
  const options = runtime.options
  // Slow clients are bounded: headers within 20 s, a whole request within 60 s (slowloris).
  // The timeouts are checked every 2 s (Node's default, 30 s, let a 20 s limit run to ~50 s). A
  // missing Host is answered by the pipeline (a problem with a request id), not by Node's bare 400.
  const server = createServer({ keepAliveTimeout: 5000, headersTimeout: 20_000, requestTimeout: 60_000, connectionsCheckingInterval: 2000, requireHostHeader: false }, (req, res) => runtime.listener(req, res))
  // `Expect: 100-continue` with a body over the limit gets its 413 at once, not `100 Continue` first.
  server.on('checkContinue', (req, res) => {
    if (!(Number(req.headers['content-length']) > options.common.http.maxBodyBytes)) res.writeContinue()
    runtime.listener(req, res)
  })
  // Any other `Expect` value: a 417 problem (Node's own answer has no body and no request id).
  server.on('checkExpectation', (req, res) => {
    const requestId = randomUUID()
    res.writeHead(417, { 'X-Request-Id': requestId, 'Content-Type': 'application/problem+json', Connection: 'close' })
    res.end(JSON.stringify({ type: 'about:blank', title: 'Expectation Failed', status: 417, detail: `Expect: ${String(req.headers.expect).slice(0, 100)} is not supported; only 100-continue is.`, instance: (req.url ?? '/').split('?')[0], request_id: requestId }))
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy()
    // Requests Node's parser refused (bad method or framing, oversized headers, too slow) never
    // reach the pipeline: they still get a problem with a request id.
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
    const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'
    const requestId = randomUUID()
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: `The request could not be parsed (${error.code ?? 'malformed'}).`, request_id: requestId })
    socket.end(`HTTP/1.1 ${status} ${title}\r\nX-Request-Id: ${requestId}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  })
  const port = opts.port ?? 8000
  const host = opts.host ?? '0.0.0.0'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new DskityError(ErrorCodes.LISTEN, `cannot listen on ${opts.host ?? '0.0.0.0'}:${opts.port ?? 8000}: ${error.code === 'EADDRINUSE' ? 'the port is already in use' : 'permission denied'}. Pick another --port (or PORT).`, { code: error.code })
          : ['ENOTFOUND', 'EADDRNOTAVAIL', 'EAI_AGAIN', 'EINVAL'].includes(error.code ?? '')
            ? new DskityError(ErrorCodes.LISTEN, `cannot listen on ${opts.host ?? '0.0.0.0'}:${opts.port ?? 8000}: no such address on this machine (${error.code}). Use --host (or HOST for the bundle) with an address of this machine, e.g. 0.0.0.0 or 127.0.0.1.`, { code: error.code })
            : error,
      ),
    )
    server.listen(port, host, () => {
      server.removeAllListeners('error')
      resolve()
    })
  })
  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host // IPv6 in brackets
  const url = `http://${shownHost}:${boundPort}`
  applyListenUrl(runtime, url, env, opts.config)
  runtime.logger.withTag('dskity').info(`${options.name} listening on ${url}`)

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      // From here on every response asks its client to close the connection, and readiness fails.
      runtime.setDraining(true)
      const grace = options.common.shutdown.graceSeconds * 1000
      const deadline = Date.now() + grace
      // Accept what the kernel already queued, then stop listening. net's close (not http's): Node's
      // http close also drops "idle" sockets, which includes ones whose request is still unparsed.
      await sleep(Math.min(50, grace))
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()))
      // Let requests already on the wire be read before idle keep-alive sockets are closed.
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())))
      const sweep = setInterval(() => server.closeIdleConnections(), 25)
      server.closeIdleConnections()
      await Promise.race([closed, sleep(Math.max(0, deadline - Date.now()))])
      clearInterval(sweep)
      server.closeAllConnections()
      await runtime.stop()
    })())

  if (opts.handleSignals) installSignalHandlers(() => runtime, close)
  try {
    await runtime.start()
  } catch (error) {
    if (closing) {
      // A signal arrived during startup: the graceful shutdown it started (shutdown hooks of the
      // modules that did start) ends the process; this startup ends here, quietly.
      await closing.catch(() => {})
      return new Promise<never>(() => {})
    }
    await new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    throw error
  }
  if (!closing) runtime.logger.withTag('dskity').info(`ready: ${opts.manifest.modules.filter((m) => m.enabled).map((m) => m.name).join(', ') || 'no modules'}`)
  const swap = async (next: DskityRuntime) => {
    applyListenUrl(next, url, env, opts.config)
    // The previous runtime stops first: ports (gRPC) and connections are released before the next binds them.
    const previous = runtime
    await previous.stop()
    // A shutdown that began meanwhile waited for that stop (its shutdown hooks ran); start nothing new.
    if (closing) return
    runtime = next
    await next.start()
  }
  return {
    server,
    get runtime() {
      return runtime
    },
    url,
    close,
    swap,
  }
}

// --- internal ---

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function installSignalHandlers(current: () => DskityRuntime, close: () => Promise<void>) {
  let firstAt = 0
  const onSignal = (signal: NodeJS.Signals) => {
    const runtime = current()
    if (firstAt) {
      // Ctrl-C under `npm start` delivers SIGINT twice at once (npm forwards it): only a later,
      // deliberate second signal cuts the graceful shutdown short.
      if (Date.now() - firstAt < 1000) return
      runtime.logger.warn(`${signal} again: exiting now`)
      process.exit(1)
    }
    firstAt = Date.now()
    runtime.logger.withTag('dskity').info(`${signal}: shutting down gracefully`)
    close().then(
      () => process.exit(0),
      (error) => {
        runtime.logger.error('shutdown failed:', error)
        process.exit(1)
      },
    )
  }
  // `on`, not `once`: the second signal must reach this handler too (else Node's default kills the process).
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

/**
 * A listen port written as a whole number from 0 to 65535 (digits only: no `0x20`, `1e3` or `-1`),
 * or `undefined`. Shared by `dskity run` (`--port`, `PORT`) and the bundle (`PORT`, `NITRO_PORT`).
 */
export function parsePort(raw: string): number | undefined {
  const text = raw.trim()
  const port = Number(text)
  return /^\d+$/.test(text) && port <= 65535 ? port : undefined
}

function isExplicit(env: NodeJS.ProcessEnv, config: Record<string, unknown>, key: 'advertiseUrl' | 'internalBaseUrl'): boolean {
  const common = (config.common ?? {}) as Record<string, unknown>
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  return env[`DSKITY_COMMON__${snake.toUpperCase()}`] !== undefined || common[key] !== undefined || common[snake] !== undefined
}

/**
 * `common.advertiseUrl` and `common.internalBaseUrl` follow the real listen address (`--port`,
 * port 0, `--host`) unless the config or env sets them: the registry, `/_core/config` and module
 * code then see the URL the service actually answers on.
 */
function applyListenUrl(runtime: DskityRuntime, url: string, env: NodeJS.ProcessEnv, config: Record<string, unknown>): void {
  if (!isExplicit(env, config, 'advertiseUrl')) {
    runtime.setAdvertiseUrl(url)
    runtime.options.common.advertiseUrl = url
  }
  if (!isExplicit(env, config, 'internalBaseUrl')) runtime.options.common.internalBaseUrl = url
}
