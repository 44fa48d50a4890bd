/**
 * outerDeclaration and firstReadAfter answer from text searches that skip most statements
 * (scopes.ts): only statements that mention a name, and of those only the mentions that can be a
 * declaration. Their answers must be those of the plain readings: outerDeclarations (every
 * declaration of the enclosing blocks, materialised) and a statement-by-statement read of the
 * identifiers. Checked for every name assigned in every callback of Headscale-shaped tests and of
 * a test that spells declarations every way Go allows.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { buildGoFile } from '../../server/src/analysis/goFile';
import { firstReadAfter, outerDeclaration, outerDeclarations } from '../../server/src/analysis/scopes';
import { assignedNames, identifiersIn, queryIn } from '../../server/src/analysis/syntax';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

const SPELLINGS = `package integration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSpellings(t *testing.T) {
	var (
		nodes []string
		users = 2
	)
	var a, status int
	routes,
		out := f(), g()
	peers /* counted */ := 3
	x, /* kept */ keys := 1, 2
	if true { hidden := 1; _ = hidden }
	for ip := range ips { _ = ip }
	nodes2 := nodes
	_ = a + status + routes + out + peers + x + keys + users
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		nodes, err := list()
		users, status := 1, 2
		routes, out, peers, keys, hidden, ip, nodes2, fresh := 1, 2, 3, 4, 5, 6, 7, 8
		assert.NoError(c, err)
	}, 10*time.Second, time.Second, "all")
	_ = nodes
	status = 4
	_ = status + routes
	_ = func() { var routes int; _ = routes }
	_ = keys
}
`;

/** The first read after `stmt`, statement by statement (firstReadAfter without its text search). */
function plainFirstRead(stmt: Node, name: string, fromSearch: Node | null): void {
  // The search may skip a statement only if it has no identifier of that name.
  let cur: Node = stmt;
  for (let parent = cur.parent; parent; cur = parent, parent = parent.parent) {
    if (['function_declaration', 'method_declaration', 'func_literal'].includes(parent.type)) break;
    if (parent.type !== 'statement_list') continue;
    for (const s of parent.namedChildren) {
      if (!s || s.startIndex <= cur.startIndex) continue;
      if (identifiersIn(s, name).length > 0) {
        // The search found this statement too: it answers from the first such one.
        if (fromSearch) assert.ok(fromSearch.startIndex >= s.startIndex, `${name}: read at ${fromSearch.startIndex} is not before the first statement mentioning it (${s.startIndex})`);
        return;
      }
    }
  }
  assert.equal(fromSearch, null, `${name}: no statement after the block mentions it, yet a read was found`);
}

test('outerDeclaration and firstReadAfter agree with the plain readings on every assigned name', async () => {
  const parser = await loadParser();
  const sources = [SPELLINGS, ...Array.from({ length: 3 }, (_, i) => generateFile(90 + i, 700, 2))];
  let asked = 0;
  let declared = 0;
  for (const source of sources) {
    const tree = parser.parse(source);
    try {
      const file = buildGoFile('x_test.go', source, tree);
      for (const ewt of file.ewtCalls) {
        if (!ewt.body || !ewt.statement) continue;
        const all = outerDeclarations(ewt);
        const names = new Set(queryIn(ewt.body, '(short_var_declaration) @d').flatMap((d) => assignedNames(d).map((id) => id.text)));
        for (const name of names) {
          asked++;
          const found = outerDeclaration(ewt, source, name);
          assert.equal(found?.startIndex ?? null, all.get(name)?.startIndex ?? null, `${name} in the block at ${ewt.call.startIndex}`);
          if (found) declared++;
          plainFirstRead(ewt.statement, name, firstReadAfter(ewt.statement, source, name));
        }
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(asked > 50 && declared >= 8, `${asked} names asked, ${declared} declared outside`);
});
