import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, createNitro, prepare } from 'nitropack'
import type { RollupConfig } from 'nitropack/types'
import type { Plugin as RollupPlugin } from 'rollup'
import type { Manifest } from '../runtime/types.ts'
import { DskityError, ErrorCodes } from '../errors.ts'
import { copyModuleAssets, moduleFileUrls } from './module-assets.ts'
import { generateManifestModule, MANIFEST_MODULE_ID } from './virtual-manifest.ts'

/** Options of {@link buildBundle}. */
export interface BuildBundleOptions {
  /** The scanned app. Every file it lists is bundled. */
  manifest: Manifest
  /** Raw config object (plain JSON values); `DSKITY_*` env is applied when the bundle starts. */
  config: Record<string, unknown>
  /** Project folder; the only folder written to (`.output/` and `.dskity/nitro/`). */
  rootDir: string
  /** @default `<rootDir>/.output` */
  outputDir?: string
  /** dskity's `src/index.ts`, which `import … from 'dskity'` resolves to. @default this package's */
  dskityEntry?: string
  /** consola level of Nitro's build logs (0 errors, 1 warnings, 3 info). @default 1 */
  logLevel?: number
  /** Minify the server bundle. @default false */
  minify?: boolean
}

/** What {@link buildBundle} produced. */
export interface BuildBundleResult {
  /** Absolute `.output` folder. */
  outputDir: string
  /** Absolute path of `.output/server/index.mjs` (run it with `node`). */
  entry: string
  durationMs: number
  /** Rollup warnings, also logged when `logLevel` ≥ 1. */
  warnings: string[]
}

/**
 * Bundles a scanned app into a standalone `.output/` with Nitro (node-server layout; dependencies
 * traced into `.output/server/node_modules`). Nitro only bundles: the entry is dskity's own
 * (`entry.ts`), which serves the runtime's h3 app on `node:http`, off Nitro's request path.
 *
 * @example
 * const { entry } = await buildBundle({ manifest, config, rootDir: '/srv/my-service' })
 * // node /srv/my-service/.output/server/index.mjs
 */
export async function buildBundle(opts: BuildBundleOptions): Promise<BuildBundleResult> {
  const started = performance.now()
  const rootDir = resolve(opts.rootDir)
  const outputDir = resolve(rootDir, opts.outputDir ?? '.output')
  assertSafeOutputDir(outputDir, rootDir)
  // First, so a config that cannot be embedded fails before anything is written.
  const manifestSource = generateManifestModule({ manifest: opts.manifest, config: opts.config })
  const srcDir = dskitySrcDir()
  const dskityEntry = resolve(opts.dskityEntry ?? join(srcDir, 'index.ts'))
  const buildDir = join(rootDir, '.dskity', 'nitro')
  // Nitro scans its srcDir for routes/, plugins/ and *modules/* (which would pick up dskity modules
  // as Nitro modules and run them): point it at an empty folder.
  const noScanDir = join(buildDir, 'no-scan')
  mkdirSync(noScanDir, { recursive: true })
  const userDirs = opts.manifest.modules.map((m) => m.dir)
  const warnings: string[] = []

  const nitro = await createNitro(
    {
      rootDir,
      srcDir: noScanDir,
      buildDir,
      output: { dir: outputDir, serverDir: join(outputDir, 'server'), publicDir: join(outputDir, 'public') },
      preset: 'node-server',
      entry: join(srcDir, 'nitro', 'entry.ts'),
      compatibilityDate: '2025-01-01',
      logLevel: opts.logLevel ?? 1,
      logging: { compressedSizes: false, buildSuccess: false },
      minify: opts.minify ?? false,
      sourceMap: false,
      imports: false,
      noPublicDir: true,
      publicAssets: [],
      serverAssets: [],
      handlers: [],
      plugins: [],
      timing: false,
      debug: false,
      experimental: { asyncContext: false, tasks: false, websocket: false, database: false, openAPI: false, wasm: false },
      typescript: { generateTsConfig: false, generateRuntimeConfigTypes: false },
      // Transpile TypeScript also under node_modules (dskity's own src when installed from npm).
      esbuild: { options: { target: 'node20', exclude: /node_modules\/.*\.[cm]?jsx?$/ } },
      virtual: { [MANIFEST_MODULE_ID]: manifestSource },
      externals: { inline: [srcDir, ...userDirs] },
    },
    // The project is a dskity project, not a Nitro one: never read nitro.config / .nitrorc / package.json#nitro.
    { c12: { configFile: 'nitro.dskity-ignored', rcFile: false, globalRc: false, packageJson: false } },
  )
  nitro.hooks.hook('rollup:before', (_nitro, rollupConfig) => {
    rollupConfig.plugins = [resolveDskity(dskityEntry), moduleFileUrls(opts.manifest), ...(rollupConfig.plugins ?? [])]
    keepSideEffects(rollupConfig, [srcDir, rootDir])
    nameModuleChunks(rollupConfig, opts.manifest)
    rollupConfig.onwarn = (warning) => {
      if (['CIRCULAR_DEPENDENCY', 'EVAL'].includes(warning.code ?? '')) return
      const text = warning.id ? `${warning.message} (${warning.id})` : warning.message
      warnings.push(text)
      nitro.logger.warn(text)
    }
  })

  try {
    await prepare(nitro)
    await build(nitro)
  } finally {
    await nitro.close()
  }
  copyModuleAssets(opts.manifest, join(outputDir, 'server'))
  const entry = join(outputDir, 'server', 'index.mjs')
  return { outputDir, entry, durationMs: Math.round(performance.now() - started), warnings }
}

