/**
 * The setup check every `npm start`/`npm test` pays: verifying a good code-server cache by using it
 * (code-server --version beside loading each native module) and node_modules against the lockfile.
 * Its baseline is `code-server --version` alone, the least any check that runs code-server costs.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { repoRoot } from '../support/parser';
import { median } from './stats';
import { timeProcess } from './timeProcess';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

export function setupCheck(report: Report): void {
  const version = /CODE_SERVER_VERSION="([^"]+)"/.exec(fs.readFileSync(path.join(repoRoot, 'scripts', 'ensure-code-server.sh'), 'utf8'))![1]!;
  const cache = path.join(process.env.HI_WORKBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'hi-workbench'), `code-server-${version}`);
  const bin = path.join(cache, 'node_modules', '.bin', 'code-server');
  const runs = 5;
  const verify = median(Array.from({ length: runs }, () => timeProcess(process.execPath, [path.join(repoRoot, 'scripts', 'verify-code-server.cjs'), cache, version]).ms));
  const baseline = median(Array.from({ length: runs }, () => timeProcess(bin, ['--version'], { env: { XDG_CONFIG_HOME: path.join(cache, '.config') } }).ms));
  report(`code-server cache check on a good cache (--version + 7 native modules), median of ${runs}`, `${verify.toFixed(0)} ms vs ${baseline.toFixed(0)} ms for code-server --version alone`, '≤ 1000 ms', verify <= 1000);
  const deps = median(Array.from({ length: runs }, () => timeProcess(process.execPath, [path.join(repoRoot, 'scripts', 'verify-node-deps.cjs'), repoRoot]).ms));
  report(`node_modules check against package-lock.json, median of ${runs}`, `${deps.toFixed(0)} ms`, '≤ 300 ms', deps <= 300);
}
