import { defineCommand } from 'citty'
import { serve } from '../serve.ts'
import { serviceArgs, targetsFrom } from '../shared-args.ts'

/** Flags of `run` and `dev`. */
export const runArgs = {
  ...serviceArgs,
  host: { type: 'string', description: 'Listen address', default: '0.0.0.0' },
  port: { type: 'string', description: 'Listen port (default: PORT, else 8000)' },
  'log-level': { type: 'string', description: 'silent, fatal, error, warn, info, debug or trace' },
  reload: { type: 'boolean', description: 'Reload on file changes (default: on unless DSKITY_ENV=production; also DSKITY_RELOAD)' },
} as const

export default defineCommand({
  meta: { name: 'run', description: 'Start the server.' },
  args: runArgs,
  async run({ args }) {
    await serve({
      dir: args.dir,
      config: args.config,
      targets: targetsFrom(args.target),
      host: args.host,
      port: args.port,
      logLevel: args['log-level'],
      reload: args.reload,
    })
  },
})
