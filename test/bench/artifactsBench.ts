/**
 * The artifacts figures: listing 500 runs (names only); on realistic generated runs the error
 * tiers, triage and summary; a debug flow's first screen and the timeline on a 100 MB run; and
 * listing plus scanning ~1 GB of noisy runs against `grep -c -E` with the same markers.
 */
import { median } from './stats';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearScanCache } from '../../server/src/artifacts/errorScan';
import { clearLineIndex } from '../../server/src/artifacts/lineIndex';
import { LOG_KINDS, kindOf } from '../../server/src/artifacts/fileKinds';
import { defaultMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, describeRuns, listRuns, runById, runLogs } from '../../server/src/artifacts/runIndex';
import { failureSummary } from '../../server/src/artifacts/failureSummary';
import { searchRun } from '../../server/src/artifacts/runSearch';
import { timeline } from '../../server/src/artifacts/timeline';
import { DEBUG_FLOWS } from '../../shared/src/debugFlows';
import { SERVER_EXEC_ARGV } from '../../shared/src/protocol';
import { generateRun, type Variant } from '../support/runGenerator';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

export function listing500(dir: string, report: Report): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 500; i++) {
    const id = `202611${String(1 + (i % 28)).padStart(2, '0')}-${String(100000 + i).slice(-6)}-${(0xa00000 + i).toString(16)}`;
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'hs-x-abcdef.stderr.log'), 'x\n');
  }
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    count = listRuns(dir).length;
    times.push(performance.now() - t0);
  }
  const m = median(times);
  report(`listing ${count} runs (folder names only, no file contents), median of 20`, `${m.toFixed(1)} ms`, '≤ 100 ms', m <= 100 && count === 500);
}

/**
 * Lists and scans every run as `cli runs` and the Runs view's listing do (one describeRuns: one
 * ripgrep process for all big logs); returns the lines found and the peak RSS growth (sampled).
 */
async function scanAll(dir: string, rg: string | null): Promise<{ count: number; ms: number; growthMB: number }> {
  clearScanCache();
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  let count = 0;
  for (const d of await describeRuns(listRuns(dir), defaultMarkers, 200, rg)) count += d.files.reduce((m, f) => m + f.errorCount + f.warningCount, 0);
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { count, ms, growthMB: (peak - rss0) / 1048576 };
}

/**
 * CPU time of this process's finished children (grep, ripgrep), in ms: cutime + cstime of
 * /proc/self/stat, in clock ticks (100 per second on Linux). 0 where /proc is missing.
 */
function childCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 (state) is fields[0], so cutime (16) and cstime (17) are [13], [14].
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

const VARIANTS: Variant[] = ['panic', 'testify', 'dns', 'container-timeout', 'port-conflict', 'disk-full'];

/**
 * ~1 GB of realistic runs (test/support/runGenerator.ts: 100 000-line headscale logs, ~10 % WRN,
 * errors late, three clients, 300 map responses each): six generated runs, copied until the logs
 * reach 1 GB. Listing plus error scan against `grep -c -E` with the same markers over the same
 * files, with the memory the scan adds; the JS fallback too.
 */
