/**
 * Hostile inputs, as a cloned repository would ship them, against the real parts: the language
 * server over stdio (trusted and untrusted), the CLI through a pipe. ONE table: each row builds its
 * input, drives the part, and states its limits: wall time, memory (server: RSS growth over the
 * session's baseline; CLI: the process's peak RSS), the message it must give and, for the server,
 * the slowest hover answered while the hostile work ran. Add a row for every new kind of input.
 * Docker look-alikes are in test/unit/docker.test.ts (they need the real daemon and its lock).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import initSqlJs from 'sql.js';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest } from 'vscode-languageserver-protocol/node';
import { DeleteRunsRequest, DescribeRunRequest, ErrorsWithContextRequest, ListRunsRequest, LogErrorsRequest, PlanDeletionRequest, ViewArtifactRequest, type ListRunsResult, type RunView } from '../../shared/src/artifacts';
import { DiscoverTestsRequest, RUN_RECORD_FILE } from '../../shared/src/protocol';
import { pullDiagnostics, startServer, type LspSession } from '../support/lspClient';
import { repoRoot } from '../support/parser';
import { deepEventually, infoLog, writeHeavyRun, writeManyFilesRun, writeSparseLog } from '../support/hostileLoads';

const cliJs = path.join(repoRoot, 'dist', 'cli.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-hostile-'));
const ws = path.join(root, 'ws');
const logs = path.join(ws, 'control_logs');
const ids = { zero: '20261201-100000-aaaaa1', fifo: '20261201-100100-aaaaa2', many: '20261201-100200-aaaaa3', sparse: '20261201-100300-aaaaa4', plain: '20261201-100400-aaaaa5', heavy: '20261201-100500-aaaaa6' };
const run = (id: string, ...rest: string[]) => path.join(logs, id, ...rest);
const uri = (file: string) => pathToFileURL(file).toString();

/** What a row's driver returns: the text its `expect` is matched against. */
interface Ctx {
  trusted: LspSession;
  untrusted: LspSession;
}
interface Limits {
  /** Wall-clock milliseconds for the whole row. */
  ms: number;
  /** Server: RSS growth in MB over the session baseline. CLI: the process's peak RSS in MB. */
  rssMB: number;
  /** The message (or output) the part must give. */
  expect: RegExp;
  /**
   * Server rows: how much slower than when idle the slowest hover answered while the row ran may
   * be, in ms (omitted: only recorded). Relative to idle, so a loaded CI machine measures the
   * blocking the row adds, not the machine. HOVER_LIGHT_MS or HOVER_HEAVY_MS: limits that hold on
   * a loaded 2-core machine; issue 12's goal, 200 ms, is measured by test/bench/hostileBench.ts.
   */
  hoverMs?: number;
}

/** Rows whose work is small (a refused file, a setting): a real stall shows, a busy machine does not. */
const HOVER_LIGHT_MS = 500;
/** Rows of heavy work (a 62 MB run, 21 000 files, a 600 MB line, 300 nested waits). */
const HOVER_HEAVY_MS = 1000;
interface HostileCase {
  name: string;
  part: 'server' | 'untrusted server' | 'cli';
  limits: Limits;
  drive: (ctx: Ctx) => Promise<string>;
}

// ---- the CLI through a pipe -------------------------------------------------------------------

let cliPeakMB = 0;
/** Runs the CLI with stdout and stderr on pipes (as `| wc -c` in CI), tracking its peak RSS. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    cliPeakMB = 0;
    const sample = setInterval(() => (cliPeakMB = Math.max(cliPeakMB, statusMB(child.pid!, 'VmHWM'))), 20);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr });
    });
  });
}

/** A field of /proc/<pid>/status in MB (0 once the process is gone). */
function statusMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const described = (r: RunView) => `${r.id} ${r.status} files=${r.files.map((f) => f.relative).join(',')}${r.truncated ? ` truncated: ${r.truncated}` : ''}`;

