/**
 * Sub-declaration re-analysis (server/src/analysis/parts.ts): a function is analysed as its
 * outermost EventuallyWithT calls (regions) and the rest (the frame). Typing inside one block of
 * a 1 100-line test must re-run the rules on that block only, and the result must always equal a
 * fresh analysis — after edits of every kind, in regions and in the frame, including the ones
 * that cross parts (a shadowed variable read in a later block, a list filled in one block and
 * indexed in another, an assert object made in the frame).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer, analyzeText } from '../../server/src/analysis/analyze';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { changedSpan, skeleton } from '../../server/src/analysis/parts';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

/** Blocks that depend on each other, in the shapes of Headscale's route and auth tests. */
const CROSS_PARTS = `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRelogin(t *testing.T) {
	scenario := setupScenario(t)
	headscale, err := scenario.Headscale()
	require.NoError(t, err)
	a := assert.New(t)

	var nodes []*v1.Node
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		assert.Len(c, nodes, 2)
	}, 30*time.Second, time.Second, "both nodes should be listed")
	require.Len(t, nodes, 2)

	var listAfterRelogin []*v1.Node
	assert.EventuallyWithT(t, func(ct *assert.CollectT) {
		listAfterRelogin, err = headscale.ListNodes()
		assert.NoError(ct, err)
	}, 30*time.Second, time.Second, "nodes should be listed after relogin")

	assert.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.Equal(ct, nodes[0].GetMachineKey(), listAfterRelogin[0].GetMachineKey(), "user1 keeps its machine")
		assert.NotEqual(ct, nodes[0].GetId(), listAfterRelogin[1].GetId(), "user2 is a new node")
	}, 30*time.Second, time.Second, "relogin should keep the machine key")

	command := []string{"tailscale", "set", "--advertise-routes=10.0.0.0/24"}
	a.EventuallyWithT(func(c *assert.CollectT) {
		_, _, err := scenario.client.Execute(command)
		assert.NoError(c, err)
		status, err := scenario.client.Status()
		assert.NoError(c, err)
		assert.NotNil(c, status)
		require.NoError(t, err)
	}, 10*time.Second, 100*time.Millisecond)

	var status *ipnstate.Status
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		status, err := scenario.client.Status()
		assert.NoError(c, err)
		assert.NotNil(c, status)
	}, 10*time.Second, time.Second, "status should be read")
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.NotNil(c, status.Self, "self should be known")
	}, 10*time.Second, time.Second, "self should be known")

	t.Run("after-restart", func(t *testing.T) {
		assert.EventuallyWithT(t, func(c *assert.CollectT) {
			node := MustFindNode("router", nodes)
			assert.NotNil(c, node)
			assert.EventuallyWithT(t, func(c *assert.CollectT) {}, time.Second, time.Second, "nested")
		}, 5*time.Second, 10*time.Second)
	})
}

func MustFindNode(hostname string, nodes []*v1.Node) *v1.Node {
	for _, node := range nodes {
		if node.GetName() == hostname {
			return node
		}
	}
	panic("node not found")
}
`;

