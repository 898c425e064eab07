import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BIN, cleanEnv, runCli } from '../cli/run-cli.ts'

/** The two ways a dskity app is served: in-process (`dskity run`) and the built bundle. */
export type HostKind = 'in-process' | 'bundle'
export const HOSTS: HostKind[] = process.env.TEST_HOSTS ? (process.env.TEST_HOSTS.split(',') as HostKind[]) : ['in-process', 'bundle']

export interface RunningHost {
  url: string
  proc: ChildProcess
  /** Everything the process printed so far. */
  output: () => string
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>
  /** SIGTERM, then waits for exit. */
  stop(): Promise<number | null>
}

const builds = new Map<string, string>()

/**
 * Builds `appDir` with `dskity build` into a temp folder and copies `.output/` alone into another
 * empty folder (so nothing outside it can be used). Cached per app for the test file.
 */
export function buildIsolated(appDir: string): string {
  const cached = builds.get(appDir)
  if (cached) return cached
  const out = mkdtempSync(join(tmpdir(), 'dskity-build-'))
  const res = runCli(['build', appDir, '--output', join(out, '.output')], { timeoutMs: 180_000 })
  if (res.code !== 0) throw new Error(`dskity build failed (${res.code}):\n${res.stdout}\n${res.stderr}`)
  const isolated = mkdtempSync(join(tmpdir(), 'dskity-isolated-'))
  cpSync(join(out, '.output'), join(isolated, '.output'), { recursive: true })
  builds.set(appDir, isolated)
  return isolated
}

/** Starts `appDir` on a free port with the given host kind and waits until `/health/live` answers. */
export async function startHost(kind: HostKind, appDir: string, env: NodeJS.ProcessEnv = {}, opts: { waitReady?: boolean } = {}): Promise<RunningHost> {
  const port = await freePort()
  const baseEnv = { ...cleanEnv(), DSKITY_RELOAD: 'false', ...env }
  const proc =
    kind === 'in-process'
      ? // PORT, as for the bundle: `dskity run` reads it when --port is not given.
        spawn(process.execPath, [BIN, 'run', appDir, '--host', '127.0.0.1', '--no-reload'], { env: { ...baseEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [join(buildIsolated(appDir), '.output/server/index.mjs')], { cwd: tmpdir(), env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const host: RunningHost = {
    url,
    proc,
    output: () => output,
    exited,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      return exited
    },
  }
  if (opts.waitReady === false) return host
  const deadline = Date.now() + 30_000
  let done = false
  exited.then(() => (done = true))
  while (Date.now() < deadline && !done) {
    try {
      const res = await fetch(`${url}/health/ready`)
      if (res.status === 200) return host
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  if (done) return host
  proc.kill('SIGKILL')
  throw new Error(`${kind} host for ${appDir} did not become ready:\n${output}`)
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}
