/** Test discovery, categories (every rule of headscale-facts §2.4), directives and settings overrides. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { anchoredPattern, buildRunArgv, displayCommand, validatePattern } from '../../shared/src/hiCommand';
import { defaultRunSettings, type RunSettings } from '../../shared/src/settings';
import { classify } from '../../server/src/discovery/categories';
import { discoverTests, parseDuration } from '../../server/src/discovery/discovery';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { TestInfoMemo, testInfos } from '../../server/src/discovery/testInfo';
import { RUN_RECORD_FILE } from '../../shared/src/protocol';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

const source = `package integration

import (
	"testing"
	"time"
)

func TestPingAllByIP(t *testing.T) {
	t.Run("sub one", func(t *testing.T) {
		t.Run("inner", func(t *testing.T) {})
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {})
	}
}

//hi:timeout=35m
//hi:postgres
func TestCustom(t *testing.T) {}

func TestSleeper(t *testing.T) {
	time.Sleep(5 * time.Minute)
}

func TestHASubnetRouterFailover(t *testing.T) {}
func TestOIDCFollowUpUrl(t *testing.T) {}
func TestNodeOnlineStatus(t *testing.T) {}
func helper(t *testing.T) {}
func TestNotATest(x int) {}
func Testlowercase(t *testing.T) {}
`;

async function discover(text = source) {
  const parser = await loadParser();
  return discoverTests(text, parser.parse(text));
}

test('discovers top-level tests and literal subtests, skipping dynamic names and non-tests', async () => {
  const tests = await discover();
  assert.deepEqual(tests.map((t) => t.name), ['TestPingAllByIP', 'TestCustom', 'TestSleeper', 'TestHASubnetRouterFailover', 'TestOIDCFollowUpUrl', 'TestNodeOnlineStatus']);
  const ping = tests[0];
  assert.deepEqual(ping.children.map((c) => c.name), ['TestPingAllByIP/sub_one']);
  assert.deepEqual(ping.children[0].children.map((c) => c.name), ['TestPingAllByIP/sub_one/inner']);
  assert.equal(source.slice(ping.nameStart, ping.nameEnd), 'TestPingAllByIP');
  assert.deepEqual(tests[1].directives, { timeoutSeconds: 2100, postgres: true });
  assert.equal(tests[2].longestMinutes, 5);
});

test('categories: first match wins, with a reason', async () => {
  const byName = Object.fromEntries((await discover()).map((t) => [t.name, t]));
  const c = (name: string, file: string, settings: RunSettings = defaultRunSettings) => classify(byName[name] ?? { name, directives: {}, longestMinutes: 0 }, file, settings);
  assert.equal(c('TestNodeOnlineStatus', 'general_test.go').category, 'long');
  assert.match(c('TestNodeOnlineStatus', 'general_test.go').reason, /12-minute/);
  assert.equal(c('TestSleeper', 'general_test.go').category, 'long');
  assert.match(c('TestSleeper', 'general_test.go').reason, /waits 5 minutes/);
  assert.equal(c('TestHASubnetRouterFailover', 'route_test.go').category, 'ha');
  assert.equal(c('TestHASubnetRouterFailover', 'route_test.go').timeoutSeconds, 1800);
  assert.equal(c('TestOIDCFollowUpUrl', 'general_test.go').category, 'auth');
  assert.equal(c('TestAuthWebFlowLogoutAndRelogin', 'auth_web_flow_test.go').category, 'auth');
  // "AuthKey" alone is not auth: TestTagsAuthKey… are tag-policy tests.
  assert.equal(c('TestTagsAuthKeyWithTagRequestDifferentTag', 'tags_test.go').category, 'route');
  assert.equal(c('TestSubnetRouteACL', 'route_test.go').timeoutSeconds, 1200);
  assert.equal(c('TestPingAllByIP', 'general_test.go').category, 'basic');
  assert.equal(c('TestPingAllByIP', 'general_test.go').timeoutSeconds, 900);
  assert.equal(c('TestPingAllByIP', 'general_test.go').postgres, true, 'on the CI postgres list');
  assert.equal(c('TestPingAllByIP/sub_one', 'general_test.go').postgres, true, 'subtests inherit the parent');
  assert.equal(c('TestAutoApproveMultiNetwork', 'route_test.go').category, 'long', 'long-running wins over route');
});

test('directives and settings override', async () => {
  const byName = Object.fromEntries((await discover()).map((t) => [t.name, t]));
  const custom = classify(byName.TestCustom, 'general_test.go', defaultRunSettings);
  assert.equal(custom.timeoutSeconds, 2100);
  assert.equal(custom.postgres, true);
  assert.match(custom.reason, /hi:timeout=2100s overrides/);
  const settings: RunSettings = {
    ...defaultRunSettings,
    timeouts: { ...defaultRunSettings.timeouts, basic: 1000 },
    categories: { ha: { names: ['TestPing*'] }, route: { files: ['general_test.go'] } },
    postgresTests: [],
  };
  const ping = classify(byName.TestPingAllByIP, 'general_test.go', settings);
  assert.equal(ping.category, 'ha');
  assert.match(ping.reason, /name pattern "TestPing\*" from headscale.categories.ha/);
  assert.equal(ping.postgres, false);
  assert.equal(classify(byName.TestSleeper, 'x_test.go', settings).category, 'long');
  assert.equal(classify({ name: 'TestFoo', directives: {}, longestMinutes: 0 }, 'general_test.go', settings).category, 'route');
  assert.equal(classify({ name: 'TestFoo', directives: {}, longestMinutes: 0 }, 'other_test.go', settings).timeoutSeconds, 1000);
});

test('argv is exactly the expert command; hostile names are refused', () => {
  assert.deepEqual(buildRunArgv(['go', 'run', './cmd/hi'], [], { pattern: 'TestX', anchored: true, timeoutSeconds: 1200, postgres: false }), ['go', 'run', './cmd/hi', 'run', '^TestX$', '--timeout=1200s']);
  assert.deepEqual(buildRunArgv(['hi'], ['--stats'], { pattern: 'TestX/sub', anchored: true, timeoutSeconds: 1800, postgres: true }), ['hi', 'run', '^TestX$/^sub$', '--timeout=1800s', '--postgres', '--stats']);
  assert.equal(anchoredPattern('TestSubnet'), '^TestSubnet$');
  assert.equal(displayCommand(['go', 'run', './cmd/hi', 'run', '^TestX$', '--timeout=900s']), 'go run ./cmd/hi run "^TestX\\$" --timeout=900s');
  for (const ok of ['TestX', 'TestSubnet*', '^TestX$', 'TestA|TestB', 'TestAutoApproveMultiNetwork/authkey-tag.*']) assert.equal(validatePattern(ok), null, ok);
  for (const bad of ['Test$(touch /tmp/x)', 'Test; rm -rf /', 'Test`id`', 'Test X', '"Test"', '', 'Test&&x', '--timeout=1s']) assert.notEqual(validatePattern(bad), null, bad);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('2100s'), 2100);
  assert.equal(parseDuration('abc'), null);
});

test('only waits make a test long-running: a far-future time in an assertion does not', async () => {
  const tests = await discover(`package integration

import (
	"testing"
	"time"
)

func TestExpiryInFuture(t *testing.T) {
	expiry := time.Now().Add(time.Minute * 70)
	assert.True(t, node.Expiry.Before(time.Now().Add(time.Minute*70)), "expiry within 70 minutes")
	assert.WithinDuration(t, time.Now().Add(90*time.Minute), expiry, time.Minute)
}

func TestEventuallyLong(t *testing.T) {
	assert.EventuallyWithT(t, func(c *assert.CollectT) {}, 15*time.Minute, 30*time.Second, "slow")
}

func TestLoopDuration(t *testing.T) {
	testDuration := 12 * time.Minute
	_ = testDuration
}

func TestTimers(t *testing.T) {
	<-time.After(2 * (3 * time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 1*time.Hour)
	defer cancel()
	_ = ctx
	err := client.WaitForRunning(7 * time.Minute)
}
`);
  const minutes = Object.fromEntries(tests.map((t) => [t.name, t.longestMinutes]));
  assert.deepEqual(minutes, { TestExpiryInFuture: 0, TestEventuallyLong: 15, TestLoopDuration: 12, TestTimers: 60 });
  const expiry = classify(tests[0], 'general_test.go', defaultRunSettings);
  assert.equal(expiry.category, 'basic', expiry.reason);
});

test('subtests: literal Runs at any depth, each with its own waits; Runs in comments, strings or under a dynamic name are not tests', async () => {
  const text = `package integration

func TestTree(t *testing.T) {
	// t.Run("in a comment", func(t *testing.T) {})
	msg := "t.Run(\\"in a string\\", func(t *testing.T) {})"
	t.Run("outer", func(t *testing.T) {
		time.Sleep(6 * time.Minute)
		t.Run("inner one", func(t *testing.T) {})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Run("under dynamic", func(t *testing.T) {})
			})
		}
		t . Run ("spaced", func(t *testing.T) { time.Sleep(time.Minute * 2) })
	})
	t.Run("second", func(t *testing.T) {})
	suite.Run(t, new(x))
}
`;
  const [tree] = await discover(text);
  const names = (t: { name: string; children: unknown[] }): string[] => [t.name, ...(t.children as { name: string; children: unknown[] }[]).flatMap(names)];
  assert.deepEqual(names(tree), ['TestTree', 'TestTree/outer', 'TestTree/outer/inner_one', 'TestTree/outer/spaced', 'TestTree/second']);
  assert.equal(tree.longestMinutes, 6);
  const [outer, second] = tree.children;
  assert.equal(outer.longestMinutes, 6);
  assert.deepEqual(outer.children.map((c) => c.longestMinutes), [0, 2]);
  assert.equal(second.longestMinutes, 0);
  assert.equal(text.slice(outer.children[1].nameStart, outer.children[1].nameEnd), '"spaced"');
});

/** A deterministic stream of numbers in [0, 1). */
function prng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

