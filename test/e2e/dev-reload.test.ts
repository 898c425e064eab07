import { spawn } from 'node:child_process'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv } from '../cli/run-cli.ts'
import { fixtureDir, moduleConfig } from '../fixture-dir.ts'
import { freePort } from './hosts.ts'

const route = (message: string) => `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => ({ message: ${JSON.stringify(message)}, pid: process.pid }))\n`

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<{ value?: T; ms: number }> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    const value = await fn().catch(() => undefined)
    if (value !== undefined) return { value, ms: Date.now() - started }
    await new Promise((r) => setTimeout(r, 25))
  }
  return { ms: Date.now() - started }
}

describe('dskity dev', () => {
  const root = fixtureDir({
    'modules/hello/routes/index.get.ts': route('v1'),
    'modules/hello/module.config.ts': moduleConfig({}),
  })
  let proc: ReturnType<typeof spawn> | undefined
  let output = ''
  afterAll(() => void proc?.kill('SIGKILL'))

  it('serves an edited route within 2 s from the same process, survives a broken edit, and picks up new modules', async () => {
    const port = await freePort()
    proc = spawn(process.execPath, [BIN, 'dev', root, '--port', String(port), '--host', '127.0.0.1'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    proc.stdout!.on('data', (d) => (output += d))
    proc.stderr!.on('data', (d) => (output += d))
    const url = `http://127.0.0.1:${port}`
    const body = async (path = '/hello') => (await fetch(url + path)).json() as Promise<{ message?: string; pid?: number }>
    const first = await waitFor(async () => ((await body()).message === 'v1' ? body() : undefined), 30_000)
    expect(first.value?.message, output).toBe('v1')
    // The watcher says when it is watching; edits before that would not be seen.
    const watching = await waitFor(async () => (/watching .* for changes/.test(output) ? true : undefined), 10_000)
    expect(watching.value, output).toBe(true)

    writeFileSync(join(root, 'modules/hello/routes/index.get.ts'), route('v2'))
    const second = await waitFor(async () => ((await body()).message === 'v2' ? body() : undefined), 2000)
    expect(second.value?.message, output).toBe('v2')
    expect(second.value?.pid).toBe(first.value?.pid)

    // A syntax error is logged; the last good version keeps serving.
    writeFileSync(join(root, 'modules/hello/routes/index.get.ts'), 'export default {{{')
    await new Promise((r) => setTimeout(r, 600))
    expect((await body()).message, output).toBe('v2')
    expect(output).toMatch(/reload of modules\/hello\/routes\/index\.get\.ts failed; the previous version keeps serving/)
    // Editors that save atomically (write a temp file, rename it over) are followed, repeatedly.
    for (const version of ['v3', 'v4']) {
      writeFileSync(join(root, 'modules/hello/routes/.tmp-save'), route(version))
      renameSync(join(root, 'modules/hello/routes/.tmp-save'), join(root, 'modules/hello/routes/index.get.ts'))
      const saved = await waitFor(async () => ((await body()).message === version ? body() : undefined), 2000)
      expect(saved.value?.message, output).toBe(version)
    }
    writeFileSync(join(root, 'modules/hello/routes/index.get.ts'), route('v5'))
    const third = await waitFor(async () => ((await body()).message === 'v5' ? body() : undefined), 2000)
    expect(third.value?.message, output).toBe('v5')

    // Saving a test file beside the module (where `dskity init` puts one) restarts nothing.
    writeFileSync(join(root, 'modules/hello/hello.test.ts'), `import { test } from 'vitest'\ntest('x', () => {})\n`)
    await new Promise((r) => setTimeout(r, 600))
    expect(output).not.toMatch(/hello\.test\.ts/)

    // A new module folder is discovered without restarting the process.
    writeFileSync(join(root, 'modules/hello/../hello/routes/ping.get.ts'), route('pong'))
    const added = await waitFor(async () => ((await body('/hello/ping')).message === 'pong' ? body('/hello/ping') : undefined), 3000)
    expect(added.value?.pid, output).toBe(first.value?.pid)

    // Deleting a route file removes its route (a 404 problem), still without a new process.
    rmSync(join(root, 'modules/hello/routes/ping.get.ts'))
    const removed = await waitFor(async () => ((await fetch(url + '/hello/ping')).status === 404 ? true : undefined), 3000)
    expect(removed.value, output).toBe(true)
    expect((await body()).pid).toBe(first.value?.pid)
    expect(proc.exitCode).toBeNull()
  })
})

describe('dskity dev: a signal during a restart', () => {
  const root = fixtureDir({
    'modules/slow/routes/index.get.ts': route('v1'),
    'modules/slow/module.config.ts': moduleConfig({}),
    'modules/slow/hooks/startup.ts': `import { defineHook } from 'dskity'\nexport default defineHook(() => console.log('SLOW startup'))\n`,
    'modules/slow/hooks/shutdown.ts': `import { defineHook } from 'dskity'\nexport default defineHook(async () => { console.log('SLOW shutdown begins'); await new Promise((r) => setTimeout(r, 1500)); console.log('SLOW shutdown done') })\n`,
  })
  let proc: ReturnType<typeof spawn> | undefined
  afterAll(() => void proc?.kill('SIGKILL'))

  it('waits for the old modules\' shutdown hooks, starts nothing new, exits 0', async () => {
    const port = await freePort()
    let output = ''
    proc = spawn(process.execPath, [BIN, 'dev', root, '--port', String(port), '--host', '127.0.0.1'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    proc.stdout!.on('data', (d) => (output += d))
    proc.stderr!.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', resolve))
    expect((await waitFor(async () => (/watching .* for changes/.test(output) ? true : undefined), 30_000)).value, output).toBe(true)
    // A hook edit restarts the modules; the old module's shutdown hook takes 1.5 s.
    writeFileSync(join(root, 'modules/slow/hooks/startup.ts'), `import { defineHook } from 'dskity'\nexport default defineHook(() => console.log('SLOW startup v2'))\n`)
    expect((await waitFor(async () => (/SLOW shutdown begins/.test(output) ? true : undefined), 5_000)).value, output).toBe(true)
    proc.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toMatch(/SLOW shutdown done/)
    expect(output).not.toMatch(/SLOW startup v2/)
  }, 60_000)
})
