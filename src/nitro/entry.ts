/**
 * Entry of the built server (`.output/server/index.mjs`). It serves the runtime's own h3 app on
 * `node:http` (no Nitro request machinery, see DESIGN.md) and loads user files through the
 * bundled `import()`s of `#dskity/manifest`. Ships in the bundle: never import build-time code
 * (c12, jiti, nitropack, the scanner) from here.
 *
 * Env: `NITRO_PORT` / `PORT` (default 8000), `NITRO_HOST` / `HOST` (default 0.0.0.0), plus every
 * `DSKITY_*` variable the runtime reads.
 */
import { config, loaders, manifest } from '#dskity/manifest'
import { parsePort, startDskityServer } from '../runtime/server.ts'
import { DskityError, ErrorCodes, isDskityError } from '../errors.ts'
import type { FileLoader } from '../runtime/types.ts'

const env = process.env

const load: FileLoader = (file) => {
  const loader = loaders[file]
  if (!loader) return Promise.reject(new Error(`[dskity] ${file} is not part of this build: run \`dskity build\` again`))
  return loader()
}

// The config files were read at build time; a run-time DSKITY_CONFIG would be silently ignored.
if (env.DSKITY_CONFIG) console.warn(`[dskity] DSKITY_CONFIG=${env.DSKITY_CONFIG} is ignored: a bundle runs with the config it was built with (dskity build --config …); override single keys with DSKITY_* variables.`)

try {
  await startDskityServer({ manifest, load, config, env, host: listenHost(env), port: listenPort(env), handleSignals: true })
} catch (error) {
  // Errors a user can fix are printed as their message alone; anything else with its stack.
  console.error(isDskityError(error) ? error.message : `[dskity] startup failed: ${(error as Error)?.stack ?? String(error)}`)
  process.exit(1)
}

// --- internal ---

/** Same names and precedence as Nitro's node-server: `NITRO_PORT`, then `PORT`. */
function listenPort(env: NodeJS.ProcessEnv): number {
  const raw = env.NITRO_PORT || env.PORT
  if (!raw) return 8000
  const port = parsePort(raw)
  if (port === undefined) {
    throw new DskityError(ErrorCodes.CLI_ARGS, `${env.NITRO_PORT ? 'NITRO_PORT' : 'PORT'}=${JSON.stringify(raw)} is not a port number (0-65535)`)
  }
  return port
}

function listenHost(env: NodeJS.ProcessEnv): string {
  return env.NITRO_HOST || env.HOST || '0.0.0.0'
}
