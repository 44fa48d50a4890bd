/**
 * hs-test-contract against real git repositories made in temp dirs: a committed test edited in
 * each of the guide's forbidden and allowed ways, detached HEAD, a shallow clone without the base,
 * a rename since the base, a merge conflict, a huge diff, no repository and an untracked file.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { applyFixes } from '../../server/src/analysis/applyFixes';
import { ContractBaseReader } from '../../server/src/git/contractBase';
import { checkContract } from '../../server/src/git/contractCheck';
import { loadParser } from '../support/parser';

const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-contract-'));
  temps.push(d);
  return d;
}

function run(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
}

const ORIGINAL = `package integration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubnetRoutes(t *testing.T) {
	headscale, err := scenario.Headscale()
	require.NoError(t, err)

	nodes, err := headscale.ListNodes()
	require.NoError(t, err)
	require.Len(t, nodes, 3)
	assert.Equal(t, "10.33.0.0/16", nodes[0].GetApprovedRoutes()[0])
}
`;

function repoWith(text: string, rel = 'integration/route_test.go'): { dir: string; file: string } {
  const dir = tempDir();
  run(dir, 'init', '-q', '-b', 'main');
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
  run(dir, 'add', '.');
  run(dir, 'commit', '-q', '-m', 'test');
  return { dir, file: path.join(dir, rel) };
}

async function check(file: string, text: string, base = 'HEAD', reader?: ContractBaseReader) {
  const parser = await loadParser();
  return checkContract(reader ?? new ContractBaseReader(parser), parser, file, text, base);
}

const edits: { name: string; edit: (s: string) => string; flagged: RegExp | null }[] = [
  { name: 'changed count', edit: (s) => s.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)'), flagged: /Expected 3 nodes at HEAD, now 2/ },
  { name: 'removed assertion', edit: (s) => s.replace(/\trequire.Len\(t, nodes, 3\)\n/, ''), flagged: /was removed from TestSubnetRoutes/ },
  { name: 'commented out', edit: (s) => s.replace('\trequire.Len(t, nodes, 3)', '\t// require.Len(t, nodes, 3)'), flagged: /commented out since HEAD/ },
  { name: 'added skip', edit: (s) => s.replace('func TestSubnetRoutes(t *testing.T) {\n', 'func TestSubnetRoutes(t *testing.T) {\n\tt.Skip("flaky")\n'), flagged: /t.Skip was added since HEAD/ },
  { name: 'weakened', edit: (s) => s.replace('require.Len(t, nodes, 3)', 'require.NotEmpty(t, nodes)'), flagged: /is weakened to `require.NotEmpty\(nodes\)`/ },
  { name: 'removed test', edit: (s) => s.slice(0, s.indexOf('func TestSubnetRoutes')), flagged: /TestSubnetRoutes was removed since HEAD/ },
  {
    name: 'EventuallyWithT with the same expectation (allowed)',
    edit: (s) =>
      s.replace(
        '\tnodes, err := headscale.ListNodes()\n\trequire.NoError(t, err)\n\trequire.Len(t, nodes, 3)\n',
        '\tvar nodes []*v1.Node\n\trequire.EventuallyWithT(t, func(c *assert.CollectT) {\n\t\tnodes, err = headscale.ListNodes()\n\t\tassert.NoError(c, err)\n\t\tassert.Len(c, nodes, 3)\n\t}, 10*time.Second, 200*time.Millisecond, "nodes registered")\n',
      ),
    flagged: null,
  },
  { name: 'renamed variable, reformatted, logging added (allowed)', edit: (s) => s.replace(/nodes/g, 'allNodes').replace('require.Len(t, allNodes, 3)', 't.Logf("%d nodes", len(allNodes))\n\trequire.Len(t,\n\t\tallNodes,\n\t\t3,\n\t)'), flagged: null },
  { name: 'godoc and an extra assertion (allowed)', edit: (s) => s.replace('func TestSubnetRoutes', '// TestSubnetRoutes checks route approval.\nfunc TestSubnetRoutes').replace('\trequire.Len(t, nodes, 3)\n', '\trequire.Len(t, nodes, 3)\n\tassert.NotNil(t, nodes[0])\n'), flagged: null },
];

for (const e of edits) {
  test(`contract in a real repo: ${e.name}`, async () => {
    const { file } = repoWith(ORIGINAL);
    const edited = e.edit(ORIGINAL);
    assert.notEqual(edited, ORIGINAL, 'the edit applies');
    fs.writeFileSync(file, edited);
    const result = await check(file, edited);
    assert.equal(result.lookup.kind, 'found');
    if (e.flagged) {
      assert.equal(result.changes.length, 1, result.changes.map((c) => c.message).join('\n'));
      assert.match(result.changes[0].message, e.flagged);
    } else {
      assert.deepEqual(result.changes.map((c) => c.message), []);
    }
  });
}

test('contract: detached HEAD compares with the checked-out commit', async () => {
  const { dir, file } = repoWith(ORIGINAL);
  fs.writeFileSync(file, ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 4)'));
  run(dir, 'commit', '-qam', 'four nodes');
  run(dir, 'checkout', '-q', '--detach', 'HEAD~1');
  const edited = ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)');
  const result = await check(file, edited);
  assert.match(result.changes[0]?.message ?? '', /Expected 3 nodes at HEAD, now 2/);
  // An explicit base is any commit-ish.
  const againstMain = await check(file, edited, 'main');
  assert.match(againstMain.changes[0]?.message ?? '', /Expected 4 nodes at main, now 2/);
});

test('contract: a shallow clone without the base gives one clear message', async () => {
  const { dir: origin, file: originFile } = repoWith(ORIGINAL);
  fs.writeFileSync(originFile, ORIGINAL + '\nfunc TestOther(t *testing.T) {}\n');
  run(origin, 'commit', '-qam', 'second');
  const clone = path.join(tempDir(), 'clone');
  run(os.tmpdir(), 'clone', '-q', '--depth', '1', `file://${origin}`, clone);
  const file = path.join(clone, 'integration', 'route_test.go');
  const result = await check(file, fs.readFileSync(file, 'utf8'), 'HEAD~1');
  assert.equal(result.lookup.kind, 'missing-base');
  assert.match(result.lookup.kind === 'missing-base' ? result.lookup.message : '', /not in this shallow clone.*git fetch/);
  assert.deepEqual(result.changes, []);
  // HEAD itself is there: the default base works in the same clone.
  assert.equal((await check(file, fs.readFileSync(file, 'utf8'))).lookup.kind, 'found');
});

test('contract: a file renamed since the base is compared with its old path', async () => {
  const { dir } = repoWith(ORIGINAL);
  run(dir, 'mv', 'integration/route_test.go', 'integration/subnet_route_test.go');
  const file = path.join(dir, 'integration', 'subnet_route_test.go');
  const edited = ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)');
  fs.writeFileSync(file, edited);
  const result = await check(file, edited);
  assert.equal(result.lookup.kind === 'found' && result.lookup.path, 'integration/route_test.go');
  assert.match(result.changes[0]?.message ?? '', /Expected 3 nodes at HEAD, now 2/);
});

test('contract: merge conflict markers in the file keep the rule silent', async () => {
  const { dir, file } = repoWith(ORIGINAL);
  run(dir, 'checkout', '-q', '-b', 'other');
  fs.writeFileSync(file, ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 5)'));
  run(dir, 'commit', '-qam', 'five');
  run(dir, 'checkout', '-q', 'main');
  fs.writeFileSync(file, ORIGINAL.replace('require.Len(t, nodes, 3)', 'require.Len(t, nodes, 2)'));
  run(dir, 'commit', '-qam', 'two');
  try {
    run(dir, 'merge', '-q', 'other');
  } catch {
    // the conflict is the point
  }
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /^<<<<<<< /m);
  const result = await check(file, text);
  assert.equal(result.lookup.kind, 'silent');
  assert.deepEqual(result.changes, []);
});

test('contract: outside a repository the rule is silent; an untracked or newly added file has no changes, only new tests', async () => {
  const outside = path.join(tempDir(), 'x_test.go');
  fs.writeFileSync(outside, ORIGINAL);
  assert.equal((await check(outside, ORIGINAL)).lookup.kind, 'silent');
  const { dir } = repoWith(ORIGINAL);
  const untracked = path.join(dir, 'integration', 'new_test.go');
  fs.writeFileSync(untracked, ORIGINAL);
  const u = await check(untracked, ORIGINAL);
  assert.deepEqual(u.lookup, { kind: 'new-file', label: 'HEAD', tracked: false });
  assert.deepEqual(u.changes, []);
  run(dir, 'add', 'integration/new_test.go');
  const added = await check(untracked, ORIGINAL);
  assert.deepEqual(added.lookup, { kind: 'new-file', label: 'HEAD', tracked: true });
  assert.deepEqual(added.changes, []);
});

test('contract: a huge diff (2 000 changed expectations in a 4 500-line file) is read and compared in one pass', async () => {
  const body = Array.from({ length: 2000 }, (_, i) => `\trequire.Len(t, nodes${i % 7}, ${i})`).join('\n');
  const big = `package integration\n\nimport (\n\t"testing"\n\n\t"github.com/stretchr/testify/require"\n)\n\nfunc TestMany(t *testing.T) {\n${body}\n}\n` + '\n// padding\n'.repeat(1250);
  const { file } = repoWith(big);
  const edited = big.replace(/require.Len\(t, (nodes\d), (\d+)\)/g, (_m, n, k) => `require.Len(t, ${n}, ${Number(k) + 100000})`);
  fs.writeFileSync(file, edited);
  const parser = await loadParser();
  const reader = new ContractBaseReader(parser);
  const result = await check(file, edited, 'HEAD', reader);
  assert.equal(result.changes.length, 2000);
  assert.ok(result.changes.every((c) => c.kind === 'expected-changed'));
  // The base is cached by blob: a second check reads nothing from git but rev-parse/ls-tree.
  const again = await check(file, edited, 'HEAD', reader);
  assert.equal(again.changes.length, 2000);
});

const TABLE = `package integration

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSubnetRouteCount(t *testing.T) {
	tests := []struct {
		name      string
		advertise []string
		want      int
	}{
		{name: "one route", advertise: []string{"10.33.0.0/16"}, want: 1},
		{name: "two routes", advertise: []string{"10.33.0.0/16", "10.34.0.0/16"}, want: 2},
		{name: "exit routes", advertise: []string{"0.0.0.0/0", "::/0"}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, err := advertise(t, tt.advertise)
			require.NoError(t, err)
			require.Len(t, routes, tt.want)
		})
	}
}
`;

const tableEdits: { name: string; edit: (s: string) => string; flagged: RegExp | null }[] = [
  { name: 'a case expects another count', edit: (s) => s.replace('"10.34.0.0/16"}, want: 2}', '"10.34.0.0/16"}, want: 1}'), flagged: /^Expected 2 in case "two routes" at HEAD, now 1 \(field want\)\.$/ },
  { name: 'a case dropped its expectation field', edit: (s) => s.replace(', want: 2},\n\t\t{name: "exit', '},\n\t\t{name: "exit'), flagged: /^Expected 2 in case "two routes" at HEAD \(field want\); the field is gone/ },
  { name: 'a case is gone', edit: (s) => s.replace(/\t\t\{name: "exit routes".*\n/, ''), flagged: /^Test case "exit routes" is gone since HEAD\.$/ },
  { name: 'an input field changed (allowed)', edit: (s) => s.replace('"10.34.0.0/16"}', '"10.35.0.0/16"}'), flagged: null },
  { name: 'cases renamed and reordered with the same values (allowed)', edit: (s) => s.replace('"one route"', '"single route"').replace(/(\t\t\{name: "single route".*\n)(\t\t\{name: "two routes".*\n)/, '$2$1'), flagged: null },
];

for (const e of tableEdits) {
  test(`contract in a real repo, table cases: ${e.name}`, async () => {
    const { file } = repoWith(TABLE);
    const edited = e.edit(TABLE);
    assert.notEqual(edited, TABLE, 'the edit applies');
    fs.writeFileSync(file, edited);
    const result = await check(file, edited);
    assert.equal(result.lookup.kind, 'found');
    if (!e.flagged) return assert.deepEqual(result.changes.map((c) => c.message), []);
    assert.deepEqual(result.changes.map((c) => c.message).filter((m) => !e.flagged!.test(m)), []);
    assert.equal(result.changes.length, 1);
    // Its restore puts the base text back, and the file checks clean again.
    const restored = applyFixes(edited, [{ title: 'restore', edits: result.changes[0].restore! }]).text;
    assert.equal(restored, TABLE);
    fs.writeFileSync(file, restored);
    assert.deepEqual((await check(file, restored)).changes, []);
  });
}
