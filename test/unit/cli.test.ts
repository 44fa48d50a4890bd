/** The CLI as a user runs it: a real process, its output formats and its exit codes. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { collectGoFiles } from '../../cli/src/files';
import { loadParser, repoRoot } from '../support/parser';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const fixtures = path.join(repoRoot, 'test', 'fixtures');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot });
}

test('check --format json matches the analyzer on every fixture, 1-based, exit 1', async () => {
  const r = run('check', fixtures, '--format', 'json');
  assert.equal(r.status, 1, r.stderr);
  const rows = JSON.parse(r.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; rule: string; severity: string; message: string }[];
  const parser = await loadParser();
  const expected = [];
  // Every .go file below the fixtures, nested ones too (hs-test-contract keeps base/current pairs in folders).
  for (const file of collectGoFiles([fixtures])) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = new LineIndex(text);
    for (const f of analyzeText(parser, file, text)) {
      const s = lines.positionAt(f.start);
      const e = lines.positionAt(f.end);
      expected.push({ file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, rule: f.ruleId, severity: f.severity, message: f.message });
    }
  }
  assert.ok(expected.length > 30);
  assert.deepEqual(rows, expected);
  // Spot-check 1-based positions against the source text.
  const first = rows.find((x) => x.rule === 'ewt-outer-t')!;
  const src = fs.readFileSync(first.file, 'utf8').split('\n')[first.line - 1];
  assert.equal(src.slice(first.column - 1, first.endColumn - 1), 't');
});

test('text and sarif formats; a clean file exits 0', () => {
  const text = run('check', path.join(fixtures, 'ewt-timing'));
  assert.equal(text.status, 1);
  assert.match(text.stdout, /timing_test\.go:\d+:\d+: hint ewt-timing: Tick \(1s\)/);
  const sarif = run('check', path.join(fixtures, 'ewt-timing'), '--format=sarif');
  const doc = JSON.parse(sarif.stdout);
  assert.equal(doc.version, '2.1.0');
  assert.equal(doc.runs[0].results.length, text.stdout.trim().split('\n').length);
  assert.ok(doc.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'ewt-nested'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-cli-'));
  fs.writeFileSync(path.join(dir, 'clean_test.go'), 'package integration\n\nfunc TestClean(t *testing.T) {}\n');
  const clean = run('check', dir);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.equal(clean.stdout, '');
  fs.rmSync(dir, { recursive: true });
});

test('usage and I/O errors exit 2 with one line', () => {
  for (const args of [['check', '/no/such/path'], ['check'], ['frobnicate'], ['check', fixtures, '--format', 'xml'], []]) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    if (args.length) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('env: the Docker checks against the real daemon and a dead one; a failed check exits 1', () => {
  const demo = path.join(repoRoot, 'demo');
  const ok = run('env', demo, '--format', 'json', '--min-free-gb', '0.001');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const checks = JSON.parse(ok.stdout) as { name: string; status: string; message: string }[];
  assert.equal(checks.find((c) => c.name === 'Docker daemon')!.status, 'pass');
  assert.match(checks.find((c) => c.name === 'Golang image')!.message, /golang:\d+\.\d+/);
  const dead = run('env', demo, '--docker-host', `unix://${path.join(os.tmpdir(), 'hi-cli-no-docker.sock')}`);
  assert.equal(dead.status, 1);
  assert.match(dead.stdout, /^FAIL {2}Docker daemon: cannot reach Docker/m);
  assert.equal(run('env', '/no/such/checkout').status, 2);
});
