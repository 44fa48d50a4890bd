import type { Node } from 'web-tree-sitter';
import type { LineIndex } from './lineIndex';

/**
 * Suppression comments:
 *   //hi:ignore ewt-message,ewt-timing reason…   at the end of the finding's line, or alone on a
 *                                                line above the statement (all its lines)
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
    // A trailing directive covers its own line; one alone on its line covers the next statement,
    // every line of it (a finding on a multi-line EventuallyWithT may sit on its last line).
    const [from, to] = lineText.trim() === '' ? nextStatementLines(root, lines, pos.line + 1) : [pos.line, pos.line];
    for (let line = from; line <= to; line++) {
      const set = result.lines.get(line) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      result.lines.set(line, set);
    }
  }
  return result;
}

function nextStatementLines(root: Node, lines: LineIndex, line: number): [number, number] {
  if (line >= lines.lineCount) return [line, line];
  const start = lines.lineStart(line);
  const lineEnd = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : start;
  const firstCode = root.text.slice(start, lineEnd).search(/\S/);
  let node = firstCode < 0 ? null : root.descendantForIndex(start + firstCode);
  // Climb to the largest node that still starts there: the statement or declaration.
  while (node?.parent && node.parent.startIndex === node.startIndex && node.parent.type !== 'source_file' && node.parent.type !== 'statement_list') {
    node = node.parent;
  }
  return node ? [line, lines.positionAt(node.endIndex).line] : [line, line];
}

export function isSuppressed(s: Suppressions, ruleId: string, line: number): boolean {
  return s.file.has(ruleId) || (s.lines.get(line)?.has(ruleId) ?? false);
}
