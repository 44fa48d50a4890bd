/**
 * The setup checks that `npm start` and `npm test` run on every start: a damaged code-server cache
 * or node_modules is detected by using it (no marker file), and the e2e suite fails once, with one
 * line, when code-server cannot work. Damage is made in shadow trees over the real installs, so no
 * test reinstalls anything.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { repoRoot } from '../support/parser';
import { shadowTree } from '../support/shadowTree';

const cacheRoot = process.env.HI_WORKBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'hi-workbench');
// The version lives in one place: the script that installs it.
const version = /CODE_SERVER_VERSION="([^"]+)"/.exec(fs.readFileSync(path.join(repoRoot, 'scripts', 'ensure-code-server.sh'), 'utf8'))![1]!;
const cache = path.join(cacheRoot, `code-server-${version}`);
const vscodeModules = 'node_modules/code-server/lib/vscode/node_modules';

let tmp: string;
before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-setup-'))));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function verifyCodeServer(dest: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'verify-code-server.cjs'), dest, version], { encoding: 'utf8' });
}

describe('code-server cache verification', () => {
  it('passes on the installed cache, running code-server --version', () => {
    const r = verifyCodeServer(cache);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`ok: ${version.replace(/\./g, '\\.')} .*native modules load`));
  });

  for (const [module, binary] of [
    ['argon2', 'node_modules/argon2/lib/binding/napi-v3/argon2.node'],
    ['node-pty', `${vscodeModules}/node-pty/build/Release/pty.node`],
    ['@vscode/spdlog', `${vscodeModules}/@vscode/spdlog/build/Release/spdlog.node`],
  ] as const) {
    it(`detects a cache whose ${module} binary is gone (an old script's or interrupted install)`, () => {
      const dest = path.join(tmp, `cache-${module.replace('/', '_')}`);
      const moduleDir = binary.slice(0, binary.indexOf(module) + module.length);
      shadowTree(cache, dest, moduleDir);
      fs.rmSync(path.join(dest, binary));
      // The marker an older script trusted says nothing now.
      fs.writeFileSync(path.join(dest, '.complete'), '');
      const r = verifyCodeServer(dest);
      assert.equal(r.status, 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.equal(lines[0], `[verify-code-server] native module ${module} was not built: ${path.join(dest, binary)} is missing`);
    });
  }

  it('detects a binary that exists but does not load (truncated build)', () => {
    const dest = path.join(tmp, 'cache-corrupt');
    shadowTree(cache, dest, `${vscodeModules}/native-watchdog`);
    fs.writeFileSync(path.join(dest, vscodeModules, 'native-watchdog/build/Release/watchdog.node'), 'not an ELF file');
    const r = verifyCodeServer(dest);
    assert.equal(r.status, 1);
    assert.match(r.stderr.trim(), /^\[verify-code-server\] native module native-watchdog does not load: .*(invalid ELF header|file too short)/);
  });

  it('detects a missing ripgrep copy and a code-server that does not run', () => {
    const dest = path.join(tmp, 'cache-rg');
    shadowTree(cache, dest, `${vscodeModules}/@vscode/ripgrep`);
    fs.rmSync(path.join(dest, vscodeModules, '@vscode/ripgrep/bin/rg'));
    assert.match(verifyCodeServer(dest).stderr, /ripgrep\/bin\/rg is missing/);
    const noBin = path.join(tmp, 'cache-nobin');
    shadowTree(cache, noBin, 'node_modules/.bin');
    fs.rmSync(path.join(noBin, 'node_modules/.bin/code-server'));
    const r = verifyCodeServer(noBin);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /code-server is missing/);
  });
});

describe('project dependency verification', () => {
  function verifyDeps(repo: string) {
    return spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'verify-node-deps.cjs'), repo], { encoding: 'utf8' });
  }

  it('passes on this checkout', () => {
    const r = verifyDeps(repoRoot);
    assert.equal(r.status, 0, r.stderr);
  });

  it('names a package whose version does not match the lockfile, and a missing wasm file', () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    fs.symlinkSync(path.join(repoRoot, 'package-lock.json'), path.join(repo, 'package-lock.json'));
    shadowTree(path.join(repoRoot, 'node_modules'), path.join(repo, 'node_modules'), 'semver');
    const pkgFile = path.join(repo, 'node_modules', 'semver', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
    const pinned = pkg.version;
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: '0.0.1' }));
    let r = verifyDeps(repo);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`node_modules/semver is 0\\.0\\.1, the lockfile pins ${pinned.replace(/\./g, '\\.')}`));

    const repo2 = path.join(tmp, 'repo2');
    fs.mkdirSync(repo2);
    fs.symlinkSync(path.join(repoRoot, 'package-lock.json'), path.join(repo2, 'package-lock.json'));
    shadowTree(path.join(repoRoot, 'node_modules'), path.join(repo2, 'node_modules'), 'tree-sitter-go');
    fs.rmSync(path.join(repo2, 'node_modules', 'tree-sitter-go', 'tree-sitter-go.wasm'));
    r = verifyDeps(repo2);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /tree-sitter-go\.wasm is missing/);
  });
});

describe('e2e setup check', () => {
  it('fails once, with one line naming the cause and the log, when code-server cannot run', () => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'hi-workbench.vsix'))) {
      execFileSync('npm', ['run', 'package', '--silent'], { cwd: repoRoot, stdio: 'ignore' });
    }
    const dest = path.join(tmp, 'cache-e2e');
    shadowTree(cache, dest, 'node_modules/argon2');
    fs.rmSync(path.join(dest, 'node_modules/argon2/lib/binding/napi-v3/argon2.node'));
    // Node resolves symlinks to their targets unless told not to; preserved, code-server's
    // require('argon2') finds the damaged copy, exactly as on a cache with an unbuilt module.
    const wrapper = path.join(tmp, 'code-server');
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nNODE_OPTIONS="--preserve-symlinks --preserve-symlinks-main" exec "${process.execPath}" "${path.join(dest, 'node_modules/code-server/out/node/entry.js')}" "$@"\n`,
      { mode: 0o755 },
    );
    const runDir = fs.mkdtempSync(path.join(tmp, 'e2e-run-'));
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'out', 'test', 'e2e', 'setup.js')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, HI_CODE_SERVER: wrapper, HI_E2E_RUN_DIR: runDir },
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^\[e2e setup\] FAILED, no spec was run: the VSIX could not be installed into code-server: .*argon2\.node.* \(log: test-results\/e2e-setup\.log\)$/);
    assert.match(fs.readFileSync(path.join(repoRoot, 'test-results', 'e2e-setup.log'), 'utf8'), /argon2\.node/);
  });
});
