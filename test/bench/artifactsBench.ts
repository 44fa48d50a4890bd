/**
 * Issue 5's figures: listing 500 runs (names only), and scanning a generated ~1 GB control_logs
 * (20 runs, sparse errors) against `grep -c -E` with the same markers over the same files, with the
 * memory the scan adds.
 */
import { median } from './stats';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearScanCache } from '../../server/src/artifacts/errorScan';
import { LOG_KINDS, kindOf } from '../../server/src/artifacts/fileKinds';
import { defaultMarkers } from '../../server/src/artifacts/markers';
import { findRipgrep } from '../../server/src/artifacts/ripgrep';
import { describeRun, listRuns } from '../../server/src/artifacts/runIndex';

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

/** A 1 MB block of headscale-style lines; every `errorEvery`-th block carries one ERR line. */
function block(seed: number, withError: boolean): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 1 << 20; i++) {
    const l = `2026-11-24T10:${String(i % 60).padStart(2, '0')}:${String((seed + i) % 60).padStart(2, '0')}Z DBG hscontrol/poll.go:251 > node has connected chan=0xc000a1b2c0 component=poll node.id=${i % 9} node.name=ts-3fa9c1-head-0a1b2c user.name=user1`;
    lines.push(l);
    size += l.length + 1;
  }
  if (withError) lines[lines.length >> 1] = `2026-11-24T10:30:00Z ERR hscontrol/state/state.go:912 > failed to update primary routes error="route not approved" node.id=${seed}`;
  return lines.join('\n') + '\n';
}

/** Scans every run as the server does; returns the lines found and the peak RSS growth (sampled). */
async function scanAll(dir: string, rg: string | null): Promise<{ count: number; ms: number; growthMB: number }> {
  clearScanCache();
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  let count = 0;
  for (const run of listRuns(dir)) {
    const d = await describeRun(run, defaultMarkers, 200, rg);
    count += d.files.reduce((m, f) => m + f.errorCount + f.warningCount, 0);
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { count, ms, growthMB: (peak - rss0) / 1048576 };
}

export async function scan1GB(dir: string, report: Report): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const plain = block(1, false);
  const withError = block(2, true);
  for (let r = 0; r < 20; r++) {
    const run = path.join(dir, `20261124-1${String(r).padStart(5, '0')}-${(0xb00000 + r).toString(16)}`);
    fs.mkdirSync(run);
    for (const name of [`hs-route-${(0xc00000 + r).toString(16)}.stderr.log`, `ts-${r}-head-${(0xd00000 + r).toString(16)}.stderr.log`]) {
      const fd = fs.openSync(path.join(run, name), 'w');
      for (let b = 0; b < 25; b++) fs.writeSync(fd, b % 10 === 3 ? withError : plain);
      fs.closeSync(fd);
    }
  }
  const files = listRuns(dir).flatMap((run) => fs.readdirSync(run.path).filter((f) => LOG_KINDS.has(kindOf(f))).map((f) => path.join(run.path, f)));
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  // The same markers as an ERE (non-capturing groups and \d are not ERE).
  const ere = defaultMarkers.map((m) => `(${m.pattern.source.replace(/\(\?:/g, '(').replace(/\\d/g, '[0-9]')})`).join('|');
  const rg = findRipgrep();
  const grepTimes: number[] = [];
  const ourTimes: number[] = [];
  let grepCount = 0;
  let ourCount = 0;
  let rssGrowth = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const g = spawnSync('grep', ['-c', '-E', ere, ...files], { encoding: 'utf8' });
    grepTimes.push(performance.now() - t0);
    grepCount = g.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':').pop()), 0);
    const ours = await scanAll(dir, rg);
    ourTimes.push(ours.ms);
    ourCount = ours.count;
    rssGrowth = Math.max(rssGrowth, ours.growthMB);
  }
  const ratio = median(ourTimes) / median(grepTimes);
  report(
    `error scan of ${(bytes / 1e9).toFixed(2)} GB control_logs (20 runs, sparse errors) with ${rg ?? 'NO ripgrep (JS scan)'}: ${(median(ourTimes) / 1000).toFixed(2)} s vs grep -c -E ${(median(grepTimes) / 1000).toFixed(2)} s (${ourCount} vs ${grepCount} lines found), ratio`,
    ratio.toFixed(2),
    '≤ 1.0',
    ratio <= 1.0 && ourCount === grepCount,
  );
  report('server memory growth while scanning it (peak RSS, sampled every 5 ms)', `${rssGrowth.toFixed(0)} MB`, '≤ 64 MB', rssGrowth <= 64);
  // The fallback when no ripgrep is installed, for the record.
  const js = await scanAll(dir, null);
  console.log(`INFO  same scan with the built-in JS scanner (no ripgrep): ${(js.ms / 1000).toFixed(2)} s, ratio ${(js.ms / median(grepTimes)).toFixed(2)}, peak RSS growth ${js.growthMB.toFixed(0)} MB, ${js.count} lines found`);
  fs.rmSync(dir, { recursive: true, force: true });
}
