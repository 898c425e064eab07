import { collectDefaultMetrics, Counter, Registry, type Metric } from 'prom-client'

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
 * status; process metrics; event-bus and KV counters. The two HTTP metrics are plain numbers
 * updated with one Map lookup per request and handed to prom-client only when scraped.
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
  const http = registerHttpMetrics(registry)
  const emitted = new Counter({ name: 'dskity_events_emitted_total', help: 'Events emitted on the in-process bus.', labelNames: ['event'], registers: [registry] })
  const failed = new Counter({ name: 'dskity_event_listener_failures_total', help: 'Event listeners that threw, rejected or timed out.', labelNames: ['event', 'module'], registers: [registry] })
  const kv = new Counter({ name: 'dskity_kv_operations_total', help: 'KV store operations by kind and result.', labelNames: ['op', 'result'], registers: [registry] })
  return {
    registry,
    observeRequest: http.observe,
    eventEmitted: (event) => emitted.inc({ event }),
    listenerFailed: (event, module) => failed.inc({ event, module: module ?? 'unknown' }),
    kvOperation: (op, ok) => kv.inc({ op, result: ok ? 'ok' : 'error' }),
    render: () => registry.metrics(),
  }
}

// --- internal ---

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  labels: { method: string; route: string; status: string }
  count: number
  sum: number
  /** Non-cumulative bucket counts; the last slot is +Inf. */
  buckets: Float64Array
}

/**
 * `http_requests_total` and `http_request_duration_seconds`: prom-client re-hashes label sets on
 * every `inc`/`observe`, which is most of what metrics cost per request, so these keep their own
 * series and render through prom-client's registry (same escaping and format) at scrape time.
 */
function registerHttpMetrics(registry: Registry): { observe: DskityMetrics['observeRequest'] } {
  const series = new Map<string, Series>()
  const collector = (name: string, help: string, type: 'counter' | 'histogram', values: () => unknown[]) =>
    ({ name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }), reset: () => series.clear() }) as unknown as Metric
  registry.registerMetric(
    collector('http_requests_total', 'HTTP requests by method, route template and status.', 'counter', () =>
      [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
    ),
  )
  registry.registerMetric(
    collector('http_request_duration_seconds', 'HTTP request latency by method, route template and status.', 'histogram', () =>
      [...series.values()].flatMap((s) => {
        let cumulative = 0
        const rows: unknown[] = BUCKETS.map((le, i) => {
          cumulative += s.buckets[i]
          return { metricName: 'http_request_duration_seconds_bucket', labels: { ...s.labels, le }, value: cumulative }
        })
        rows.push({ metricName: 'http_request_duration_seconds_bucket', labels: { ...s.labels, le: '+Inf' }, value: s.count })
        rows.push({ metricName: 'http_request_duration_seconds_sum', labels: s.labels, value: s.sum })
        rows.push({ metricName: 'http_request_duration_seconds_count', labels: s.labels, value: s.count })
        return rows
      }),
    ),
  )
  return {
    observe(method, route, status, seconds) {
      const m = KNOWN_METHODS.has(method) ? method : 'OTHER'
      const key = `${m} ${status} ${route}`
      let s = series.get(key)
      if (!s) {
        s = { labels: { method: m, route, status: String(status) }, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length + 1) }
        series.set(key, s)
      }
      s.count++
      s.sum += seconds
      let i = 0
      while (i < BUCKETS.length && seconds > BUCKETS[i]) i++
      s.buckets[i]++
    },
  }
}
