import { resolve } from 'pathe'
import { loadConfigFiles } from '../config/load.ts'
import { resolveConfig, type ResolvedConfig } from '../config/resolve.ts'
import { mergeLayers, normalizeKeys } from '../config/normalize.ts'
import { configSchema } from '../config/schema.ts'
import { scanApp, writeManifest } from '../scan/scan.ts'
import type { Manifest } from '../runtime/types.ts'
import { createUserFileLoader } from './load-files.ts'

export interface PrepareOptions {
  /** Service folder. @default process.cwd() */
  dir?: string
  /** `--config` file (relative to the working directory). */
  config?: string
  targets?: string[]
  env?: NodeJS.ProcessEnv
  /** Reuse a loader (dev reload keeps one). */
  loader?: ReturnType<typeof createUserFileLoader>
}

export interface PreparedApp extends ResolvedConfig {
  rootDir: string
  manifest: Manifest
  manifestFile: string
  /** The merged config files, keys normalised, env not applied: what the built bundle bakes in. */
  fileConfig: Record<string, unknown>
  loader: ReturnType<typeof createUserFileLoader>
}

/**
 * Everything a CLI command needs before serving: config files loaded, env applied and validated,
 * modules scanned into a manifest (written to `.dskity/manifest.json`).
 */
export async function prepareApp(opts: PrepareOptions): Promise<PreparedApp> {
  const cwd = resolve(opts.dir ?? process.cwd())
  const env = opts.env ?? process.env
  const files = await loadConfigFiles({ cwd, configFile: opts.config ?? env.DSKITY_CONFIG })
  const loader = opts.loader ?? createUserFileLoader()
  const resolved = resolveConfig({ layers: files.layers, env })
  const manifest = await scanApp({ rootDir: files.rootDir, options: resolved.options, configFile: files.configFile, targets: opts.targets, importFile: loader.importDefault })
  if (files.layers.length) manifest.configFiles = files.layers.map((l) => l.source)
  const manifestFile = writeManifest(manifest)
  return { ...resolved, rootDir: files.rootDir, manifest, manifestFile, fileConfig: mergeLayers(...files.layers.map((l) => normalizeKeys(l.config, configSchema) as Record<string, unknown>)), loader }
}