// ---- the table --------------------------------------------------------------------------------

const cases: HostileCase[] = [
  // 1. Special files: never read anything that is not a regular file.
  {
    name: 'run record -> /dev/zero (Runs view and lenses read records)',
    part: 'server',
    limits: { ms: 5000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^20261201-100000-aaaaa1 (failed|passed|unknown) files=hs-zero-abcdef\.stderr\.log/ },
    drive: async ({ trusted }) => described((await trusted.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.zero })) as RunView),
  },
  {
    name: 'run record is a FIFO (opening it must not wait for a writer)',
    part: 'server',
    limits: { ms: 5000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^20261201-100100-aaaaa2 / },
    drive: async ({ trusted }) => described((await trusted.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.fifo })) as RunView),
  },
  {
    name: 'hi/discoverTests for a _test.go -> /dev/zero and a FIFO _test.go (the Test Explorer watcher)',
    part: 'server',
    limits: { ms: 5000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^0 0 1$/ },
    drive: async ({ trusted }) => {
      const count = async (f: string) => ((await trusted.connection.sendRequest(DiscoverTestsRequest, { uri: uri(path.join(ws, 'integration', f)) })) as { tests: unknown[] }).tests.length;
      return `${await count('zero_test.go')} ${await count('fifo_test.go')} ${await count('good_test.go')}`;
    },
  },
  {
    name: 'map responses: an entry -> /dev/zero and a FIFO entry among real ones',
    part: 'server',
    limits: { ms: 10000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^mapresponses 3 entries, peers 2,null,null$/ },
    drive: async ({ trusted }) => {
      const v = (await trusted.connection.sendRequest(ViewArtifactRequest, { path: run(ids.plain, 'mapresponses'), kind: 'mapresponses' })) as { kind: string; nodes: { entries: { peers: number | null }[] }[] };
      const entries = v.nodes.flatMap((n) => n.entries);
      return `${v.kind} ${entries.length} entries, peers ${entries.map((e) => String(e.peers)).join(',')}`;
    },
  },
  {
    name: 'cli runs: run record -> /dev/zero, FIFO record, map response -> /dev/zero',
    part: 'cli',
    limits: { ms: 30000, rssMB: 400, expect: /^exit=0 runs=6 / },
    drive: async () => {
      const r = await cli('runs', logs, '--format', 'json');
      return `exit=${r.code} runs=${(JSON.parse(r.stdout) as unknown[]).length} ${r.stderr}`;
    },
  },
  {
    name: 'cli tests and check: a _test.go -> /dev/zero and a FIFO _test.go are reported, exit 2',
    part: 'cli',
    limits: { ms: 15000, rssMB: 400, expect: /^tests=2 check=2 .*fifo_test\.go: a FIFO, not a regular file.*zero_test\.go: links to a character device, not a regular file/s },
    drive: async () => {
      const t = await cli('tests', path.join(ws, 'integration'));
      const c = await cli('check', path.join(ws, 'integration'));
      return `tests=${t.code} check=${c.code} ${c.stderr.split('\n').sort().join(' ')}`;
    },
  },
  {
    name: 'cli check /dev/zero and a FIFO named on the command line: exit 2, no hang',
    part: 'cli',
    limits: { ms: 10000, rssMB: 300, expect: /^exit=2 .*\/dev\/zero: a character device.*fifo_test\.go: a FIFO/s },
    drive: async () => {
      const r = await cli('check', '/dev/zero', path.join(ws, 'integration', 'fifo_test.go'));
      return `exit=${r.code} ${r.stderr}`;
    },
  },
  // 2. Output on a pipe is never cut.
  {
    name: 'cli check --format sarif on a pipe: more than 64 KiB arrives whole',
    part: 'cli',
    limits: { ms: 30000, rssMB: 500, expect: /^exit=1 valid sarif, results>300, bytes>65536$/ },
    drive: async () => {
      const r = await cli('check', path.join(root, 'many-fixtures'), '--format', 'sarif');
      const doc = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
      return `exit=${r.code} valid sarif, results${doc.runs[0].results.length > 300 ? '>300' : '=' + doc.runs[0].results.length}, bytes${Buffer.byteLength(r.stdout) > 65536 ? '>65536' : '=' + Buffer.byteLength(r.stdout)}`;
    },
  },
  // 3. check never fails open.
  {
    name: 'cli check: a file over the size limit is skipped with a message, later files are still checked, exit 2',
    part: 'cli',
    limits: { ms: 20000, rssMB: 400, expect: /^exit=2 findings-after=yes .*huge_test\.go: not read: \d+\.\d MB is over the 8\.0 MB limit/s },
    drive: async () => {
      const r = await cli('check', path.join(root, 'huge'), '--format', 'json');
      const rows = JSON.parse(r.stdout) as { file: string }[];
      return `exit=${r.code} findings-after=${rows.some((x) => x.file.endsWith('z_nested_test.go')) ? 'yes' : 'no'} ${r.stderr}`;
    },
  },
  // 6. Analyzer blow-ups.
  {
    name: 'cli check: 256 KB of random bytes as a _test.go',
    part: 'cli',
    limits: { ms: 45000, rssMB: 500, expect: /^exit=[01] / },
    drive: async () => {
      const r = await cli('check', path.join(root, 'random_test.go'));
      return `exit=${r.code} ${r.stderr}`;
    },
  },
  {
    name: '300 nested EventuallyWithT (30 KB): the nesting is reported once, past the analyzer\'s depth limit',
    part: 'server',
    limits: { ms: 10000, rssMB: 400, hoverMs: HOVER_HEAVY_MS, expect: /^findings: 1 ewt-nested EventuallyWithT nested more than 8 deep.*at most 8 levels of nesting, so no other rule checked TestDeep/ },
    drive: async ({ trusted }) => {
      const file = path.join(root, 'deep_test.go');
      await open(trusted, file, fs.readFileSync(file, 'utf8'));
      const items = await pullDiagnostics(trusted, uri(file));
      return `findings: ${items.length} ${items.map((d) => `${d.code} ${d.message}`).join(' | ')}`;
    },
  },
  // 7. The CLI walk does not follow directory symlinks.
  {
    name: 'cli check: two `-> .` links and a `..` link: each file once',
    part: 'cli',
    limits: { ms: 10000, rssMB: 300, expect: /^exit=1 files=1$/ },
    drive: async () => {
      const r = await cli('check', path.join(root, 'loops', 'inner'), '--format', 'json');
      return `exit=${r.code} files=${new Set((JSON.parse(r.stdout) as { file: string }[]).map((x) => x.file)).size}`;
    },
  },
  // 8. Errors with context on a line longer than V8's longest string.
  {
    name: 'errors with context: an error before a 600 MB line (sparse log) answers',
    part: 'server',
    // The trusted server's markers make ripgrep refuse them, so the 600 MB line is read here.
    limits: { ms: 60000, rssMB: 250, hoverMs: HOVER_HEAVY_MS, expect: /── line 401 · zerolog-error/ },
    drive: async ({ trusted }) => ((await trusted.connection.sendRequest(ErrorsWithContextRequest, { path: run(ids.sparse, 'ts-sparse-abcdef.stderr.log'), context: 5 })) as { text: string }).text,
  },
  {
    name: 'errors with context / log errors on a FIFO path from the client: no hang',
    part: 'server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /not a regular file.*errors=0/s },
    drive: async ({ trusted }) => {
      const fifo = path.join(ws, 'integration', 'fifo_test.go');
      const ctx = (await trusted.connection.sendRequest(ErrorsWithContextRequest, { path: fifo, context: 5 })) as { text: string };
      const errors = (await trusted.connection.sendRequest(LogErrorsRequest, { path: fifo })) as unknown[];
      return `${ctx.text} errors=${errors.length}`;
    },
  },
  // 4. ReDoS through settings.
  {
    name: 'untrusted: a headscale.artifacts.markers pattern (a+)+$ is ignored',
    part: 'untrusted server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^errors=0$/ },
    drive: async ({ untrusted }) => `errors=${((await untrusted.connection.sendRequest(LogErrorsRequest, { path: run(ids.plain, 'ts-redos-abcdef.stderr.log') })) as unknown[]).length}`,
  },
  {
    name: 'untrusted: a headscale.categories /(a+)+$/ regexp is ignored; lenses answer',
    part: 'untrusted server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^lenses=[12] Run with hi — disabled/ },
    drive: async ({ untrusted }) => {
      const file = path.join(ws, 'integration', 'redos_test.go');
      await open(untrusted, file, fs.readFileSync(file, 'utf8'));
      const lenses = (await untrusted.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(file) } })) as { command: { title: string } }[];
      return `lenses=${lenses.length} ${lenses.map((l) => l.command.title.replace('▶ ', '')).join('; ')}`;
    },
  },
  {
    name: 'trusted: a category glob with many stars is matched in linear time',
    part: 'server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /Run with hi \(1800s\)/ },
    drive: async ({ trusted }) => {
      const file = path.join(ws, 'integration', 'redos_test.go');
      await open(trusted, file, fs.readFileSync(file, 'utf8'));
      const lenses = (await trusted.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(file) } })) as { command: { title: string } }[];
      return lenses.map((l) => l.command.title).join('; ');
    },
  },
  // 9. Heavy scans do not block the server.
  {
    name: 'a run of 48 small logs (62 MB, scanned in-process): hovers keep answering',
    part: 'server',
    // The trusted server's markers make ripgrep refuse them: every log is scanned in-process,
    // between yields every few milliseconds.
    limits: { ms: 30000, rssMB: 200, hoverMs: HOVER_HEAVY_MS, expect: /^20261201-100500-aaaaa6 \w+ files=(hs|ts)-heavy/ },
    drive: async ({ trusted }) => described((await trusted.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.heavy })) as RunView),
  },
  {
    name: 'two user markers with the same named group: the run listing still works',
    part: 'server',
    // The listing describes all six runs, the 48-log and the 21 000-file one among them.
    limits: { ms: 20000, rssMB: 300, hoverMs: HOVER_HEAVY_MS, expect: /^runs=6 plain errors=[1-9]/ },
    drive: async ({ trusted }) => {
      const r = (await trusted.connection.sendRequest(ListRunsRequest, { controlLogs: logs })) as ListRunsResult;
      return `runs=${r.runs.length} plain errors=${r.runs.find((x) => x.id === ids.plain)?.errorCount}`;
    },
  },
  // 5. The database viewer.
  {
    name: 'database viewer: generated columns (zeroblob(1e9)) are refused, not evaluated',
    part: 'server',
    limits: { ms: 20000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^database tables=users refused=nodes: a virtual table or generated column.*routes: a virtual table/ },
    drive: async ({ trusted }) => {
      const v = (await trusted.connection.sendRequest(ViewArtifactRequest, { path: run(ids.plain, 'hs-plain-abcdef.db'), kind: 'database' })) as { kind: string; error?: string; tables?: { name: string }[]; refused?: string[] };
      return `${v.kind} tables=${v.tables?.map((t) => t.name).join(',')} refused=${v.refused?.join(' | ')}${v.error ?? ''}`;
    },
  },
  // 12. Metrics and status viewers render what they can.
  {
    name: 'metrics viewer: NaN, +Inf, -Inf, 1e400 and an invalid line',
    part: 'server',
    limits: { ms: 10000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^metrics values=NaN,\+Inf,-Inf,1e400,7 skipped=1$/ },
    drive: async ({ trusted }) => {
      const v = (await trusted.connection.sendRequest(ViewArtifactRequest, { path: run(ids.plain, 'hs-plain-abcdef_metrics.txt'), kind: 'metrics' })) as { kind: string; families: { series: { value?: unknown }[] }[]; skipped?: string[]; error?: string };
      return `${v.kind} values=${v.families?.flatMap((f) => f.series.map((s) => s.value)).join(',')} skipped=${v.skipped?.length ?? 0}${v.error ?? ''}`;
    },
  },
  {
    name: 'status viewer: one bad peer among good ones',
    part: 'server',
    limits: { ms: 10000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^status peers=peer-a,peer-b skipped=1$/ },
    drive: async ({ trusted }) => {
      const v = (await trusted.connection.sendRequest(ViewArtifactRequest, { path: run(ids.plain, 'ts-plain-abcdef_status.json'), kind: 'status' })) as { kind: string; peers: { hostName: string }[]; skipped?: string[]; error?: string };
      return `${v.kind} peers=${v.peers?.map((p) => p.hostName).join(',')} skipped=${v.skipped?.length ?? 0}${v.error ?? ''}`;
    },
  },
  // 11. The run-folder walk.
  {
    name: 'a run with 21 000 map responses still lists its ts-* logs, says the walk was cut, and sends the captures as counts',
    part: 'server',
    limits: { ms: 20000, rssMB: 300, hoverMs: HOVER_HEAVY_MS, expect: /ts-many-abcdef\.stderr\.log.* truncated: more than 20,000 files.*; rows=501 map responses: node 7 × 19999, unlisted 19499$/ },
    drive: async ({ trusted }) => {
      const v = (await trusted.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.many })) as RunView;
      return `${described(v)}; rows=${v.files.length} map responses: ${v.mapResponseFolders?.map((f) => `node ${f.node} × ${f.count}`).join(', ')}, unlisted ${v.unlistedFiles}`;
    },
  },
  // 13. Trust enforced by the server; a symlinked control_logs root.
  {
    name: 'untrusted: the server deletes no run, whatever the client asks',
    part: 'untrusted server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^plan=0 .*not trusted.* deleted=0 still there=true$/ },
    drive: async ({ untrusted }) => {
      const plan = (await untrusted.connection.sendRequest(PlanDeletionRequest, { controlLogs: logs, ids: [ids.plain] })) as { runs: unknown[]; refused?: string };
      const del = (await untrusted.connection.sendRequest(DeleteRunsRequest, { controlLogs: logs, ids: [ids.plain] })) as { deleted: string[] };
      return `plan=${plan.runs.length} ${plan.refused} deleted=${del.deleted.length} still there=${fs.existsSync(run(ids.plain))}`;
    },
  },
  {
    name: 'a control_logs root that is a symlink: deletion refused, the target named',
    part: 'server',
    limits: { ms: 5000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^plan=0 .*is a symbolic link to .*outside-logs.* deleted=0 still there=true$/ },
    drive: async ({ trusted }) => {
      const linked = path.join(root, 'linked-ws', 'control_logs');
      const plan = (await trusted.connection.sendRequest(PlanDeletionRequest, { controlLogs: linked, keepLast: 0 })) as { runs: unknown[]; refused?: string };
      const del = (await trusted.connection.sendRequest(DeleteRunsRequest, { controlLogs: linked, ids: [ids.plain] })) as { deleted: string[] };
      return `plan=${plan.runs.length} ${plan.refused} deleted=${del.deleted.length} still there=${fs.existsSync(path.join(root, 'outside-logs', ids.plain))}`;
    },
  },
  {
    name: 'didChange with an inverted and a fractional range: findings equal a fresh open of the same text',
    part: 'server',
    limits: { ms: 10000, rssMB: 100, hoverMs: HOVER_LIGHT_MS, expect: /^same findings \(\d+\)$/ },
    drive: async ({ trusted }) => {
      const text = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'ewt-outer-t', 'outer_t_test.go'), 'utf8');
      const a = path.join(root, 'edit_a_test.go');
      await open(trusted, a, text);
      await pullDiagnostics(trusted, uri(a));
      // Inverted: end before start. Fractional: 2.5 / 0.7. Each is applied as its normalised range.
      await trusted.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: uri(a), version: 2 },
        contentChanges: [
          { range: { start: { line: 6, character: 0 }, end: { line: 4, character: 0 } }, text: '' },
          { range: { start: { line: 2.5, character: 0.7 }, end: { line: 2.5, character: 0.7 } }, text: '// x\n' },
        ],
      });
      const edited = await pullDiagnostics(trusted, uri(a));
      const lines = text.split('\n');
      const expected = [...lines.slice(0, 2), '// x', ...lines.slice(2, 4), ...lines.slice(6)].join('\n');
      const b = path.join(root, 'edit_b_test.go');
      await open(trusted, b, expected);
      const fresh = await pullDiagnostics(trusted, uri(b));
      const key = (ds: typeof fresh) => JSON.stringify(ds.map((d) => [d.code, d.range, d.message]));
      return key(edited) === key(fresh) ? `same findings (${fresh.length})` : `differ: ${key(edited)} vs ${key(fresh)}`;
    },
  },
  {
    name: 'a 5 MB one-line document: not analysed, said once, little memory',
    part: 'server',
    // The hover waits for the 5 MB didOpen message itself to cross the pipe and be parsed.
    limits: { ms: 10000, rssMB: 150, hoverMs: HOVER_LIGHT_MS, expect: /^1 does not analyse this file: 5\.0 M characters/ },
    drive: async ({ trusted }) => {
      const file = path.join(root, 'oneline_test.go');
      await open(trusted, file, `package integration; var x = "${'a'.repeat(5 * 1024 * 1024 - 40)}"`);
      const items = await pullDiagnostics(trusted, uri(file));
      return `${items.length} ${items.map((d) => d.message.replace('hi workbench ', '')).join(' ')}`;
    },
  },
];

