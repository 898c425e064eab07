// Cold start: a built app with 50 modules / 500 routes, from spawn to the first 200 on /health/ready,
// against bare h3 on node:http with the same number of routes (the floor: Node's own boot).
// Run alone: node --import jiti/register bench/cold-start.ts   (BENCH_COLD_RUNS, default 7)
import { join } from 'node:path'
import { buildApp, cleanEnv, freePort, generatedApp, isMain, median, PIN, REPO, start, timingTable, waitFor200, writeTree } from './harness.ts'

const MODULES = 50
const PER_MODULE = 10

/** Prints cold-start medians; the last line is dskity / bare h3 and the 300 ms target. */
export async function benchColdStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 7)): Promise<{ dskityMs: number; h3Ms: number }> {
  console.log(`\n## Cold start: ${MODULES} modules / ${MODULES * PER_MODULE} routes, spawn → first 200 on /health/ready, median of ${runs}`)
  const dir = writeTree(generatedApp(MODULES, PER_MODULE), 'dskity-bench-cold-')
  const buildStarted = performance.now()
  const entry = buildApp(dir)
  console.log(`(build took ${Math.round(performance.now() - buildStarted)} ms, not counted)`)
  const once = async (cmd: string[], env: NodeJS.ProcessEnv) => {
    const port = await freePort()
    const t0 = performance.now()
    const p = start(cmd, { env: cleanEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }), pin: PIN.server })
    try {
      return await waitFor200(`http://127.0.0.1:${port}/health/ready`, t0, 30_000, 2)
    } finally {
      await p.kill()
    }
  }
  const dskity: number[] = []
  const h3: number[] = []
  await once([process.execPath, entry], {}) // page cache warm-up
  for (let i = 0; i < runs; i++) {
    dskity.push(await once([process.execPath, entry], { DSKITY_COMMON__LOGGING__LEVEL: 'warn' }))
    h3.push(await once([process.execPath, join(REPO, 'bench/servers/h3.mjs')], { BENCH_EXTRA_ROUTES: String(MODULES * PER_MODULE) }))
  }
  const dskityMs = median(dskity)
  const h3Ms = median(h3)
  timingTable('server', [
    ['dskity bundle (50/500)', dskity],
    ['bare h3, 500 routes', h3],
  ])
  console.log(`target < 300 ms: ${dskityMs < 300 ? 'met' : 'MISSED'}`)
  console.log(`ratio cold start dskity / bare h3: ${(dskityMs / h3Ms).toFixed(2)}x (${Math.round(dskityMs)} ms vs ${Math.round(h3Ms)} ms; target 300 ms)`)
  return { dskityMs, h3Ms }
}

if (isMain(import.meta.url)) await benchColdStart()
