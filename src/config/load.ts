import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'pathe'
import { DskityError, ErrorCodes } from '../errors.ts'

/** Config file names looked up in the working directory, in order. */
export const CONFIG_FILE_NAMES = [
  'dskity.config.ts',
  'dskity.config.mts',
  'dskity.config.mjs',
  'dskity.config.js',
  'dskity.config.json',
  'dskity.config.yaml',
  'dskity.config.yml',
  'settings.yaml',
  'settings.yml',
]

export interface LoadedConfigFiles {
  /** Folder that relative paths in the config are resolved against. */
  rootDir: string
  /** Highest precedence first. */
  layers: Array<{ config: Record<string, unknown>; source: string }>
  /** The main config file (the `--config` one if given). */
  configFile?: string
}

/**
 * Loads the config files of a service (build-time: uses c12/jiti). `--config` (if given) wins over
 * the working-directory file; a `--config` path that does not exist or does not parse throws a
 * coded error (`DSKITY_E_CONFIG_NOT_FOUND`, `DSKITY_E_CONFIG_PARSE`) — the CLI exits 2 on those.
 *
 * @example const { layers } = await loadConfigFiles({ cwd: 'playground' })
 */
export async function loadConfigFiles(opts: { cwd: string; configFile?: string; invocationDir?: string }): Promise<LoadedConfigFiles> {
  const cwd = resolve(opts.cwd)
  if (!existsSync(cwd)) {
    throw new DskityError(ErrorCodes.CONFIG_NOT_FOUND, `service folder ${cwd} does not exist.`, { file: cwd })
  }
  const layers: LoadedConfigFiles['layers'] = []
  let explicit: string | undefined
  if (opts.configFile) {
    // Relative to where the command runs (like any CLI path), else to the service folder.
    const candidates = [...new Set([resolve(opts.invocationDir ?? process.cwd(), opts.configFile), resolve(cwd, opts.configFile)])]
    explicit = candidates.find((f) => existsSync(f))
    if (explicit && statSync(explicit).isDirectory()) {
      throw new DskityError(ErrorCodes.CONFIG_NOT_FOUND, `--config ${explicit} is a folder; give the config file itself (e.g. ${explicit}/dskity.config.ts).`, { file: explicit })
    }
    if (!explicit) {
      throw new DskityError(ErrorCodes.CONFIG_NOT_FOUND, `config file ${candidates.join(' (or ')}${candidates.length > 1 ? ')' : ''} (from --config) does not exist.`, { file: candidates[0] })
    }
    layers.push({ config: anchorSearchPaths(await readConfigFile(explicit), dirname(explicit)), source: explicit })
  }
  const local = CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((f) => existsSync(f))
  if (local && local !== explicit) layers.push({ config: anchorSearchPaths(await readConfigFile(local), cwd), source: local })
  const configFile = explicit ?? local
  return { rootDir: cwd, layers, configFile }
}

/**
 * Search paths are relative to the file that lists them (SPEC §1): an entry naming a folder next to
 * that file becomes absolute; anything else (an npm package, a folder of the service) stays as is.
 */
function anchorSearchPaths(config: Record<string, unknown>, fileDir: string): Record<string, unknown> {
  for (const key of ['modulesSearchPaths', 'modules_search_paths', 'modules-search-paths']) {
    const list = config[key]
    if (!Array.isArray(list)) continue
    config[key] = list.map((entry) => (typeof entry === 'string' && existsSync(resolve(fileDir, entry)) ? resolve(fileDir, entry) : entry))
  }
  return config
}

/** Reads one config file of any supported format into a plain object. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  try {
    let value: unknown
    if (/\.ya?ml$/.test(file)) {
      const { parseYAML } = await import('confbox')
      value = parseYAML(readFileSync(file, 'utf8'))
    } else if (file.endsWith('.json')) {
      const { parseJSON } = await import('confbox')
      value = parseJSON(readFileSync(file, 'utf8'))
    } else {
      const { createJiti } = await import('jiti')
      const jiti = createJiti(import.meta.url, { moduleCache: false, alias: dskityAlias() })
      value = await jiti.import(file, { default: true })
    }
    if (value === undefined || value === null) return {}
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`expected an object (export default { ... }), got ${Array.isArray(value) ? 'an array' : typeof value}`)
    }
    return value as Record<string, unknown>
  } catch (error) {
    throw new DskityError(ErrorCodes.CONFIG_PARSE, `cannot read config file ${file}: ${(error as Error).message}`, { file }, { cause: error })
  }
}

/** Aliases that make `import … from 'dskity'` in user files resolve to this copy of dskity. */
export function dskityAlias(): Record<string, string> {
  const here = new URL(import.meta.url).pathname
  // Running from the published bundle (dist/*.mjs, entries beside their chunks): user files import
  // that bundle too, so the process holds one copy of dskity whichever entry loaded it first.
  if (here.endsWith('.mjs')) {
    const dist = dirname(here)
    return { 'dskity/testing': resolve(dist, 'testing.mjs'), 'dskity/vitest': resolve(dist, 'vitest.mjs'), dskity: resolve(dist, 'index.mjs') }
  }
  const src = resolve(dirname(here), '..')
  return {
    'dskity/testing': resolve(src, 'testing/index.ts'),
    'dskity/vitest': resolve(src, 'testing/vitest.ts'),
    dskity: resolve(src, 'index.ts'),
  }
}
