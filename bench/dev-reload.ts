// `dskity dev` reload latency: edit a route file, poll until the new body is served.
// Run alone: node --import jiti/register bench/dev-reload.ts
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BIN, cleanEnv, freePort, isMain, median, REPO, sleep, start, timingTable, waitFor200, writeTree } from './harness.ts'

const route = (v: number) => `import { defineEventHandler } from 'dskity'\nexport default defineEventHandler(() => ({ v: ${v} }))\n`

/** Prints edit → new response latencies; the last line is the median against the 1 s target. */
export async function benchDevReload(edits = 5): Promise<{ medianMs: number }> {
  console.log(`\n## dev reload: route edit → first response with the new body, ${edits} edits`)
  const dir = writeTree({ 'modules/hello/routes/index.get.ts': route(0), 'modules/other/routes/index.get.ts': route(0) }, 'dskity-bench-dev-')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const dev = start([process.execPath, BIN, 'dev', dir, '--port', String(port), '--host', '127.0.0.1'], { cwd: REPO, env: cleanEnv(), keepStdout: true })
  try {
    await waitFor200(`${url}/hello`, performance.now(), 60_000, 50)
    const times: number[] = []
    for (let v = 1; v <= edits; v++) {
      await sleep(300) // let the watcher settle between edits
      const t0 = performance.now()
      writeFileSync(join(dir, 'modules/hello/routes/index.get.ts'), route(v))
      for (;;) {
        if (performance.now() - t0 > 10_000) throw new Error(`edit ${v} not served within 10 s:\n${dev.output()}`)
        const body = (await fetch(`${url}/hello`).then((r) => r.json(), () => undefined)) as { v?: number } | undefined
        if (body?.v === v) break
        await sleep(5)
      }
      times.push(performance.now() - t0)
    }
    const medianMs = median(times)
    timingTable('measure', [['route edit → new response', times]])
    console.log(`target < 1 s: ${medianMs < 1000 ? 'met' : 'MISSED'}`)
    console.log(`ratio dev reload / 1 s target: ${(medianMs / 1000).toFixed(2)}x (${Math.round(medianMs)} ms)`)
    return { medianMs }
  } finally {
    await dev.kill()
  }
}

if (isMain(import.meta.url)) await benchDevReload()
