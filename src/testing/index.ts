// `dskity/testing`: helpers for users' own test suites.
export { createTestApp } from './test-app.ts'
export type { CreateTestAppOptions, TestApp } from './test-app.ts'
export { createTestClient } from './test-client.ts'
export type { TestClient, TestResponse, TestRequestOptions } from './test-client.ts'
export { createTestSettings } from './test-settings.ts'
