// Every benchmark in one run (none of them are part of `npm test`). Each section ends with its ratio line.
// Run: node --import jiti/register bench/run.ts [http|cold-start|scan|dev-reload|kv|event-bus ...]
// Knobs: BENCH_SECONDS (5), BENCH_ROUNDS (2), BENCH_CONNECTIONS (50), BENCH_COLD_RUNS (7), BENCH_ENTRY (a prebuilt bench/app bundle).
import { spawnSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { benchColdStart } from './cold-start.ts'
import { benchDevReload } from './dev-reload.ts'
import { LOAD_TOOL, PIN, REPO } from './harness.ts'
import { benchHttp } from './http.ts'
import { benchKv } from './kv.ts'
import { benchScan } from './scan.ts'

const ALL: Record<string, () => Promise<unknown>> = {
  http: () => benchHttp(),
  'cold-start': () => benchColdStart(),
  scan: () => benchScan(),
  'dev-reload': () => benchDevReload(),
  kv: () => benchKv(),
  // bench/event-bus.ts runs on import (its own script): run it as a child process.
  'event-bus': async () => {
    console.log('\n## Event bus (bench/event-bus.ts)')
    const res = spawnSync(process.execPath, ['--import', 'jiti/register', join(REPO, 'bench/event-bus.ts')], { cwd: REPO, stdio: 'inherit' })
    if (res.status !== 0) throw new Error(`bench/event-bus.ts exited with ${res.status}`)
  },
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = wanted.filter((w) => !ALL[w])
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(ALL).join(', ')}`)
  process.exit(2)
}
console.log(`# dskity benchmarks — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load: ${LOAD_TOOL}, pinning: ${PIN.pinned ? 'yes' : 'no'}`)
for (const name of wanted.length ? wanted : Object.keys(ALL)) await ALL[name]()
