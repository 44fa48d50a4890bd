/**
 * Package facts (facts.ts) and the Analyzer's cache: a finding that depends on another
 * declaration (a helper that waits, a Must… lookup that panics, a CollectT helper) must follow
 * edits to that declaration exactly as a fresh analysis does.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer, analyzeText, factsOfTree } from '../../server/src/analysis/analyze';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { loadParser } from '../support/parser';

const SOURCE = `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRouter(t *testing.T) {
	headscale, router := setup(t)
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		node := MustFindNode(router.Hostname(), nodes)
		assert.NotNil(c, node)
		waitForRoutes(t, headscale)
	}, 10*time.Second, 500*time.Millisecond, "the router should be listed")
}

// MustFindNode panics when the node is not listed.
func MustFindNode(hostname string, nodes []*v1.Node) *v1.Node {
	for _, node := range nodes {
		if node.GetName() == hostname {
			return node
		}
	}
	panic("node not found")
}

func waitForRoutes(t *testing.T, headscale ControlServer) {
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := headscale.ListNodes()
		assert.NoError(c, err)
		assert.NotEmpty(c, nodes)
	}, 10*time.Second, 500*time.Millisecond, "routes should be listed")
}
`;

function edit(doc: IncrementalDocument, find: string, replace: string, version: number): void {
  const at = doc.text.indexOf(find);
  assert.ok(at >= 0, `fixture text has ${JSON.stringify(find)}`);
  const lines = new LineIndex(doc.text);
  doc.applyChanges([{ range: { start: lines.positionAt(at), end: lines.positionAt(at + find.length) }, text: replace }], version);
}

test('ewt-nested: the related location in the helper follows edits to the helper (incremental = fresh)', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, SOURCE, 1);
  const analyzer = new Analyzer();
  const nestedOf = (fs: ReturnType<typeof analyzeText>) => fs.find((f) => f.ruleId === 'ewt-nested')!;
  const first = analyzer.analyze('r_test.go', doc.text, doc.currentTree());
  assert.equal(nestedOf(first).related.length, 2, 'the outer EventuallyWithT and the helper declaration');
  // Lines added inside the helper and above it move its name; the test function is unchanged.
  edit(doc, '// MustFindNode panics', '// A lookup.\n// MustFindNode panics', 2);
  edit(doc, '\t\tassert.NotEmpty(c, nodes)\n', '\t\tassert.NotEmpty(c, nodes)\n\t\tassert.Len(c, nodes, 2)\n', 3);
  const incremental = analyzer.analyze('r_test.go', doc.text, doc.currentTree());
  const fresh = analyzeText(parser, 'r_test.go', doc.text);
  assert.deepEqual(incremental, fresh);
  const related = nestedOf(incremental).related;
  assert.equal(related.length, 2);
  assert.equal(doc.text.slice(related[1].start, related[1].end), 'waitForRoutes');
});

test('facts follow edits to helpers: a Must… lookup that stops panicking, a helper that stops waiting', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, SOURCE, 1);
  const analyzer = new Analyzer();
  const rules = (fs: ReturnType<typeof analyzeText>) => fs.map((f) => f.ruleId).sort();
  const check = (version: string) => {
    const incremental = analyzer.analyze('r_test.go', doc.text, doc.currentTree());
    assert.deepEqual(incremental, analyzeText(parser, 'r_test.go', doc.text), `${version}: incremental = fresh`);
    return incremental;
  };
  assert.ok(rules(check('start')).includes('ewt-must-in-callback'));
  edit(doc, 'panic("node not found")', 'return nil', 2);
  assert.ok(!rules(check('no panic')).includes('ewt-must-in-callback'), 'MustFindNode no longer panics');
  edit(doc, 'return nil', 'panic("node not found")', 3);
  assert.ok(rules(check('panic again')).includes('ewt-must-in-callback'));
  edit(doc, 'assert.EventuallyWithT(t, func(c *assert.CollectT) {\n\t\tnodes, err := headscale.ListNodes()\n\t\tassert.NoError(c, err)\n\t\tassert.NotEmpty(c, nodes)\n\t}, 10*time.Second, 500*time.Millisecond, "routes should be listed")', 't.Log("no wait")', 4);
  assert.ok(!rules(check('helper without wait')).includes('ewt-nested'));
});

test('package facts from other files reach the analysis and its cache key', async () => {
  const parser = await loadParser();
  const helpers = `package integration\n\nfunc MustFindNode(hostname string, nodes []*v1.Node) *v1.Node {\n\tpanic("node not found")\n}\n`;
  const helperTree = parser.parse(helpers);
  const packageFacts = factsOfTree('helpers.go', helpers, helperTree);
  helperTree.delete();
  assert.deepEqual(packageFacts.panickingLookups, ['MustFindNode']);
  const test = SOURCE.slice(0, SOURCE.indexOf('// MustFindNode panics'));
  const doc = new IncrementalDocument(parser, test, 1);
  const analyzer = new Analyzer();
  const must = (o: { packageFacts?: typeof packageFacts }) => analyzer.analyze('r_test.go', doc.text, doc.currentTree(), o).filter((f) => f.ruleId === 'ewt-must-in-callback').length;
  assert.equal(must({}), 0, 'without the other file, MustFindNode is unknown');
  assert.equal(must({ packageFacts }), 1, 'with it, the same cached analyzer reports it');
  assert.equal(must({}), 0, 'and drops it again when the fact goes');
});

test('factsOfTree reusing per-function summaries across edits equals a fresh computation', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, SOURCE, 1);
  const reuse = new Map();
  const check = (step: string) => {
    const tree = parser.parse(doc.text);
    try {
      assert.deepEqual(factsOfTree('r_test.go', doc.text, doc.currentTree(), reuse), factsOfTree('r_test.go', doc.text, tree), step);
    } finally {
      tree.delete();
    }
    return factsOfTree('r_test.go', doc.text, doc.currentTree(), reuse);
  };
  assert.deepEqual(check('start').functionsWithEwt, ['TestRouter', 'waitForRoutes']);
  // The wait moves into a new function that the unchanged helper calls: the callee set of a
  // reused summary must see the new name.
  edit(doc, '\tassert.EventuallyWithT(t, func(c *assert.CollectT) {\n\t\tnodes, err := headscale.ListNodes()\n\t\tassert.NoError(c, err)\n\t\tassert.NotEmpty(c, nodes)\n\t}, 10*time.Second, 500*time.Millisecond, "routes should be listed")', '\tpollRoutes(t, headscale)', 2);
  assert.deepEqual(check('helper delegates').functionsWithEwt, ['TestRouter'], 'pollRoutes does not exist yet');
  edit(doc, '// MustFindNode panics', 'func pollRoutes(t *testing.T, headscale ControlServer) {\n\tassert.EventuallyWithT(t, func(c *assert.CollectT) {}, time.Second, time.Second)\n}\n\n// MustFindNode panics', 3);
  assert.deepEqual(check('callee defined').functionsWithEwt, ['TestRouter', 'pollRoutes', 'waitForRoutes']);
  edit(doc, 'panic("node not found")', 'return nil', 4);
  assert.deepEqual(check('no panic').panickingLookups, []);
});

const GATED = `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDenied(t *testing.T) {
	_, client := setup(t)
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		_, err := sshOnce(t, client)
		assert.Error(c, err)
	}, 10*time.Second, 500*time.Millisecond, "ssh should be denied")
}

func sshOnce(t *testing.T, client TailscaleClient) (string, error) {
	return sshWithRetry(t, client, "it-user", false)
}

func sshWithRetry(t *testing.T, client TailscaleClient, user string, retry bool) (string, error) {
	var out string
	var err error
	if retry {
		assert.EventuallyWithT(t, func(c *assert.CollectT) {
			out, _, err = client.Execute([]string{"ssh", user + "@peer"})
			assert.NoError(c, err)
		}, 10*time.Second, 500*time.Millisecond, "ssh should connect")
	} else {
		out, _, err = client.Execute([]string{"ssh", user + "@peer"})
	}
	return out, err
}
`;

test('a wait behind a bool parameter: false at the call waits not; edits to the gate are followed (incremental = fresh), in one file and across files', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, GATED, 1);
  const analyzer = new Analyzer();
  const nested = (step: string) => {
    const incremental = analyzer.analyze('ssh_test.go', doc.text, doc.currentTree());
    assert.deepEqual(incremental, analyzeText(parser, 'ssh_test.go', doc.text), `${step}: incremental = fresh`);
    return incremental.filter((f) => f.ruleId === 'ewt-nested').length;
  };
  assert.equal(nested('start'), 0, 'sshOnce passes false: nothing waits in the tick');
  const facts = factsOfTree('ssh_test.go', doc.text, doc.currentTree());
  assert.deepEqual(facts.waitsOnlyWhen, ['sshWithRetry:3']);
  assert.ok(!facts.functionsWithEwt.includes('sshOnce'));
  edit(doc, '"it-user", false)', '"it-user", true)', 2);
  assert.equal(nested('true passed'), 1, 'sshOnce now waits');
  edit(doc, '"it-user", true)', '"it-user", false)', 3);
  assert.equal(nested('false again'), 0);
  edit(doc, 'if retry {', 'if !retry {', 4);
  assert.equal(nested('the gate inverted'), 1, 'a wait that is not behind `if retry {` counts');
  edit(doc, 'if !retry {', 'if retry {', 5);
  assert.equal(nested('the gate back'), 0);

  // The helpers in another file of the package (the CLI's path: their facts from factsOfTree).
  const split = GATED.indexOf('func sshOnce');
  const helpers = `package integration\n\nimport (\n\t"testing"\n\t"time"\n\n\t"github.com/stretchr/testify/assert"\n)\n\n${GATED.slice(split)}`;
  const helperTree = parser.parse(helpers);
  const packageFacts = factsOfTree('ssh_helpers_test.go', helpers, helperTree);
  helperTree.delete();
  const testOnly = GATED.slice(0, split);
  const across = (text: string) => {
    const tree = parser.parse(text);
    try {
      return new Analyzer().analyze('ssh_test.go', text, tree, { packageFacts }).filter((f) => f.ruleId === 'ewt-nested').length;
    } finally {
      tree.delete();
    }
  };
  assert.equal(across(testOnly), 0);
  assert.equal(across(testOnly.replace('sshOnce(t, client)', 'sshWithRetry(t, client, "u", true)')), 1, 'true passed directly waits');
  assert.equal(across(testOnly.replace('sshOnce(t, client)', 'sshWithRetry(t, client, "u", false)')), 0, 'false passed directly does not');
});
