/** `hi-workbench contract` as a CI job runs it: a real repository, text/JSON/SARIF, exit codes. */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../support/parser';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'hs-test-contract');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [cli, 'contract', ...args], { cwd, encoding: 'utf8' });

/** main has the base versions of three fixture cases; the working tree edits two and deletes one. */
function repo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-contract-cli-'));
  temps.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  fs.mkdirSync(path.join(dir, 'integration'));
  const put = (name: string, kase: string, which: 'base' | 'current') => fs.copyFileSync(path.join(fixtures, kase, `${which}_test.go`), path.join(dir, 'integration', name));
  put('auth_test.go', 'removed-coverage', 'base');
  put('derp_test.go', 'suppressed', 'base');
  put('route_test.go', 'weakened', 'base');
  put('general_test.go', 'allowed-edits', 'base');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  put('auth_test.go', 'removed-coverage', 'current');
  put('derp_test.go', 'suppressed', 'current');
  put('general_test.go', 'allowed-edits', 'current');
  fs.rmSync(path.join(dir, 'integration', 'route_test.go'));
  return dir;
}

interface Row {
  file: string;
  line: number;
  kind: string;
  test: string;
  message: string;
  base: { revision: string; path: string; line: number };
  reason: string | null;
}

test('contract --format json lists every change in the working tree, explained ones with their reason; exit 1', () => {
  const dir = repo();
  const r = run(dir, '--format', 'json');
  assert.equal(r.status, 1, r.stderr);
  const { base, rows } = JSON.parse(r.stdout) as { base: string; rows: Row[] };
  assert.equal(base, 'HEAD');
  const summary = rows.map((x) => `${x.file}:${x.line} ${x.kind} ${x.test}${x.reason ? ' (explained)' : ''}`);
  assert.deepEqual(summary, [
    'integration/auth_test.go:1 test-removed TestEphemeralNodeCleanup',
    'integration/auth_test.go:10 subtest-removed TestPreAuthKeyCommand',
    'integration/auth_test.go:11 case-removed TestPreAuthKeyCommand',
    'integration/auth_test.go:34 skip-added TestTaildropDelivery',
    'integration/derp_test.go:13 expected-changed TestDERPServerCount (explained)',
    'integration/derp_test.go:14 expected-changed TestDERPServerCount',
    'integration/route_test.go:1 test-removed TestHASubnetRouterFailover',
  ]);
  assert.match(rows[4].reason!, /embedded DERP region/);
  assert.deepEqual(rows[4].base, { revision: 'HEAD', path: 'integration/derp_test.go', line: 12 });
});

test('contract text and SARIF; paths narrow it; all explained → exit 0; bad flags and a missing base → exit 2', () => {
  const dir = repo();
  const text = run(dir);
  assert.equal(text.status, 1);
  assert.match(text.stdout, /integration\/derp_test\.go:14:19: warning hs-test-contract: require\.Equal on servers\[0\]\.Port: expected 443 at HEAD, now 8443\./);
  assert.match(text.stdout, /7 contract changes against HEAD, 6 without a reason\.\n$/);

  const sarif = run(dir, '--format=sarif', 'integration/derp_test.go');
  const log = JSON.parse(sarif.stdout);
  assert.equal(log.runs[0].tool.driver.rules[0].id, 'hs-test-contract');
  const results = log.runs[0].results as { suppressions?: { justification: string }[]; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
  assert.equal(results.length, 2);
  assert.match(results[0].suppressions![0].justification, /embedded DERP region/);
  assert.equal(results[1].suppressions, undefined);

  // Explain the remaining change: nothing unexplained is left in that file.
  const derp = path.join(dir, 'integration', 'derp_test.go');
  fs.writeFileSync(derp, fs.readFileSync(derp, 'utf8').replace('//hi:contract-change //', '//hi:contract-change -- DERP moved to 8443 with the TLS listener //'));
  assert.equal(run(dir, 'integration/derp_test.go').status, 0);
  assert.equal(run(dir, 'integration/general_test.go').stdout, 'No test contract changes against HEAD.\n');

  assert.equal(run(dir, '--frobnicate').status, 2);
  assert.equal(run(dir, '--format', 'xml').status, 2);
  const missing = run(dir, '--base', 'origin/main');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /the base `origin\/main` is not a commit here/);
  assert.equal(run(os.tmpdir()).status, 2);
});
