import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^dskity\/testing$/, replacement: src('testing/index.ts') },
      { find: /^dskity\/vitest$/, replacement: src('testing/vitest.ts') },
      { find: /^dskity$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Service-backed tests share one Redis and one Mosquitto: keep files from stepping on each other.
    fileParallelism: true,
    pool: 'forks',
  },
})
