import { defineCommand } from 'citty'
import { isDskityError } from '../../errors.ts'
import { prepareApp } from '../prepare.ts'
import { checkApp } from '../check-app.ts'
import { exitCodeFor, serviceArgs, targetsFrom } from '../shared-args.ts'
import { runStrictChecks, type CheckResult } from '../strict-checks.ts'

export default defineCommand({
  meta: { name: 'validate', description: 'Check config and module discovery. Exit 0 ok, 1 invalid, 2 file missing or unparsable.' },
  args: {
    ...serviceArgs,
    strict: { type: 'boolean', description: 'Also connect to the configured KV and MQTT' },
    json: { type: 'boolean', description: 'Machine-readable output' },
  },
  async run({ args }) {
    const checks: CheckResult[] = []
    let code = 0
    try {
      const app = await prepareApp({ dir: args.dir, config: args.config, targets: targetsFrom(args.target) })
      checks.push({ name: 'config', ok: true, message: app.manifest.configFile ?? 'no config file (defaults)' })
      await checkApp(app)
      checks.push({ name: 'modules', ok: true, message: `${app.manifest.modules.filter((m) => m.enabled).length} enabled: ${app.manifest.modules.filter((m) => m.enabled).map((m) => m.name).join(', ') || 'none'}` })
      if (args.strict) checks.push(...(await runStrictChecks(app.options)))
      if (checks.some((c) => !c.ok)) code = 1
    } catch (error) {
      code = exitCodeFor(error)
      // Named after what failed: the config (files, keys, values) or the modules (discovery, files, settings).
      const name = isDskityError(error) && error.code.startsWith('DSKITY_E_CONFIG') ? 'config' : 'modules'
      checks.push({ name, ok: false, message: isDskityError(error) ? error.message : String((error as Error)?.stack ?? error), code: isDskityError(error) ? error.code : undefined, details: isDskityError(error) ? error.details : undefined })
    }
    if (args.json) process.stdout.write(JSON.stringify({ ok: code === 0, exitCode: code, checks }, null, 2) + '\n')
    else for (const c of checks) (c.ok ? process.stdout : process.stderr).write(`${c.ok ? '✔' : '✖'} ${c.name}: ${c.message}\n`)
    process.exit(code)
  },
})
