import * as path from 'path';
import type { SourceFile } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import type { Finding } from '../../server/src/analysis/types';

/*
 * The rows `hi-workbench check` prints: findings with 1-based positions (UTF-16 columns, as LSP)
 * and paths as the user sees them. Made by whichever thread analysed the file (checkShare.ts), so
 * a check on several cores turns its findings into rows in parallel too.
 */

export interface CheckLocation {
  /** Relative to the working directory (absolute when it lies on another root). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface CheckRow extends CheckLocation {
  rule: string;
  severity: string;
  message: string;
  /** The finding's related locations (where the shadowed variable was declared, …). */
  related: (CheckLocation & { message: string })[];
}

/** The rows of one file's findings. */
export function fileRows(file: SourceFile, findings: readonly Finding[], cwd: string): CheckRow[] {
  const lines = new LineIndex(file.text);
  const shown = displayPath(file.path, cwd);
  const at = (start: number, end: number): CheckLocation => {
    const s = lines.positionAt(start);
    const e = lines.positionAt(end);
    return { file: shown, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  };
  return findings.map((f) => ({ ...at(f.start, f.end), rule: f.ruleId, severity: f.severity, message: f.message, related: f.related.map((r) => ({ ...at(r.start, r.end), message: r.message })) }));
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(file));
  return rel === '' || path.isAbsolute(rel) ? path.resolve(file) : rel;
}
