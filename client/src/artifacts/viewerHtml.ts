import type { ArtifactView, DatabaseView, MapResponsesView, MetricsView, StatusView } from '../../../shared/src/artifacts';

/**
 * HTML for the artifact viewers. Pure: the webview gets a strict CSP (no scripts, one nonce'd
 * style block) and every value shown passes through `escapeHtml`. Links use command URIs limited
 * to `hi.openFile` by the panel.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderViewer(view: ArtifactView, nonce: string): string {
  const body = view.error !== undefined || view.kind === 'error' ? `<p class="error">${escapeHtml(view.error ?? 'cannot show this file')}</p>` : renderBody(view);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${escapeHtml(nonce)}';">
<style nonce="${escapeHtml(nonce)}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px 16px; }
table { border-collapse: collapse; margin: 6px 0 16px; }
th, td { border-bottom: 1px solid var(--vscode-panel-border, #8884); padding: 3px 10px 3px 0; text-align: left; vertical-align: top; font-size: 12px; }
th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: var(--vscode-editor-font-family); }
.error { color: var(--vscode-errorForeground); }
.muted { color: var(--vscode-descriptionForeground); }
.yes { color: var(--vscode-testing-iconPassed, green); } .no { color: var(--vscode-testing-iconFailed, red); }
h2 { font-size: 14px; margin: 18px 0 4px; }
</style></head>
<body><h1 style="font-size:16px">${escapeHtml(view.title)}</h1><p class="muted mono">${escapeHtml(view.path)}</p>${body}</body></html>`;
}

function renderBody(view: ArtifactView): string {
  switch (view.kind) {
    case 'metrics':
      return metrics(view);
    case 'status':
      return status(view);
    case 'mapresponses':
      return mapResponses(view);
    case 'database':
      return database(view);
    default:
      return '';
  }
}

function table(headers: string[], rows: string[][], numeric: boolean[] = []): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td${numeric[i] ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A number, or the sample's own text (NaN, ±Inf, 1e400: JSON cannot carry them) marked as such. */
function num(v: number | string | null | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'number') return `<span class="muted" title="not a finite number">${escapeHtml(v)}</span>`;
  if (!Number.isFinite(v)) return `<span class="muted">${escapeHtml(String(v))}</span>`;
  return escapeHtml(Number.isInteger(v) ? String(v) : v.toPrecision(4));
}

/** What the server could not read, listed under the view so the rest still renders. */
function skippedNote(skipped: readonly string[] | undefined): string {
  return skipped?.length ? `<h2>Not shown (${skipped.length})</h2><ul>${skipped.map((s) => `<li class="muted">${escapeHtml(s)}</li>`).join('')}</ul>` : '';
}

function metrics(view: MetricsView): string {
  if (!view.families.length) return `<p>No metric families in this file.</p>${skippedNote(view.skipped)}`;
  const plain = view.families.filter((f) => f.type === 'counter' || f.type === 'gauge' || f.type === 'untyped');
  const grouped = view.families.filter((f) => f.type === 'histogram' || f.type === 'summary');
  const labels = (text: string) => (text ? `<code>${escapeHtml(text)}</code>` : '<span class="muted">—</span>');
  const plainRows = plain.flatMap((f) => f.series.map((s) => [`<code>${escapeHtml(f.name)}</code>`, escapeHtml(f.type), labels(s.labels), num(s.value)]));
  const groupedRows = grouped.flatMap((f) => f.series.map((s) => [`<code>${escapeHtml(f.name)}</code>`, labels(s.labels), num(s.count), num(s.sum), num(s.mean)]));
  return `<h2>Counters and gauges</h2>${table(['family', 'type', 'labels', 'value'], plainRows, [false, false, false, true])}
<h2>Histograms and summaries</h2>${grouped.length ? table(['family', 'labels', 'count', 'sum', 'mean'], groupedRows, [false, false, true, true, true]) : '<p class="muted">none</p>'}${skippedNote(view.skipped)}`;
}

/** yes/no coloured by whether the value is the healthy one (Online: yes is good; Expired: yes is bad). */
function yesNo(v: boolean | null, healthy: boolean): string {
  if (v === null) return '<span class="muted">?</span>';
  return `<span class="${v === healthy ? 'yes' : 'no'}">${v ? 'yes' : 'no'}</span>`;
}

function status(view: StatusView): string {
  const health = view.health.length ? `<ul>${view.health.map((h) => `<li class="error">${escapeHtml(h)}</li>`).join('')}</ul>` : '<p class="muted">no health warnings</p>';
  const rows = view.peers.map((p) => [escapeHtml(p.hostName), yesNo(p.online, true), `<span class="mono">${escapeHtml(p.tailscaleIPs.join(', '))}</span>`, `<span class="mono">${escapeHtml(p.primaryRoutes.join(', '))}</span>`, yesNo(p.expired, false), escapeHtml(p.lastSeen || 'never')]);
  return `<p>Self: <b>${escapeHtml(view.self)}</b> · BackendState: <b>${escapeHtml(view.backendState)}</b></p>
<h2>Health</h2>${health}
<h2>Peers (${view.peers.length})</h2>${view.peers.length ? table(['HostName', 'Online', 'TailscaleIPs', 'PrimaryRoutes', 'Expired', 'LastSeen'], rows) : '<p class="muted">no peers</p>'}${skippedNote(view.skipped)}`;
}

/** A command URI that opens a file; the panel allows only this command. */
export function openFileLink(path: string, text: string): string {
  return `<a href="command:hi.openFile?${escapeHtml(encodeURIComponent(JSON.stringify([path])))}">${escapeHtml(text)}</a>`;
}

function mapResponses(view: MapResponsesView): string {
  if (!view.nodes.length) return '<p>No map responses were captured.</p>';
  return view.nodes
    .map((n) => `<h2>Node ${escapeHtml(n.node)} · ${n.entries.length} responses</h2>${table(['time', 'type', 'peers', 'changes since the previous response', ''], n.entries.map((e) => [escapeHtml(e.time), escapeHtml(e.type), e.peers === null ? '<span class="muted">?</span>' : escapeHtml(e.peers), changes(e), openFileLink(e.path, 'open JSON')]), [false, false, true, false, false])}`)
    .join('\n');
}

function changes(e: MapResponsesView['nodes'][number]['entries'][number]): string {
  if (e.error) return `<span class="muted">${escapeHtml(e.error)}</span>`;
  const list = e.changes ?? [];
  if (!list.length || (list.length === 1 && list[0] === 'no change')) return '<span class="muted">no change</span>';
  return list.map((c) => escapeHtml(c)).join('<br>');
}

function database(view: DatabaseView): string {
  const missing = view.missing.length ? `<p class="muted">Not in this snapshot: ${escapeHtml(view.missing.join(', '))}.</p>` : '';
  const tables = view.tables
    .map((t) => `<h2>${escapeHtml(t.name)} (${t.total} ${t.total === 1 ? 'row' : 'rows'}${t.rows.length < t.total ? `, first ${t.rows.length} shown` : ''})</h2>${table(t.columns, t.rows.map((r) => r.map((v) => (v === null ? '<span class="muted">NULL</span>' : escapeHtml(v)))))}`)
    .join('\n');
  return `<p class="muted">Opened read-only from a copy in memory; the snapshot file is not modified.</p>${tables}${missing}${skippedNote(view.refused)}`;
}
