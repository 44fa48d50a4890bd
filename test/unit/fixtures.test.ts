/**
 * analysistest-style fixtures: test/fixtures/<rule-id>/*.go carry `// want "<rule-id>: <regexp>"`
 * comments (`// want +N "…"` for a finding N lines below); the regexp may match anywhere in the message. Each registered rule runs over its own
 * folder; an unexpected finding fails, and so does a want that nothing matched. Where a file's
 * findings offer fixes, `<file>.golden` holds the text after applying them (UPDATE_GOLDEN=1 rewrites).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzePackage } from '../../server/src/analysis/analyze';
import { applyFixes } from '../../server/src/analysis/applyFixes';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { allRules } from '../../server/src/analysis/rules';
import { loadParser, repoRoot } from '../support/parser';

interface Want {
  line: number;
  ruleId: string;
  pattern: RegExp;
  source: string;
  matched: boolean;
}

const WANT = /\/\/ want(?: ([+-]\d+))?((?:\s+"(?:[^"\\]|\\.)*")+)/;

function parseWants(text: string): Want[] {
  const wants: Want[] = [];
  text.split('\n').forEach((lineText, line) => {
    const m = WANT.exec(lineText);
    if (!m) return;
    const target = line + (m[1] ? Number(m[1]) : 0);
    for (const q of m[2].match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
      const source = JSON.parse(q) as string;
      const m2 = /^([a-z0-9-]+): (.*)$/s.exec(source);
      if (!m2) throw new Error(`want ${q} is not "<rule-id>: <regexp>"`);
      wants.push({ line: target, ruleId: m2[1], pattern: new RegExp(m2[2]), source, matched: false });
    }
  });
  return wants;
}

const fixturesRoot = path.join(repoRoot, 'test', 'fixtures');

for (const rule of allRules) {
  test(`fixtures: ${rule.id}`, async () => {
    const parser = await loadParser();
    const dir = path.join(fixturesRoot, rule.id);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.go'));
    assert.ok(files.length > 0, `no fixtures in ${dir}`);
    let totalWants = 0;
    // A fixture folder is one package, as the CLI sees a directory: facts cross files.
    const errors: unknown[] = [];
    const sources = files.map((name) => ({ path: path.join(dir, name), text: fs.readFileSync(path.join(dir, name), 'utf8') }));
    const results = analyzePackage(parser, sources, { rules: [rule], onRuleError: (_r, e) => errors.push(e) });
    assert.deepEqual(errors, [], `${rule.id}: rule threw`);
    for (const name of files) {
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      const findings = results.get(file) ?? [];
      const lines = new LineIndex(text);
      const wants = parseWants(text);
      totalWants += wants.length;
      const unexpected: string[] = [];
      for (const f of findings) {
        const line = lines.positionAt(f.start).line;
        const subject = `${f.ruleId}: ${f.message}`;
        const want = wants.find((w) => !w.matched && w.line === line && w.ruleId === f.ruleId && w.pattern.test(f.message));
        if (want) want.matched = true;
        else unexpected.push(`${name}:${line + 1}: unexpected finding ${subject}`);
      }
      const unmatched = wants.filter((w) => !w.matched).map((w) => `${name}:${w.line + 1}: no finding matched ${JSON.stringify(w.source)}`);
      assert.deepEqual([...unexpected, ...unmatched], []);

      const withFixes = findings.filter((f) => f.fixes.length > 0);
      const goldenPath = file + '.golden';
      if (withFixes.length === 0) {
        assert.ok(!fs.existsSync(goldenPath), `${name}: golden file exists but no finding offers a fix`);
        continue;
      }
      const fixed = applyFixes(text, withFixes.map((f) => f.fixes[0])).text;
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(goldenPath, fixed);
      assert.ok(fs.existsSync(goldenPath), `${name}: findings offer fixes, but ${path.basename(goldenPath)} is missing (UPDATE_GOLDEN=1)`);
      assert.equal(fixed, fs.readFileSync(goldenPath, 'utf8'), `${name}: fixed output differs from golden`);
      // A fix must not leave its own finding behind.
      const others = sources.filter((o) => o.path !== file);
      const after = analyzePackage(parser, [...others, { path: file, text: fixed }], { rules: [rule] }).get(file) ?? [];
      const fixedAgain = after.filter((f) => withFixes.some((w) => w.fixes[0].isPreferred && w.message === f.message));
      assert.deepEqual(fixedAgain.map((f) => f.message), [], `${name}: preferred fixes left their findings behind`);
    }
    assert.ok(totalWants > 0, `${rule.id}: fixtures have no want comments`);
  });
}

test('fixtures without fixes (the CLI): the same findings with none attached, and no rule is asked to make one', async () => {
  const parser = await loadParser();
  let fixesMade = 0;
  // Every rule's fixes, counted where a rule hands them over as a function (the costly ones).
  const counted = allRules.map((rule) => ({
    ...rule,
    check: (ctx: Parameters<typeof rule.check>[0]) =>
      rule.check({ ...ctx, report: (f) => ctx.report(typeof f.fixes === 'function' ? { ...f, fixes: ((make) => () => (fixesMade++, make()))(f.fixes) } : f) }),
  }));
  let compared = 0;
  for (const id of fs.readdirSync(fixturesRoot)) {
    const dir = path.join(fixturesRoot, id);
    if (!fs.statSync(dir).isDirectory()) continue;
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.go')).map((name) => ({ path: path.join(dir, name), text: fs.readFileSync(path.join(dir, name), 'utf8') }));
    const withFixes = analyzePackage(parser, sources, { rules: counted });
    const made = fixesMade;
    const without = analyzePackage(parser, sources, { rules: counted, fixes: false });
    assert.equal(fixesMade, made, `${id}: a fix was made for a check that prints none`);
    for (const [file, findings] of withFixes) {
      assert.deepEqual(without.get(file), findings.map((f) => ({ ...f, fixes: [] })), path.relative(fixturesRoot, file));
      compared += findings.length;
    }
  }
  assert.ok(fixesMade > 10 && compared > 50, `${fixesMade} fixes made, ${compared} findings compared`);
});
