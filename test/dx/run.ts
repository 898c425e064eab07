import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** The result of a finished command. */
export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/**
 * Runs a command to completion without blocking the test worker. The environment has no
 * `DSKITY_*` and no `VITEST*` variables, so a nested vitest or CLI sees a user's plain shell.
 */
export function run(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...userEnv(), ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) })
    })
  })
}

/** Starts a long-running command (a server); the caller kills it. */
export function start(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { cwd: opts.cwd, env: { ...userEnv(), ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return Object.assign(child, { output: () => output })
}

/** Polls `url` until it answers 200 (or the process dies, or 30 s pass). */
export async function waitFor200(url: string, child?: ChildProcess & { output?: () => string }, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered:\n${child.output?.() ?? ''}`)
    try {
      if ((await fetch(url)).status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${child?.output?.() ?? ''}`)
}

/** Stops a process with SIGTERM and resolves with its exit code. */
export function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

// --- internal ---

function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DSKITY_') && !k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'TEST'))
}
