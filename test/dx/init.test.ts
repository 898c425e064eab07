import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestApp, createTestClient } from 'dskity/testing'
import { freePort, run, start, stop, waitFor200 } from './run.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(REPO, 'bin/dskity.mjs')
const temps: string[] = []
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** An empty service folder whose imports (zod, vitest) resolve to the repo's node_modules. */
function serviceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dskity-init-'))
  temps.push(dir)
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

const init = (cwd: string, ...args: string[]) => run(process.execPath, [BIN, 'init', ...args], { cwd })

describe('dskity init', () => {
  const dir = serviceDir()

  it('scaffolds a module folder with the name filled in', async () => {
    const res = await init(dir, 'hello')
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain('created module `hello` in modules/hello')
    const files = listFiles(join(dir, 'modules/hello'))
    expect(files).toEqual(['events/hello.item-added.ts', 'hello.test.ts', 'hooks/shutdown.ts', 'hooks/startup.ts', 'module.config.ts', 'routes/index.get.ts', 'routes/index.post.ts'])
    for (const f of files) expect(readFileSync(join(dir, 'modules/hello', f), 'utf8')).not.toContain('__NAME__')
  })

  it('refuses to overwrite an existing folder (exit 1, files untouched)', async () => {
    const file = join(dir, 'modules/hello/module.config.ts')
    writeFileSync(file, '// mine\n' + readFileSync(file, 'utf8'))
    const res = await init(dir, 'hello')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('modules/hello already exists; dskity init never overwrites')
    expect(res.stderr).not.toContain('    at ')
    expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ mine/)
  })

  it.each(['Billing', 'bad_name', '1st', 'a--b', '../escape', 'with space'])('rejects the invalid name %j (exit 1)', async (name) => {
    const res = await init(dir, name, '--path', 'other')
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('invalid module name')
    expect(existsSync(join(dir, 'other'))).toBe(false)
  })

  it('serves /<name> through createTestApp, as generated', async () => {
    const app = await createTestApp({ rootDir: dir })
    try {
      const client = createTestClient({ app })
      expect((await client.get('/hello')).body).toEqual({ module: 'hello', greeting: 'Hello from hello', items: [] })
      expect((await client.post('/hello', { item: 'x' })).status).toBe(201)
    } finally {
      await app.close()
    }
  })

  it('its generated test passes with vitest', async () => {
    // The harness maps `dskity/*` to this repo's sources; the test file itself is as generated.
    writeFileSync(join(dir, 'vitest.config.mjs'), vitestConfig())
    const res = await run(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=dot'], { cwd: dir })
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.stdout).toMatch(/Tests\s+.*2 passed/)
  }, 60_000)
})

describe('dskity init billing --path playground/modules', () => {
  it('makes the playground serve /billing with no other edit', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'dskity-playground-'))
    temps.push(copy)
    cpSync(join(REPO, 'playground'), copy, { recursive: true, filter: (src) => !/[\\/]\.(dskity|output)$/.test(src) })
    symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir')
    const created = await run(process.execPath, [BIN, 'init', 'billing', '--path', join(copy, 'modules')], { cwd: REPO })
    expect(created.code, created.stderr).toBe(0)
    const port = await freePort()
    const server = start(process.execPath, [BIN, 'run', copy, '--port', String(port), '--host', '127.0.0.1', '--no-reload'], { cwd: REPO })
    try {
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, server)
      const root = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { modules: string[] }
      expect(root.modules).toContain('billing')
      const post = await fetch(`http://127.0.0.1:${port}/billing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"invoice-1"}' })
      expect(post.status).toBe(201)
      expect(await (await fetch(`http://127.0.0.1:${port}/billing`)).json()).toEqual({ module: 'billing', greeting: 'Hello from billing', items: ['invoice-1'] })
      expect(await stop(server)).toBe(0)
    } finally {
      await stop(server)
    }
  }, 60_000)
})

// --- internal ---

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort()
}

function vitestConfig(): string {
  const src = (p: string) => JSON.stringify(join(REPO, 'src', p))
  return `export default {
  resolve: { alias: [
    { find: /^dskity\\/testing$/, replacement: ${src('testing/index.ts')} },
    { find: /^dskity$/, replacement: ${src('index.ts')} },
  ] },
  test: { include: ['modules/**/*.test.ts'] },
}
`
}
