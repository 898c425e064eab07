import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/** Methods kept as metric labels; anything else is counted as `OTHER` (bounded cardinality). */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'])
/** prom-client defaults that are sums of `nodejs_active_{handles,requests,resources}{type}`. */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']
/** Route label for requests that matched no route. */
export const UNMATCHED_ROUTE = '<unmatched>'

export interface DskityMetrics {
  registry: Registry
  /** Records one finished request. `route` must be a template, never a raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void
  eventEmitted(event: string): void
  listenerFailed(event: string, module: string | undefined): void
  kvOperation(op: string, ok: boolean): void
  /** Prometheus text exposition. */
  render(): Promise<string>
}

/**
 * One prom-client registry per app: HTTP request count and latency by method, route template and
 * status; process metrics; event-bus and KV counters. Label children are cached so the request
 * path does one Map lookup per metric.
 *
 * @example const m = createMetrics(); m.observeRequest('GET', '/orders/:id', 200, 0.002)
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): DskityMetrics {
  const registry = new Registry()
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry })
    // Gauges named `*_total` fail `promtool check metrics`; each is the sum of its by-type sibling.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name)
  }
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route template and status.', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const emitted = new Counter({ name: 'dskity_events_emitted_total', help: 'Events emitted on the in-process bus.', labelNames: ['event'], registers: [registry] })
  const failed = new Counter({ name: 'dskity_event_listener_failures_total', help: 'Event listeners that threw, rejected or timed out.', labelNames: ['event', 'module'], registers: [registry] })
  const kv = new Counter({ name: 'dskity_kv_operations_total', help: 'KV store operations by kind and result.', labelNames: ['op', 'result'], registers: [registry] })
  const children = new Map<string, { inc(): void; observe(v: number): void }>()
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const m = KNOWN_METHODS.has(method) ? method : 'OTHER'
      const key = `${m} ${status} ${route}`
      let child = children.get(key)
      if (!child) {
        const labels = { method: m, route, status: String(status) }
        const c = requests.labels(labels)
        const h = duration.labels(labels)
        child = { inc: () => c.inc(), observe: (v) => h.observe(v) }
        children.set(key, child)
      }
      child.inc()
      child.observe(seconds)
    },
    eventEmitted: (event) => emitted.inc({ event }),
    listenerFailed: (event, module) => failed.inc({ event, module: module ?? 'unknown' }),
    kvOperation: (op, ok) => kv.inc({ op, result: ok ? 'ok' : 'error' }),
    render: () => registry.metrics(),
  }
}
