import type { ServiceInstance } from '../clients/registry.ts'

/**
 * Escapes `& < > " '` so any value can be placed in HTML text or a quoted attribute.
 *
 * @example
 * escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c])
}

/**
 * Renders `GET /_core/services`: a small self-contained HTML page (no scripts, no external assets)
 * listing the registry's instances grouped by service. Every value is HTML-escaped; a URL becomes a
 * link only when it is `http:` or `https:`.
 *
 * @example
 * renderServicesHtml(await registry.list(), options.name)
 */
export function renderServicesHtml(instances: ServiceInstance[], service: string): string {
  const rows = instances
    .map((i) => {
      const cells = [i.name, i.instanceId, link(i.url), i.modules.join(', '), i.version ?? '', i.startedAt, i.lastHeartbeat]
      return `<tr>${cells.map((c, n) => `<td>${n === 2 ? c : escapeHtml(c)}</td>`).join('')}</tr>`
    })
    .join('\n')
  const names = new Set(instances.map((i) => i.name))
  const body =
    instances.length === 0
      ? '<p>No live instances are registered.</p>'
      : `<table>
<thead><tr><th>Service</th><th>Instance</th><th>URL</th><th>Modules</th><th>Version</th><th>Started</th><th>Last heartbeat</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Services · ${escapeHtml(service)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Service registry</h1>
<p>Seen from <strong>${escapeHtml(service)}</strong>: ${instances.length} instance(s) of ${names.size} service(s).
<a href="services.json">JSON</a></p>
${body}
</body>
</html>
`
}

// --- internal ---

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

const STYLE =
  'body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}' +
  'th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}th{background:#f4f4f4}'

/** An escaped link for http(s) URLs; other schemes (e.g. `javascript:`) stay inert text. */
function link(url: string): string {
  let safe = false
  try {
    safe = ['http:', 'https:'].includes(new URL(url).protocol)
  } catch {
    // not a URL: shown as text
  }
  return safe ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url)
}
