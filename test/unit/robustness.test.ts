/**
 * The analyzer never throws and stays fast on any input: a seeded mutation fuzz over every
 * fixture (deleting, duplicating and swapping tokens and lines), plus hostile whole inputs.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer, analyzeText } from '../../server/src/analysis/analyze';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { generateFile, rng } from '../bench/generate';
import { loadParser, repoRoot } from '../support/parser';

const fixtureTexts = (() => {
  const root = path.join(repoRoot, 'test', 'fixtures');
  return fs.readdirSync(root).flatMap((dir) =>
    fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.go')).map((f) => ({ name: f, text: fs.readFileSync(path.join(root, dir, f), 'utf8') })),
  );
})();

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(r() * lines.length);
    const j = Math.floor(r() * lines.length);
    switch (Math.floor(r() * 6)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[j]); break;
      case 2: [lines[i], lines[j]] = [lines[j], lines[i]]; break;
      default: {
        const tokens = lines[i].split(/(\s+|[(){}\[\],.:=])/);
        const t = Math.floor(r() * tokens.length);
        const u = Math.floor(r() * tokens.length);
        const op = Math.floor(r() * 3);
        if (op === 0) tokens.splice(t, 1);
        else if (op === 1) tokens.splice(t, 0, tokens[u]);
        else [tokens[t], tokens[u]] = [tokens[u], tokens[t]];
        lines[i] = tokens.join('');
      }
    }
  }
  return lines.join('\n');
}

test('mutation fuzz: 10 000 mutated fixtures, no exception, each under 1 s', async () => {
  const parser = await loadParser();
  const r = rng(20261125);
  let slowest = 0;
  let findings = 0;
  for (let i = 0; i < 10_000; i++) {
    const source = fixtureTexts[i % fixtureTexts.length];
    const text = mutate(source.text, r);
    const errors: unknown[] = [];
    const t0 = performance.now();
    findings += analyzeText(parser, source.name, text, { onRuleError: (rule, e) => errors.push(`${rule.id}: ${String((e as Error)?.stack ?? e)}`) }).length;
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    assert.deepEqual(errors, [], `input ${i} (from ${source.name}) made a rule throw:\n${text}`);
    assert.ok(ms < 1000, `input ${i} took ${ms} ms`);
  }
  assert.ok(findings > 0, 'the fuzz inputs produced no findings at all: the harness is not analysing');
  console.log(`fuzz: 10000 inputs, slowest ${slowest.toFixed(1)} ms, ${findings} findings`);
});

test('incremental analysis equals a fresh analysis after random edits', async () => {
  const parser = await loadParser();
  const r = rng(7);
  const text = generateFile(3, 1200, 4);
  const doc = new IncrementalDocument(parser, text, 1);
  const analyzer = new Analyzer();
  analyzer.analyze('e_test.go', doc.text, doc.currentTree());
  for (let i = 0; i < 40; i++) {
    const lines = new LineIndex(doc.text);
    const a = Math.floor(r() * doc.text.length);
    const b = Math.min(doc.text.length, a + Math.floor(r() * 30));
    const insert = ['', 'x', '}', '\n', 'assert.EventuallyWithT(t, func(c *assert.CollectT) {', ':='][Math.floor(r() * 6)];
    doc.applyChanges([{ range: { start: lines.positionAt(a), end: lines.positionAt(b) }, text: insert }], i + 2);
    const incremental = analyzer.analyze('e_test.go', doc.text, doc.currentTree());
    const fresh = analyzeText(parser, 'e_test.go', doc.text);
    assert.deepEqual(incremental, fresh, `edit ${i} diverged`);
  }
});

test('hostile inputs: empty, package only, non-UTF-8, NUL bytes, 5 MB', async () => {
  const parser = await loadParser();
  const run = (text: string) => {
    const errors: unknown[] = [];
    const out = analyzeText(parser, 'x_test.go', text, { onRuleError: (_r, e) => errors.push(e) });
    assert.deepEqual(errors, []);
    return out;
  };
  assert.deepEqual(run(''), []);
  assert.deepEqual(run('package x'), []);
  const invalid = Buffer.concat([Buffer.from('package x\n// \xff\xfe broken '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0, 0]), Buffer.from('\nfunc TestX(t *testing.T) {}\n')]).toString('utf8');
  assert.deepEqual(run(invalid), []);
  const withFinding = fixtureTexts.find((f) => f.name === 'outer_t_test.go')!.text.replace('package integration', 'package integration // \ufffd\u0000');
  assert.ok(run(withFinding).length > 0, 'a file with odd bytes still gets its findings');

  let big = generateFile(1, 4500, 14);
  while (big.length < 5_000_000) big += generateFile(big.length, 4500, 14).replace(/^package[\s\S]*?\n\)\n/, '');
  const t0 = performance.now();
  const findings = run(big);
  const ms = performance.now() - t0;
  assert.ok(findings.length > 100, 'a 5 MB file is analysed, not skipped');
  console.log(`5 MB file: ${(big.length / 1e6).toFixed(1)} MB, ${findings.length} findings in ${ms.toFixed(0)} ms`);
});
