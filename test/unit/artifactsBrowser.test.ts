/**
 * The artifact browser's pieces outside VS Code: viewers over the demo artifacts (SQLite through
 * sql.js, metrics through the Prometheus parser), retention safety, errors with context, log
 * folding, the TextMate grammar (tokenised by vscode-textmate + oniguruma, as VS Code does), the
 * sidebar wording and the webview HTML's escaping.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import type { DatabaseView, MapResponsesView, MetricsView, RunView, StatusView } from '../../shared/src/artifacts';
import { controlLogsDir } from '../../shared/src/controlLogs';
import { logFoldingRanges } from '../../shared/src/logFolding';
import { errorsWithContext } from '../../server/src/artifacts/errorContext';
import { defaultMarkers } from '../../server/src/artifacts/markers';
import { deleteRuns, planDeletion } from '../../server/src/artifacts/retention';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, listRuns } from '../../server/src/artifacts/runIndex';
import { viewArtifact } from '../../server/src/artifacts/viewers';
import { errorLabel, formatAge, formatBytes, groupFiles, runDescription } from '../../client/src/artifacts/presentation';
import { escapeHtml, renderViewer } from '../../client/src/artifacts/viewerHtml';
import { Reloader } from '../../client/src/reloader';
import { repoRoot } from '../support/parser';

const demo = path.join(repoRoot, 'demo', 'control_logs');
const codeRun = path.join(demo, '20261124-143011-9be04d');

test('metrics viewer: headscale families first, labelled histograms folded to count/sum/mean', async () => {
  const view = (await viewArtifact({ path: path.join(codeRun, 'hs-subnetrouteacl-7f8e9d_metrics.txt'), kind: 'metrics' })) as MetricsView & { error?: string };
  assert.equal(view.kind, 'metrics', view.error);
  const names = view.families.map((f) => f.name);
  const firstOther = names.findIndex((n) => !n.startsWith('headscale_'));
  assert.ok(firstOther > 0 && names.slice(firstOther).every((n) => !n.startsWith('headscale_')), names.join());
  const text = fs.readFileSync(path.join(codeRun, 'hs-subnetrouteacl-7f8e9d_metrics.txt'), 'utf8');
  const hist = view.families.find((f) => f.type === 'histogram')!;
  for (const s of hist.series) {
    const labels = s.labels;
    const count = Number(new RegExp(`^${hist.name}_count\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(text)![1]);
    assert.equal(s.count, count);
    assert.ok(Math.abs(Number(s.mean) - Number(s.sum) / count) < 1e-12);
  }
  const counter = view.families.find((f) => f.name === 'headscale_mapresponse_sent_total')!;
  assert.equal(counter.series.length, (text.match(/^headscale_mapresponse_sent_total\{/gm) ?? []).length);
});

test('status viewer: peers table and backend state from tailscale status --json', async () => {
  const file = path.join(codeRun, 'ts-9be04d-head-aa11bb_status.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const view = (await viewArtifact({ path: file, kind: 'status' })) as StatusView;
  assert.equal(view.backendState, raw.BackendState);
  assert.equal(view.peers.length, Object.keys(raw.Peer ?? {}).length);
  for (const p of Object.values(raw.Peer) as { HostName: string; Online: boolean; PrimaryRoutes?: string[] }[]) {
    const row = view.peers.find((r) => r.hostName === p.HostName)!;
    assert.equal(row.online, p.Online);
    assert.deepEqual(row.primaryRoutes, p.PrimaryRoutes ?? []);
  }
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hi-status-')), 'x_status.json');
  fs.writeFileSync(broken, '{"BackendState": ');
  assert.equal((await viewArtifact({ path: broken, kind: 'status' })).kind, 'error');
});

test('map responses: a per-node timeline with types and peer counts', async () => {
  const view = (await viewArtifact({ path: path.join(codeRun, 'mapresponses'), kind: 'mapresponses' })) as MapResponsesView;
  assert.deepEqual(view.nodes.map((n) => n.node), fs.readdirSync(path.join(codeRun, 'mapresponses')).sort());
  const first = view.nodes[0].entries;
  assert.deepEqual(first.map((e) => e.type), fs.readdirSync(path.join(codeRun, 'mapresponses', view.nodes[0].node)).sort().map((f) => /-(\w+)\.json$/.exec(f)![1]));
  const full = first.find((e) => e.type === 'full')!;
  assert.equal(full.peers, JSON.parse(fs.readFileSync(full.path, 'utf8')).Peers.length);
});

test('database viewer: nodes and users through sql.js, read-only, non-databases refused', async () => {
  const file = path.join(codeRun, 'hs-subnetrouteacl-7f8e9d.db');
  const before = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const mtime = fs.statSync(file).mtimeMs;
  const view = (await viewArtifact({ path: file, kind: 'database' })) as DatabaseView & { error?: string };
  assert.equal(view.kind, 'database', view.error);
  const nodes = view.tables.find((t) => t.name === 'nodes')!;
  assert.ok(nodes.total > 0 && nodes.rows.length === nodes.total);
  assert.ok(nodes.columns.includes('hostname') || nodes.columns.includes('given_name'), nodes.columns.join());
  assert.ok(view.tables.some((t) => t.name === 'users'));
  assert.deepEqual(view.missing, ['routes']);
  assert.equal(createHash('sha256').update(fs.readFileSync(file)).digest('hex'), before);
  assert.equal(fs.statSync(file).mtimeMs, mtime);
  assert.ok(!fs.existsSync(file + '-journal') && !fs.existsSync(file + '-wal'));
  const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hi-db-')), 'hs-x.db');
  fs.writeFileSync(fake, 'this is not sqlite');
  const bad = await viewArtifact({ path: fake, kind: 'database' });
  assert.equal(bad.kind, 'error');
  assert.match(bad.error!, /not a SQLite database/);
});

function scratchControlLogs(ids: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-ret-'));
  for (const id of ids) {
    fs.mkdirSync(path.join(root, id));
    fs.writeFileSync(path.join(root, id, 'hs-x-abcdef.stderr.log'), 'x'.repeat(1000 + id.length));
  }
  return root;
}

test('retention: plans by age or keep-last-N, deletes only run folders under control_logs', () => {
  const ids = ['20261101-100000-aaaaaa', '20261120-100000-bbbbbb', '20261124-100000-cccccc', '20261125-100000-dddddd'];
  const root = scratchControlLogs(ids);
  fs.mkdirSync(path.join(root, 'not-a-run'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-outside-'));
  fs.symlinkSync(outside, path.join(root, '20261001-100000-eeeeee'));
  const now = new Date('2026-11-25T12:00:00');
  assert.deepEqual(planDeletion({ controlLogs: root, keepLast: 2 }, now).runs.map((r) => r.id), ['20261120-100000-bbbbbb', '20261101-100000-aaaaaa']);
  const byAge = planDeletion({ controlLogs: root, olderThanDays: 3 }, now);
  assert.deepEqual(byAge.runs.map((r) => r.id), ['20261120-100000-bbbbbb', '20261101-100000-aaaaaa']);
  assert.equal(byAge.totalBytes, 2 * 1022);
  const result = deleteRuns(root, ['20261101-100000-aaaaaa', '../' + path.basename(outside), 'not-a-run', '20261001-100000-eeeeee']);
  assert.deepEqual(result.deleted, ['20261101-100000-aaaaaa']);
  assert.equal(result.freedBytes, 1022);
  assert.equal(result.failed.length, 3);
  assert.ok(fs.existsSync(outside) && fs.existsSync(path.join(root, 'not-a-run')) && fs.lstatSync(path.join(root, '20261001-100000-eeeeee')).isSymbolicLink());
  assert.deepEqual(fs.readdirSync(root).sort(), ['20261001-100000-eeeeee', '20261120-100000-bbbbbb', '20261124-100000-cccccc', '20261125-100000-dddddd', 'not-a-run']);
});

test('errors with context: each error with N lines around it, links back to the exact line', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hi-ctx-')), 'hs-x-abcdef.stderr.log');
  const lines = Array.from({ length: 500 }, (_, i) => `2026-01-01T00:00:00Z DBG line ${i + 1}`);
  for (const n of [10, 12, 300]) lines[n - 1] = `2026-01-01T00:00:00Z ERR failure at ${n}`;
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const result = await errorsWithContext(file, 2, defaultMarkers, findRipgrep());
  const doc = result.text.split('\n');
  const headers = doc.filter((l) => l.startsWith('── line '));
  assert.deepEqual(headers, ['── line 10 · zerolog-error', '── line 300 · zerolog-error'], 'errors 10 and 12 share a block');
  for (const link of result.links) {
    const shown = doc[link.line];
    assert.ok(shown.startsWith('── line ') ? shown.startsWith(`── line ${link.target} `) : shown.includes(lines[link.target - 1]), `${link.line} → ${link.target}: ${shown}`);
  }
  assert.deepEqual([...new Set(result.links.map((l) => l.target))], [10, 12, 300]);
  for (const n of [8, 9, 11, 13, 14, 298, 302]) assert.ok(doc.some((l) => l.endsWith(`  ${lines[n - 1]}`)), `context line ${n}`);
  assert.ok(!doc.some((l) => l.endsWith(`  ${lines[6]}`)) && !doc.some((l) => l.endsWith(`  ${lines[303]}`)), 'nothing beyond the context');
});

test('folding: goroutine dumps, whole panics and testify blocks in the demo log', () => {
  const log = fs.readFileSync(path.join(codeRun, 'hs-subnetrouteacl-7f8e9d.stderr.log'), 'utf8').split('\n');
  const folds = logFoldingRanges(log);
  const panicAt = log.findIndex((l) => l.startsWith('panic: '));
  const panicFold = folds.find((f) => f.start === panicAt)!;
  assert.ok(panicFold, 'the panic folds');
  for (let i = panicFold.start + 1; i <= panicFold.end; i++) assert.ok(!/^\d{4}-\d{2}-\d{2}T/.test(log[i]), 'a panic fold stops at the next log entry');
  const goroutines = log.flatMap((l, i) => (/^goroutine \d+ \[/.test(l) ? [i] : []));
  assert.ok(goroutines.length > 0 && goroutines.every((g) => folds.some((f) => f.start === g)));
  const testify = logFoldingRanges(['    foo_test.go:10:', '        \tError Trace:\tfoo_test.go:10', '        \tError:      \tNot equal', '        \t            \tmore', '        \tTest:       \tTestX', '--- FAIL: TestX']);
  assert.deepEqual(testify, [{ start: 1, end: 4 }]);
});

test('grammar: timestamps, levels, callers, fields, node keys, IPs, run ids, containers and panics get standard scopes', async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(fs.readFileSync(path.join(repoRoot, 'syntaxes', 'hi-log.tmLanguage.json'), 'utf8'), 'hi-log.tmLanguage.json'),
  });
  const grammar = (await registry.loadGrammar('text.log.hi'))!;
  const scopesOf = (line: string) => {
    const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
    return tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.join(' ') }));
  };
  const scopeAt = (line: string, needle: string) => scopesOf(line).find((t) => t.text.includes(needle))?.scopes ?? '';
  const err = '2026-11-24T14:30:41Z ERR hscontrol/state/state.go:912 > failed node.id=3 error="route not approved" peer=[AbCdE] ip=100.64.0.2 run=20261124-143011-9be04d container=ts-9be04d-head-aa11bb';
  assert.match(scopeAt(err, '2026-11-24T14:30:41Z'), /constant\.numeric\.date/);
  assert.match(scopeAt(err, 'ERR'), /invalid\.illegal/);
  assert.match(scopeAt(err, 'failed'), /markup\.deleted/, 'error lines are prominent as a whole');
  assert.match(scopeAt(err, 'state.go'), /entity\.name\.function\.caller/);
  assert.match(scopeAt(err, 'node.id'), /variable\.other\.key/);
  assert.match(scopeAt(err, '"route not approved"'), /string\.value/);
  assert.match(scopeAt(err, '[AbCdE]'), /constant\.language\.node-key/);
  assert.match(scopeAt(err, '100.64.0.2'), /constant\.numeric\.ip/);
  assert.match(scopeAt(err, '20261124-143011-9be04d'), /entity\.name\.tag\.run-id/);
  assert.match(scopeAt(err, 'ts-9be04d-head-aa11bb'), /entity\.name\.tag\.container/);
  assert.match(scopeAt('2026/11/24 14:30:20 wgengine: Reconfig', '2026/11/24 14:30:20'), /constant\.numeric\.date/);
  assert.match(scopeAt('2026-11-24T14:30:41Z WRN slow', 'WRN'), /keyword\.control/);
  assert.match(scopeAt('panic: runtime error: index out of range', 'panic'), /invalid\.illegal\.panic/);
  assert.match(scopeAt('goroutine 1 [running]:', 'goroutine 1'), /markup\.heading/);
  assert.doesNotMatch(scopeAt('2026-11-24T14:30:41Z INF all fine', 'all fine'), /invalid|markup\.deleted/);
});

test('sidebar wording and webview HTML: sizes, ages, reading-order groups, everything escaped under a strict CSP', async () => {
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(5 * 1048576), '5.0 MB');
  assert.equal(formatAge('2026-11-25T09:00:00', new Date('2026-11-25T12:30:00')), '3h ago');
  assert.equal(errorLabel('2026-11-24T14:30:41Z ERR boom'), 'ERR boom');
  const [, code] = await Promise.all(listRuns(demo).map((r) => describeRun(r, defaultMarkers)));
  const described: RunView = code;
  assert.match(runDescription(described, new Date('2026-11-25T14:30:11')), new RegExp(`^failed · code · ${described.errorCount} errors · ${described.warningCount} warnings? · 1d ago$`));
  assert.deepEqual(groupFiles(described).map((g) => g.label), ['Headscale server', 'Tailscale clients', 'Map responses', 'Client status', 'Netmaps', 'Database snapshot', 'Metrics']);
  const hostile = '<script>alert(1)</script>"\'&';
  const html = renderViewer({ kind: 'status', title: hostile, path: hostile, self: hostile, backendState: hostile, health: [hostile], peers: [{ hostName: hostile, online: true, tailscaleIPs: [hostile], primaryRoutes: [], expired: false, lastSeen: hostile }] }, 'N0NCE');
  assert.ok(!html.includes('<script'), 'no markup from data');
  assert.equal(html.split(escapeHtml(hostile)).length - 1, 8, 'title, path, self, state, health, host, IPs, last seen');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-N0NCE';"/);
  assert.ok(!/<script/i.test(renderViewer({ kind: 'error', title: 'x', path: 'x', error: hostile }, 'n')));
});

test('control_logs location: --logs-dir in the extra args wins over the setting', () => {
  assert.equal(controlLogsDir('/src/headscale', 'control_logs', []), '/src/headscale/control_logs');
  assert.equal(controlLogsDir('/src/headscale', 'control_logs', ['--stats', '--logs-dir=/tmp/logs']), '/tmp/logs');
  assert.equal(controlLogsDir('/src/headscale', 'control_logs', ['--logs-dir', 'out/logs']), '/src/headscale/out/logs');
});

test('view reloads: calls during a reload share it, and exactly one more follows', async () => {
  let loads = 0;
  let release: () => void = () => undefined;
  const reloader = new Reloader(() => {
    loads++;
    return new Promise<void>((r) => (release = r));
  });
  const first = reloader.reload();
  const during = [reloader.reload(), reloader.reload(), reloader.reload()];
  assert.equal(loads, 1);
  release();
  await Promise.all([first, ...during]);
  await new Promise((r) => setImmediate(r));
  assert.equal(loads, 2, 'one trailing reload for the calls that came in meanwhile');
  release();
});
