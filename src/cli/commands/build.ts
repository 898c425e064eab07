import { defineCommand } from 'citty'
import { relative, resolve } from 'pathe'
import { prepareApp } from '../prepare.ts'
import { checkApp } from '../check-app.ts'
import { failAndExit, serviceArgs, targetsFrom } from '../shared-args.ts'

export default defineCommand({
  meta: { name: 'build', description: 'Build a standalone bundle in .output/ (run it with `node .output/server/index.mjs`).' },
  args: { ...serviceArgs, output: { type: 'string', description: 'Output folder, relative to the working directory (default: <dir>/.output)' } },
  async run({ args }) {
    try {
      const app = await prepareApp({ dir: args.dir, config: args.config, targets: targetsFrom(args.target) })
      // A bundle that could not start is not a successful build.
      await checkApp(app)
      const { buildBundle } = await import('../../nitro/build.ts')
      const result = await buildBundle({ manifest: app.manifest, config: app.fileConfig, rootDir: app.rootDir, outputDir: args.output ? resolve(process.cwd(), args.output) : undefined })
      const entry = relative(process.cwd(), result.entry)
      process.stdout.write(`[dskity] built ${app.manifest.modules.filter((m) => m.enabled).length} modules in ${Math.round(result.durationMs)} ms → ${entry}\n[dskity] run it with: PORT=8000 node ${entry}\n`)
    } catch (error) {
      failAndExit(error)
    }
  },
})
