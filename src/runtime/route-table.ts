import { createRouter } from 'radix3'

/** What a route table entry serves for one method. */
export interface RouteTarget<H> {
  handler: H
  /** Route template (`/orders/:id`), used as the metrics label. */
  template: string
  /** Owning module, or undefined for built-ins. */
  module?: string
  /** Param filled with '' when a catch-all is reached through its bare base path. */
  emptyParam?: string
}

export interface RouteMatch<H> {
  target?: RouteTarget<H>
  params: Record<string, string>
  /** Methods the path answers (for `Allow`), when the path exists. */
  allow?: string[]
  /** Template of the matched path (also when the method is not allowed). */
  template?: string
}

interface Entry<H> {
  template: string
  methods: Map<string, RouteTarget<H>>
  any?: RouteTarget<H>
  fallback?: Entry<H>
  allow: string[]
}

/**
 * A method-aware route table over radix3, built once at startup. Answers HEAD with GET's handler,
 * computes `Allow` for 405s, treats `/a/` like `/a`, and lets a catch-all `/a/**:rest` answer its
 * bare base `/a` (with `rest` = '').
 *
 * @example const t = createRouteTable<Handler>(); t.add('get', '/orders/:id', { handler, template: '/orders/:id' }); t.lookup('GET', '/orders/7')
 */
export function createRouteTable<H>() {
  const entries = new Map<string, Entry<H>>()
  const radix = createRouter<{ entry: Entry<H> }>()
  const entryFor = (template: string) => {
    let entry = entries.get(template)
    if (!entry) {
      entry = { template, methods: new Map(), allow: [] }
      entries.set(template, entry)
      radix.insert(template, { entry })
    }
    return entry
  }
  let sealed = false
  return {
    /** Adds a handler for a method (`undefined` = any method). */
    add(method: string | undefined, template: string, target: RouteTarget<H>) {
      const entry = entryFor(template)
      if (method) entry.methods.set(method.toUpperCase(), target)
      else entry.any = target
      sealed = false
    },
    /** Resolves a request; call after all `add`s. */
    lookup(method: string, rawPath: string): RouteMatch<H> {
      if (!sealed) seal()
      const q = rawPath.indexOf('?')
      let path = q === -1 ? rawPath : rawPath.slice(0, q)
      if (path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */) path = path.replace(/\/+$/, '') || '/'
      // Percent-escapes are decoded once, per segment, after the query is cut off: `%3F` is a `?`
      // inside a parameter, `%2F` a `/` inside one segment, `%252F` the text `%2F`.
      const encoded = path.includes('%')
      const found = radix.lookup(encoded ? decodeForMatch(path) : path)
      if (!found) return { params: {} }
      const entry = found.entry
      const params = encoded ? decodeParams(found.params) : (found.params ?? {})
      const target = pick(entry, method) ?? (entry.fallback ? pick(entry.fallback, method) : undefined)
      if (target?.emptyParam) params[target.emptyParam] = ''
      return { target, params, allow: entry.allow, template: entry.template }
    },
    /** Every template with its methods (for listings). */
    routes(): Array<{ template: string; methods: string[] }> {
      return [...entries.values()].map((e) => ({ template: e.template, methods: e.any ? ['*'] : [...e.methods.keys()] }))
    },
  }

  function seal() {
    for (const entry of [...entries.values()]) {
      const m = entry.template.match(/^(.*)\/\*\*(?::(\w+))?$/)
      if (!m) continue
      const base = m[1] || '/'
      const baseEntry = entries.get(base)
      const withEmpty = (t?: RouteTarget<H>) => (t ? { ...t, emptyParam: m[2] ?? '_' } : undefined)
      const shadow: Entry<H> = { template: entry.template, methods: new Map([...entry.methods].map(([k, t]) => [k, withEmpty(t)!])), any: withEmpty(entry.any), allow: [] }
      if (baseEntry) baseEntry.fallback = shadow
      else {
        entries.set(base, shadow)
        radix.insert(base, { entry: shadow })
      }
    }
    for (const entry of entries.values()) entry.allow = allowOf(entry)
    sealed = true
  }
}

// --- internal ---

function pick<H>(entry: Entry<H>, method: string): RouteTarget<H> | undefined {
  return entry.methods.get(method) ?? (method === 'HEAD' ? entry.methods.get('GET') : undefined) ?? entry.any
}

function allowOf<H>(entry: Entry<H>): string[] {
  const methods = new Set([...entry.methods.keys(), ...(entry.fallback?.methods.keys() ?? [])])
  if (methods.has('GET')) methods.add('HEAD')
  return [...methods].sort()
}

/**
 * The path with each segment decoded for matching, except that a decoded `%` or `/` is written back
 * as `%25` / `%2F` (so segments keep their boundaries and {@link decodeParams} decodes exactly once).
 * A segment with a malformed escape stays as sent.
 */
function decodeForMatch(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      if (!segment.includes('%')) return segment
      try {
        return decodeURIComponent(segment).replace(/%/g, '%25').replace(/\//g, '%2F')
      } catch {
        return segment
      }
    })
    .join('/')
}

/** Parameters from a {@link decodeForMatch}ed path: only `%25` and `%2F` are left to decode. */
function decodeParams(params: Record<string, string> | undefined): Record<string, string> {
  if (!params) return {}
  for (const k in params) {
    const v = params[k]
    if (!v.includes('%')) continue
    // Per segment (a catch-all spans several): one malformed segment stays as sent, the others decode.
    params[k] = v
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment)
        } catch {
          return segment
        }
      })
      .join('/')
  }
  return params
}
