import { defineDskityConfig } from 'dskity'

// The benchmark service: two routes, the same as the bare h3 and Fastify baselines in bench/http.ts.
// Built-ins are switched on or off per run with DSKITY_* env vars (see bench/http.ts).
export default defineDskityConfig({
  name: 'bench-app',
  version: '1.0.0',
})
