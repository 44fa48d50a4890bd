// Bundles the three entry points and copies the wasm files (tree-sitter, sql.js) beside them.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Production bundles (the VSIX) are minified without source maps to keep the extension small.
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // web-tree-sitter's emscripten loader reads import.meta.url, which CJS output leaves empty.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

mkdirSync('dist', { recursive: true });
// Maps from an earlier development build would describe other code.
if (production) for (const f of readdirSync('dist')) if (f.endsWith('.map')) rmSync(`dist/${f}`);
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // dockerode's SSH transport (ssh2) loads optional native speed-ups inside try/catch; the bundle
  // leaves them out and ssh2 falls back to pure JS.
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: ['cpu-features', '*.node'] }),
  // Artifact viewers run in a worker thread (a time and heap budget; the server stays responsive).
  esbuild.build({ ...common, entryPoints: ['server/src/artifacts/viewers/viewerWorker.ts'], outfile: 'dist/viewerWorker.js' }),
  // `check` on a big tree shares the files among worker threads (cli/src/check.ts).
  esbuild.build({ ...common, entryPoints: ['cli/src/checkWorker.ts'], outfile: 'dist/checkWorker.js' }),
  // The CLI entry holds `check` alone; the other commands (dockerode, sql.js: 50 ms to load) are
  // a bundle of their own that it requires only for them (cli/src/cli.ts).
  esbuild.build({ ...common, entryPoints: ['cli/src/cli.ts'], outfile: 'dist/cli.js', external: ['./cliCommands.js'], banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
  esbuild.build({ ...common, entryPoints: ['cli/src/commands.ts'], outfile: 'dist/cliCommands.js', external: ['cpu-features', '*.node'] }),
]);
copyFileSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-go/tree-sitter-go.wasm', 'dist/tree-sitter-go.wasm');
// sql.js (SQLite in wasm) for the database snapshot viewer.
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
