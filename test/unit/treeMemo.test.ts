/**
 * Per-tree memos (syntax.ts memoPerNode and the tables made with perTreeTable) are let go of as
 * soon as a one-shot analysis is done with its tree, not at the next full GC: the CLI analyses
 * thousands of declarations in a row, and every young collection copied what the earlier files
 * had memoised.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { analyzeTree } from '../../server/src/analysis/analyze';
import type { Rule } from '../../server/src/analysis/rule';
import { forgetTree, memoPerNode } from '../../server/src/analysis/syntax';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

test('a per-tree memo answers from memory until its tree is forgotten', async () => {
  const parser = await loadParser();
  const tree = parser.parse(generateFile(1, 120, 1));
  try {
    let computed = 0;
    const typeOfMemo = memoPerNode((node: Node) => (computed++, node.type));
    const node = tree.rootNode.namedChild(0)!;
    typeOfMemo(node);
    typeOfMemo(node);
    assert.equal(computed, 1);
    forgetTree(tree);
    assert.equal(typeOfMemo(node), node.type);
    assert.equal(computed, 2, 'forgetTree dropped the memo');
  } finally {
    tree.delete();
  }
});

test("analyzeTree forgets its tree's memos once its findings are made", async () => {
  const parser = await loadParser();
  const text = generateFile(2, 300, 1);
  const tree = parser.parse(text);
  try {
    let computed = 0;
    const seen: Node[] = [];
    const memo = memoPerNode((node: Node) => (computed++, node.startIndex));
    // A rule that memoises what it looks at (twice), as the real ones do through syntax.ts.
    const probe: Rule = {
      id: 'memo-probe',
      defaultSeverity: 'hint',
      scope: 'test',
      doc: 'probe',
      check: ({ file }) => {
        seen.push(file.scope);
        memo(file.scope);
        memo(file.scope);
      },
    };
    analyzeTree('gen_test.go', text, tree, { rules: [probe] });
    assert.ok(seen.length > 0, 'the rule ran');
    const during = computed;
    assert.equal(during, new Set(seen.map((n) => n.id)).size, 'once per node while the analysis ran');
    memo(seen[0]);
    assert.equal(computed, during + 1, 'after the analysis the memo is empty');
  } finally {
    tree.delete();
  }
});