// ---- fixtures ---------------------------------------------------------------------------------

async function open(session: LspSession, file: string, text: string): Promise<void> {
  await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(file), languageId: 'go', version: 1, text } });
}

const PROBE = path.join(root, 'probe_test.go');
const PROBE_TEXT = 'package integration\n\nimport "testing"\n\nfunc TestProbe(t *testing.T) {\n\tt.Log("hi")\n}\n';

async function makeFixtures(): Promise<void> {
  fs.mkdirSync(path.join(ws, 'integration'), { recursive: true });
  for (const id of Object.values(ids)) fs.mkdirSync(run(id), { recursive: true });
  const log = infoLog;
  // Special files.
  fs.symlinkSync('/dev/zero', run(ids.zero, RUN_RECORD_FILE));
  fs.writeFileSync(run(ids.zero, 'hs-zero-abcdef.stderr.log'), log(20));
  execFileSync('mkfifo', [run(ids.fifo, RUN_RECORD_FILE)]);
  fs.writeFileSync(run(ids.fifo, 'ts-fifo-abcdef.stderr.log'), log(20));
  fs.symlinkSync('/dev/zero', path.join(ws, 'integration', 'zero_test.go'));
  execFileSync('mkfifo', [path.join(ws, 'integration', 'fifo_test.go')]);
  fs.writeFileSync(path.join(ws, 'integration', 'good_test.go'), PROBE_TEXT);
  const mr = run(ids.plain, 'mapresponses', '1');
  fs.mkdirSync(mr, { recursive: true });
  fs.writeFileSync(path.join(mr, '2026-12-01T10-00-01.000-full.json'), JSON.stringify({ Peers: [{}, {}] }));
  fs.symlinkSync('/dev/zero', path.join(mr, '2026-12-01T10-00-02.000-change.json'));
  execFileSync('mkfifo', [path.join(mr, '2026-12-01T10-00-03.000-change.json')]);
  // The plain run: a log for the ReDoS marker, real errors, viewers' inputs.
  fs.writeFileSync(run(ids.plain, 'ts-redos-abcdef.stderr.log'), log(50, `${'a'.repeat(40)}!\n`.repeat(20)));
  fs.writeFileSync(run(ids.plain, 'hs-plain-abcdef.stderr.log'), log(30, '2026-12-01T10:01:00Z ERR boom error="x"\n'));
  fs.writeFileSync(run(ids.plain, 'hs-plain-abcdef_metrics.txt'), '# TYPE g gauge\ng{a="1"} NaN\ng{a="2"} +Inf\ng{a="3"} -Inf\ng{a="4"} 1e400\ng{a="5"} 7\ng{a="6" 3\n');
  fs.writeFileSync(run(ids.plain, 'ts-plain-abcdef_status.json'), JSON.stringify({ BackendState: 'Running', Self: { HostName: 'me' }, Peer: { a: { HostName: 'peer-a' }, bad: null, b: { HostName: 'peer-b', TailscaleIPs: ['100.64.0.2'] } } }));
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
  db.run("INSERT INTO users (name) VALUES ('u1')");
  db.run('CREATE TABLE nodes (id INTEGER PRIMARY KEY, blob BLOB GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL)');
  db.run('CREATE TABLE routes (id INTEGER PRIMARY KEY, r TEXT AS (hex(zeroblob(300000000))))');
  for (let i = 0; i < 50; i++) db.run('INSERT INTO nodes (id) VALUES (?)', [i]);
  fs.writeFileSync(run(ids.plain, 'hs-plain-abcdef.db'), Buffer.from(db.export()));
  db.close();
  // 21 000 map responses after the run's top-level logs; 48 logs of 1.3 MB; a 600 MB line.
  writeManyFilesRun(run(ids.many));
  writeHeavyRun(run(ids.heavy));
  writeSparseLog(run(ids.sparse, 'ts-sparse-abcdef.stderr.log'));
  // Settings input: a test named for the ReDoS patterns.
  fs.writeFileSync(path.join(ws, 'integration', 'redos_test.go'), `package integration\n\nimport "testing"\n\nfunc TestA${'a'.repeat(34)}B(t *testing.T) {}\n`);
  // A symlinked control_logs root pointing outside its workspace.
  fs.mkdirSync(path.join(root, 'outside-logs', ids.plain), { recursive: true });
  fs.mkdirSync(path.join(root, 'linked-ws'));
  fs.symlinkSync(path.join(root, 'outside-logs'), path.join(root, 'linked-ws', 'control_logs'));
  // The CLI's inputs.
  const fixtures = path.join(repoRoot, 'test', 'fixtures');
  for (let i = 0; i < 12; i++) fs.cpSync(fixtures, path.join(root, 'many-fixtures', String(i)), { recursive: true });
  fs.mkdirSync(path.join(root, 'huge'));
  fs.writeFileSync(path.join(root, 'huge', 'huge_test.go'), 'package integration\n' + '// padding padding padding padding padding padding padding padding\n'.repeat(Math.ceil((9 << 20) / 68)).slice(0, (9 << 20) - 20));
  fs.copyFileSync(path.join(fixtures, 'ewt-nested', 'nested_test.go'), path.join(root, 'huge', 'z_nested_test.go'));
  const rnd = Buffer.alloc(256 * 1024);
  for (let i = 0; i < rnd.length; i++) rnd[i] = (i * 2654435761) >>> 24; // deterministic noise, invalid UTF-8 included
  fs.writeFileSync(path.join(root, 'random_test.go'), rnd);
  fs.writeFileSync(path.join(root, 'deep_test.go'), deepEventually(300));
  fs.mkdirSync(path.join(root, 'loops', 'inner'), { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'ewt-nested', 'nested_test.go'), path.join(root, 'loops', 'inner', 'nested_test.go'));
  fs.symlinkSync('.', path.join(root, 'loops', 'inner', 'self1'));
  fs.symlinkSync('.', path.join(root, 'loops', 'inner', 'self2'));
  fs.symlinkSync('..', path.join(root, 'loops', 'inner', 'up'));
}