test('test infos kept per function after edits equal a fresh discovery, and an edit re-discovers only the edited function', async () => {
  const parser = await loadParser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-testinfo-'));
  fs.mkdirSync(path.join(dir, 'cmd', 'hi'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module github.com/juanfont/headscale\n');
  const file = path.join(dir, 'integration', 'general_test.go');
  fs.mkdirSync(path.dirname(file));
  const uri = pathToFileURL(file).toString();
  // Run records for two of the tests, so history (last runs, durations, flaky) is part of what is compared.
  const names = ['TestGenerated3N0', 'TestGenerated3N1'];
  for (const [i, status] of ['passed', 'failed', 'passed'].entries()) {
    const run = path.join(dir, 'control_logs', `2026112${i}-120000-abcde${i}`);
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, RUN_RECORD_FILE), JSON.stringify({ test: names[i % 2], status, durationSeconds: 300 + i, postgres: i === 2, gitCommit: 'a'.repeat(40), gitDirty: false, startedAt: `2026-11-2${i}T12:00:00Z`, tests: [{ name: names[i % 2], status, durationSeconds: 300 + i }] }));
  }
  // Generated Headscale-style tests, then one after a comment on its line (its name is not at
  // column 5 of line 0), an indented one, and nested subtests.
  let text = `${generateFile(3, 900, 4)}
/* ü */ func TestAfterComment(t *testing.T) {
	t.Run("sub", func(t *testing.T) { t.Run("deeper", func(t *testing.T) {}) })
}

	func TestIndented(t *testing.T) {}
`;
  const doc = new IncrementalDocument(parser, text, 1);
  const memo = new TestInfoMemo();
  const snippets = ['x', '\n', 'ü', '// note\n', '\t', 't.Run("added", func(t *testing.T) {})\n', '//hi:timeout=40m\n', 'func TestInserted(t *testing.T) {}\n', '}'];
  const next = prng(14);
  let reusedSome = false;
  for (let i = 0; i < 150; i++) {
    const at = Math.floor(next() * text.length);
    const lines = new LineIndex(text);
    const remove = next() < 0.3 ? Math.floor(next() * 12) : 0;
    const inserted = remove ? '' : snippets[Math.floor(next() * snippets.length)];
    doc.applyChanges([{ range: { start: lines.positionAt(at), end: lines.positionAt(at + remove) }, text: inserted }], i + 2);
    text = text.slice(0, at) + inserted + text.slice(at + remove);
    const kept = testInfos(file, uri, text, doc.currentTree(), defaultRunSettings, 0, memo);
    const fresh = testInfos(file, uri, text, doc.currentTree(), defaultRunSettings, 0);
    const what = `after edit ${i} (${JSON.stringify(inserted)} at ${at}, ${remove} removed)`;
    assert.deepEqual(kept, fresh, what);
    // Positions against the discovered offsets, converted over the whole text: no shortcut shared.
    const flat = <T extends { children: T[] }>(ts: T[]): T[] => ts.flatMap((t) => [t, ...flat(t.children)]);
    const whole = new LineIndex(text);
    const positions = flat(discoverTests(text, doc.currentTree())).map((t) => ({ name: t.name, ...whole.positionAt(t.nameStart), end: whole.positionAt(t.nameEnd) }));
    assert.deepEqual(flat(kept.tests).map((t) => ({ name: t.name, line: t.line, character: t.character, end: { line: t.endLine, character: t.endCharacter } })), positions, what);
    reusedSome ||= memo.reused > 0;
  }
  assert.ok(reusedSome, 'the memo was used');
  const once = testInfos(file, uri, text, doc.currentTree(), defaultRunSettings, 0, memo);
  assert.equal(memo.reused, once.tests.length, 'nothing changed: every test reused');
  const first = once.tests[0];
  const lines = new LineIndex(text);
  const inside = lines.offsetAt({ line: first.line + 1, character: 0 });
  doc.applyChanges([{ range: { start: lines.positionAt(inside), end: lines.positionAt(inside) }, text: '\t_ = 1\n' }], 1000);
  text = text.slice(0, inside) + '\t_ = 1\n' + text.slice(inside);
  const after = testInfos(file, uri, text, doc.currentTree(), defaultRunSettings, 0, memo);
  assert.equal(memo.reused, after.tests.length - 1, 'only the edited test function is looked at again');
  assert.equal(after.tests[1].line, once.tests[1].line + 1, 'the tests below moved one line down');
  // A new run changes the history index: nothing is reused, and the lens sees the run.
  const run = path.join(dir, 'control_logs', '20261130-120000-fedcba');
  fs.mkdirSync(run);
  fs.writeFileSync(path.join(run, RUN_RECORD_FILE), JSON.stringify({ test: first.name, status: 'failed', durationSeconds: 842, startedAt: '2026-11-30T12:00:00Z' }));
  const withRun = testInfos(file, uri, text, doc.currentTree(), defaultRunSettings, 1, memo);
  assert.equal(memo.reused, 0);
  assert.equal(withRun.tests[0].lastRuns[0].runId, '20261130-120000-fedcba');
  // So do settings.
  const slower = testInfos(file, uri, text, doc.currentTree(), { ...defaultRunSettings, timeouts: { ...defaultRunSettings.timeouts, basic: 1234 } }, 1, memo);
  assert.equal(memo.reused, 0);
  assert.ok(slower.tests.some((t) => t.run.timeoutSeconds === 1234));
  doc.dispose();
});
