// Scan time of 1,000 route files (20 modules × 50 routes): `prepareApp` in-process (config + scan +
// manifest write, what every CLI command does first) and `dskity list --json` end to end.
// Run alone: node --import jiti/register bench/scan.ts
import { spawnSync } from 'node:child_process'
import { prepareApp } from '../src/cli/prepare.ts'
import { BIN, cleanEnv, generatedApp, isMain, median, REPO, timingTable, writeTree } from './harness.ts'

/** Prints scan medians; the last line is the CLI time against the 1 s target. */
export async function benchScan(runs = 5): Promise<{ inProcessMs: number; cliMs: number }> {
  console.log('\n## Scan: 20 modules × 50 routes = 1,000 route files')
  const dir = writeTree(generatedApp(20, 50), 'dskity-bench-scan-')
  const inProcess: number[] = []
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now()
    const { manifest } = await prepareApp({ dir, env: cleanEnv() })
    const ms = performance.now() - t0
    const routes = manifest.modules.reduce((a, m) => a + m.routes.length, 0)
    if (routes !== 1000) throw new Error(`expected 1000 routes, scanned ${routes}`)
    if (i > 0) inProcess.push(ms) // the first run also pays for jiti's cache of module.config.ts files
  }
  const cli: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const res = spawnSync(process.execPath, [BIN, 'list', dir, '--json'], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' })
    const ms = performance.now() - t0
    if (res.status !== 0) throw new Error(`dskity list failed:\n${res.stdout}\n${res.stderr}`)
    cli.push(ms)
  }
  const inProcessMs = median(inProcess)
  const cliMs = median(cli)
  timingTable('measure', [
    ['prepareApp (warm, in-process)', inProcess],
    ['`dskity list --json` (process)', cli],
  ])
  console.log(`target < 1 s: ${cliMs < 1000 ? 'met' : 'MISSED'}`)
  console.log(`ratio scan of 1,000 routes / 1 s target: ${(cliMs / 1000).toFixed(2)}x (CLI ${Math.round(cliMs)} ms, in-process ${Math.round(inProcessMs)} ms)`)
  return { inProcessMs, cliMs }
}

if (isMain(import.meta.url)) await benchScan()
