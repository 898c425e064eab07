import { resolve } from 'pathe'
import { prepareApp } from '../cli/prepare.ts'
import type { DskityConfig } from '../config/schema.ts'
import { createRuntimeFromConfig } from '../runtime/server.ts'
import type { DskityRuntime } from '../runtime/create-runtime.ts'
import { mergeLayers } from '../config/normalize.ts'
import { createTestSettings } from './test-settings.ts'

/** Options of {@link createTestApp}. */
export interface CreateTestAppOptions {
  /** Service folder (holding `dskity.config.*` and `modules/`). @default process.cwd() */
  rootDir?: string
  /** Config overrides, merged over the service's config and `createTestSettings()`. */
  settings?: DskityConfig
  /** Only these modules (and their dependencies). */
  targets?: string[]
  /** Environment seen by config resolution. @default {} — the test's env never leaks in. */
  env?: NodeJS.ProcessEnv
  /** Run startup hooks before returning. @default true */
  start?: boolean
}

/** A dskity app assembled in-process for tests. */
export interface TestApp {
  /** The runtime (modules, clients, the h3 app). */
  runtime: DskityRuntime
  /** Node request listener (what a server would call). */
  listener: DskityRuntime['listener']
  /** Runs shutdown hooks and closes clients. */
  close(): Promise<void>
}

/**
 * Assembles the real runtime from a service folder — scanned, config resolved, startup hooks run —
 * with every external service off (in-memory KV, no MQTT/gRPC, registry on the in-memory KV).
 * No build, no port.
 *
 * @example const app = await createTestApp({ rootDir: 'playground', settings: { modules: { orders: { settings: { maxItems: 2 } } } } })
 */
export async function createTestApp(opts: CreateTestAppOptions = {}): Promise<TestApp> {
  const env = opts.env ?? {}
  const prepared = await prepareApp({ dir: resolve(opts.rootDir ?? process.cwd()), targets: opts.targets, env })
  const config = mergeLayers(opts.settings ?? {}, createTestSettings(), prepared.fileConfig)
  const runtime = await createRuntimeFromConfig({ manifest: prepared.manifest, load: (f) => prepared.loader.load(f), config, env, dev: true })
  if (opts.start !== false) await runtime.start()
  return { runtime, listener: runtime.listener, close: () => runtime.stop() }
}
