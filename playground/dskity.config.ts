import { defineDskityConfig } from 'dskity'

// The playground's embedded defaults: in-memory KV, no broker needed.
// Profiles: `--config profiles/redis.yaml` (shared Redis KV), `--config profiles/mqtt.yaml`.
export default defineDskityConfig({
  name: 'playground',
  version: '0.1.0',
  common: {
    admin: { showConfig: true },
    registry: { ttlSeconds: 30, heartbeatIntervalSeconds: 10 },
  },
  modules: {
    orders: { settings: { maxItems: 5 } },
  },
})
