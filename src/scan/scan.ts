import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'pathe'
import { didYouMean, DskityError, ErrorCodes } from '../errors.ts'
import type { DskityOptions } from '../config/schema.ts'
import type { ModuleDefinition } from '../runtime/define.ts'
import type { Manifest, ManifestModule } from '../runtime/types.ts'
import { assertModuleName, findModuleDirs, scanModuleFiles } from './scan-modules.ts'
import { checkRouteConflicts } from './route-conflicts.ts'
import { topoSort } from './topo-sort.ts'

/** Built-in module names that may appear under `modules:` without a folder. */
export const BUILTIN_MODULES = ['health']

export interface ScanOptions {
  rootDir: string
  options: DskityOptions
  configFile?: string
  /** `--target` names: only these modules and their dependencies are enabled. */
  targets?: string[]
  /** Loads `module.config.ts` (jiti at build time). */
  importFile: (file: string) => Promise<unknown>
}

/**
 * Scans a service into a manifest: finds module folders, loads their `module.config.ts`, applies
 * `enabled`/`--target`, sorts by `dependsOn` and maps route files to paths. Pure apart from
 * reading files; every problem throws a coded error naming the modules and files involved.
 *
 * @example const manifest = await scanApp({ rootDir, options, importFile: (f) => jiti.import(f, { default: true }) })
 */
export async function scanApp(opts: ScanOptions): Promise<Manifest> {
  const notes: string[] = []
  const modules = await loadModules(opts)
  const byName = new Map(modules.map((m) => [m.name, m]))

  for (const key of Object.keys(opts.options.modules)) {
    if (!byName.has(key) && !BUILTIN_MODULES.includes(key)) {
      throw new DskityError(ErrorCodes.CONFIG_INVALID, `config key \`modules.${key}\` names a module that does not exist${didYouMean(key, byName.keys())}. Discovered modules: ${[...byName.keys()].join(', ') || 'none'}.`, { module: key })
    }
  }
  for (const mod of modules) {
    for (const dep of mod.dependsOn) {
      if (!byName.has(dep)) {
        throw new DskityError(ErrorCodes.MODULE_UNKNOWN_DEPENDENCY, `module \`${mod.name}\` depends on \`${dep}\`, which does not exist${didYouMean(dep, byName.keys())}. Fix \`dependsOn\` in ${mod.configFile ?? mod.dir}.`, { module: mod.name, dependency: dep })
      }
    }
  }
  const sorted = topoSort(modules)
  if (opts.targets?.length) applyTargets(sorted, byName, opts.targets, notes)
  for (const mod of sorted.filter((m) => m.enabled)) {
    for (const dep of mod.dependsOn) {
      if (!byName.get(dep)!.enabled) {
        throw new DskityError(ErrorCodes.MODULE_DISABLED_DEPENDENCY, `module \`${mod.name}\` depends on \`${dep}\`, which is disabled. Enable \`${dep}\` (modules.${dep}.enabled) or disable \`${mod.name}\` too.`, { module: mod.name, dependency: dep })
      }
    }
  }
  const ordered = [...sorted.filter((m) => m.enabled), ...sorted.filter((m) => !m.enabled)]
  checkRouteConflicts(ordered.filter((m) => m.enabled), opts.options)
  return { version: 1, rootDir: opts.rootDir, configFile: opts.configFile, modules: ordered, notes }
}

/** Writes the manifest to `<rootDir>/.dskity/manifest.json` and returns the file path. */
export function writeManifest(manifest: Manifest): string {
  const dir = join(manifest.rootDir, '.dskity')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'manifest.json')
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n')
  return file
}

// --- internal ---

