/**
 * Issue 14's figures: `cli history` over 500 generated runs (a mix of run records with per-test and
 * subtest results, and record-less CI-style folders), and the history those runs give the lens.
 */
import { median } from './stats';
import { timeProcess } from './timeProcess';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_RECORD_FILE } from '../../shared/src/protocol';
import { repoRoot } from '../support/parser';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

/** `count` run folders under `controlLogs`, spread over `tests`; every third without a record (as from CI). */
export function makeRuns(controlLogs: string, tests: readonly string[], count: number): void {
  fs.rmSync(controlLogs, { recursive: true, force: true });
  fs.mkdirSync(controlLogs, { recursive: true });
  const commits = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)];
  for (let i = 0; i < count; i++) {
    const id = `202611${String(1 + (i % 28)).padStart(2, '0')}-${String(100000 + i).slice(-6)}-${(0xb00000 + i).toString(16)}`;
    const dir = path.join(controlLogs, id);
    const test = tests[i % tests.length];
    const failed = i % 7 === 3;
    const hs = test.replace(/^Test/, '').toLowerCase();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, `hs-${hs}-a1b2c3.stderr.log`), '2026-11-24T10:00:00Z INF starting headscale\n');
    fs.writeFileSync(path.join(dir, `ts-${id.slice(-6)}-head-d4e5f6.stderr.log`), '2026/11/24 10:00:00 logtail started\n');
    if (failed) fs.writeFileSync(path.join(dir, `hs-${hs}-a1b2c3_metrics.txt`), 'headscale_nodestore_nodes 2\n');
    if (i % 3 === 0) continue;
    const d = 300 + ((i * 37) % 600);
    const status = failed ? 'failed' : 'passed';
    fs.writeFileSync(path.join(dir, RUN_RECORD_FILE), JSON.stringify({ runId: id, test, status, durationSeconds: d, postgres: i % 5 === 0, startedAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, gitCommit: commits[i % 3], gitDirty: i % 4 === 0, tests: [{ name: test, status, durationSeconds: d }, { name: `${test}/sub-one`, status, durationSeconds: d / 2 }] }));
  }
}

export function history500(dir: string, report: Report): void {
  const tests = Array.from({ length: 60 }, (_, i) => `TestGenerated${i}`);
  makeRuns(path.join(dir, 'control_logs'), tests, 500);
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    const { ms, stdout } = timeProcess(process.execPath, [cli, 'history', dir, '--format', 'json']);
    times.push(ms);
    rows = (JSON.parse(stdout) as { tests: unknown[] }).tests.length;
  }
  const m = median(times) / 1000;
  report(`cli history over 500 runs (${rows} test/backend rows, records and record-less folders, process start included), median of 5`, `${m.toFixed(2)} s`, '≤ 1 s', m <= 1);
}
