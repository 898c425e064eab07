import { existsSync, watch as fsWatch } from 'node:fs'
import { watch as chokidarWatch } from 'chokidar'
import { CONFIG_FILE_NAMES } from '../config/load.ts'
import { resolve, sep } from 'node:path'
import { LOG_LEVELS, type DskityConfig } from '../config/schema.ts'
import { createRuntimeFromConfig, parsePort, startDskityServer, type RunningServer } from '../runtime/server.ts'
import { prepareApp, type PreparedApp } from './prepare.ts'
import { failAndExit } from './shared-args.ts'
import { DskityError, ErrorCodes } from '../errors.ts'

export interface ServeOptions {
  dir?: string
  config?: string
  targets?: string[]
  host?: string
  port?: string | number
  logLevel?: string
  reload?: boolean
  dev?: boolean
  env?: NodeJS.ProcessEnv
}

/**
 * `dskity run` / `dskity dev`: prepare the app, serve it in-process on node:http, and (with reload)
 * watch the modules and config: a route edit swaps that route's handler in place; any other change
 * rescans and restarts the modules inside the same process. A broken edit is logged and the last
 * good version keeps serving.
 */
export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const env = opts.env ?? process.env
  // `--port`, else PORT (as the built bundle reads it), else 8000. HOST is not read here: zsh sets it
  // to the machine's name, which would quietly bind one interface only.
  const portSource = opts.port !== undefined ? '--port' : env.PORT !== undefined ? 'PORT' : undefined
  const rawPort = String(opts.port ?? env.PORT ?? 8000)
  const port = parsePort(rawPort)
  if (port === undefined) failAndExit(new DskityError(ErrorCodes.CLI_ARGS, `${portSource} must be a whole number from 0 to 65535, got ${JSON.stringify(rawPort)}.`))
  const host = opts.host ?? '0.0.0.0'
  if (opts.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(opts.logLevel)) {
    failAndExit(new DskityError(ErrorCodes.CLI_ARGS, `--log-level must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(opts.logLevel)}.`))
  }
  const overrides: DskityConfig | undefined = opts.logLevel ? { common: { logging: { level: opts.logLevel as never } } } : undefined
  let app: PreparedApp
  let running: RunningServer
  try {
    app = await prepareApp({ dir: opts.dir, config: opts.config, targets: opts.targets, env })
    running = await startDskityServer({ manifest: app.manifest, load: (f) => app.loader.load(f), config: app.fileConfig, env, host, port, overrides, handleSignals: true, dev: opts.dev })
  } catch (error) {
    failAndExit(error)
  }
  if (reloadEnabled(opts.reload, env)) watchForChanges(app, running, { ...opts, env, overrides })
  return running
}

/** `--reload/--no-reload` → `DSKITY_RELOAD` → on unless `DSKITY_ENV=production`. */
export function reloadEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag
  if (env.DSKITY_RELOAD !== undefined) return !['0', 'false', 'no', 'off'].includes(env.DSKITY_RELOAD.toLowerCase())
  return env.DSKITY_ENV !== 'production'
}

// --- internal ---