/** A small deterministic generator (the same edits on every run, and every kind of them). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const EDITS = ['x', '', '\n', 'err', ' := ', '2', '"', 'nodes[1]', 'assert.Len(c, nodes, 3)\n', '}', 'ListNodes'];

function applyEdit(doc: IncrementalDocument, at: number, remove: number, insert: string, version: number): void {
  const lines = new LineIndex(doc.text);
  doc.applyChanges([{ range: { start: lines.positionAt(at), end: lines.positionAt(Math.min(doc.text.length, at + remove)) }, text: insert }], version);
}

test('incremental equals fresh after 200 random edits inside blocks and in the frame, on cross-part code and a generated 1 100-line test', async () => {
  const parser = await loadParser();
  for (const [label, source] of [
    ['cross-parts', CROSS_PARTS],
    ['generated', generateFile(7, 500, 1)],
  ] as const) {
    const doc = new IncrementalDocument(parser, source, 1);
    const analyzer = new Analyzer();
    analyzer.analyze('relogin_test.go', doc.text, doc.currentTree());
    const random = rng(label.length * 7919);
    let kept = 0;
    for (let i = 0; i < 100; i++) {
      // Mostly inside callbacks (where typing happens), sometimes anywhere.
      const sites = [...doc.text.matchAll(/func\(c\w* \*assert\.CollectT\) \{/g)].map((m) => m.index! + m[0].length);
      const at = random() < 0.7 && sites.length ? sites[Math.floor(random() * sites.length)] + Math.floor(random() * 60) : Math.floor(random() * doc.text.length);
      const insert = EDITS[Math.floor(random() * EDITS.length)];
      applyEdit(doc, Math.min(at, doc.text.length), random() < 0.3 ? Math.floor(random() * 4) : 0, insert, i + 2);
      const incremental = analyzer.analyze('relogin_test.go', doc.text, doc.currentTree());
      kept += analyzer.stats.partsKept;
      assert.deepEqual(incremental, analyzeText(parser, 'relogin_test.go', doc.text), `${label}, edit ${i}: ${JSON.stringify(insert)} at ${at}`);
    }
    assert.ok(kept > 0, `${label}: some edits kept other parts' findings`);
    doc.dispose();
  }
});

test('edits in one block that change the findings of another block: each one equals fresh and changes the result', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, CROSS_PARTS, 1);
  const analyzer = new Analyzer();
  let before = analyzer.analyze('relogin_test.go', doc.text, doc.currentTree());
  const cases: [string, string, string][] = [
    // The outer status is read in the next block: the shadow in the block before it matters…
    ['the later block stops reading the outer status', 'assert.NotNil(c, status.Self', 'assert.NotNil(c, other.Self'],
    ['…and reads it again', 'assert.NotNil(c, other.Self', 'assert.NotNil(c, status.Self'],
    // A list filled in one block and indexed by position in another.
    ['the listing in another block changes', 'listAfterRelogin, err = headscale.ListNodes()', 'listAfterRelogin, err = headscale.ListNodez()'],
    ['…and back', 'listAfterRelogin, err = headscale.ListNodez()', 'listAfterRelogin, err = headscale.ListNodes()'],
    // The frame's assert object makes a region an EventuallyWithT.
    ['the assert object goes', 'a := assert.New(t)', 'a := newThing(t)'],
  ];
  cases.forEach(([label, find, replace], i) => {
    const at = doc.text.indexOf(find);
    assert.ok(at >= 0, label);
    applyEdit(doc, at, find.length, replace, i + 2);
    const after = analyzer.analyze('relogin_test.go', doc.text, doc.currentTree());
    assert.deepEqual(after, analyzeText(parser, 'relogin_test.go', doc.text), `${label}: incremental = fresh`);
    const kinds = (fs: typeof after) => fs.map((f) => `${f.ruleId} ${f.message}`).sort().join('\n');
    assert.notEqual(kinds(after), kinds(before), `${label}: the findings change`);
    before = after;
  });
});

test('typing a method name inside one block of a long test re-runs the rules on that block alone', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, generateFile(31, 1140, 1), 1);
  const analyzer = new Analyzer();
  analyzer.analyze('route_test.go', doc.text, doc.currentTree());
  const blocks = analyzer.stats.partsChecked;
  assert.ok(blocks > 20, `a 1 100-line test has many parts (${blocks})`);
  const at = doc.text.indexOf('assert.NoError(c, err)', doc.text.length / 2) + 'assert.'.length;
  applyEdit(doc, at, 0, 'x', 2);
  const after = analyzer.analyze('route_test.go', doc.text, doc.currentTree());
  assert.equal(analyzer.stats.partsChecked, 1, 'only the edited block');
  assert.equal(analyzer.stats.partsKept, blocks - 1);
  assert.deepEqual(after, analyzeText(parser, 'route_test.go', doc.text));
  // A new identifier can change what other blocks see (a read after a shadow): all parts again.
  applyEdit(doc, at, 0, 'nodes = nil; ', 3);
  analyzer.analyze('route_test.go', doc.text, doc.currentTree());
  assert.equal(analyzer.stats.partsChecked, blocks);
});

test('skeleton: what other parts may see of a block', () => {
  const block = 'assert.EventuallyWithT(t, func(c *assert.CollectT) {\n\tnodes, err := headscale.ListNodes() // the list\n\tassert.Len(c, nodes, 3, "three")\n}, 10*time.Second, time.Second)';
  // Method names, literals, comments and spacing are not visible…
  assert.equal(skeleton(block), skeleton(block.replace('Len', 'Equal').replace('3', '2').replace('"three"', '"two"').replace('// the list', '').replace('\n\t', '\n    ')));
  // …identifiers, operators and the sorted listings are.
  assert.notEqual(skeleton(block), skeleton(block.replace('nodes, err :=', 'nodes, err =')));
  assert.notEqual(skeleton(block), skeleton(block.replace('c, nodes', 'c, users')));
  assert.notEqual(skeleton(block), skeleton(block.replace('ListNodes', 'ListUsers')));
  // A comment marker inside a string does not hide what follows the string.
  assert.notEqual(skeleton('f("//", a)'), skeleton('f("//", b)'));
});

test('changedSpan finds the one differing span', () => {
  assert.deepEqual(changedSpan('abcdef', 'abXdef'), { start: 2, oldEnd: 3, newEnd: 3 });
  assert.deepEqual(changedSpan('abcdef', 'abcXdef'), { start: 3, oldEnd: 3, newEnd: 4 });
  assert.deepEqual(changedSpan('aaaa', 'aa'), { start: 2, oldEnd: 4, newEnd: 2 });
  assert.deepEqual(changedSpan('same', 'same'), { start: 4, oldEnd: 4, newEnd: 4 });
});
