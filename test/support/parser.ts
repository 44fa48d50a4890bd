import * as path from 'path';
import { GoParser } from '../../server/src/analysis/parser';

/** Repository root (tests run from out/test/…). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The parser as shipped: the wasm files that `npm run build` copies into dist/. */
export function loadParser(): Promise<GoParser> {
  return GoParser.load({ wasmDir: path.join(repoRoot, 'dist') });
}
