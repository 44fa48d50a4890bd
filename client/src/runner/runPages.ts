import { formatRunDuration } from '../../../shared/src/hiCommand';
import type { PastRunInfo, TestHistoryResult } from '../../../shared/src/protocol';
import { escapeHtml } from '../artifacts/viewerHtml';

/**
 * The "Test history" page and the phase summary: pure HTML with a strict CSP (no scripts, one
 * nonce'd style block), every value escaped. The duration chart is an inline SVG picture; links to
 * runs are command URIs the panel limits to `hi.revealRun`.
 */
export function page(title: string, body: string, nonce: string): string {
  const n = escapeHtml(nonce);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}';">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px 16px; }
h1 { font-size: 16px; }
table { border-collapse: collapse; margin: 6px 0 16px; }
th, td { border-bottom: 1px solid var(--vscode-panel-border, #8884); padding: 3px 10px 3px 0; text-align: left; font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--vscode-descriptionForeground); }
.passed { color: var(--vscode-testing-iconPassed, #388a34); } .failed { color: var(--vscode-testing-iconFailed, #c72e0f); } .cancelled { color: var(--vscode-descriptionForeground); }
.flaky { color: var(--vscode-editorWarning-foreground, #b89500); font-weight: 600; }
svg .axis { stroke: var(--vscode-panel-border, #8886); stroke-width: 1; }
svg .line { fill: none; stroke: var(--vscode-descriptionForeground, #888); stroke-width: 1.5; }
svg .median { stroke: var(--vscode-descriptionForeground, #888); stroke-dasharray: 4 3; stroke-width: 1; }
svg .mark-passed { fill: var(--vscode-testing-iconPassed, #388a34); }
svg .mark-failed { stroke: var(--vscode-testing-iconFailed, #c72e0f); stroke-width: 2.5; }
svg .mark-cancelled { fill: none; stroke: var(--vscode-descriptionForeground, #888); stroke-width: 1.5; }
svg text { fill: var(--vscode-descriptionForeground, #888); font-size: 10px; font-family: var(--vscode-font-family); }
</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function revealRunLink(dir: string, label: string): string {
  return `<a href="${escapeHtml(`command:hi.revealRun?${encodeURIComponent(JSON.stringify([dir]))}`)}">${escapeHtml(label)}</a>`;
}

const W = 640;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** Durations over runs, oldest left: a dot per pass, a cross per failure, a ring per cancel; the median dashed. */
export function durationChart(runs: readonly PastRunInfo[], medianSeconds: number | null): string {
  const shown = [...runs].reverse().filter((r) => r.durationSeconds !== null);
  if (!shown.length) return '<p class="muted">No durations to draw yet.</p>';
  const max = Math.max(...shown.map((r) => r.durationSeconds!), medianSeconds ?? 0, 1);
  const x = (i: number) => PAD.left + (shown.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (shown.length - 1));
  const y = (s: number) => PAD.top + (1 - s / max) * (H - PAD.top - PAD.bottom);
  const f = (v: number) => v.toFixed(1);
  const points = shown.map((r, i) => `${f(x(i))},${f(y(r.durationSeconds!))}`).join(' ');
  const marks = shown.map((r, i) => {
    const cx = x(i);
    const cy = y(r.durationSeconds!);
    const title = `<title>${escapeHtml(`${r.status} ${formatRunDuration(r.durationSeconds!)} · ${r.backend}${r.commit ? ` · ${r.commit.slice(0, 7)}${r.dirty ? '+dirty' : ''}` : ''} · ${r.runId}`)}</title>`;
    if (r.status === 'passed') return `<circle class="mark-passed" cx="${f(cx)}" cy="${f(cy)}" r="4">${title}</circle>`;
    if (r.status === 'failed') return `<path class="mark-failed" d="M${f(cx - 4)} ${f(cy - 4)}L${f(cx + 4)} ${f(cy + 4)}M${f(cx + 4)} ${f(cy - 4)}L${f(cx - 4)} ${f(cy + 4)}">${title}</path>`;
    return `<circle class="mark-cancelled" cx="${f(cx)}" cy="${f(cy)}" r="4">${title}</circle>`;
  });
  const median = medianSeconds !== null ? `<line class="median" x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(medianSeconds))}" y2="${f(y(medianSeconds))}"/><text x="${W - PAD.right}" y="${f(y(medianSeconds) - 3)}" text-anchor="end">median ${escapeHtml(formatRunDuration(medianSeconds))}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Duration per run, oldest left" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}"/><line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${escapeHtml(formatRunDuration(max))}</text><text x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end">0s</text>
<text x="${PAD.left}" y="${H - 8}">${escapeHtml(shown[0].startedAt.slice(0, 16))}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${escapeHtml(shown[shown.length - 1].startedAt.slice(0, 16))}</text>
${shown.length > 1 ? `<polyline class="line" points="${points}"/>` : ''}${median}
${marks.join('\n')}
</svg>`;
}

export function renderHistory(h: TestHistoryResult, nonce: string): string {
  const rate = h.passRate === null ? '—' : `${Math.round(h.passRate * 100)} %`;
  const figures = `<p>${escapeHtml(`${h.runs.length} runs · pass rate ${rate} · median ${h.medianSeconds === null ? '—' : formatRunDuration(h.medianSeconds)} · p90 ${h.p90Seconds === null ? '—' : formatRunDuration(h.p90Seconds)}`)}</p>`;
  const flaky = h.flakyCommits.length ? `<p class="flaky">⚠ flaky: passed and failed on ${escapeHtml(h.flakyCommits.map((c) => c.slice(0, 7)).join(', '))} (a clean tree each time)</p>` : '';
  const rows = h.runs.map((r) => `<tr><td class="${escapeHtml(r.status)}">${escapeHtml({ passed: '✓ passed', failed: '✗ failed', cancelled: '⊘ cancelled' }[r.status])}</td><td class="num">${escapeHtml(r.durationSeconds === null ? '?' : formatRunDuration(r.durationSeconds))}</td><td>${escapeHtml(r.startedAt.replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(r.backend)}</td><td>${escapeHtml(r.commit ? `${r.commit.slice(0, 7)}${r.dirty ? ' +dirty' : ''}` : '—')}</td><td>${revealRunLink(r.dir, r.runId)}</td></tr>`);
  const body = h.runs.length
    ? `${figures}${flaky}${durationChart(h.runs, h.medianSeconds)}<table><thead><tr><th>result</th><th>duration</th><th>started</th><th>backend</th><th>commit</th><th>run</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`
    : '<p class="muted">No runs of this test in control_logs yet.</p>';
  return page(`Test history: ${h.test}`, body, nonce);
}

export interface PhaseSummaryRow {
  test: string;
  status: 'passed' | 'failed' | 'cancelled' | 'skipped';
  durationSeconds: number | null;
  /** From the run's artifacts: infrastructure or code (failures only). */
  triage: string | null;
  runId: string | null;
  runDir: string | null;
}

/** The table at the end of a phase: test, result, duration, triage, link to its run. */
export function renderPhaseSummary(phase: string, rows: readonly PhaseSummaryRow[], nonce: string): string {
  const icon = { passed: '✓ passed', failed: '✗ failed', cancelled: '⊘ cancelled', skipped: '– skipped' } as const;
  const passed = rows.filter((r) => r.status === 'passed').length;
  const body = `<p>${escapeHtml(`${passed} of ${rows.length} passed · ${formatRunDuration(rows.reduce((n, r) => n + (r.durationSeconds ?? 0), 0))} in all`)}</p>
<table><thead><tr><th>test</th><th>result</th><th>duration</th><th>triage</th><th>run</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r.test)}</td><td class="${escapeHtml(r.status)}">${escapeHtml(icon[r.status])}</td><td class="num">${escapeHtml(r.durationSeconds === null ? '—' : formatRunDuration(r.durationSeconds))}</td><td>${escapeHtml(r.triage ?? '—')}</td><td>${r.runDir && r.runId ? revealRunLink(r.runDir, r.runId) : '—'}</td></tr>`).join('\n')}
</tbody></table>`;
  return page(`${phase}: summary`, body, nonce);
}
