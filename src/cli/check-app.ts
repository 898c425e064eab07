import { createRuntimeFromConfig } from '../runtime/server.ts'
import type { PreparedApp } from './prepare.ts'

/**
 * Loads every route, event and hook file and validates every module's settings (config + env) the
 * way `dskity run` would, without running hooks or listening; clients are closed again.
 *
 * @example await checkApp(await prepareApp({ dir: 'playground' }))
 */
export async function checkApp(app: PreparedApp, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runtime = await createRuntimeFromConfig({ manifest: app.manifest, load: (f) => app.loader.load(f), config: app.fileConfig, env, overrides: { common: { logging: { level: 'silent' } } } })
  try {
    await runtime.check()
  } finally {
    await runtime.stop()
  }
}
