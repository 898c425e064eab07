#!/usr/bin/env node
// The dskity CLI. Runs the TypeScript sources through jiti, so no build step is needed.
import { createJiti } from 'jiti'

const jiti = createJiti(import.meta.url, { moduleCache: true })
const { runMain } = await jiti.import('../src/cli/index.ts')
await runMain(process.argv.slice(2))
