import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundle, generateManifestModule } from '../../src/nitro/index.ts'
import type { Manifest, ManifestModule } from '../../src/runtime/types.ts'
import { createJiti } from 'jiti'
import { dskityAlias } from '../../src/config/load.ts'

const fixture = fileURLToPath(new URL('../fixtures/build-app', import.meta.url))
const config = { name: 'build-app', common: { logging: { accessLog: false } }, modules: { hello: { settings: { greeting: 'hi' } } } }

describe('dskity build (Nitro host)', () => {
  const buildRoot = mkdtempSync(join(tmpdir(), 'dskity-build-'))
  const runRoot = mkdtempSync(join(tmpdir(), 'dskity-run-'))
  let build: Awaited<ReturnType<typeof buildBundle>>

  beforeAll(async () => {
    build = await buildBundle({ manifest: fixtureManifest(fixture), config, rootDir: fixture, outputDir: join(buildRoot, '.output') })
    // Only `.output/` travels: nothing may be resolved from the repo's node_modules or sources.
    cpSync(build.outputDir, join(runRoot, '.output'), { recursive: true })
    console.log(`[build] ${build.durationMs} ms, .output ${kb(dirSize(build.outputDir))} kB (server/node_modules ${kb(dirSize(join(build.outputDir, 'server/node_modules')))} kB), warnings: ${build.warnings.length}`)
  }, 120_000)

  afterAll(() => {
    for (const dir of [buildRoot, runRoot, join(fixture, '.dskity')]) rmSync(dir, { recursive: true, force: true })
  })

  it('writes a standalone .output without build-time code', () => {
    const server = join(runRoot, '.output/server')
    expect(existsSync(join(server, 'index.mjs'))).toBe(true)
    expect(readdirSync(join(runRoot, '.output')).sort()).toEqual(['nitro.json', 'server'])
    const traced = readdirSync(join(server, 'node_modules'))
    for (const pkg of ['c12', 'jiti', 'nitropack', 'vitest', 'typescript']) expect(traced).not.toContain(pkg)
    expect(traced).toContain('zod')
    expect(readFileSync(join(server, 'index.mjs'), 'utf8')).not.toMatch(/from ['"](nitropack|jiti|c12|dskity)['"/]/)
    expect(build.warnings).toEqual([])
  })

  it('runs under plain node from a copied .output, then exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const started = performance.now()
    const child = startBundle(runRoot, { PORT: String(port), HOST: '127.0.0.1' })
    const base = `http://127.0.0.1:${port}`
    await waitFor200(`${base}/health/ready`, child)
    console.log(`[build] cold start (spawn → first 200 on /health/ready): ${Math.round(performance.now() - started)} ms`)

    expect(await (await fetch(`${base}/hello`)).json()).toEqual({ hello: 'world' })
    // Settings from the embedded config, a startup hook and a route sharing one module instance,
    // and a side-effect-only import that the bundler must keep.
    expect(await (await fetch(`${base}/hello/ann`)).json()).toEqual({ message: 'hi, ann', started: true, sideEffect: true })
    expect((await fetch(`${base}/nope`)).status).toBe(404)

    child.kill('SIGTERM')
    expect(await exitCode(child)).toBe(0)
  }, 30_000)

  it('honours NITRO_PORT and exits 1 with a message when startup fails', async () => {
    const child = startBundle(runRoot, { NITRO_PORT: 'not-a-port' })
    let stderr = ''
    child.stderr?.on('data', (chunk) => (stderr += chunk))
    expect(await exitCode(child)).toBe(1)
    expect(stderr).toContain('NITRO_PORT="not-a-port" is not a port number')
  }, 30_000)

  it('refuses to bundle dskity test utilities into server code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dskity-build-bad-'))
    try {
      mkdirSync(join(root, 'modules/bad/routes'), { recursive: true })
      writeFileSync(join(root, 'modules/bad/routes/index.get.ts'), "import { createTestApp } from 'dskity/testing'\nexport default createTestApp\n")
      const build = buildBundle({ manifest: fixtureManifest(root, 'bad'), config: {}, rootDir: root, logLevel: -999 })
      await expect(build).rejects.toThrow(/imports `dskity\/testing`: only `dskity` can be used in server code/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('#dskity/manifest virtual module', () => {
  const manifest = fixtureManifest(fixture)

  it('is deterministic, sorted, and safe for any path', async () => {
    const odd = structuredClone(manifest)
    // A disabled module's files stay behind lazy import()s, so the odd path is never loaded here.
    odd.modules.push({ ...structuredClone(odd.modules[0]), name: 'odd', enabled: false, configFile: undefined, events: [], hooks: {}, routes: [{ module: 'odd', path: '/odd', file: '/tmp/we"ird\\dir/it\'s.ts' }] })
    const source = generateManifestModule({ manifest: odd, config })
    expect(generateManifestModule({ manifest: structuredClone(odd), config })).toBe(source)
    const dir = mkdtempSync(join(tmpdir(), 'dskity-vm-'))
    writeFileSync(join(dir, 'manifest.mjs'), source)
    // Enabled modules' files are imported statically (TypeScript): evaluate it the way the CLI loads user code.
    const jiti = createJiti(import.meta.url, { alias: dskityAlias() })
    const mod = (await jiti.import(pathToFileURL(join(dir, 'manifest.mjs')).href)) as { manifest: Manifest; config: unknown; loaders: Record<string, unknown> }
    rmSync(dir, { recursive: true, force: true })
    expect(mod.manifest).toEqual(odd)
    expect(mod.config).toEqual(config)
    const keys = Object.keys(mod.loaders)
    expect(keys).toEqual([...keys].sort())
    expect(keys).toContain('/tmp/we"ird\\dir/it\'s.ts')
    expect(keys).toHaveLength(6)
    expect(source).toMatch(/^import \* as _0 from /m)
    expect(source).toContain('() => import("/tmp/we\\"ird')
  })

  it('refuses an output folder that would empty the project', async () => {
    await expect(buildBundle({ manifest, config, rootDir: fixture, outputDir: '..' })).rejects.toThrow(/contains the project/)
  })

  it('names the config key that cannot be embedded as JSON', () => {
    expect(() => generateManifestModule({ manifest, config: { common: { cors: { origin: () => true } } } })).toThrow(/config key `common\.cors\.origin` holds a function/)
  })
})

// --- internal ---

/** A hand-written scan of `<root>/modules/<name>/` (routes, events, hooks, module.config.ts). */
function fixtureManifest(root: string, name = 'hello'): Manifest {
  const dir = join(root, 'modules', name)
  const list = (sub: string) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).filter((f) => f.endsWith('.ts')).sort() : [])
  const mod: ManifestModule = {
    name,
    basePath: `/${name}`,
    dependsOn: [],
    enabled: true,
    dir,
    configFile: existsSync(join(dir, 'module.config.ts')) ? join(dir, 'module.config.ts') : undefined,
    routes: list('routes').map((f) => {
      const [base, method] = f.replace(/\.ts$/, '').split('.') as [string, 'get' | undefined]
      const path = base === 'index' ? `/${name}` : `/${name}/${base.replace(/^\[(.+)\]$/, ':$1')}`
      return { module: name, method, path, file: join(dir, 'routes', f) }
    }),
    events: list('events').map((f) => ({ module: name, name: f.replace(/\.ts$/, ''), file: join(dir, 'events', f) })),
    hooks: Object.fromEntries(list('hooks').map((f) => [f.replace(/\.ts$/, ''), join(dir, 'hooks', f)])),
  }
  return { version: 1, rootDir: root, modules: [mod], notes: [] }
}

function startBundle(cwd: string, env: Record<string, string>): ChildProcess {
  // A clean env: no NODE_OPTIONS/loader from vitest, no PORT leaking in from the caller.
  const { PATH, HOME } = process.env
  return spawn(process.execPath, ['.output/server/index.mjs'], { cwd, env: { PATH, HOME, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
}

async function waitFor200(url: string, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bundle exited with ${child.exitCode} before ${url} answered`)
    const status = await fetch(url).then((r) => r.status, () => 0)
    if (status === 200) return
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGKILL')
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.once('error', reject)
  })
}

function dirSize(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((n, e) => (e.isFile() ? n + statSync(join(e.parentPath, e.name)).size : n), 0)
}

function kb(bytes: number): number {
  return Math.round(bytes / 1024)
}
