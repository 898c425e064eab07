// Outside-in: the package as npm publishes it, installed into a fresh project, used like a user would.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docFile } from './doc-blocks.ts'
import { freePort, run, start, stop, waitFor200 } from './run.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }> }
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

describe('the packed package, installed in a fresh project', () => {
  const root = mkdtempSync(join(tmpdir(), 'dskity-pack-'))
  const project = join(root, 'project')
  let packed: string[] = []

  beforeAll(async () => {
    const pack = await run(npm, ['pack', '--json', '--pack-destination', root], { cwd: REPO, timeoutMs: 120_000 })
    expect(pack.code, pack.stderr).toBe(0)
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>
    packed = info.files.map((f) => f.path)
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-service', private: true, type: 'module' }, null, 2))
    const install = await run(npm, ['install', join(root, info.filename), 'zod', 'vitest@4.1.12', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, timeoutMs: 240_000 })
    expect(install.code, install.stderr).toBe(0)
    const init = await run(npx, ['dskity', 'init', 'hello', '--path', 'modules'], { cwd: project })
    expect(init.code, init.stderr).toBe(0)
    console.log(`[pack] npm pack ${pack.ms} ms, npm install ${install.ms} ms, dskity init ${init.ms} ms`)
  }, 400_000)

  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('ships every file that package.json exports points at', () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      expect(packed, `${entry} types`).toContain(target.types.replace(/^\.\//, ''))
      expect(packed, `${entry} import`).toContain(target.import.replace(/^\.\//, ''))
    }
    expect(packed).toContain('bin/dskity.mjs')
    expect(packed).toContain('templates/module/module.config.ts')
  })

  it('runs the generated test and a test using the dskity/vitest fixtures', async () => {
    mkdirSync(join(project, 'test'))
    writeFileSync(join(project, 'test/hello.test.ts'), FIXTURES_TEST)
    writeFileSync(join(project, 'modules/hello/routes/copy.get.ts'), COPY_ROUTE)
    const res = await run(npx, ['vitest', 'run'], { cwd: project, timeoutMs: 120_000 })
    console.log(`[pack] npx vitest run ${res.ms} ms`)
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.stdout).toMatch(/Test Files\s+.*2 passed/)
    expect(res.stdout).toMatch(/Tests\s+.*5 passed/)
  }, 150_000)

  it('`dskity init` refuses to overwrite from the package too', async () => {
    const res = await run(npx, ['dskity', 'init', 'hello', '--path', 'modules'], { cwd: project })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('already exists')
  })

  it('`dskity build` makes a bundle that runs with no node_modules beside it', async () => {
    const build = await run(npx, ['dskity', 'build'], { cwd: project, timeoutMs: 180_000 })
    console.log(`[pack] npx dskity build ${build.ms} ms`)
    expect(build.code, build.stdout + build.stderr).toBe(0)
    const elsewhere = mkdtempSync(join(tmpdir(), 'dskity-pack-run-'))
    cpSync(join(project, '.output'), join(elsewhere, '.output'), { recursive: true })
    const port = await freePort()
    const server = start(process.execPath, ['.output/server/index.mjs'], { cwd: elsewhere, env: { PORT: String(port), HOST: '127.0.0.1' } })
    try {
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, server)
      expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).json()).toEqual({ module: 'hello', greeting: 'Hello from hello', items: [] })
      expect(await stop(server)).toBe(0)
    } finally {
      await stop(server)
    }
    // docs/deployment.md's cluster.mjs, next to .output/: two workers on one port, graceful stop.
    writeFileSync(join(elsewhere, 'cluster.mjs'), docFile('deployment', 'cluster.mjs'))
    const cluster = start(process.execPath, ['cluster.mjs'], { cwd: elsewhere, env: { PORT: String(port), HOST: '127.0.0.1', WORKERS: '2' } })
    try {
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, cluster)
      const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`http://127.0.0.1:${port}/hello`).then((r) => r.status)))
      expect(answers).toEqual(Array(8).fill(200))
      expect(await stop(cluster), cluster.output()).toBe(0)
    } finally {
      await stop(cluster)
      rmSync(elsewhere, { recursive: true, force: true })
    }
  }, 200_000)
})

// --- internal ---

/** What a user writes: the fixtures, a settings override, and a check that one dskity copy runs. */
const FIXTURES_TEST = `import { expect, test } from 'dskity/vitest'
import { createTestSettings } from 'dskity/testing'
import { ProblemDetail } from 'dskity'

test.override({ dskitySettings: createTestSettings({ modules: { hello: { settings: { greeting: 'Hi from the fixtures' } } } }) })

test('the fixtures serve the module with overridden settings', async ({ dskityClient }) => {
  const res = await dskityClient.get('/hello')
  expect(res.status).toBe(200)
  expect(res.body).toMatchObject({ greeting: 'Hi from the fixtures' })
})

test('route files and this test share one copy of dskity', async ({ dskityClient }) => {
  expect((await dskityClient.get('/hello/copy')).status).toBe(200)
  expect((globalThis as Record<string, unknown>).__dskityRouteCopy).toBe(ProblemDetail)
})

test('a ProblemDetail thrown by a route is a problem+json response', async ({ dskityClient }) => {
  const res = await dskityClient.post('/hello', { item: '' })
  expect(res.status).toBe(422)
  expect(res.headers.get('content-type')).toContain('application/problem+json')
})
`

/** A route handing its copy of dskity's `ProblemDetail` to the test. */
const COPY_ROUTE = `import { defineEventHandler, ProblemDetail } from 'dskity'

export default defineEventHandler(() => {
  ;(globalThis as Record<string, unknown>).__dskityRouteCopy = ProblemDetail
  return { ok: true }
})
`
