/**
 * ARCHITECTURE.md stays true: every module is on its map, and the import invariants it states
 * hold (the analysis core is pure; only the client talks to VS Code).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/parser';

const ROOTS = ['client/src', 'server/src', 'shared/src', 'cli/src'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|require\('([^']+)'\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const map = fs.readFileSync(path.join(repoRoot, 'ARCHITECTURE.md'), 'utf8');

test('every module is on the map in ARCHITECTURE.md', () => {
  const missing = ROOTS.flatMap(sources).filter((file) => {
    const base = path.basename(file);
    // Rules are one file per id under the map's `rules/<rule-id>.ts` entry.
    if (/\/analysis\/rules\/[a-z-]+\.ts$/.test(file)) return false;
    return !map.includes(base) && !map.includes(base.replace(/\.ts$/, ''));
  });
  assert.deepEqual(missing, [], 'modules missing from ARCHITECTURE.md');
});

test('the analysis core imports neither VS Code, the language server protocol, the file system nor processes', () => {
  const forbidden = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|(node:)?(fs|child_process|worker_threads|net))$/;
  const offenders = sources('server/src/analysis').flatMap((file) => importsOf(file).filter((i) => forbidden.test(i)).map((i) => `${file}: ${i}`));
  assert.deepEqual(offenders, []);
});

test('only the client imports vscode; the client never imports server code', () => {
  const offenders = ['server/src', 'shared/src', 'cli/src'].flatMap(sources).flatMap((file) => importsOf(file).filter((i) => i === 'vscode').map((i) => `${file}: ${i}`));
  assert.deepEqual(offenders, []);
  const intoServer = sources('client/src').flatMap((file) => importsOf(file).filter((i) => /(^|\/)server\/src\//.test(i)).map((i) => `${file}: ${i}`));
  assert.deepEqual(intoServer, []);
});
