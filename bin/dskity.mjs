#!/usr/bin/env node
// The dskity CLI. Runs the TypeScript sources through jiti, so no build step is needed.
import { createJiti } from 'jiti'

// citty colours help and errors even into pipes and files (its colours are decided at import).
if (!process.stdout.isTTY && process.env.FORCE_COLOR === undefined) process.env.NO_COLOR ??= '1'

const jiti = createJiti(import.meta.url, { moduleCache: true })
const { runMain } = await jiti.import('../src/cli/index.ts')
await runMain(process.argv.slice(2))
