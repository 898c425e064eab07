import type { DskityConfig } from '../config/schema.ts'
import { mergeLayers } from '../config/normalize.ts'

/**
 * Config for tests: every external service off (in-memory KV, MQTT and gRPC disabled), quiet logs,
 * short timeouts. Overrides are deep-merged on top (arrays replace).
 *
 * @example createTestSettings({ common: { cors: { enabled: true } } })
 */
export function createTestSettings(overrides: DskityConfig = {}): DskityConfig {
  return mergeLayers(overrides, {
    kv: { store: 'inmemory' },
    common: {
      mqtt: { enabled: false },
      grpc: { enabled: false },
      logging: { level: 'warn', accessLog: false },
      shutdown: { graceSeconds: 2, hookTimeoutSeconds: 5 },
      lifecycle: { startupTimeoutSeconds: 10, listenerTimeoutSeconds: 5 },
    },
  }) as DskityConfig
}
