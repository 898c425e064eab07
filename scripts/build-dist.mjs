#!/usr/bin/env node
// Builds the published entry points (dist/index.mjs, dist/testing.mjs, dist/vitest.mjs) from src/
// with esbuild. Our own code is bundled (shared code in one chunk, so the three entries share one
// copy of the runtime); every third-party package stays an import. Run by `npm run build` / prepack.
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Public entry → source file. Keep in sync with package.json `exports` (test/dx/pack.test.ts checks). */
export const ENTRIES = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  vitest: 'src/testing/vitest.ts',
}

/** Builds dist/ and returns the files written. */
export async function buildDist({ outdir = 'dist', quiet = false } = {}) {
  const out = new URL(`../${outdir}/`, import.meta.url)
  rmSync(out, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // Chunks sit beside the entries: `dskityAlias()` finds the entries next to the running file.
    chunkNames: '_[name]-[hash]',
    // Bare specifiers are third-party packages (installed beside us); `dskity` itself is aliased.
    packages: 'external',
    alias: { dskity: './src/index.ts' },
    sourcemap: true,
    metafile: true,
    logLevel: quiet ? 'warning' : 'info',
  })
  return Object.keys(result.metafile.outputs)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildDist()
