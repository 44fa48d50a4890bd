import type { Edit, Point, Tree } from 'web-tree-sitter';
import { LineIndex, type LineCol } from './lineIndex';
import type { GoParser } from './parser';
import { sameShapeEdit, withText } from './tokenEdit';

export interface ContentChange {
  /** Absent for a full-document replacement. */
  range?: { start: LineCol; end: LineCol };
  text: string;
}

/**
 * A document's text and syntax tree, kept in step with edits: each change is applied with
 * `tree.edit` and the next parse reuses every unchanged subtree. An edit inside one token that
 * keeps its kind (tokenEdit.ts) needs no parse at all: the edited tree is the new one.
 */
export class IncrementalDocument {
  /** Null after releaseTree(): the next currentTree() parses from scratch. */
  private tree: Tree | null;
  /** Edits are pending that may change the tree's shape: the next currentTree() re-parses. */
  private dirty = false;
  /** Same-shape edits only: the next currentTree() gives the tree a new identity and the new text. */
  private retexted = false;
  /** How many changes were applied without a parse (tests check that the fast path is taken). */
  sameShapeEdits = 0;
  private linesOf: { text: string; lines: LineIndex } | null = null;

  constructor(private readonly parser: GoParser, public text: string, public version: number) {
    this.tree = parser.parse(text);
  }

  /**
   * Line starts of the current text, built once per version: the analysis converts its findings
   * with it, and the next change reads its positions with the same one.
   */
  get lines(): LineIndex {
    if (this.linesOf?.text !== this.text) this.linesOf = { text: this.text, lines: new LineIndex(this.text) };
    return this.linesOf.lines;
  }

  get hasTree(): boolean {
    return this.tree !== null;
  }

  /** Frees the syntax tree (several MB of wasm memory for a large file); the text stays. */
  releaseTree(): void {
    this.tree?.delete();
    this.tree = null;
    this.dirty = false;
    this.retexted = false;
  }

  applyChanges(changes: readonly ContentChange[], version: number): void {
    for (const change of changes) {
      if (!change.range || !this.tree) {
        this.text = change.range ? applyText(this.text, change.range, change.text) : change.text;
        this.releaseTree();
        continue;
      }
      const lines = this.lines;
      const startIndex = lines.offsetAt(change.range.start);
      const oldEndIndex = lines.offsetAt(change.range.end);
      const newText = this.text.slice(0, startIndex) + change.text + this.text.slice(oldEndIndex);
      const sameShape = this.dirty ? null : sameShapeEdit(this.tree, this.text, startIndex, oldEndIndex, change.text);
      if (sameShape) {
        this.tree.edit(sameShape);
        this.text = newText;
        this.retexted = true;
        this.sameShapeEdits++;
        continue;
      }
      const newEndIndex = startIndex + change.text.length;
      const edit: Edit = {
        startIndex,
        oldEndIndex,
        newEndIndex,
        startPosition: point(lines.positionAt(startIndex)),
        oldEndPosition: point(lines.positionAt(oldEndIndex)),
        newEndPosition: endPoint(lines.positionAt(startIndex), change.text),
      };
      this.tree.edit(edit);
      this.text = newText;
      this.dirty = true;
    }
    this.version = version;
  }

  /** The tree for the current text, re-parsed incrementally if edits are pending. */
  currentTree(): Tree {
    if (!this.tree) {
      this.tree = this.parser.parse(this.text);
    } else if (this.dirty) {
      const next = this.parser.parse(this.text, this.tree);
      this.tree.delete();
      this.tree = next;
    } else if (this.retexted) {
      const next = withText(this.tree, this.text);
      this.tree.delete();
      this.tree = next;
    }
    this.dirty = false;
    this.retexted = false;
    return this.tree;
  }

  dispose(): void {
    this.releaseTree();
  }
}

function applyText(text: string, range: { start: LineCol; end: LineCol }, inserted: string): string {
  const lines = new LineIndex(text);
  return text.slice(0, lines.offsetAt(range.start)) + inserted + text.slice(lines.offsetAt(range.end));
}

function point(p: LineCol): Point {
  return { row: p.line, column: p.character };
}

function endPoint(start: LineCol, inserted: string): Point {
  const nl = inserted.lastIndexOf('\n');
  if (nl === -1) return { row: start.line, column: start.character + inserted.length };
  let rows = 0;
  for (let i = 0; i < inserted.length; i++) if (inserted.charCodeAt(i) === 10) rows++;
  return { row: start.line + rows, column: inserted.length - nl - 1 };
}
