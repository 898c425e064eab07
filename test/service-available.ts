import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { freePort } from './e2e/hosts.ts'

/**
 * Whether a TCP service answers on 127.0.0.1:port. Service-backed tests use it to skip loudly on a
 * laptop without Redis/Mosquitto; under `CI=true` a missing service is a failure, not a skip.
 */
export async function serviceAvailable(name: string, port: number, host = '127.0.0.1'): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
  if (!up) {
    const message = `[dskity tests] ${name} is not reachable on ${host}:${port}`
    if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it (see .ci/run).`)
    console.warn(`\n*** ${message}: SKIPPING ${name}-backed tests ***\n`)
  }
  return up
}

/**
 * Whether a server binary (`redis-server`, `mosquitto`) is on PATH, for tests that start their own
 * instance to freeze it (SIGSTOP). Skips loudly on a laptop without it; a failure under `CI=true`.
 */
export function binaryAvailable(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0
  if (!found) {
    const message = `[dskity tests] \`${name}\` is not on PATH`
    if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it (see .ci/run).`)
    console.warn(`\n*** ${message}: SKIPPING the tests that start their own ${name} ***\n`)
  }
  return found
}

/**
 * Starts a server binary of our own (`redis-server`, `mosquitto`) on a free loopback port and
 * resolves once it accepts connections; its output is kept for the error if it never does.
 *
 * @example const { port, proc } = await startOwnServer('mosquitto', (port) => ['-p', String(port)])
 */
export async function startOwnServer(bin: string, args: (port: number) => string[]): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort()
  const proc = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  for (let i = 0; i < 200 && proc.exitCode === null; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)))
      socket.on('error', () => resolve(false))
    })
    if (up) return { port, proc }
    await new Promise((r) => setTimeout(r, 50))
  }
  proc.kill('SIGKILL')
  throw new Error(`${bin} ${args(port).join(' ')} did not accept connections on ${port}:\n${output}`)
}
