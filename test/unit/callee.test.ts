/**
 * Readings of the text that stand in for questions to the tree (syntax.ts): callee() reads `name(`
 * and `a.b.name(` at a call's start, firstArgumentName() the identifier after its `(`, and
 * identifiersIn() looks up only the whole-word mentions of a name. Each must agree with the tree
 * everywhere: checked on Headscale-shaped tests and on the spellings left to the tree.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Node, Tree } from 'web-tree-sitter';
import { callArguments, callee, calleeFromText, calleeFromTree, firstArgumentName, identifiersIn, queryIn } from '../../server/src/analysis/syntax';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

function calls(tree: Tree): Node[] {
  return tree.rootNode.descendantsOfType('call_expression').filter((c): c is Node => c !== null);
}

const TRICKY = `package integration

func TestTricky(t *testing.T) {
	f := func(x int) int { return x }
	_ = func() int { return 1 }()
	_ = (f)(1)
	_ = f (2)
	_ = scenario.
		Headscale()
	_ = s.Headscale().ListNodes()
	_ = nodes[0].GetName()
	_ = x.(fmt.Stringer).String()
	_ = assert. /* why */ EventuallyWithT(t, nil, 0, 0)
	_ = assert.EventuallyWithT // a comment
	_ = genericLookup[string](m, "k")
	_ = []byte("x")
	_ = ünïcode.Ñame(1)
	_ = pkg.Type{A: 1}.Method()
	_ = a.b.c.d(e(f(g)))
	_ = strings.TrimSpace(string(out))
	go func() { t.Log("x") }()
	defer scenario.ShutdownAssertNoPanics(t)
	assert.NoError( t , err)
	assert.NoError(
		t,
		err,
	)
	assert.NoError(/* the test */ t, err)
	assert.NoError(t.Context(), err)
	helper(nil, true)
	helper(false)
	_ = new(t)
	_ = make(t, 1)
	_ = genericLookup[T](t, "k")
	assert.True(tt)
	_ = f()
	// err is mentioned here, and in "err" and in x.err, none of them the variable
	_ = x.err
	_ = "err"
	errs, err := f(), err
	if err := g(errs); err != nil {
	}
}
`;

test('callee: the text reading agrees with the tree on every call of generated tests and odd spellings', async () => {
  const parser = await loadParser();
  const sources = [TRICKY, ...Array.from({ length: 4 }, (_, i) => generateFile(70 + i, 600, 2))];
  let fromText = 0;
  let total = 0;
  for (const source of sources) {
    const tree = parser.parse(source);
    try {
      for (const call of calls(tree)) {
        total++;
        const text = calleeFromText(call);
        const fromTree = calleeFromTree(call);
        if (text) {
          fromText++;
          assert.deepEqual(text, fromTree, `call at ${call.startIndex}: ${call.text.slice(0, 60)}`);
        }
        assert.deepEqual(callee(call), fromTree, `call at ${call.startIndex}: ${call.text.slice(0, 60)}`);
      }
    } finally {
      tree.delete();
    }
  }
  // The point of the text reading: most calls need no lookup in the tree.
  assert.ok(fromText > total * 0.8, `${fromText} of ${total} calls read from the text`);
});

test('callee: after a declaration walk (which skips the lookup) the readings still agree; broken declarations keep the lookup', async () => {
  const parser = await loadParser();
  // The last one breaks a receiver call, so the walk cannot vouch for the calls there.
  const sources = [TRICKY, generateFile(75, 600, 2), TRICKY.replace('_ = s.Headscale().ListNodes()', '_ = s.Headscale(.ListNodes()')];
  for (const source of sources) {
    const tree = parser.parse(source);
    try {
      for (const declaration of tree.rootNode.namedChildren) {
        if (declaration?.type !== 'function_declaration') continue;
        for (const call of queryIn(declaration, '(call_expression) @call')) {
          assert.deepEqual(callee(call), calleeFromTree(call), `call at ${call.startIndex}: ${call.text.slice(0, 60)}`);
        }
      }
    } finally {
      tree.delete();
    }
  }
});

test('callee: spellings the text reading leaves to the tree', async () => {
  const parser = await loadParser();
  const tree = parser.parse(TRICKY);
  try {
    const left = calls(tree)
      .filter((c) => calleeFromText(c) === null)
      .map((c) => c.text.split('\n')[0].slice(0, 24));
    for (const spelling of ['func() int', '(f)(1)', 'x.(fmt.Stringer)', 'assert. /* why */', 'genericLookup[string]', 'ünïcode', 'pkg.Type{A: 1}', 's.Headscale().ListNodes', 'nodes[0].GetName', 'func() { t.Log']) {
      assert.ok(left.some((l) => l.startsWith(spelling)), `${spelling} is read from the tree (left: ${left.join(' | ')})`);
    }
  } finally {
    tree.delete();
  }
});

test('firstArgumentName: the text reading agrees with the tree on every call', async () => {
  const parser = await loadParser();
  const sources = [TRICKY, ...Array.from({ length: 3 }, (_, i) => generateFile(80 + i, 600, 2))];
  let identifiers = 0;
  for (const source of sources) {
    const tree = parser.parse(source);
    try {
      for (const call of calls(tree)) {
        const first = callArguments(call)[0];
        const expected = first?.type === 'identifier' ? first.text : null;
        if (expected !== null) identifiers++;
        assert.equal(firstArgumentName(call, source), expected, `call at ${call.startIndex}: ${call.text.slice(0, 60)}`);
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(identifiers > 100, `${identifiers} calls pass an identifier first`);
});

test('identifiersIn: the mentions looked up are the identifiers a query captures, for every name of every statement', async () => {
  const parser = await loadParser();
  const sources = [TRICKY, generateFile(90, 600, 2), TRICKY.replace('errs, err := f(), err', 'errs, err := f(, err')];
  let found = 0;
  for (const source of sources) {
    const tree = parser.parse(source);
    try {
      const all = queryIn(tree.rootNode, '(identifier) @id');
      const names = [...new Set(all.map((n) => n.text))];
      for (const statement of queryIn(tree.rootNode, '[(expression_statement) (short_var_declaration) (if_statement) (block)] @s')) {
        const ids = queryIn(statement, '(identifier) @id');
        for (const name of names) {
          const expected = ids.filter((n) => n.text === name).map((n) => n.startIndex);
          found += expected.length;
          assert.deepEqual(identifiersIn(statement, name).map((n) => n.startIndex), expected, `${name} in ${statement.text.slice(0, 50)}`);
        }
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(found > 1000, `${found} identifiers compared`);
});