// ---- the run ----------------------------------------------------------------------------------

let ctx: Ctx;
const baseline = new Map<LspSession, number>();
/** The slowest of a few hovers on an idle server, per session. */
const idleHover = new Map<LspSession, number>();

before(async () => {
  await makeFixtures();
  const trusted = await startServer({ initializationOptions: { trusted: true }, settings: { categories: { long: { names: ['*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*C'] }, ha: { names: ['Test*a*a*a*a*a*a*a*a*a*a*a*a*a*a*B'] } }, artifacts: { markers: [{ id: 'g1', pattern: '(?<x>boom)' }, { id: 'g2', pattern: '(?<x>bang)' }] } } });
  const untrusted = await startServer({ initializationOptions: { trusted: false }, settings: { categories: { long: { names: ['/(a+)+$/'] } }, artifacts: { markers: [{ id: 'redos', pattern: '(a+)+$' }] } } });
  for (const s of [trusted, untrusted]) {
    await open(s, PROBE, PROBE_TEXT);
    await pullDiagnostics(s, uri(PROBE));
    // Warm up (first requests compile code paths), so the rows measure the hostile input.
    await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(PROBE) }, position: { line: 4, character: 7 } });
    await s.connection.sendRequest(DescribeRunRequest, { controlLogs: logs, id: ids.plain });
    baseline.set(s, statusMB(s.process.pid!, 'VmRSS'));
    let slowest = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      await s.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(PROBE) }, position: { line: 4, character: 7 } });
      slowest = Math.max(slowest, Date.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    idleHover.set(s, slowest);
  }
  ctx = { trusted, untrusted };
});

