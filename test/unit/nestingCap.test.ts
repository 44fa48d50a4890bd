/**
 * The analyzer's bound on pathological nesting (server/src/analysis/nestingCap.ts): a declaration
 * with EventuallyWithT nested deeper than MAX_EWT_NESTING gets one ewt-nested finding and no other
 * rule; every other declaration is analysed exactly as before. How long a deep file takes is in
 * the bench (test/bench/hostileBench.ts), not here.
 */
import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import { analyzeText } from '../../server/src/analysis/analyze';
import { MAX_EWT_NESTING } from '../../server/src/analysis/nestingCap';
import type { GoParser } from '../../server/src/analysis/parser';
import type { Finding } from '../../server/src/analysis/types';
import { deepEventually } from '../support/hostileLoads';
import { loadParser } from '../support/parser';

let parser: GoParser;
before(async () => {
  parser = await loadParser();
});

/** A test beside the deep one with mistakes of its own: a missing message and a t inside the callback. */
const NEIGHBOUR = `
func TestNeighbour(t *testing.T) {
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.True(t, true)
	}, 10*time.Second, 500*time.Millisecond)
}
`;

const key = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort();

test(`past ${MAX_EWT_NESTING} levels: one ewt-nested finding, at the first call too deep, and no other rule`, () => {
  const text = deepEventually(MAX_EWT_NESTING + 1);
  const findings = analyzeText(parser, 'deep_test.go', text);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  const [f] = findings;
  assert.equal(f.ruleId, 'ewt-nested');
  assert.equal(f.severity, 'error');
  assert.match(f.message, new RegExp(`nested more than ${MAX_EWT_NESTING} deep.*at most ${MAX_EWT_NESTING} levels.*no other rule checked TestDeep`));
  // The (MAX+1)-th EventuallyWithT of the text, by its method name.
  let at = -1;
  for (let i = 0; i <= MAX_EWT_NESTING; i++) at = text.indexOf('EventuallyWithT', at + 1);
  assert.deepEqual([f.start, f.end], [at, at + 'EventuallyWithT'.length]);
});

test(`at ${MAX_EWT_NESTING} levels the rules run as usual`, () => {
  const findings = analyzeText(parser, 'deep_test.go', deepEventually(MAX_EWT_NESTING));
  // Every inner wait is nested (ewt-nested), and each has no message (ewt-message): the rules ran.
  assert.equal(findings.filter((f) => f.ruleId === 'ewt-nested').length, MAX_EWT_NESTING - 1);
  assert.equal(findings.filter((f) => f.ruleId === 'ewt-message').length, MAX_EWT_NESTING);
  assert.ok(!findings.some((f) => /at most \d+ levels/.test(f.message)));
});

test('a declaration beside a too-deep one is analysed exactly as on its own', () => {
  const alone = deepEventually(2) + NEIGHBOUR;
  const beside = deepEventually(300) + NEIGHBOUR;
  const neighbour = (text: string) => analyzeText(parser, 'x_test.go', text).filter((f) => f.start >= text.indexOf('func TestNeighbour'));
  const expected = neighbour(alone);
  assert.ok(expected.some((f) => f.ruleId === 'ewt-outer-t'), 'the neighbour has findings of its own');
  assert.deepEqual(key(neighbour(beside)), key(expected));
});

test('ewt-nested turned off: nothing at all for the too-deep declaration', () => {
  assert.deepEqual(analyzeText(parser, 'deep_test.go', deepEventually(MAX_EWT_NESTING + 1), { ruleLevels: { 'ewt-nested': 'off' } }), []);
});

test('a too-deep function still counts as one that waits: calling it from a callback nests the waits', () => {
  const helper = deepEventually(MAX_EWT_NESTING + 1, 'waitDeep');
  const caller = `
func TestCaller(t *testing.T) {
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		waitDeep(t)
	}, 10*time.Second, 500*time.Millisecond, "caller")
}
`;
  const findings = analyzeText(parser, 'x_test.go', helper + caller);
  assert.ok(findings.some((f) => f.ruleId === 'ewt-nested' && /`waitDeep` runs an EventuallyWithT itself/.test(f.message)), JSON.stringify(key(findings)));
});
