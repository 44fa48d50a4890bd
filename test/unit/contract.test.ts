/**
 * hs-test-contract fixtures in the analysistest style: test/fixtures/hs-test-contract/<case>/ holds
 * base_test.go (the file at the base revision) and current_test.go (the working tree) with
 * `// want "hs-test-contract: <regexp>"` on the line of each expected finding. The comparison is
 * pure (no fs, no git). An unexpected finding fails, and so does a want nothing matched.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyFixes } from '../../server/src/analysis/applyFixes';
import { CompareMemo, compareContracts, compareTexts, contractOfText, contractOfTextSliced, ContractModeler, missingTestDocs } from '../../server/src/analysis/contract';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { generateFile, rng } from '../bench/generate';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { loadParser, repoRoot } from '../support/parser';

const WANT = /\/\/ want(?: ([+-]\d+))?((?:\s+"(?:[^"\\]|\\.)*")+)/;
const root = path.join(repoRoot, 'test', 'fixtures', 'hs-test-contract');
const docRoot = path.join(repoRoot, 'test', 'fixtures', 'hs-test-doc');
const unexplained = <T extends { directive: { reason: string } | null }>(list: T[]) => list.filter((c) => !c.directive?.reason);

function wantsOf(text: string, ruleId = 'hs-test-contract'): { line: number; pattern: RegExp; source: string; matched: boolean }[] {
  const out: { line: number; pattern: RegExp; source: string; matched: boolean }[] = [];
  text.split('\n').forEach((lineText, line) => {
    const m = WANT.exec(lineText);
    if (!m) return;
    for (const q of m[2].match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
      const source = JSON.parse(q) as string;
      const body = new RegExp(`^${ruleId}: (.*)$`, 's').exec(source);
      assert.ok(body, `want ${q} is not "${ruleId}: <regexp>"`);
      out.push({ line: line + (m[1] ? Number(m[1]) : 0), pattern: new RegExp(body[1]), source, matched: false });
    }
  });
  return out;
}

/** Checks findings against the `// want` comments of the current file: none unexpected, none unmatched. */
function assertWants(name: string, current: string, ruleId: string, findings: { start: number; message: string }[]): void {
  const lines = new LineIndex(current);
  const wants = wantsOf(current, ruleId);
  const unexpected: string[] = [];
  for (const f of findings) {
    const line = lines.positionAt(f.start).line;
    const want = wants.find((w) => !w.matched && w.line === line && w.pattern.test(f.message));
    if (want) want.matched = true;
    else unexpected.push(`${name}:${line + 1}: unexpected finding: ${f.message}`);
  }
  const unmatched = wants.filter((w) => !w.matched).map((w) => `${name}:${w.line + 1}: no finding matched ${JSON.stringify(w.source)}`);
  assert.deepEqual([...unexpected, ...unmatched], []);
}

for (const name of fs.readdirSync(root).sort()) {
  test(`hs-test-contract fixture: ${name}`, async () => {
    const parser = await loadParser();
    const base = fs.readFileSync(path.join(root, name, 'base_test.go'), 'utf8');
    const current = fs.readFileSync(path.join(root, name, 'current_test.go'), 'utf8');
    const changes = unexplained(compareTexts(parser, base, current, { baseLabel: 'HEAD' }));
    assertWants(name, current, 'hs-test-contract', changes);
    // The base location is real: a non-empty range inside the base text.
    for (const c of changes) assert.ok(c.baseEnd <= base.length && c.baseStart < c.baseEnd, `${name}: base range of ${c.message}`);

    // Each restore brings the base expectation back: after applying it, its finding is gone.
    for (const c of changes.filter((x) => x.restore)) {
      const restored = applyFixes(current, [{ title: 'restore', edits: c.restore! }]).text;
      const after = unexplained(compareTexts(parser, base, restored, { baseLabel: 'HEAD' }));
      assert.ok(!after.some((a) => a.kind === c.kind && a.message === c.message), `${name}: restoring "${c.message}" left it behind:\n${restored}`);
      assert.ok(after.length < changes.length, `${name}: restoring "${c.message}" did not reduce the findings`);
    }
  });
}

