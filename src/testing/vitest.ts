// `dskity/vitest`: vitest's `test` extended with a dskity app and a client for it.
import { test as baseTest } from 'vitest'
import type { DskityConfig } from '../config/schema.ts'
import { createTestApp, type TestApp } from './test-app.ts'
import { createTestClient, type TestClient } from './test-client.ts'
import { createTestSettings } from './test-settings.ts'

/** Fixtures that live as long as the worker (one app per worker, shared by its tests). */
export interface DskityWorkerFixtures {
  /** Service folder the app is assembled from. @default process.cwd() */
  dskityRootDir: string
  /** Only these modules (and their dependencies); `undefined` for all. @default undefined */
  dskityTargets: string[] | undefined
  /** Config of the app. @default createTestSettings() */
  dskitySettings: DskityConfig
  /** The app, started once per worker and closed (shutdown hooks run) when the worker ends. */
  dskityApp: TestApp
}

/** Fixtures created for every test. */
export interface DskityTestFixtures {
  /** A client sending requests to `dskityApp` without opening a port. */
  dskityClient: TestClient
}

/**
 * vitest's `test` with dskity fixtures: `dskitySettings`, `dskityApp` (worker scope) and
 * `dskityClient` (per test). The app is built from `process.cwd()` unless `dskityRootDir` is set.
 * Override a worker fixture at the top of a test file with `test.override(...)`, or derive your own
 * `test` with `test.extend(...)`; both keep `{ scope: 'worker' }`.
 *
 * @example
 * import { expect, test } from 'dskity/vitest'
 * import { createTestSettings } from 'dskity/testing'
 *
 * test.override({ dskitySettings: createTestSettings({ modules: { orders: { settings: { maxItems: 2 } } } }) })
 *
 * test('lists orders', async ({ dskityClient }) => {
 *   expect((await dskityClient.get('/orders')).status).toBe(200)
 * })
 */
export const test = baseTest.extend<{ $worker: DskityWorkerFixtures; $test: DskityTestFixtures }>({
  // Injected values (`test.provide` in the vitest config) win, so a config preset can set them.
  dskityRootDir: [async ({}, use) => use(process.cwd()), { scope: 'worker', injected: true }],
  dskityTargets: [async ({}, use) => use(undefined), { scope: 'worker', injected: true }],
  dskitySettings: [async ({}, use) => use(createTestSettings()), { scope: 'worker' }],
  dskityApp: [
    async ({ dskityRootDir, dskityTargets, dskitySettings }, use) => {
      const app = await createTestApp({ rootDir: dskityRootDir, targets: dskityTargets, settings: dskitySettings })
      try {
        await use(app)
      } finally {
        await app.close()
      }
    },
    { scope: 'worker' },
  ],
  dskityClient: async ({ dskityApp }, use) => use(createTestClient({ app: dskityApp })),
})

/** Alias of {@link test}. */
export const it = test

export { describe, expect, vi, beforeAll, afterAll, beforeEach, afterEach } from 'vitest'
export { createTestApp, createTestClient, createTestSettings } from './index.ts'
export type { TestApp, TestClient }

declare module 'vitest' {
  // `inject('dskityRootDir')` / `provide: { dskityRootDir }` are typed.
  export interface ProvidedContext {
    dskityRootDir: string
    dskityTargets: string[] | undefined
  }
}
