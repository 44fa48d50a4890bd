/**
 * DurationEvaluator reads the common spellings (`10*time.Second`, `time.Second`,
 * `integrationutil.PeerSyncTimeout`) from the text and everything else from the tree
 * (durations.ts). The two readings must agree: each spelling is evaluated as written and with a
 * comment inside it, which leaves it to the tree, under the usual `time` import and under an alias.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { DurationEvaluator } from '../../server/src/analysis/durations';
import { buildGoFile } from '../../server/src/analysis/goFile';
import { loadParser } from '../support/parser';

const SPELLINGS = [
  '10*time.Second',
  '10 * time.Second',
  '500 * time.Millisecond',
  '2*time.Minute',
  'time.Second',
  'time.Hour',
  'integrationutil.PeerSyncTimeout',
  'integrationutil.FastPoll',
  'integrationutil.NoSuchTimeout',
  '3 * integrationutil.SlowPoll',
  'tm.Second',
  '7 * other.Second',
  'time.Nope',
];

/** A file whose `values` var block holds each expression, under `import <alias> "time"`. */
function source(alias: string | null, expressions: string[]): string {
  const imp = alias ? `${alias} "time"` : '"time"';
  return `package integration\n\nimport (\n\t${imp}\n)\n\nvar values = []any{\n${expressions.map((e) => `\t${e},\n`).join('')}}\n`;
}

/** `10 * time.Second` → `10 * time. /* c *\/ Second`: the same expression, no longer a simple spelling. */
function withComment(expression: string): string {
  const dot = expression.lastIndexOf('.');
  return `${expression.slice(0, dot + 1)} /* c */ ${expression.slice(dot + 1)}`;
}

async function evaluate(alias: string | null, expressions: string[]): Promise<(number | null)[]> {
  const parser = await loadParser();
  const text = source(alias, expressions);
  const tree = parser.parse(text);
  try {
    const file = buildGoFile('values_test.go', text, tree);
    const literal = tree.rootNode.descendantsOfType('literal_value')[0]!;
    const elements = literal.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment').map((e) => e.namedChild(0));
    assert.equal(elements.length, expressions.length, 'one element per expression');
    const durations = new DurationEvaluator(file);
    return elements.map((e) => durations.seconds(e));
  } finally {
    tree.delete();
  }
}

for (const alias of [null, 'tm']) {
  test(`the text reading of a duration agrees with the tree's (time imported ${alias ? `as ${alias}` : 'plainly'})`, async () => {
    const read = await evaluate(alias, SPELLINGS);
    const fromTree = await evaluate(alias, SPELLINGS.map(withComment));
    assert.deepEqual(read, fromTree);
    // Not vacuous: both known and unknown units are among them.
    assert.ok(read.some((v) => v !== null) && read.some((v) => v === null), JSON.stringify(read));
  });
}

test('simple spellings evaluate to seconds', async () => {
  const [tenSeconds, , halfSecond, twoMinutes, , , peerSync, fastPoll, unknown] = await evaluate(null, SPELLINGS);
  assert.equal(tenSeconds, 10);
  assert.equal(halfSecond, 0.5);
  assert.equal(twoMinutes, 120);
  assert.equal(peerSync, 60);
  assert.equal(fastPoll, 0.2);
  assert.equal(unknown, null);
});
