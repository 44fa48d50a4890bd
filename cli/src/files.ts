import * as fs from 'fs';
import * as path from 'path';

const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', 'dist', 'out', 'control_logs']);

export class UsageError extends Error {}

/** Expands files and directories into the .go files below them, sorted; a missing path is a usage error. */
export function collectGoFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      if (explicit) throw new UsageError(`no such file or directory: ${p}`);
      return;
    }
    if (st.isDirectory()) {
      if (!explicit && SKIP_DIRS.has(path.basename(p))) return;
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name), false);
    } else if (st.isFile() && (explicit || p.endsWith('.go'))) {
      out.push(p);
    }
  };
  for (const input of inputs) visit(input, true);
  return out;
}
