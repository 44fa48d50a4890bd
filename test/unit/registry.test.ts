/** One name everywhere: every registered rule has its file, fixtures, setting and README section. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RULE_PAGES_DIR, renderRuleDocs, renderRulePage, replaceRuleDocs } from '../../server/src/analysis/ruleDocs';
import { documentedRules } from '../../server/src/analysis/rules';
import { repoRoot } from '../support/parser';

test('every rule: file = id, fixture folder, settings entry, title line, kebab-case id', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const props = pkg.contributes?.configuration?.properties ?? {};
  const ids = new Set<string>();
  for (const rule of documentedRules) {
    assert.match(rule.id, /^[a-z]+(-[a-z]+)+$/);
    assert.ok(!ids.has(rule.id), `duplicate id ${rule.id}`);
    ids.add(rule.id);
    assert.ok(fs.existsSync(path.join(repoRoot, 'server', 'src', 'analysis', 'rules', `${rule.id}.ts`)), `${rule.id}: rule file`);
    assert.ok(fs.existsSync(path.join(repoRoot, 'test', 'fixtures', rule.id)), `${rule.id}: fixture folder`);
    const setting = props[`headscale.rules.${rule.id}`];
    assert.ok(setting, `${rule.id}: settings entry headscale.rules.${rule.id}`);
    assert.equal(setting.default, 'default');
    assert.ok(rule.doc.split('\n')[0].trim().endsWith('.'), `${rule.id}: doc starts with a one-line title`);
  }
  const files = fs.readdirSync(path.join(repoRoot, 'server', 'src', 'analysis', 'rules')).filter((f) => f !== 'index.ts');
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), [...ids].sort(), 'every rule file is registered');
  const folders = fs.readdirSync(path.join(repoRoot, 'test', 'fixtures'));
  assert.deepEqual(folders.sort(), [...ids].sort(), 'every fixture folder belongs to a rule');
});

test('README rule section is generated from the registry (run `npm run docs` when this fails)', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const regenerated = replaceRuleDocs(readme, renderRuleDocs(documentedRules));
  assert.ok(regenerated !== null, 'README has the rule-docs markers');
  assert.equal(readme, regenerated, 'README rule docs are stale');
});

test('docs/rules/<id>.md is generated from the registry, one page per rule (run `npm run docs` when this fails)', () => {
  const dir = path.join(repoRoot, RULE_PAGES_DIR);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort(), documentedRules.map((r) => `${r.id}.md`).sort(), 'one page per rule');
  for (const rule of documentedRules) assert.equal(fs.readFileSync(path.join(dir, `${rule.id}.md`), 'utf8'), renderRulePage(rule), `${rule.id}.md is stale`);
});

test('the VSIX ships the rule pages the diagnostics link to', () => {
  const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes(`!${RULE_PAGES_DIR}/*.md`), '.vscodeignore keeps docs/rules/*.md');
});
