/** Test discovery, categories (every rule of headscale-facts §2.4), directives and settings overrides. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { anchoredPattern, buildRunArgv, displayCommand, validatePattern } from '../../shared/src/hiCommand';
import { defaultRunSettings, type RunSettings } from '../../shared/src/settings';
import { classify } from '../../server/src/discovery/categories';
import { discoverTests, parseDuration } from '../../server/src/discovery/discovery';
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