// --- internal ---

/**
 * `'dskity'` → dskity's TypeScript source (bundled, never external). Test utilities must not end up
 * in a server bundle, so importing them from bundled code is a build error.
 */
function resolveDskity(dskityEntry: string): RollupPlugin {
  return {
    name: 'dskity:resolve',
    resolveId(id, importer) {
      if (id === 'dskity') {
        if (!existsSync(dskityEntry)) this.error(`[dskity] ${importer ?? 'a bundled file'} imports \`dskity\`, but ${dskityEntry} does not exist: reinstall dskity`)
        return dskityEntry
      }
      if (id.startsWith('dskity/')) {
        this.error(`[dskity] ${importer ?? 'a bundled file'} imports \`${id}\`: only \`dskity\` can be used in server code (test utilities are not bundled). Move that import into a test file.`)
      }
      return null
    },
  }
}

/**
 * Nitro marks every module outside its own runtime as side-effect free, which drops side-effect
 * imports (`import './register.ts'`) from user and dskity files. Keep their side effects.
 */
function keepSideEffects(rollupConfig: RollupConfig, dirs: string[]): void {
  const treeshake = typeof rollupConfig.treeshake === 'object' ? rollupConfig.treeshake : undefined
  const nitroRule = treeshake?.moduleSideEffects
  if (!treeshake || typeof nitroRule !== 'function') return
  const prefixes = dirs.map((d) => d + sep)
  treeshake.moduleSideEffects = (id, external) =>
    (!id.includes(`${sep}node_modules${sep}`) || id.includes(`${sep}node_modules${sep}dskity${sep}`)) && prefixes.some((p) => id.startsWith(p)) ? true : nitroRule(id, external)
}

/** Chunks of user files go to `chunks/modules/<module>/`, so stack traces name the module. */
function nameModuleChunks(rollupConfig: RollupConfig, manifest: Manifest): void {
  const nitroNames = rollupConfig.output.chunkFileNames
  if (typeof nitroNames !== 'function') return
  const dirs = manifest.modules.map((m) => ({ prefix: m.dir + sep, name: m.name })).sort((a, b) => b.prefix.length - a.prefix.length)
  rollupConfig.output.chunkFileNames = (chunk) => {
    const last = chunk.moduleIds.at(-1) ?? ''
    const mod = dirs.find((d) => last.startsWith(d.prefix))
    return mod ? `chunks/modules/${mod.name.replace(/[^\w.-]/g, '_')}/[name].mjs` : nitroNames(chunk)
  }
}

/** dskity's `src/` folder, found from this file (works from `src/` and from a bundled `dist/`). */
function dskitySrcDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (dirname(dir) !== dir) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dskity') return join(dir, 'src')
    dir = dirname(dir)
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..')
}

/**
 * The output folder is emptied before each build, so only a folder that is new, empty, or holds an
 * earlier build (`nitro.json` + `server/`) is accepted; never one containing the project, never a
 * file. Throws a coded error naming the folder otherwise: nothing is deleted.
 */
function assertSafeOutputDir(outputDir: string, rootDir: string): void {
  const fail = (why: string) => {
    throw new DskityError(ErrorCodes.CLI_ARGS, `build output ${outputDir} ${why}; it is emptied before each build, so nothing was written. Choose a new or empty folder, e.g. ${join(rootDir, '.output')}.`, { outputDir })
  }
  const contains = (parent: string, child: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep)
  if (contains(outputDir, rootDir)) fail(`contains the project ${rootDir}`)
  if (contains(join(rootDir, '.dskity'), outputDir)) fail(`is dskity's own scratch folder (${join(rootDir, '.dskity')})`)
  if (!existsSync(outputDir)) {
    // The nearest existing ancestor must be a folder (else Node fails later with ENOTDIR and a stack).
    let parent = dirname(outputDir)
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent)
    if (existsSync(parent) && !statSync(parent).isDirectory()) fail(`is inside ${parent}, which is a file`)
    return
  }
  if (!statSync(outputDir).isDirectory()) fail('is a file, not a folder')
  const entries = readdirSync(outputDir)
  const earlierBuild = entries.includes('nitro.json') && entries.includes('server') && entries.every((e) => ['nitro.json', 'server', 'public'].includes(e))
  if (entries.length > 0 && !earlierBuild) fail(`is not empty and does not hold an earlier build (found ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`)
}
