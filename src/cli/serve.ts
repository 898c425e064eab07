import { watch, type FSWatcher } from 'node:fs'
import { resolve, sep } from 'node:path'
import type { DskityConfig } from '../config/schema.ts'
import { createRuntimeFromConfig, startDskityServer, type RunningServer } from '../runtime/server.ts'
import { prepareApp, type PreparedApp } from './prepare.ts'
import { failAndExit } from './shared-args.ts'

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
  const port = Number(opts.port ?? 8000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) failAndExit(new Error(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(opts.port)}`))
  const overrides: DskityConfig | undefined = opts.logLevel ? { common: { logging: { level: opts.logLevel as never } } } : undefined
  let app: PreparedApp
  let running: RunningServer
  try {
    app = await prepareApp({ dir: opts.dir, config: opts.config, targets: opts.targets, env })
    running = await startDskityServer({ manifest: app.manifest, load: (f) => app.loader.load(f), config: app.fileConfig, env, host: opts.host, port, overrides, handleSignals: true, dev: opts.dev })
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
  const reload = async () => {
    const files = [...changed]
    changed.clear()
    const started = performance.now()
    const routeFiles = new Set(app.manifest.modules.flatMap((m) => m.routes.map((r) => r.file)))
    app.loader.forget(isUserFile)
    if (files.every((f) => routeFiles.has(f))) {
      running.runtime.reloadRoutes((f) => app.loader.load(f))
      log.info(`reloaded ${files.map((f) => f.slice(app.rootDir.length + 1)).join(', ')} in ${Math.round(performance.now() - started)} ms`)
      return
    }
    try {
      const next = await prepareApp({ dir: opts.dir, config: opts.config, targets: opts.targets, env: opts.env, loader: app.loader })
      const runtime = await createRuntimeFromConfig({ manifest: next.manifest, load: (f) => next.loader.load(f), config: next.fileConfig, env: opts.env, overrides: opts.overrides, dev: opts.dev })
      app = next
      await running.swap(runtime)
      log.info(`restarted modules after changes to ${files.length} file(s) in ${Math.round(performance.now() - started)} ms`)
    } catch (error) {
      log.error('reload failed; fix the error and save again:', error)
    }
  }
  const onChange = (base: string) => (_event: string, name: string | Buffer | null) => {
    if (!name) return
    const file = resolve(base, String(name))
    if (file.includes(`${sep}.dskity${sep}`) || file.includes(`${sep}node_modules${sep}`) || /\.(swp|tmp)$|~$/.test(file)) return
    changed.add(file)
    clearTimeout(timer)
    timer = setTimeout(() => void (busy = busy.then(reload)), 40)
  }
  const watchers: FSWatcher[] = []
  // The service folder itself only for its config files; module folders recursively.
  const folders = new Map<string, boolean>([[app.rootDir, false]])
  for (const p of app.options.modulesSearchPaths) {
    const folder = resolve(app.rootDir, p)
    if (!folder.includes(`${sep}node_modules${sep}`)) folders.set(folder, true)
  }
  for (const [folder, recursive] of folders) {
    try {
      watchers.push(watch(folder, { recursive }, onChange(folder)))
    } catch (error) {
      log.warn(`cannot watch ${folder}:`, error)
    }
  }
  running.server.once('close', () => watchers.forEach((w) => w.close()))
  log.info(`watching ${[...folders.keys()].join(', ')} for changes`)
}
