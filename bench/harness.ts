// Shared pieces of the benchmarks: processes, CPU pinning, load generation, RSS, statistics.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('..', import.meta.url))
export const BIN = join(REPO, 'bin/dskity.mjs')

/** `taskset` prefixes that keep the server on core 0 and the load generator on core 1 (when there are 2+ cores). */
export const PIN = (() => {
  const can = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0
  return { server: can ? ['taskset', '-c', '0'] : [], load: can ? ['taskset', '-c', '1'] : [], pinned: can }
})()

export const HAS_WRK = spawnSync('wrk', ['--version']).error === undefined

/** The process env without DSKITY_* variables, so a developer's shell does not leak into a run. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DSKITY_'))), ...extra }
}

export interface Proc {
  proc: ChildProcess
  pid: number
  output: () => string
  kill(): Promise<void>
}

/** Spawns `cmd` (optionally pinned); stdout is discarded unless `keepStdout`, stderr is kept for errors. */
export function start(cmd: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; pin?: string[]; keepStdout?: boolean } = {}): Proc {
  const full = [...(opts.pin ?? []), ...cmd]
  const stdio: StdioOptions = ['ignore', opts.keepStdout ? 'pipe' : 'ignore', 'pipe']
  const proc = spawn(full[0], full.slice(1), { env: opts.env ?? cleanEnv(), cwd: opts.cwd ?? tmpdir(), stdio })
  let output = ''
  proc.stdout?.on('data', (d) => (output += d))
  proc.stderr?.on('data', (d) => (output += d))
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  return {
    proc,
    pid: proc.pid!,
    output: () => output,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      await exited
    },
  }
}

/** Polls `url` until it answers 200; returns the milliseconds since `since` (a `performance.now()` stamp). */
export async function waitFor200(url: string, since: number, timeoutMs = 30_000, pollMs = 2): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === 200) return performance.now() - since
    } catch {
      // not listening yet
    }
    await sleep(pollMs)
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

/** Resident set size of a process in MB (`VmRSS`), or `peak` for `VmHWM`. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

export interface LoadResult {
  rps: number
  p99Ms: number
  errors: number
  non2xx: number
  requests: number
}

/** CPU time (user + system) a process has used so far, in milliseconds (from `/proc/<pid>/stat`). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return NaN
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** Drives `url` for `seconds` with `connections` keep-alive connections (wrk when installed, else autocannon). */
export function load(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string> }): LoadResult {
  const headers = Object.entries(opts.headers ?? {})
  if (HAS_WRK) {
    const args = [...PIN.load, 'wrk', '-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', ...headers.flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url]
    const res = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: (opts.seconds + 30) * 1000 })
    return parseWrk(res.stdout + res.stderr)
  }
  const args = [...PIN.load, process.execPath, join(REPO, 'node_modules/autocannon/autocannon.js'), '-j', '-c', String(opts.connections), '-d', String(opts.seconds), ...headers.flatMap(([k, v]) => ['-H', `${k}=${v}`]), url]
  const res = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: (opts.seconds + 30) * 1000 })
  const j = JSON.parse(res.stdout)
  return { rps: j.requests.average, p99Ms: j.latency.p99, errors: j.errors + j.timeouts, non2xx: j.non2xx, requests: j.requests.total }
}

export const LOAD_TOOL = HAS_WRK ? 'wrk 4 (1 thread)' : 'autocannon'

function parseWrk(out: string): LoadResult {
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN)
  const p99 = out.match(/\s99%\s+([\d.]+)(us|ms|s)\b/)
  const p99Ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 1e-3 : p99[2] === 's' ? 1e3 : 1) : NaN
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/)
  const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0)
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? NaN)
  if (!Number.isFinite(rps)) throw new Error(`cannot read wrk output:\n${out}`)
  return { rps, p99Ms, errors, non2xx, requests }
}

// One implementation each, shared with the test suite.
export { freePort } from '../test/e2e/hosts.ts'
export { fixtureDir as writeTree } from '../test/fixture-dir.ts'

/** `n` modules × `perModule` GET routes, each returning JSON: the cold-start and scan fixtures. */
export function generatedApp(modules: number, perModule: number): Record<string, string> {
  const files: Record<string, string> = { 'dskity.config.ts': `export default { name: 'generated-${modules}x${perModule}' }\n` }
  for (let m = 0; m < modules; m++) {
    files[`modules/m${m}/module.config.ts`] = `import { defineModule } from 'dskity'\nexport default defineModule({ name: 'm${m}' })\n`
    for (let r = 0; r < perModule; r++) {
      const file = r % 5 === 4 ? `routes/r${r}/[id].get.ts` : `routes/r${r}.get.ts`
      files[`modules/m${m}/${file}`] = `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => ({ module: ${m}, route: ${r} }))\n`
    }
  }
  return files
}

/** Builds `appDir` with `dskity build` into a temp folder; returns the path of `server/index.mjs`. */
export function buildApp(appDir: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'dskity-bench-build-')), '.output')
  const res = spawnSync(process.execPath, [BIN, 'build', appDir, '--output', out], { cwd: REPO, env: cleanEnv(), encoding: 'utf8', timeout: 300_000 })
  const entry = join(out, 'server/index.mjs')
  if (res.status !== 0 || !existsSync(entry)) throw new Error(`dskity build ${appDir} failed (${res.status}):\n${res.stdout}\n${res.stderr}`)
  return entry
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Prints a fixed-width table. */
/** A timings table: one `label · median · min · max` row per series (ms). */
export function timingTable(first: string, series: Array<[label: string, samples: number[]]>): void {
  table([[first, 'median ms', 'min ms', 'max ms'], ...series.map(([label, samples]) => [label, median(samples), Math.min(...samples), Math.max(...samples)])])
}

export function table(rows: Array<Array<string | number>>): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)))
  for (const r of cells) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a'
  if (Math.abs(n) >= 1000) return Math.round(n).toString()
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

/** True when this module is the script node was started with (a benchmark run on its own). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(url) === process.argv[1]
}
