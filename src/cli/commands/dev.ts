import { defineCommand } from 'citty'
import { runArgs } from './run.ts'
import { serve } from '../serve.ts'
import { targetsFrom } from '../shared-args.ts'

export default defineCommand({
  meta: { name: 'dev', description: 'Start the server with hot reload and development error details.' },
  args: runArgs,
  async run({ args }) {
    await serve({ dir: args.dir, config: args.config, targets: targetsFrom(args.target), host: args.host, port: args.port, logLevel: args['log-level'], reload: args.reload ?? true, dev: true })
  },
})
