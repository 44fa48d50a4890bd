#!/usr/bin/env node
// Verifies a code-server cache by using it, never by a marker file: `code-server --version` runs,
// and every native module code-server needs loads its compiled binary in this Node. npm 11's
// install-script policy can leave those binaries unbuilt while `npm rebuild` still exits 0, so
// exit codes and marker files prove nothing (see CONTRIBUTING.md, "Setting up on a new machine").
//
// Usage: node scripts/verify-code-server.cjs <cache-dir> [expected-version]
// Exit 0: prints one "ok" line. Exit 1: one line per problem on stderr, each naming the file.
// Costs well under a second on a good cache: the version check runs beside the module loads.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The native modules code-server 4.100 loads, and the binary each must load here. `binary` is
 * relative to the module folder; null where the module has no binary on Linux (deviceid builds a
 * Windows-only addon and its JS must still load).
 */
const NATIVE_MODULES = [
  { name: 'argon2', base: 'top', binary: 'lib/binding/napi-v3/argon2.node' },
  { name: 'node-pty', base: 'vscode', binary: 'build/Release/pty.node' },
  { name: '@vscode/spdlog', base: 'vscode', binary: 'build/Release/spdlog.node' },
  { name: 'kerberos', base: 'vscode', binary: 'build/Release/kerberos.node' },
  { name: 'native-watchdog', base: 'vscode', binary: 'build/Release/watchdog.node' },
  { name: '@parcel/watcher', base: 'vscode', binary: '../watcher-linux-x64-glibc/watcher.node' },
  { name: '@vscode/deviceid', base: 'vscode', binary: null },
];

function verify(dest, expectedVersion) {
  const problems = [];
  const top = path.join(dest, 'node_modules');
  const codeServer = path.join(top, 'code-server');
  const vscode = path.join(codeServer, 'lib', 'vscode');
  const bin = path.join(top, '.bin', 'code-server');
  const bases = { top, vscode: path.join(vscode, 'node_modules') };

  if (!fs.existsSync(bin)) return { problems: [`${bin} is missing`], version: undefined };
  // Started first so it runs while this process loads the modules.
  const versionRun = runVersion(bin, dest);

  for (const m of NATIVE_MODULES) {
    const dir = path.join(bases[m.base], m.name);
    const binary = m.binary && path.resolve(dir, m.binary);
    if (binary && !fs.existsSync(binary)) {
      problems.push(`native module ${m.name} was not built: ${binary} is missing`);
      continue;
    }
    try {
      if (binary) require(binary);
      require(dir);
    } catch (error) {
      problems.push(`native module ${m.name} does not load: ${firstLine(error)}`);
    }
  }
  const rg = path.join(bases.vscode, '@vscode', 'ripgrep', 'bin', 'rg');
  if (!isExecutable(rg)) problems.push(`${rg} is missing (copied from Debian's ripgrep)`);
  for (const link of [path.join(vscode, 'node_modules.asar'), path.join(vscode, 'bin', 'remote-cli', 'code-server')]) {
    if (!fs.existsSync(link)) problems.push(`${link} is missing`);
  }
  if (!fs.existsSync(path.join(vscode, 'extensions', 'node_modules'))) {
    problems.push(`${path.join(vscode, 'extensions', 'node_modules')} is missing (built-in extensions' dependencies)`);
  }
  return versionRun.then((v) => {
    if (v.error) problems.push(`code-server --version failed: ${v.error}`);
    else if (expectedVersion && !v.version.startsWith(`${expectedVersion} `)) problems.push(`code-server --version says "${v.version}", expected ${expectedVersion}`);
    return { problems, version: v.version };
  });
}

function runVersion(bin, dest) {
  return new Promise((resolve) => {
    // Its own config home: --version writes a default config file, which is not the user's business.
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dest, '.config'), XDG_DATA_HOME: path.join(dest, '.data') };
    const child = spawn(bin, ['--version'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ error: e.message }));
    child.on('exit', (code) => {
      const version = out.trim().split('\n').pop() ?? '';
      resolve(code === 0 && version ? { version } : { error: `exit ${code}: ${firstLine(err || out)}` });
    });
  });
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function firstLine(value) {
  const text = value instanceof Error ? value.message : String(value);
  return text.trim().split('\n')[0] || '(no output)';
}

if (require.main === module) {
  const [dest, expected] = process.argv.slice(2);
  if (!dest) {
    console.error('usage: verify-code-server.cjs <cache-dir> [expected-version]');
    process.exit(2);
  }
  const started = Date.now();
  Promise.resolve(verify(path.resolve(dest), expected)).then(({ problems, version }) => {
    if (problems.length > 0) {
      for (const p of problems) console.error(`[verify-code-server] ${p}`);
      process.exitCode = 1;
      return;
    }
    console.log(`[verify-code-server] ok: ${version}; ${NATIVE_MODULES.length} native modules load (${Date.now() - started} ms)`);
  });
}

module.exports = { verify, NATIVE_MODULES };
