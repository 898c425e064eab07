// Every code sample in the guides is a real file or is run here, so the docs cannot rot.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { docBlocks } from './doc-blocks.ts'
import { parseYAML } from 'confbox'
import { createTestApp, createTestClient, type TestClient } from 'dskity/testing'
import { subCommands } from '../../src/cli/index.ts'
import { scaffoldModule } from '../../src/cli/commands/init.ts'
import { configSchema } from '../../src/config/schema.ts'
import { readEnv } from '../../src/config/env.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const GUIDES = ['getting-started', 'modules', 'cli', 'testing', 'deployment']
const temps: string[] = []
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })))

const blocks = GUIDES.flatMap(docBlocks)
const isRepoFile = (f: string) => /^(templates|playground|test|src|scripts)\//.test(f)

describe('docs code samples', () => {
  it('every TypeScript/JavaScript sample names its file', () => {
    const unnamed = blocks.filter((b) => ['ts', 'js', 'mjs'].includes(b.lang) && !b.file)
    expect(unnamed.map((b) => `${b.guide}: ${b.body.slice(0, 60)}`)).toEqual([])
  })

  it.each(blocks.filter((b) => b.file && isRepoFile(b.file)).map((b) => [b.guide, b.file!, b] as const))('%s: %s is quoted verbatim', (_guide, file, block) => {
    expect(existsSync(join(REPO, file)), file).toBe(true)
    const content = readFileSync(join(REPO, file), 'utf8').replaceAll('__NAME__', 'hello')
    expect(content).toContain(block.body)
  })

  it('every YAML sample parses', () => {
    for (const b of blocks.filter((b) => b.lang === 'yaml')) {
      for (const doc of b.body.split(/^---$/m)) expect(() => parseYAML(doc), `${b.guide}: ${b.body.slice(0, 80)}`).not.toThrow()
    }
  })

  it('every `dskity` command line in a sample uses a real command and real flags', async () => {
    const known: Record<string, string[]> = {}
    for (const [name, load] of Object.entries(subCommands)) known[name] = Object.keys(((await load()) as { args?: object }).args ?? {})
    for (const b of blocks.filter((b) => ['sh', 'bash', 'dockerfile', 'ini', 'yaml'].includes(b.lang))) {
      for (const [, cmd, rest] of b.body.matchAll(/(?:^|npx |&& )dskity (\w+)([^\n#]*)/gm)) {
        expect(Object.keys(known), `${b.guide}: dskity ${cmd}`).toContain(cmd)
        for (const [, flag] of rest.matchAll(/--(?:no-)?([\w-]+)/g)) expect(known[cmd], `${b.guide}: dskity ${cmd} --${flag}`).toContain(flag)
      }
    }
  })
})

describe('docs/cli.md', () => {
  it('documents every command and every flag', async () => {
    const text = readFileSync(join(REPO, 'docs/cli.md'), 'utf8')
    for (const [name, load] of Object.entries(subCommands)) {
      expect(text, name).toContain(`## dskity ${name}`)
      const args = ((await load()) as { args?: Record<string, { type: string }> }).args ?? {}
      for (const [arg, def] of Object.entries(args)) expect(text, `dskity ${name} ${arg}`).toContain(def.type === 'positional' ? `\`${arg === 'dir' ? '[dir]' : arg}\`` : `--${arg}`)
    }
  })
})

describe('sample services built from the guides', () => {
  it('getting-started: the config file customises the scaffolded module', async () => {
    const client = await sampleService('getting-started', (dir) => scaffoldModule('hello', join(dir, 'modules/hello')))
    expect((await client.get('/hello')).body).toEqual({ module: 'hello', greeting: 'Hi there', items: [] })
  })

  it('modules: base path, catch-all, request/response/error hooks and settings', async () => {
    const client = await sampleService('modules')
    expect((await client.get('/stock/a/b')).status).toBe(401)
    const ok = await client.get('/stock/a/b', { headers: { 'x-api-key': 'dev-key' } })
    expect(ok.body).toEqual({ data: { method: 'GET', path: 'a/b' } })
    expect((await client.request('DELETE', '/stock/x', { headers: { 'x-api-key': 'dev-key' } })).body).toEqual({ data: { method: 'DELETE', path: 'x' } })
  })
})

// --- internal ---

const clients: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of clients) await close()
})

/** Writes the guide's `modules/…` and `dskity.config.ts` samples into a service and starts it. */
async function sampleService(guide: string, prepare?: (dir: string) => void): Promise<TestClient> {
  const dir = mkdtempSync(join(tmpdir(), `dskity-docs-${guide}-`))
  temps.push(dir)
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  prepare?.(dir)
  for (const b of docBlocks(guide).filter((b) => b.file && !isRepoFile(b.file) && b.lang === 'ts')) {
    mkdirSync(dirname(join(dir, b.file!)), { recursive: true })
    writeFileSync(join(dir, b.file!), b.body)
  }
  const app = await createTestApp({ rootDir: dir })
  clients.push(() => app.close())
  return createTestClient({ app })
}

describe('deployment samples', () => {
  const deployment = docBlocks('deployment')
  const block = (file: string) => deployment.find((b) => b.file === file)!.body
  const graceSeconds = (vars: Record<string, string>) => Number(vars.DSKITY_COMMON__SHUTDOWN__GRACE_SECONDS ?? 30)

  it('name only env variables that set a config key', () => {
    const names = [...deployment.map((b) => b.body).join('\n').matchAll(/\b(DSKITY_[A-Z0-9_]+)/g)].map((m) => m[1])
    expect(names.length).toBeGreaterThan(5)
    for (const name of new Set(names)) {
      if (['DSKITY_ENV', 'DSKITY_RELOAD', 'DSKITY_CONFIG'].includes(name)) continue
      expect(() => readEnv({ [name]: sampleValue(name) }, configSchema, []), name).not.toThrow()
    }
  })

  it('systemd waits longer than the grace period before killing', () => {
    const unit = block('/etc/systemd/system/orders.service')
    const vars = Object.fromEntries([...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
    expect(unit).toContain('ExecStart=/usr/bin/node /srv/orders/.output/server/index.mjs')
    expect(Number(unit.match(/^TimeoutStopSec=(\d+)/m)![1])).toBeGreaterThan(graceSeconds(vars))
  })

  it('the Kubernetes Deployment: replicas, probes, shared Redis and MQTT, termination timing', () => {
    const [dep, svc] = block('k8s/orders.yaml').split(/^---$/m).map((d) => parseYAML(d)) as Array<Record<string, any>>
    expect(dep.kind).toBe('Deployment')
    expect(svc.kind).toBe('Service')
    expect(dep.spec.replicas).toBeGreaterThanOrEqual(2)
    const pod = dep.spec.template.spec
    const container = pod.containers[0]
    const vars = Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]))
    expect(vars).toMatchObject({ DSKITY_KV__STORE: 'redis', DSKITY_COMMON__MQTT__ENABLED: 'true' })
    const defaults = configSchema.parse({})
    expect(container.livenessProbe.httpGet.path).toBe(`${defaults.common.health.pathPrefix}/live`)
    expect(container.readinessProbe.httpGet.path).toBe(`${defaults.common.health.pathPrefix}/ready`)
    const preStop = Number(container.lifecycle.preStop.exec.command[1])
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + graceSeconds(vars))
  })
})

function sampleValue(name: string): string {
  if (/SECONDS|PORT/.test(name)) return '5'
  if (/ENABLED/.test(name)) return 'true'
  if (name.endsWith('STORE')) return 'redis'
  if (name.endsWith('FORMAT')) return 'json'
  return 'x'
}