async function loadModules(opts: ScanOptions): Promise<ManifestModule[]> {
  const modules: ManifestModule[] = []
  const seen = new Map<string, string>()
  for (const found of findModuleDirs(opts.rootDir, opts.options.modulesSearchPaths)) {
    const def = found.configFile ? await loadDefinition(found.configFile, opts.importFile) : {}
    const name = def.name ?? basename(found.dir)
    assertModuleName(name, found.configFile ? `\`name\` in ${found.configFile}` : `folder ${found.dir}`)
    if (seen.has(name)) {
      throw new DskityError(ErrorCodes.MODULE_DUPLICATE, `two modules are named \`${name}\`: ${seen.get(name)} and ${found.dir}. Rename one (folder or \`name\` in module.config.ts).`, { module: name })
    }
    seen.set(name, found.dir)
    const basePath = normalizeBasePath(def.basePath ?? `/${name}`, found.configFile ?? found.dir)
    const enabled = opts.options.modules[name]?.enabled ?? def.enabled ?? true
    const files = scanModuleFiles({ name, basePath, dir: found.dir })
    modules.push({ name, basePath, dependsOn: [...new Set(def.dependsOn ?? [])], enabled, dir: found.dir, configFile: found.configFile, ...files })
  }
  return modules
}

async function loadDefinition(file: string, importFile: ScanOptions['importFile']): Promise<ModuleDefinition> {
  let def: unknown
  try {
    def = await importFile(file)
  } catch (error) {
    throw new DskityError(ErrorCodes.MODULE_CONFIG, `cannot load ${file}: ${(error as Error).message}`, { file }, { cause: error })
  }
  const fail = (what: string): never => {
    throw new DskityError(ErrorCodes.MODULE_CONFIG, `${file}: ${what}`, { file })
  }
  if (def === undefined) return {}
  if (!def || typeof def !== 'object') fail('must `export default defineModule({ ... })`.')
  const d = def as Record<string, unknown>
  const known = ['name', 'basePath', 'dependsOn', 'enabled', 'settings']
  for (const key of Object.keys(d)) if (!known.includes(key)) fail(`unknown key \`${key}\`${didYouMean(key, known)}. Allowed: ${known.join(', ')}.`)
  if (d.name !== undefined && typeof d.name !== 'string') fail('`name` must be a string.')
  if (d.basePath !== undefined && typeof d.basePath !== 'string') fail('`basePath` must be a string like "/orders".')
  if (d.dependsOn !== undefined && !(Array.isArray(d.dependsOn) && d.dependsOn.every((x) => typeof x === 'string'))) fail('`dependsOn` must be an array of module names.')
  if (d.enabled !== undefined && typeof d.enabled !== 'boolean') fail('`enabled` must be true or false.')
  if (d.settings !== undefined && !(d.settings as { '~standard'?: unknown })?.['~standard']) fail('`settings` must be a Standard Schema (zod, valibot, arktype…).')
  return d as ModuleDefinition
}

function normalizeBasePath(basePath: string, source: string): string {
  if (!basePath.startsWith('/') || /[\s?#]|\/\//.test(basePath)) {
    throw new DskityError(ErrorCodes.MODULE_CONFIG, `${source}: basePath ${JSON.stringify(basePath)} must start with "/" and contain no spaces, "?", "#" or "//".`, { source })
  }
  return basePath.length > 1 ? basePath.replace(/\/+$/, '') : basePath
}

function applyTargets(sorted: ManifestModule[], byName: Map<string, ManifestModule>, targets: string[], notes: string[]) {
  const selected = new Set<string>()
  const visit = (name: string, via?: string) => {
    if (selected.has(name)) return
    selected.add(name)
    if (via) notes.push(`target \`${via}\` pulls in its dependency \`${name}\``)
    for (const dep of byName.get(name)!.dependsOn) visit(dep, via ?? name)
  }
  for (const target of targets) {
    if (!byName.has(target)) {
      throw new DskityError(ErrorCodes.UNKNOWN_TARGET, `--target \`${target}\` is not a module${didYouMean(target, byName.keys())}. Modules: ${[...byName.keys()].join(', ')}.`, { target })
    }
    visit(target)
  }
  for (const mod of sorted) if (!selected.has(mod.name)) mod.enabled = false
}