export async function scan1GB(dir: string, report: Report): Promise<void> {
  // The memory row is the server's: measured in a fresh process with the flags the extension
  // starts the server with (a small young generation), not in this long-lived bench process.
  if (!SERVER_EXEC_ARGV.every((f) => process.execArgv.includes(f)) || !global.gc) {
    const child = spawnSync(process.execPath, [...SERVER_EXEC_ARGV, '--expose-gc', __filename, 'scan-json', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const rows = child.stdout.split('\n').filter((l) => l.startsWith('{'));
    if (!rows.length) report('listing + error scan of 1 GB (in a server-flagged child process)', `failed: exit ${child.status}`, '≤ 0.5', false);
    for (const row of rows) {
      const r = JSON.parse(row) as { name: string; value: string; target: string; ok: boolean };
      report(r.name, r.value, r.target, r.ok);
    }
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Generated in a child process: building 100 000-line logs grows this process's heap by hundreds
  // of MB, and RSS that stays mapped would hide the scan's own growth below.
  const generator = `const g = require(${JSON.stringify(require.resolve('../support/runGenerator'))}); process.stdout.write(JSON.stringify(${JSON.stringify(VARIANTS)}.map((variant, i) => g.generateRun(${JSON.stringify(dir)}, { variant, seed: i + 1, record: variant !== 'panic' }))))`;
  const originals: { dir: string }[] = JSON.parse(spawnSync(process.execPath, ['-e', generator], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout);
  const logsOf = () => listRuns(dir).flatMap((run) => fs.readdirSync(run.path).filter((f) => LOG_KINDS.has(kindOf(f))).map((f) => path.join(run.path, f)));
  let bytes = logsOf().reduce((n, f) => n + fs.statSync(f).size, 0);
  for (let copy = 0; bytes < 1e9; copy++) {
    const src = originals[copy % originals.length];
    const id = `20261201-${String(100000 + copy).slice(-6)}-${(0xe00000 + copy).toString(16)}`;
    fs.cpSync(src.dir, path.join(dir, id), { recursive: true });
    bytes += fs.readdirSync(src.dir).filter((f) => LOG_KINDS.has(kindOf(f))).reduce((n, f) => n + fs.statSync(path.join(src.dir, f)).size, 0);
  }
  const files = logsOf();
  const runs = listRuns(dir).length;
  // The same markers as an ERE (non-capturing groups and \d are not ERE).
  const ere = defaultMarkers.map((m) => `(${m.pattern.source.replace(/\(\?:/g, '(').replace(/\\d/g, '[0-9]')})`).join('|');
  const rg = findRipgrep();
  const grepTimes: number[] = [];
  const ourTimes: number[] = [];
  const grepCpu: number[] = [];
  const ourCpu: number[] = [];
  let grepCount = 0;
  let ourCount = 0;
  let rssGrowth = 0;
  // Both read from a warm page cache: every file is read once before anything is timed.
  const warm = Buffer.allocUnsafe(1 << 20);
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    while (fs.readSync(fd, warm, 0, warm.length, null) > 0);
    fs.closeSync(fd);
  }
  // grep's output goes to a pipe, never /dev/null (GNU grep stops at the first match when it
  // detects /dev/null). The order alternates, so neither always runs on the other's leftovers.
  const grep = () => {
    const t0 = performance.now();
    const c0 = childCpuMs();
    const g = spawnSync('grep', ['-c', '-E', ere, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
    grepTimes.push(performance.now() - t0);
    grepCpu.push(childCpuMs() - c0);
    grepCount = g.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':').pop()), 0);
  };
  const ours = async () => {
    const c0 = childCpuMs();
    const u0 = process.cpuUsage();
    const r = await scanAll(dir, rg);
    const u = process.cpuUsage(u0);
    ourCpu.push(childCpuMs() - c0 + (u.user + u.system) / 1000);
    ourTimes.push(r.ms);
    ourCount = r.count;
    rssGrowth = Math.max(rssGrowth, r.growthMB);
  };
  for (let i = 0; i < 4; i++) {
    if (i % 2) {
      await ours();
      grep();
    } else {
      grep();
      await ours();
    }
  }
  const grepMs = median(grepTimes);
  const ratio = median(ourTimes) / grepMs;
  report(
    `listing + error scan of ${(bytes / 1e9).toFixed(2)} GB of noisy runs (${runs} runs, ~10 % WRN) with ${rg ?? 'NO ripgrep (JS scan)'}: ${(median(ourTimes) / 1000).toFixed(2)} s vs grep -c -E ${(grepMs / 1000).toFixed(2)} s, medians of 4 alternating (${ourCount} vs ${grepCount} lines found; load average ${os.loadavg()[0].toFixed(1)}), ratio`,
    ratio.toFixed(2),
    '≤ 0.5',
    ratio <= 0.5 && ourCount === grepCount,
  );
  // On a shared machine the wall-clock ratio moves with the other processes' load; CPU time does not.
  report(`the same comparison in CPU time (ours: the server process plus ripgrep; grep: grep), ${(median(ourCpu) / 1000).toFixed(2)} s vs ${(median(grepCpu) / 1000).toFixed(2)} s, ratio`, (median(ourCpu) / median(grepCpu)).toFixed(2), '≤ 0.5', median(ourCpu) / median(grepCpu) <= 0.5);
  report('server memory growth while scanning it (peak RSS, sampled every 5 ms)', `${rssGrowth.toFixed(0)} MB`, '≤ 64 MB', rssGrowth <= 64);
  const js = await scanAll(dir, null);
  report(`the same scan with the built-in JS scanner (no ripgrep): ${(js.ms / 1000).toFixed(2)} s, ${js.count} lines found, peak RSS growth ${js.growthMB.toFixed(0)} MB, ratio to grep`, (js.ms / grepMs).toFixed(2), '≤ 1.0', js.ms <= grepMs && js.count === grepCount);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Six generated 20 MB runs: every error line in its file's error tier, triage right, summary right. */
export async function noisyRunsRight(dir: string, report: Report): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  // The run without a record is named from its checkout (hs-<fragment> → the test's WithTestName call).
  const checkout = path.join(path.dirname(dir), 'integration');
  fs.mkdirSync(checkout, { recursive: true });
  fs.writeFileSync(path.join(checkout, 'route_test.go'), 'package integration\n\nfunc TestHASubnetRouterFailover(t *testing.T) {\n\terr = scenario.CreateHeadscaleEnv(nil, hsic.WithTestName("rt-hafailover"))\n}\n');
  const generated = VARIANTS.map((variant, i) => generateRun(dir, { variant, seed: i + 11, record: variant !== 'panic', ...(variant === 'panic' ? { fragment: 'rt-hafailover' } : {}) }));
  let right = 0;
  const wrong: string[] = [];
  for (const g of generated) {
    const d = await describeRun(runById(dir, g.id)!, defaultMarkers, 1000, findRipgrep());
    const tiers = Object.entries(g.errorLines).every(([file, lines]) => {
      const f = d.files.find((x) => x.relative === file);
      return f && f.errorCount === lines.length && lines.every((l) => f.errors.some((e) => e.line === l));
    });
    const summary = failureSummary(d).text;
    const summaryRight = summary.includes(g.test) && (!g.firstHsError || summary.includes(`:${g.firstHsError.line}  ${g.firstHsError.text.slice(0, 80)}`));
    if (tiers && d.triage === g.expectedTriage && summaryRight) right++;
    else wrong.push(`${g.variant}${tiers ? '' : ' tiers'}${d.triage === g.expectedTriage ? '' : ` triage=${d.triage}`}${summaryRight ? '' : ' summary'}`);
  }
  report(`six generated 20 MB runs: every error line in its error tier, triage right, summary names the test and the first headscale error${wrong.length ? ` (wrong: ${wrong.join(', ')})` : ''}`, `${right}/${generated.length}`, `${generated.length}/${generated.length}`, right === generated.length);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(checkout, { recursive: true, force: true });
}

/** A 100 MB run: the HA-failover flow's first screen and the timeline around its first error. */
export async function flowAndTimeline(dir: string, report: Report): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  const g = generateRun(dir, { variant: 'panic', hsLines: 700_000, clients: 3, seed: 21 });
  const run = runById(dir, g.id)!;
  const logs = runLogs(run);
  const mb = logs.reduce((n, l) => n + fs.statSync(l.path).size, 0) / 1048576;
  const rg = findRipgrep();
  const flow = DEBUG_FLOWS.find((f) => f.id === 'ha-failover')!;
  const flowTimes: number[] = [];
  let shown = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await searchRun(runLogs(run), flow.pattern, 200, rg);
    flowTimes.push(performance.now() - t0);
    shown = r.total;
  }
  report(`debug flow "${flow.label}" over a ${mb.toFixed(0)} MB run, first screen (${shown} lines, ≤ 200 per file) with ${rg ? 'ripgrep' : 'the JS scan'}, median of 5`, `${median(flowTimes).toFixed(0)} ms`, '≤ 300 ms', median(flowTimes) <= 300);
  // The timeline opens from a run the Runs view has described: its scan left each log's line index.
  // Each time on fresh caches: the scan's, the line index's and the timeline's own.
  const timed = async (scanFirst: boolean) => {
    const times: number[] = [];
    let lines = 0;
    for (let i = 0; i < 5; i++) {
      clearScanCache();
      clearLineIndex();
      if (scanFirst) await describeRun(run, defaultMarkers, 200, rg);
      const t0 = performance.now();
      const t = timeline(runLogs(run), { path: g.hsLog, line: g.firstHsError!.line }, 10, dir);
      times.push(performance.now() - t0);
      lines = t.text.split('\n').length;
    }
    return { ms: median(times), lines };
  };
  const described = await timed(true);
  report(`timeline ±10 s around the first headscale error of that run, opened from the described run (${described.lines} lines from ${logs.length} logs), median of 5`, `${described.ms.toFixed(0)} ms`, '≤ 300 ms', described.ms <= 300);
  const cold = await timed(false);
  report(`the same timeline with nothing scanned before (the line index is built on the way), median of 5`, `${cold.ms.toFixed(0)} ms`, '≤ 300 ms', cold.ms <= 300);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Every artifacts benchmark (`node out/test/bench/artifactsBench.js` runs just these). */
export async function artifactsBenches(benchDir: string, report: Report): Promise<void> {
  listing500(path.join(benchDir, 'runs500'), report);
  await noisyRunsRight(path.join(benchDir, 'control_logs_noisy'), report);
  await flowAndTimeline(path.join(benchDir, 'control_logs_100mb'), report);
  await scan1GB(path.join(benchDir, 'control_logs_1gb'), report);
}

if (require.main === module) {
  const only = process.argv[2];
  const benchDir = path.join(__dirname, '..', '..', '..', '.bench');
  const report: Report = (name, value, target, ok) => console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${value}  (target ${target})`);
  const all: Record<string, () => Promise<void> | void> = {
    listing: () => listing500(path.join(benchDir, 'runs500'), report),
    noisy: () => noisyRunsRight(path.join(benchDir, 'control_logs_noisy'), report),
    flow: () => flowAndTimeline(path.join(benchDir, 'control_logs_100mb'), report),
    scan: () => scan1GB(path.join(benchDir, 'control_logs_1gb'), report),
    // What scan1GB runs in its child process: the same rows as JSON lines.
    'scan-json': () => scan1GB(process.argv[3], (name, value, target, ok) => console.log(JSON.stringify({ name, value, target, ok }))),
  };
  void (async () => {
    for (const [name, run] of Object.entries(all)) if (only ? only === name : name !== 'scan-json') await run();
  })();
}
