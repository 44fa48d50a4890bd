import type { Node } from 'web-tree-sitter';
import type { LineIndex } from './lineIndex';

/**
 * Suppression comments:
 *   //hi:ignore ewt-message,ewt-timing reason…   on the finding's line, or alone on the line above
 *   //hi:ignore-file ewt-timing                    anywhere in the file: the whole file
 * Ids are separated by commas or spaces; anything after `--` is a free-form reason.
 */
export interface Suppressions {
  file: Set<string>;
  /** line (0-based) → ids suppressed on that line. */
  lines: Map<number, Set<string>>;
}

const DIRECTIVE = /\/\/\s*hi:ignore(-file)?\b([^\n]*)/g;

export function parseSuppressions(root: Node, text: string, lines: LineIndex): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map() };
  for (const m of text.matchAll(DIRECTIVE)) {
    const offset = m.index ?? 0;
    // Only real comments count, not the same text inside a string literal.
    const node = root.descendantForIndex(offset, offset + 2);
    if (!node || node.type !== 'comment') continue;
    const ids = m[2].split('--')[0].split(/[\s,]+/).filter((s) => /^[a-z][a-z0-9-]*$/.test(s));
    if (m[1]) {
      ids.forEach((id) => result.file.add(id));
      continue;
    }
    const pos = lines.positionAt(offset);
    const lineText = text.slice(lines.lineStart(pos.line), offset);
    // A directive alone on its line covers the next line; a trailing one covers its own.
    const target = lineText.trim() === '' ? pos.line + 1 : pos.line;
    const set = result.lines.get(target) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    result.lines.set(target, set);
  }
  return result;
}

export function isSuppressed(s: Suppressions, ruleId: string, line: number): boolean {
  return s.file.has(ruleId) || (s.lines.get(line)?.has(ruleId) ?? false);
}