test('hs-test-contract: the base compared with itself has no changes, and broken input never throws', async () => {
  const parser = await loadParser();
  for (const name of fs.readdirSync(root)) {
    const base = fs.readFileSync(path.join(root, name, 'base_test.go'), 'utf8');
    assert.deepEqual(compareTexts(parser, base, base, { baseLabel: 'HEAD' }), [], name);
    for (const cut of [10, base.length / 2, base.length - 3]) {
      compareTexts(parser, base, base.slice(0, cut), { baseLabel: 'HEAD' });
      compareTexts(parser, base.slice(0, cut), base, { baseLabel: 'HEAD' });
    }
  }
  const conflicted = '<<<<<<< HEAD\nfunc TestA(t *testing.T) {}\n=======\nfunc TestB(t *testing.T) {}\n>>>>>>> branch\n';
  assert.deepEqual(compareTexts(parser, 'package x\nfunc TestA(t *testing.T) { require.Len(t, x, 1) }\n', conflicted, { baseLabel: 'HEAD' }), []);
});

test('hs-test-contract: incremental contract + memoised compare equal a fresh comparison after edits anywhere', async () => {
  const parser = await loadParser();
  const baseText = generateFile(3, 1500, 6);
  const base = contractOfText(parser, baseText)!;
  const doc = new IncrementalDocument(parser, baseText, 1);
  const modeler = new ContractModeler();
  const memo = new CompareMemo();
  const r = rng(7);
  try {
    for (let i = 0; i < 40; i++) {
      const lines = new LineIndex(doc.text);
      const line = Math.floor(r() * lines.lineCount);
      const lineText = doc.text.slice(lines.lineStart(line), line + 1 < lines.lineCount ? lines.lineStart(line + 1) - 1 : doc.text.length);
      // Change a digit, delete a line, or duplicate one: expectations, removals and moves.
      const kind = i % 3;
      const change =
        kind === 0 && /\d/.test(lineText)
          ? { range: { start: { line, character: lineText.search(/\d/) }, end: { line, character: lineText.search(/\d/) + 1 } }, text: '7' }
          : kind === 1
            ? { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }
            : { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: lineText + '\n' };
      doc.applyChanges([change], i + 2);
      const incremental = compareContracts(base, modeler.contract(doc.currentTree(), doc.text), { baseLabel: 'HEAD', memo });
      const fresh = compareContracts(base, contractOfText(parser, doc.text)!, { baseLabel: 'HEAD' });
      assert.deepEqual(incremental, fresh, `after edit ${i}`);
    }
  } finally {
    doc.dispose();
  }
});

test('hs-test-contract: a contract read in slices equals one read in one stretch, while other parses run in the breaks', async () => {
  const parser = await loadParser();
  const text = generateFile(15, 4500, 14);
  let breaks = 0;
  let typed = 0;
  // Each break parses another document on the typing path's parser, as a keystroke would.
  const pause = () => {
    breaks++;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        parser.parse(`package integration\n\nfunc TestTyped${typed++}(t *testing.T) {}\n`).delete();
        resolve();
      }),
    );
  };
  const sliced = await contractOfTextSliced(parser, text, pause);
  const whole = contractOfText(parser, text);
  assert.ok(sliced && whole);
  assert.deepEqual(sliced, whole);
  // At least one break per function read, and more inside the parse.
  assert.ok(breaks > whole.functions.size, `${breaks} breaks for ${whole.functions.size} functions`);
  const tree = await parser.parseSliced(text, pause);
  const once = parser.parse(text);
  try {
    assert.equal(tree.rootNode.toString(), once.rootNode.toString());
  } finally {
    tree.delete();
    once.delete();
  }
  // A pause that throws (the document changed) cancels the parse cleanly: the error comes out, and the next parse is whole.
  const superseded = new Error('superseded');
  let calls = 0;
  await assert.rejects(
    parser.parseSliced(text, () => {
      if (++calls > 3) throw superseded;
      return new Promise<void>((resolve) => setImmediate(resolve));
    }),
    (e) => e === superseded,
  );
  // Two sliced parses at once take turns on their parser and both come out whole.
  const [a, b] = await Promise.all([parser.parseSliced(text, pause), parser.parseSliced(text.slice(0, text.length / 2), pause)]);
  try {
    assert.equal(a.rootNode.endIndex, text.length);
    assert.equal(b.rootNode.endIndex, Math.floor(text.length / 2));
    assert.equal(a.rootNode.hasError, false);
  } finally {
    a.delete();
    b.delete();
  }
});