after(async () => {
  await ctx?.trusted.close();
  await ctx?.untrusted.close();
  fs.rmSync(root, { recursive: true, force: true });
});

for (const c of cases) {
  test(`${c.part}: ${c.name}`, async () => {
    const session = c.part === 'cli' ? null : c.part === 'server' ? ctx.trusted : ctx.untrusted;
    let peak = 0;
    let slowestHover = 0;
    let done = false;
    const sampler = session ? setInterval(() => (peak = Math.max(peak, statusMB(session.process.pid!, 'VmRSS'))), 25) : null;
    // Hovers keep coming while the hostile work runs, as an editor sends them while the user types.
    const prober = session
      ? (async () => {
          while (!done) {
            const t0 = Date.now();
            await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(PROBE) }, position: { line: 4, character: 7 } });
            slowestHover = Math.max(slowestHover, Date.now() - t0);
            await new Promise((r) => setTimeout(r, 40));
          }
        })()
      : Promise.resolve();
    const start = Date.now();
    let message: string;
    try {
      message = await c.drive(ctx);
    } finally {
      done = true;
      if (sampler) clearInterval(sampler);
      await prober;
    }
    const ms = Date.now() - start;
    const mb = session ? Math.max(0, peak - baseline.get(session)!) : cliPeakMB;
    const idle = session ? idleHover.get(session)! : 0;
    const report = `${ms} ms, ${mb.toFixed(0)} MB, slowest hover ${slowestHover} ms (idle ${idle} ms): ${message.slice(0, 400)}`;
    assert.match(message, c.limits.expect, report);
    assert.ok(ms <= c.limits.ms, `over the time limit (${c.limits.ms} ms): ${report}`);
    assert.ok(mb <= c.limits.rssMB, `over the memory limit (${c.limits.rssMB} MB): ${report}`);
    if (c.limits.hoverMs !== undefined) assert.ok(slowestHover - idle <= c.limits.hoverMs, `a hover waited ${c.limits.hoverMs} ms longer than idle: ${report}`);
    if (process.env.HI_ROBUSTNESS_REPORT) process.stdout.write(`# ${c.part}: ${c.name}: ${report.split(': ')[0]}\n`);
    assert.ok(session ? session.process.exitCode === null : true, 'the server is still running');
  });
}
