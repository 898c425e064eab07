import { defineCommand } from 'citty'
import { prepareApp } from '../prepare.ts'
import { failAndExit, serviceArgs, targetsFrom } from '../shared-args.ts'

export default defineCommand({
  meta: { name: 'list', description: 'List discovered modules in start order.' },
  args: { ...serviceArgs, json: { type: 'boolean', description: 'Machine-readable output' } },
  async run({ args }) {
    try {
      const { manifest } = await prepareApp({ dir: args.dir, config: args.config, targets: targetsFrom(args.target) })
      const rows = manifest.modules.map((m) => ({
        name: m.name,
        basePath: m.basePath,
        enabled: m.enabled,
        dependsOn: m.dependsOn,
        routes: m.routes.length,
        events: m.events.length,
        hooks: Object.keys(m.hooks),
      }))
      if (args.json) {
        process.stdout.write(JSON.stringify({ modules: rows, notes: manifest.notes }, null, 2) + '\n')
        return
      }
      const header = ['name', 'basePath', 'enabled', 'dependsOn', 'routes', 'events']
      const table = [header, ...rows.map((r) => [r.name, r.basePath, String(r.enabled), r.dependsOn.join(',') || '-', String(r.routes), String(r.events)])]
      const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)))
      for (const row of table) process.stdout.write(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n')
      for (const note of manifest.notes) process.stdout.write(`note: ${note}\n`)
    } catch (error) {
      failAndExit(error)
    }
  },
})