test('hs-test-contract: a contract read abandoned at a pause (the document changed) leaves the modeler consistent', async () => {
  const parser = await loadParser();
  const doc = new IncrementalDocument(parser, generateFile(3, 1500, 6), 1);
  const modeler = new ContractModeler();
  const r = rng(11);
  let abandoned = 0;
  try {
    for (let i = 0; i < 12; i++) {
      // Two edits somewhere, then a read given up after a few steps, as when typing goes on during a check.
      for (let k = 0; k < 2; k++) {
        const at = doc.text.indexOf('assert.NoError(c, err)', Math.floor(r() * (doc.text.length - 200)));
        const pos = new LineIndex(doc.text).positionAt((at >= 0 ? at : 100) + 8);
        doc.applyChanges([{ range: { start: pos, end: pos }, text: 'x' }], doc.version + 1);
      }
      const stopAfter = 1 + Math.floor(r() * 30);
      let steps = 0;
      const stop = new Error('superseded');
      const copy = doc.currentTree().copy();
      try {
        await modeler.contractSliced(copy, doc.text, () => {
          if (++steps > stopAfter) throw stop;
          return undefined;
        });
      } catch (e) {
        assert.equal(e, stop);
        abandoned++;
      } finally {
        copy.delete();
      }
      if (i % 3 === 2) assert.deepEqual(modeler.contract(doc.currentTree(), doc.text), new ContractModeler().contract(doc.currentTree(), doc.text), `after edit ${i}`);
    }
    assert.ok(abandoned >= 6, `${abandoned} of 12 reads were abandoned`);
  } finally {
    doc.dispose();
  }
});

for (const name of fs.readdirSync(docRoot).sort()) {
  test(`hs-test-doc fixture: ${name}`, async () => {
    const parser = await loadParser();
    const read = (f: string) => fs.readFileSync(path.join(docRoot, name, f), 'utf8');
    const optionsFile = path.join(docRoot, name, 'options.json');
    const existing = fs.existsSync(optionsFile) && JSON.parse(fs.readFileSync(optionsFile, 'utf8')).docExistingTests === true;
    const current = read('current_test.go');
    const docs = missingTestDocs(contractOfText(parser, current)!, contractOfText(parser, read('base_test.go')), { existing, baseLabel: 'HEAD' });
    assertWants(name, current, 'hs-test-doc', docs);
    const lines = new LineIndex(current);
    for (const d of docs) {
      // The scaffold goes on the func line, names the test, and its first placeholder is the purpose.
      assert.equal(lines.positionAt(d.insertAt).character, 0);
      assert.ok(current.slice(d.insertAt).startsWith(`func ${d.test}(`));
      assert.match(d.snippet, new RegExp(`^// ${d.test} \\$\\{1:[^}]+\\}\\.\\n//\\n// The test verifies:\\n// - \\$\\{2:`));
      // With the scaffold in place the test is documented.
      const documented = current.slice(0, d.insertAt) + d.text + current.slice(d.insertAt);
      assert.ok(!missingTestDocs(contractOfText(parser, documented)!, null, { existing: true, baseLabel: 'HEAD' }).some((x) => x.test === d.test));
    }
  });
}
