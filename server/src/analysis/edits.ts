import type { Node } from 'web-tree-sitter';
import type { GoFile } from './goFile';
import { indentOf, lineEndOffset, lineStartOffset } from './syntax';
import type { TextEdit } from './types';

/** Fix-building helpers: every edit is a plain offset range, converted to LSP at the boundary. */

export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** Inserts whole lines before the line holding `node`, indented like it. */
export function insertLinesBefore(file: GoFile, node: Node, lines: string[]): TextEdit {
  const at = lineStartOffset(file.text, node.startIndex);
  const indent = indentOf(file.text, node.startIndex);
  return { start: at, end: at, newText: lines.map((l) => indent + l + '\n').join('') };
}

/** Removes the full lines spanned by `from`..`to` (inclusive). */
export function deleteLines(file: GoFile, from: Node, to: Node = from): TextEdit {
  return { start: lineStartOffset(file.text, from.startIndex), end: lineEndOffset(file.text, to.endIndex), newText: '' };
}

/** The source lines spanned by the nodes, without their trailing newline. */
export function linesOf(file: GoFile, from: Node, to: Node = from): string {
  return file.text.slice(lineStartOffset(file.text, from.startIndex), lineEndOffset(file.text, to.endIndex)).replace(/\n$/, '');
}

/** An edit adding `import "path"` (as `alias "path"` when aliased), or none when present. */
export function addImport(file: GoFile, importPath: string, present: string | null): TextEdit[] {
  if (present) return [];
  const spec = `"${importPath}"`;
  const decl = file.imports.declarations[0];
  if (decl) {
    const list = decl.namedChildren.find((c) => c?.type === 'import_spec_list');
    if (list) {
      const close = list.endIndex - 1;
      return [{ start: lineStartOffset(file.text, close), end: lineStartOffset(file.text, close), newText: `\t${spec}\n` }];
    }
    return [{ start: decl.endIndex, end: decl.endIndex, newText: `\nimport ${spec}` }];
  }
  const pkg = file.root.namedChildren.find((c) => c?.type === 'package_clause');
  const at = pkg ? pkg.endIndex : 0;
  return [{ start: at, end: at, newText: `\n\nimport ${spec}` }];
}

export function quote(s: string): string {
  return JSON.stringify(s);
}
