#!/usr/bin/env node
// Verifies the project's own npm dependencies against package-lock.json by looking at them, not at
// a marker file: every package the lockfile pins is installed at that version, esbuild's binary
// runs, and the wasm files the bundles ship exist. No dependency of ours needs an install script
// (.npmrc sets ignore-scripts; CONTRIBUTING.md says why), so nothing here depends on npm's policy.
//
// Usage: node scripts/verify-node-deps.cjs [repo-dir]. Exit 0 and one "ok" line, or exit 1 and one
// line per problem (the first few) on stderr.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Files the build copies into dist/ and loads at run time. */
const REQUIRED_FILES = ['node_modules/tree-sitter-go/tree-sitter-go.wasm', 'node_modules/web-tree-sitter/tree-sitter.wasm', 'node_modules/sql.js/dist/sql-wasm.wasm'];

function verify(repo) {
  const problems = [];
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));
  } catch (error) {
    return [`package-lock.json cannot be read: ${error.message}`];
  }
  if (!fs.existsSync(path.join(repo, 'node_modules'))) return ['node_modules is missing'];
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key.startsWith('node_modules/') || entry.link) continue;
    let installed;
    try {
      installed = JSON.parse(fs.readFileSync(path.join(repo, key, 'package.json'), 'utf8')).version;
    } catch {
      // Optional packages are skipped on platforms they are not for (esbuild's other binaries).
      if (!entry.optional && !entry.devOptional) problems.push(`${key} is missing (lockfile: ${entry.version})`);
      continue;
    }
    if (installed !== entry.version) problems.push(`${key} is ${installed}, the lockfile pins ${entry.version}`);
  }
  for (const file of REQUIRED_FILES) {
    if (!fs.existsSync(path.join(repo, file))) problems.push(`${file} is missing`);
  }
  const esbuild = lock.packages?.['node_modules/esbuild']?.version;
  try {
    const version = execFileSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    if (esbuild && version !== esbuild) problems.push(`esbuild --version says ${version}, the lockfile pins ${esbuild}`);
  } catch (error) {
    problems.push(`esbuild does not run: ${String(error.message).split('\n')[0]}`);
  }
  return problems;
}

if (require.main === module) {
  const repo = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const problems = verify(repo);
  if (problems.length > 0) {
    for (const p of problems.slice(0, 10)) console.error(`[verify-node-deps] ${p}`);
    if (problems.length > 10) console.error(`[verify-node-deps] … and ${problems.length - 10} more`);
    process.exitCode = 1;
  } else {
    console.log('[verify-node-deps] ok: every package in package-lock.json is installed at its version');
  }
}

module.exports = { verify };
