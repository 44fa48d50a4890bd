/**
 * Edits inside one token that keep its kind skip the re-parse (server/src/analysis/tokenEdit.ts).
 * The kept tree must be the tree a fresh parse gives: every node's kind, offsets and rows/columns,
 * and node text read from the current document. Random keystrokes inside identifiers, strings,
 * comments and numbers of a Headscale-shaped test, with disruptive ones (quotes, keywords, brackets)
 * among them, each compared with a fresh parse.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Tree } from 'web-tree-sitter';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { generateFile } from '../bench/generate';
import { loadParser } from '../support/parser';

/** Every node in document order: kind, offsets, positions. */
function shape(tree: Tree): string[] {
  const out: string[] = [];
  const cursor = tree.walk();
  for (;;) {
    const n = cursor.currentNode;
    out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return out;
  }
}

/** Start and end of every leaf token whose text a user types in. */
function typedTokens(tree: Tree): [number, number][] {
  const out: [number, number][] = [];
  const cursor = tree.walk();
  for (;;) {
    const n = cursor.currentNode;
    if (n.childCount === 0 && /identifier|literal|comment|content/.test(n.type)) out.push([n.startIndex, n.endIndex]);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return out;
  }
}

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const KEEPS_KIND = ['x', 'Nodes', '_2', '7'];
const DISRUPTIVE = ['"', '\\', 'if', '(', ' ', '.', '`', '\n', 'nil', '/*'];

test('keystrokes inside tokens give the same tree as a fresh parse, and most skip the parse', async () => {
  const parser = await loadParser();
  const random = rng(7);
  let text = generateFile(17, 400, 1);
  const doc = new IncrementalDocument(parser, text, 1);
  let checked = 0;
  let tokens: [number, number][] = [];
  for (let i = 0; i < 200; i++) {
    // Re-listed now and then (a walk is slow in wasm); meanwhile some keystrokes land beside a token.
    if (i % 8 === 0) tokens = typedTokens(doc.currentTree());
    const [tokenStart, tokenEnd] = tokens[Math.floor(random() * tokens.length)].map((o) => Math.min(o, text.length));
    const at = tokenStart + Math.floor(random() * (tokenEnd - tokenStart + 1));
    const removed = random() < 0.3 && at < tokenEnd ? 1 : 0;
    const inserted = random() < 0.85 ? KEEPS_KIND[Math.floor(random() * KEEPS_KIND.length)] : DISRUPTIVE[Math.floor(random() * DISRUPTIVE.length)];
    const before = text;
    const lines = new LineIndex(text);
    doc.applyChanges([{ range: { start: lines.positionAt(at), end: lines.positionAt(at + removed) }, text: inserted }], i + 2);
    text = doc.text;
    const kept = doc.currentTree();
    const fresh = parser.parse(text);
    try {
      assert.deepEqual(shape(kept), shape(fresh), `edit ${i}: ${JSON.stringify(inserted)} at ${at}`);
      for (const [s, e] of typedTokens(kept).filter((_, k) => k % 25 === 0)) {
        assert.equal(kept.rootNode.descendantForIndex(s, e)!.text, text.slice(s, e), `node text after edit ${i}`);
      }
      checked++;
      // A user fixes what broke the file; the next keystrokes are in valid Go again.
      if (fresh.rootNode.hasError) {
        const l2 = new LineIndex(text);
        doc.applyChanges([{ range: { start: l2.positionAt(at), end: l2.positionAt(at + inserted.length) }, text: before.slice(at, at + removed) }], i + 2);
        text = doc.text;
        assert.equal(text, before);
      }
    } finally {
      fresh.delete();
    }
  }
  assert.equal(checked, 200);
  assert.ok(doc.sameShapeEdits > 80, `only ${doc.sameShapeEdits} of 200 edits skipped the parse`);
  doc.dispose();
});

test('edits that change a token kind or the structure are parsed', async () => {
  const parser = await loadParser();
  const base = `package integration

func TestX(t *testing.T) {
	i := 1
	msg := "nodes ready"
	// wait for the routes
	assert.NoError(t, check(i))
}
`;
  const cases: { find: string; offset: number; insert: string }[] = [
    { find: 'i := 1', offset: 1, insert: 'f' }, // `if`: a keyword
    { find: 'nodes ready', offset: 5, insert: '"' }, // ends the string
    { find: 'nodes ready', offset: 5, insert: '\\n' }, // an escape sequence
    { find: 'check(i)', offset: 5, insert: 'nil' }, // `checknil`: still one identifier, kept
    { find: 'NoError', offset: 0, insert: 'x' }, // after the dot: the identifier's, kept
    { find: '// wait', offset: 2, insert: '\n' }, // a line break
    { find: ':= 1', offset: 4, insert: '.5' }, // a float
  ];
  for (const c of cases) {
    const doc = new IncrementalDocument(parser, base, 1);
    const at = base.indexOf(c.find) + c.offset;
    const pos = new LineIndex(base).positionAt(at);
    doc.applyChanges([{ range: { start: pos, end: pos }, text: c.insert }], 2);
    const fresh = parser.parse(doc.text);
    assert.deepEqual(shape(doc.currentTree()), shape(fresh), JSON.stringify(c));
    const keptKind = c.insert === 'nil' || c.find === 'NoError';
    assert.equal(doc.sameShapeEdits, keptKind ? 1 : 0, `${JSON.stringify(c)}: ${doc.sameShapeEdits} same-shape edits`);
    fresh.delete();
    doc.dispose();
  }
});