function watchForChanges(initial: PreparedApp, running: RunningServer, opts: ServeOptions & { env: NodeJS.ProcessEnv; overrides?: DskityConfig }) {
  let app = initial
  const log = running.runtime.logger.withTag('dev')
  const changed = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let busy: Promise<void> = Promise.resolve()
  const isUserFile = (file: string) => file.startsWith(app.rootDir + sep) && !file.includes(`${sep}node_modules${sep}`)
  const rel = (f: string) => (f.startsWith(app.rootDir + sep) ? f.slice(app.rootDir.length + 1) : f)
  const reload = async () => {
    const known = new Set(app.manifest.modules.flatMap((m) => [...m.routes.map((r) => r.file), ...m.events.map((e) => e.file), ...Object.values(m.hooks), m.configFile]).filter(Boolean) as string[])
    // Editors' temporary files (atomic saves) come and go: only files that exist or were part of the app count.
    const files = [...changed].filter((f) => existsSync(f) || known.has(f))
    changed.clear()
    if (files.length === 0) return
    const started = performance.now()
    const routeFiles = new Set(app.manifest.modules.flatMap((m) => m.routes.map((r) => r.file)))
    app.loader.forget(isUserFile)
    // Only edits of existing route files take the fast path; a deleted route file means a rescan (its route goes away).
    if (files.every((f) => routeFiles.has(f) && existsSync(f))) {
      // Load the edited routes first: a broken edit is reported and the previous version keeps serving.
      for (const file of files) {
        try {
          const fn = (await app.loader.load(file)).default
          if (typeof fn !== 'function') throw new Error('it must `export default defineEventHandler(...)`')
        } catch (error) {
          log.error(`reload of ${rel(file)} failed; the previous version keeps serving. Fix it and save again:`, error)
          return
        }
      }
      running.runtime.reloadRoutes((f) => app.loader.load(f))
      log.info(`reloaded ${files.map(rel).join(', ')} in ${Math.round(performance.now() - started)} ms`)
      return
    }
    try {
      const next = await prepareApp({ dir: opts.dir, config: opts.config, targets: opts.targets, env: opts.env, loader: app.loader })
      const runtime = await createRuntimeFromConfig({ manifest: next.manifest, load: (f) => next.loader.load(f), config: next.fileConfig, env: opts.env, overrides: opts.overrides, dev: opts.dev })
      try {
        // Files and settings are checked before the running modules are stopped.
        await runtime.check()
      } catch (error) {
        await runtime.stop()
        throw error
      }
      app = next
      await running.swap(runtime)
      log.info(`restarted modules after changes to ${files.map(rel).join(', ')} in ${Math.round(performance.now() - started)} ms`)
    } catch (error) {
      log.error('reload failed; the previous version keeps serving. Fix the error and save again:', error)
    }
  }
  // The service folder itself only for its config files; module folders recursively. chokidar
  // follows files replaced by rename (atomic saves), which Node's recursive fs.watch loses on Linux.
  const folders = [...new Set(app.options.modulesSearchPaths.map((p) => resolve(app.rootDir, p)).filter((f) => !f.includes(`${sep}node_modules${sep}`) && existsSync(f)))]
  const configFiles = CONFIG_FILE_NAMES.map((n) => resolve(app.rootDir, n))
  if (app.manifest.configFile) configFiles.push(app.manifest.configFile)
  // Test files live beside module code (`dskity init` puts one there) but are not part of the service:
  // saving one must not restart the modules.
  const ignored = (file: string) => /[\\/](node_modules|\.dskity|\.output|\.git)([\\/]|$)/.test(file) || /\.(swp|tmp)$|~$/.test(file) || /\.(test|spec)\.[mc]?[jt]sx?$/.test(file)
  const onChange = (file: string) => {
    if (ignored(file)) return
    changed.add(resolve(file))
    clearTimeout(timer)
    timer = setTimeout(() => void (busy = busy.then(reload)), 40)
  }
  const watcher = chokidarWatch([...folders, ...new Set(configFiles)], { ignoreInitial: true, ignored })
  watcher.on('all', (_event, file) => onChange(file))
  watcher.on('error', (error) => log.warn('file watcher error:', error))
  // Node's own recursive watcher as a second source: chokidar was seen to miss an edit made right
  // after its start under load, Node's loses files replaced by rename. Events are de-duplicated.
  const nodeWatchers = folders.flatMap((folder) => {
    try {
      return [fsWatch(folder, { recursive: true }, (_e, name) => name && onChange(resolve(folder, String(name))))]
    } catch {
      return []
    }
  })
  running.server.once('close', () => {
    void watcher.close()
    for (const w of nodeWatchers) w.close()
  })
  // Edits made before chokidar's initial scan finishes are not seen: announce only once it is done.
  watcher.once('ready', () => log.info(`watching ${folders.map(rel).join(', ') || 'no module folders'} and the config for changes`))
}
